/**
 * What the simulated camera's lights show: the sky options are validated with errors naming the
 * option; without index files "auto" falls back to the random field with one warning and says so
 * in the description, while "catalog" refuses the exposure with a clear message (also without a
 * mount); the position angle adds the camera angle, the rotator's signed mechanical angle and
 * 180° on pier side west; and with the mount's tracking off the stars trail across the frame.
 */
import { assert, assertEquals, assertRejects } from "../../tests/_assert.ts";
import { ManualClock, systemClock } from "../../lib/clock.ts";
import { LogSink } from "../../lib/log.ts";
import { contextFor } from "../../tests/contracts/_wait.ts";
import { SimCameraOptions } from "./camera_options.ts";
import type { ExposureRequest } from "../camera.ts";
import { SimCamera } from "./camera.ts";
import { CameraSky } from "./camera_sky.ts";
import { type MountReading, SimOpticsLink } from "./optics_link.ts";
import { starField } from "./sky.ts";
import { loadSkyCatalog } from "../../lib/star_catalog/catalog.ts";
import { trueSkyScene } from "./sky_true.ts";
import { openRig, pointAt } from "../../tests/integration/_sky_rig.ts";

const cameraContext = contextFor(SimCameraOptions);

const HAVE_INDEX = (() => {
  try {
    return [...Deno.readDirSync("/usr/share/astrometry")].some((e) =>
      /^index-tycho2-/.test(e.name)
    );
  } catch {
    return false;
  }
})();
const NO_INDEX = "needs the Tycho-2 index files (Debian astrometry-data-tycho2-*)";
/** The test's name, with the reason when it is skipped (Deno.test has no skip message). */
const named = (name: string) => HAVE_INDEX ? name : `${name} (skipped: ${NO_INDEX})`;
const SMALL = { widthPx: 320, heightPx: 240, readoutMs: 10 };

function light(durationS: number): ExposureRequest {
  return { durationS, gain: 100, offset: 10, binning: 1, frameType: "light" };
}

async function shoot(clock: ManualClock, cam: SimCamera, req: ExposureRequest) {
  const pending = cam.expose(req);
  pending.catch(() => {}); // a refused exposure rejects while the clock still runs; awaited below
  await new Promise((resolve) => setTimeout(resolve, 0));
  await clock.advance(req.durationS * 1000 + 100);
  return await pending;
}

function linkWithMount(reading: MountReading = { raDeg: 150, decDeg: 30, pierSide: "east" }) {
  const optics = new SimOpticsLink();
  optics.attachMount(() => reading);
  return optics;
}

Deno.test("sim camera: the sky options are validated, naming the option", () => {
  const bad: [Record<string, unknown>, string][] = [
    [{ sky: "stars" }, "sky"],
    [{ seeingArcsec: 0 }, "seeingArcsec"],
    [{ seeingArcsec: "2" }, "seeingArcsec"],
    [{ skyMagPerArcsec2: 40 }, "skyMagPerArcsec2"],
    [{ cameraAngleDeg: 400 }, "cameraAngleDeg"],
    [{ fillerStars: "yes" }, "fillerStars"],
    [{ skyIndexDir: "" }, "skyIndexDir"],
    [{ skyIndexDir: 3 }, "skyIndexDir"],
  ];
  for (const [options, name] of bad) {
    let error: unknown = null;
    try {
      new SimCamera(cameraContext(systemClock, { ...SMALL, ...options }));
    } catch (err) {
      error = err;
    }
    assert(error instanceof RangeError, `${JSON.stringify(options)} should be refused`);
    assert(error.message.includes(`option ${name}`), error.message);
  }
});

Deno.test("sim camera: without index files 'auto' shows the random field, warns once, says so", async () => {
  const emptyDir = await Deno.makeTempDir({ prefix: "no-index-" });
  const logs = new LogSink({ consoleLevel: "silent" });
  const clock = new ManualClock();
  const cam = new SimCamera(
    { ...cameraContext(clock, { ...SMALL, skyIndexDir: emptyDir }), log: logs.logger("cam") },
    linkWithMount(),
  );
  try {
    await cam.connect();
    const first = await shoot(clock, cam, light(30));
    await shoot(clock, cam, light(1));
    const warnings = logs.query({ minLevel: "warn" }).map((e) => e.message);
    assertEquals(warnings, [
      `no Tycho-2 index files under ${emptyDir}: rendering a random star field`,
    ]);
    assert(cam.info.description.includes(`random star field (no Tycho-2 index files under`));
    // It is the seeded random field: its brightest star is where starField puts it.
    const star = starField({ widthPx: 320, heightPx: 240, bayerPattern: null, seed: 1 })
      .sort((a, b) => b.fluxEPerS - a.fluxEPerS)[0]!;
    const peak = first.pixels[Math.floor(star.yPx) * 320 + Math.floor(star.xPx)]!;
    assert(peak > 2000, `the random field's brightest star (${peak} ADU)`);
  } finally {
    await cam.disconnect();
    await Deno.remove(emptyDir, { recursive: true });
  }
});

