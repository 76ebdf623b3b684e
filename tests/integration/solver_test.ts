/**
 * The plate solver through the API with the real astrometry.net `solve-field` and the Debian
 * Tycho-2 index files: frames rendered from the index's own stars at a known WCS must solve to
 * within 5″ of the true centre, 0.5° of the position angle and 0.5 % of the pixel scale. The
 * server is pointed at an ASTAP database directory that does not exist — Debian ships none, but
 * a machine may have one installed — so every solve must come from the fallback.
 */
import { join } from "node:path";
import { assert, assertEquals } from "../_assert.ts";
import { renderSkyFrame, type SkyFrameTruth, TYCHO2_INDEX } from "../fixtures/sky_frame.ts";
import { type TestServer, withServer } from "./_server.ts";

const HAVE_SOLVER = (() => {
  try {
    return Deno.statSync(TYCHO2_INDEX).isFile && Deno.statSync("/usr/bin/solve-field").isFile;
  } catch {
    return false;
  }
})();
const SCALE_ARCSEC = 5;
/** Whatever ASTAP databases this machine has, these tests solve with astrometry.net. */
const NO_ASTAP_DATABASE = '[solver]\nastap_database_dir = "/nonexistent/astap-database"\n';

/** Sets the active profile's optics so its pixel scale is `SCALE_ARCSEC` (the frames' truth). */
async function matchProfileScale(t: TestServer): Promise<void> {
  const p = await t.json<Record<string, unknown> & { id: string; optics: object }>(
    "GET",
    "/profiles/active",
  );
  const { id: _id, created_at: _c, updated_at: _u, active: _a, ...input } = p;
  const pixelUm = SCALE_ARCSEC * 530 / 206.264806;
  await t.json("PUT", `/profiles/${p.id}`, {
    ...input,
    optics: { focal_length_mm: 530, aperture_mm: 106, pixel_size_um: pixelUm },
  });
}

async function waitResult(t: TestServer, id: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const r = await t.json("GET", `/solver/result/${id}`);
    if (r.status !== "pending") return r;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`solve ${id} still pending after 90 s`);
}

function separationArcsec(ra1Deg: number, dec1Deg: number, ra2Deg: number, dec2Deg: number) {
  const r = Math.PI / 180;
  const c = Math.sin(dec1Deg * r) * Math.sin(dec2Deg * r) +
    Math.cos(dec1Deg * r) * Math.cos(dec2Deg * r) * Math.cos((ra1Deg - ra2Deg) * r);
  return Math.acos(Math.min(1, c)) / r * 3600;
}

function angleDiffDeg(a: number, b: number): number {
  const d = ((a - b) % 360 + 540) % 360 - 180;
  return Math.abs(d);
}

async function solveAndCheck(
  t: TestServer,
  truth: SkyFrameTruth,
  name: string,
  hint: { ra_hint: number; dec_hint: number } | null,
) {
  const { fits, starsOnFrame } = await renderSkyFrame(truth, name.length);
  assert(starsOnFrame > 30, `only ${starsOnFrame} catalogue stars on the frame`);
  await Deno.mkdir(join(t.dataDir, "solve"), { recursive: true });
  await Deno.writeFile(join(t.dataDir, "solve", name), fits);
  const res = await t.api("POST", "/solver/solve", { image_path: `solve/${name}`, ...hint });
  assertEquals(res.status, 202);
  const { id } = await res.json();
  const r = await waitResult(t, id);
  assertEquals(r.status, "solved", String(r.error));
  assertEquals(r.solver, "astrometry.net");
  const sepArcsec = separationArcsec(
    (r.ra as number) * 15,
    r.dec as number,
    truth.raDeg,
    truth.decDeg,
  );
  const paErrDeg = angleDiffDeg(r.position_angle as number, truth.positionAngleDeg);
  const scaleErr = Math.abs((r.pixel_scale as number) / truth.pixelScaleArcsec - 1);
  console.log(
    `${name}: centre ${sepArcsec.toFixed(2)}″ off, PA ${paErrDeg.toFixed(4)}° off, scale ` +
      `${(scaleErr * 100).toFixed(4)} % off, ${Math.round(r.duration_ms as number)} ms`,
  );
  assert(sepArcsec < 5, `centre ${sepArcsec}″ from the truth`);
  assert(paErrDeg < 0.5, `position angle ${r.position_angle} vs ${truth.positionAngleDeg}`);
  assert(scaleErr < 0.005, `pixel scale ${r.pixel_scale} vs ${truth.pixelScaleArcsec}`);
  assertEquals(r.mirrored, truth.mirrored);
  const fieldW = truth.widthPx * truth.pixelScaleArcsec / 3600;
  assert(Math.abs((r.field_width as number) - fieldW) < fieldW * 0.005);
  return id as string;
}

