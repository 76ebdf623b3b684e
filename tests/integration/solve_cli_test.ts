/**
 * `openskylab solve` as a user runs it, in a child process, with the real solve-field: a Tycho-2
 * frame with FOCALLEN/XPIXSZ in its header solves blind to its true centre as JSON and as a
 * table; bad flags and a missing or non-FITS file give a clear message and a non-zero exit.
 */
import { join } from "node:path";
import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { renderSkyFrame, TYCHO2_INDEX } from "../fixtures/sky_frame.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const HAVE_SOLVER = (() => {
  try {
    return Deno.statSync(TYCHO2_INDEX).isFile && Deno.statSync("/usr/bin/solve-field").isFile;
  } catch {
    return false;
  }
})();

async function openskylab(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

Deno.test({
  name: "solve CLI: a Tycho-2 frame solves from its header's scale, as JSON and as a table",
  ignore: !HAVE_SOLVER,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "openskylab-solve-cli-" });
    try {
      // 12.5 µm at 515.66 mm: 5.000″/px.
      const truth = {
        raDeg: 10.68,
        decDeg: 41.27,
        pixelScaleArcsec: 5,
        positionAngleDeg: 120,
        mirrored: false,
        widthPx: 1600,
        heightPx: 1200,
      };
      const { fits } = await renderSkyFrame(truth, 7, [
        { key: "FOCALLEN", value: 206.264806 * 12.5 / 5 },
        { key: "XPIXSZ", value: 12.5 },
      ]);
      const file = join(dir, "m31.fits");
      await Deno.writeFile(file, fits);
      const json = await openskylab(["solve", file, "--json"]);
      assertEquals(json.code, 0, json.stderr + json.stdout);
      const r = JSON.parse(json.stdout);
      assertEquals(r.solver, "astrometry.net");
      assert(Math.abs(r.ra * 15 - truth.raDeg) * Math.cos(truth.decDeg * Math.PI / 180) * 3600 < 5);
      assert(Math.abs(r.dec - truth.decDeg) * 3600 < 5);
      assert(Math.abs(r.position_angle - 120) < 0.5);
      const text = await openskylab(["solve", file, "--ra", "0.712", "--dec", "41"]);
      assertEquals(text.code, 0, text.stderr);
      assertMatch(text.stdout, /solver +astrometry\.net/);
      assertMatch(text.stdout, /pixel scale +(4\.99\d|5\.00\d)″\/px/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("solve CLI: bad flags, a missing file and a non-FITS file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "openskylab-solve-cli-" });
  try {
    const half = await openskylab(["solve", "x.fits", "--ra", "5"]);
    assertEquals(half.code, 2);
    assertMatch(half.stderr, /give both --ra and --dec/);
    const none = await openskylab(["solve", join(dir, "none.fits")]);
    assertEquals(none.code, 1);
    assertMatch(none.stderr, /no such file/);
    await Deno.writeTextFile(join(dir, "t.fits"), "text ".repeat(1000));
    const text = await openskylab(["solve", join(dir, "t.fits")]);
    assertEquals(text.code, 1);
    assertMatch(text.stderr, /not a FITS file/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