Deno.test("sim camera: 'catalog' refuses a light without index files or without a mount", async () => {
  const emptyDir = await Deno.makeTempDir({ prefix: "no-index-" });
  const clock = new ManualClock();
  const noIndex = new SimCamera(
    cameraContext(clock, { ...SMALL, sky: "catalog", skyIndexDir: emptyDir }),
    linkWithMount(),
  );
  const noMount = new SimCamera(
    cameraContext(clock, { ...SMALL, sky: "catalog" }),
    new SimOpticsLink(),
  );
  try {
    await noIndex.connect();
    await noMount.connect();
    await assertRejects(
      () => shoot(clock, noIndex, light(1)),
      Error,
      `sim camera option sky is "catalog" but there are no Tycho-2 index files under ${emptyDir}`,
    );
    await assertRejects(() => noMount.expose(light(1)), Error, "no simulated mount is linked");
    assertEquals(noIndex.status().exposure.state, "idle");
    // Darks never need the sky.
    assertEquals((await shoot(clock, noMount, { ...light(1), frameType: "dark" })).widthPx, 320);
  } finally {
    await noIndex.disconnect();
    await noMount.disconnect();
    await Deno.remove(emptyDir, { recursive: true });
  }
});

Deno.test({
  name: named("sim camera: PA = camera angle ± rotator mechanical angle (+180° on pier side west)"),
  ignore: !HAVE_INDEX,
  fn: async () => {
    const catalog = (await loadSkyCatalog())!;
    const cases: [MountReading["pierSide"], number, boolean, number, number][] = [
      // [pier side, rotator mechanical °, reversed, camera angle °, expected PA °]
      ["east", 0, false, 0, 0],
      ["east", 30, false, 10, 40],
      ["east", 30, true, 0, 330],
      ["west", 30, false, 0, 210],
      ["unknown", 100, false, -20, 80],
    ];
    for (const [pierSide, mechanicalDeg, reversed, cameraAngleDeg, expectedDeg] of cases) {
      const optics = linkWithMount({ raDeg: 83.8, decDeg: -5.4, pierSide });
      optics.attachRotator(() => ({ mechanicalDeg, reversed }));
      const look = { seeingArcsec: 2.5, skyMagPerArcsec2: 20.5, fillerStars: true };
      const sky = new CameraSky({
        mode: "catalog",
        indexDir: "/usr/share/astrometry",
        log: new LogSink({ consoleLevel: "silent" }).logger("sky"),
        optics,
        focalLengthMm: 530,
        apertureMm: 106,
        pixelSizeUm: 3.76,
        widthPx: 3008,
        heightPx: 2008,
        cameraAngleDeg,
        look,
      });
      const scene = (await sky.open()!.close())!;
      const expected = trueSkyScene(catalog, {
        start: { raDeg: 83.8, decDeg: -5.4 },
        end: { raDeg: 83.8, decDeg: -5.4 },
        positionAngleDeg: expectedDeg,
        pixelScaleArcsec: 206.264806 * 3.76 / 530,
        widthPx: 3008,
        heightPx: 2008,
        apertureMm: 106,
      }, look);
      assert(scene.stars.length > 100);
      assertEquals(scene.stars, expected.stars, `${pierSide} ${mechanicalDeg} ${reversed}`);
    }
  },
});

Deno.test({
  name: named("sim camera: with tracking off the stars trail across the frame"),
  ignore: !HAVE_INDEX,
  fn: async () => {
    const rig = await openRig({
      startMs: Date.UTC(2026, 0, 15, 17, 0),
      camera: { widthPx: 600, heightPx: 400, ambientC: -20 },
    });
    try {
      const lst = rig.mount.status().siderealTimeHours;
      await pointAt(rig, (lst + 23) % 24, 62);
      const expose = async (frameType: "light" | "dark") => {
        const pending = rig.camera.expose({ ...light(30), frameType });
        await new Promise((resolve) => setTimeout(resolve, 0));
        await rig.clock.advance(30_100);
        return (await pending).pixels;
      };
      // Light − dark removes bias, dark current and the hot pixels (same sensor, same seed).
      const dark = await expose("dark");
      const signal = (pixels: Uint16Array) => Array.from(pixels, (v, i) => v - dark[i]!);
      const tracked = signal(await expose("light"));
      await rig.mount.setTracking("off");
      const trailed = signal(await expose("light"));
      // 30 s at Dec 62°: the sky drifts 30 × 15.04″ × cos 62° = 212″ = 145 px west (+x).
      const lengthPx = 30 * 15.041 * Math.cos(62 * Math.PI / 180) / (206.264806 * 3.76 / 530);
      // The brightest star whose whole trail stays on the frame.
      let peakAt = 0;
      tracked.forEach((v, i) => {
        const inside = i % 600 > 5 && i % 600 < 600 - lengthPx - 10 && i > 1200 && i < 600 * 398;
        if (inside && v > tracked[peakAt]!) peakAt = i;
      });
      const [x, y] = [peakAt % 600, Math.floor(peakAt / 600)];
      const peakTracked = tracked[peakAt]!;
      const peakTrailed = trailed.reduce((a, b) => Math.max(a, b));
      assert(peakTrailed < peakTracked / 5, `trailed peak ${peakTrailed} vs ${peakTracked}`);
      // Along the star's row, halfway down the trail, its light is there.
      const midX = Math.round(x + lengthPx / 2);
      const rowSum = (img: number[], at: number) => img[at]! + img[at - 600]! + img[at + 600]!;
      // (The sky, about 70 e⁻ a pixel in 30 s, is in both frames: the difference is the trail.)
      const trailAdu = rowSum(trailed, y * 600 + midX) - rowSum(tracked, y * 600 + midX);
      const expectedAdu = peakTracked * 2 * Math.PI * 0.727 ** 2 / lengthPx;
      assert(trailAdu > expectedAdu / 3, `mid-trail ${trailAdu} ADU, expected ~${expectedAdu}`);
    } finally {
      await rig.close();
    }
  },
});