Deno.test({
  name: "solve: real solve-field on Tycho-2 frames, hinted, mis-hinted (blind retry), mirrored",
  ignore: !HAVE_SOLVER,
  fn: () =>
    withServer(async (t) => {
      await matchProfileScale(t);
      const events = await t.events("solver.result");
      const idA = await solveAndCheck(
        t,
        {
          raDeg: 83.8,
          decDeg: -5.4,
          pixelScaleArcsec: SCALE_ARCSEC,
          positionAngleDeg: 30,
          mirrored: false,
          widthPx: 1600,
          heightPx: 1200,
        },
        "orion.fits",
        { ra_hint: 83.5 / 15, dec_hint: -5 },
      );
      // A hint 40° off: the hinted search fails and the blind one must find it.
      await solveAndCheck(
        t,
        {
          raDeg: 201.3,
          decDeg: 41.2,
          pixelScaleArcsec: SCALE_ARCSEC,
          positionAngleDeg: 250,
          mirrored: true,
          widthPx: 1600,
          heightPx: 1200,
        },
        "cvn_mirrored.fits",
        { ra_hint: 201.3 / 15, dec_hint: 1.2 },
      );
      const ev = await events.waitFor("solver.result", (d) => d.id === idA);
      assertEquals(ev.data.status, "solved");
      assertEquals(ev.data.solver, "astrometry.net");
    }, { configToml: NO_ASTAP_DATABASE }),
});

Deno.test({
  name: "solve: bad image paths and hints are refused with 400 naming the field",
  fn: () =>
    withServer(async (t) => {
      const outside = await Deno.makeTempFile({ suffix: ".fits" });
      try {
        await Deno.mkdir(join(t.dataDir, "solve"), { recursive: true });
        await Deno.symlink(outside, join(t.dataDir, "solve", "escape.fits"));
        await Deno.writeTextFile(join(t.dataDir, "solve", "text.fits"), "not fits ".repeat(400));
        for (
          const image_path of [
            "../../etc/passwd",
            "/etc/passwd",
            outside,
            "solve/escape.fits",
            "solve/text.fits",
            "solve/missing.fits",
          ]
        ) {
          const res = await t.api("POST", "/solver/solve", { image_path });
          const body = await res.json();
          assertEquals(res.status, 400, image_path);
          assert(String(body.error.message).includes("body.image_path"), body.error.message);
        }
        const res = await t.api("POST", "/solver/solve", { image_path: "x.fits", ra_hint: 5 });
        assertEquals(res.status, 400);
        await res.body?.cancel();
        assertEquals(await t.status("GET", "/solver/result/nope"), 404);
      } finally {
        await Deno.remove(outside);
      }
    }),
});

Deno.test({
  name: "solve: /solver/indexes lists the Tycho-2 files and which cover the profile's field",
  ignore: !HAVE_SOLVER,
  fn: () =>
    withServer(async (t) => {
      await matchProfileScale(t);
      const r = await t.json<{
        field_width_arcmin: number | null;
        astap: unknown[];
        astrometry_net: {
          index_id: number;
          covers_field: boolean;
          quad_min_arcmin: number;
          quad_max_arcmin: number;
        }[];
      }>("GET", "/solver/indexes");
      const fw = r.field_width_arcmin;
      assert(fw !== null && fw > 0);
      // index-tycho2-10 (4110, 60′ quads) when its package is installed; any set works below.
      const i10 = r.astrometry_net.find((f) => f.index_id === 4110);
      if (i10) assert(Math.abs(i10.quad_min_arcmin - 60) < 0.5);
      for (const f of r.astrometry_net) {
        // The 10–100 % rule against the field the profile implies.
        const expected = f.quad_max_arcmin >= 0.1 * fw && f.quad_min_arcmin <= fw;
        assertEquals(f.covers_field, expected, `index ${f.index_id} for a ${fw}′ field`);
      }
      assert(r.astrometry_net.some((f) => f.covers_field));
      assert(r.astrometry_net.some((f) => !f.covers_field));
    }),
});

Deno.test({
  name: "solve: /solver/download-index is 409 without a mirror, 400 for a bad name, and installs " +
    "from a configured loopback mirror with progress events",
  fn: async () => {
    await withServer(async (t) => {
      const res = await t.api("POST", "/solver/download-index", { database: "index-4110.fits" });
      assertEquals(res.status, 409);
      assert(/index_mirror/.test((await res.json()).error.message));
      assertEquals(await t.status("POST", "/solver/download-index", { database: "../x" }), 400);
    });
    const file = new TextEncoder().encode("SIMPLE  = T".padEnd(2880 * 3, " "));
    const mirror = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      (req) =>
        new URL(req.url).pathname === "/index-5000-00.fits"
          ? new Response(file)
          : new Response("missing", { status: 404 }),
    );
    const indexDir = await Deno.makeTempDir();
    try {
      const toml = `[solver]\nindex_mirror = "http://127.0.0.1:${mirror.addr.port}"\n` +
        `index_dir = "${indexDir}"\nastap_database_dir = "${indexDir}/astap"\n`;
      await withServer(async (t) => {
        const events = await t.events("solver.download_progress");
        const res = await t.api("POST", "/solver/download-index", {
          database: "index-5000-00.fits",
        });
        assertEquals(res.status, 202);
        assertEquals((await res.json()).target, join(indexDir, "index-5000-00.fits"));
        const done = await events.waitFor(
          "solver.download_progress",
          (d) => d.state !== "downloading",
        );
        assertEquals(done.data.state, "installed");
        assertEquals(done.data.received_bytes, file.length);
        assertEquals(await Deno.readFile(join(indexDir, "index-5000-00.fits")), file);
        const listed = await t.json<{ astrometry_net: { file: string }[] }>(
          "GET",
          "/solver/indexes",
        );
        assertEquals(listed.astrometry_net.map((f) => f.file), [
          join(indexDir, "index-5000-00.fits"),
        ]);
      }, { configToml: toml });
    } finally {
      await mirror.shutdown();
      await Deno.remove(indexDir, { recursive: true });
    }
  },
});
