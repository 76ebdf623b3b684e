/**
 * `openskylab analyze` as a user runs it, in a child process: a rendered star field written as
 * FITS gives its figures as JSON (star count near the truth, HFR near the analytic value, the
 * pixel scale from the header or the flag) and as a table with the star list; a missing file, a
 * file that is not FITS and a bad flag give a clear message and a non-zero exit.
 */
import { join } from "node:path";
import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { encodeFits } from "../../lib/fits/mod.ts";
import { renderStarfield } from "../fixtures/starfield.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

async function openskylab(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

Deno.test("analyze: figures as JSON and as a table with the star list", async () => {
  const dir = await Deno.makeTempDir({ prefix: "openskylab-analyze-" });
  try {
    const field = renderStarfield({ widthPx: 800, heightPx: 600, seed: 3, starCount: 60 });
    const file = join(dir, "field.fits");
    // 3.76 µm at 800 mm: 0.9694″/px.
    const cards = [{ key: "FOCALLEN", value: 800 }, { key: "XPIXSZ", value: 3.76 }];
    await Deno.writeFile(file, encodeFits({ ...field.image, pixels: field.pixels16 }, cards));

    const json = await openskylab(["analyze", file, "--json"]);
    assertEquals(json.code, 0, json.stderr);
    const figures = JSON.parse(json.stdout);
    const bright = field.stars.filter((s) => s.snr >= 10).length;
    assert(figures.starCount >= bright && figures.starCount <= field.stars.length, json.stdout);
    assert(Math.abs(figures.medianHfrPx / field.hfrPx - 1) < 0.05, `HFR ${figures.medianHfrPx}`);
    assert(Math.abs(figures.medianHfrArcsec / figures.medianHfrPx - 0.9694) < 1e-3);
    assertEquals(figures.stars, undefined);

    const scaled = JSON.parse(
      (await openskylab(["analyze", file, "--json", "--pixel-scale", "2"])).stdout,
    );
    assert(Math.abs(scaled.medianFwhmArcsec - 2 * scaled.medianFwhmPx) < 1e-9);

    const text = await openskylab(["analyze", file, "--stars"]);
    assertEquals(text.code, 0, text.stderr);
    assertMatch(text.stdout, new RegExp(`stars\\s+${figures.starCount}\\n`));
    assertMatch(text.stdout, /median HFR\s+[\d.]+ px \([\d.]+″\)/);
    const starLines = text.stdout.split("\n").filter((l) => /^\s+\d+\.\d\d\s+\d+\.\d\d\s/.test(l));
    assertEquals(starLines.length, figures.starCount);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("analyze: a missing file, a non-FITS file and bad flags are refused clearly", async () => {
  const dir = await Deno.makeTempDir({ prefix: "openskylab-analyze-" });
  try {
    const missing = await openskylab(["analyze", join(dir, "nope.fits")]);
    assertEquals(missing.code, 1);
    assertMatch(missing.stderr, /cannot read .*nope\.fits: no such file/);

    const text = join(dir, "notes.fits");
    await Deno.writeTextFile(text, "these are not pixels\n".repeat(200));
    const notFits = await openskylab(["analyze", text]);
    assertEquals(notFits.code, 1);
    assertMatch(notFits.stderr, /notes\.fits is not a readable FITS image/);

    const noFile = await openskylab(["analyze"]);
    assertEquals(noFile.code, 2);
    assertMatch(noFile.stderr, /no FITS file given/);
    const badScale = await openskylab(["analyze", text, "--pixel-scale", "-1"]);
    assertEquals(badScale.code, 2);
    assertMatch(badScale.stderr, /--pixel-scale needs a positive number/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
