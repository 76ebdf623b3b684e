/**
 * An in-process simulated rig for sky-true tests: a sim mount, camera and rotator sharing one
 * optics link on a ManualClock, as the registry builds them, so a test can point the mount,
 * turn the rotator, take a light frame in no wall time and hand it to the box's plate solver.
 * Optics: 530 mm with a 106 mm aperture.
 */
import { ManualClock } from "../../lib/clock.ts";
import { silentLogger } from "../../lib/log.ts";
import { encodeFits } from "../../lib/fits/mod.ts";
import { plateSolve, type Solution } from "../../core/solver/solve.ts";
import type { RawFrame } from "../../devices/camera.ts";
import type { z } from "zod";
import type { DriverContext } from "../../devices/device.ts";
import { parseOptions } from "../../devices/driver_catalogue.ts";
import { SimCamera } from "../../devices/sim/camera.ts";
import { SimCameraOptions } from "../../devices/sim/camera_options.ts";
import { SimMount } from "../../devices/sim/mount.ts";
import { SimMountOptions } from "../../devices/sim/mount_options.ts";
import { SimOpticsLink } from "../../devices/sim/optics_link.ts";
import { SimRotator } from "../../devices/sim/rotator.ts";
import { SimRotatorOptions } from "../../devices/sim/rotator_options.ts";
import type { TestServer } from "./_server.ts";

export const SITE = { latitudeDeg: 48.1, longitudeDeg: 11.6, elevationM: 520 };
export const OPTICS = { focalLengthMm: 530, apertureMm: 106 };
/** Unbinned arcsec per pixel of the default 3.76 µm sensor at 530 mm. */
export const SCALE_ARCSEC = 206.264806 * 3.76 / 530;

export const HAVE_SOLVER = (() => {
  try {
    return Deno.statSync("/usr/bin/solve-field").isFile &&
      [...Deno.readDirSync("/usr/share/astrometry")].some((e) => /^index-tycho2-/.test(e.name));
  } catch {
    return false;
  }
})();

/**
 * Puts a test server's active profile on a sky-true rig: the sim mount with `mountOptions` (its
 * errors, a quick slew) and a sim camera rendering the Tycho-2 sky over a 2.4° × 1.6° field —
 * 15.04 µm pixels at 530 mm, 5.85″ per pixel. The Tycho-2 index keeps about 15
 * stars per square degree, which makes the default 73′ × 49′ field marginal for solve-field at
 * some pointings, and which sky a server test sees depends on the time of day it runs.
 */
export async function useSkyTrueProfile(
  t: TestServer,
  mountOptions: Record<string, unknown>,
): Promise<void> {
  const active = await t.json<{ id: string; devices: Record<string, unknown> }>(
    "GET",
    "/profiles/active",
  );
  const devices = {
    ...active.devices,
    mount: { driver: "sim", options: mountOptions },
    camera: {
      driver: "sim",
      options: { widthPx: 1504, heightPx: 1004, pixelSizeUm: 15.04, readoutMs: 20, sky: "catalog" },
    },
  };
  const optics = { focal_length_mm: OPTICS.focalLengthMm, aperture_mm: OPTICS.apertureMm };
  await t.json("PUT", `/profiles/${active.id}`, { ...active, optics, devices });
}

export interface Rig {
  clock: ManualClock;
  mount: SimMount;
  camera: SimCamera;
  rotator: SimRotator;
  close(): Promise<void>;
}

export async function openRig(
  o: { startMs: number; mount?: Record<string, unknown>; camera?: Record<string, unknown> },
): Promise<Rig> {
  const clock = new ManualClock(o.startMs);
  const optics = new SimOpticsLink();
  const ctx = <S extends z.ZodType>(schema: S, options: unknown): DriverContext<z.output<S>> => ({
    clock,
    log: silentLogger,
    site: SITE,
    optics: OPTICS,
    options: parseOptions(schema, options, "sky rig"),
  });
  const mount = new SimMount(ctx(SimMountOptions, { slewRateDegPerS: 90, ...o.mount }), optics);
  const rotator = new SimRotator(ctx(SimRotatorOptions, { speedDegPerS: 90 }), optics);
  const camera = new SimCamera(
    ctx(SimCameraOptions, { readoutMs: 10, sky: "catalog", ...o.camera }),
    optics,
  );
  await Promise.all([mount.connect(), rotator.connect(), camera.connect()]);
  await mount.unpark();
  return {
    clock,
    mount,
    camera,
    rotator,
    close: async () => {
      await camera.disconnect();
      await rotator.disconnect();
      await mount.disconnect();
    },
  };
}

/** Slews to (raHours, decDeg) and lets the ManualClock run until the mount has arrived. */
export async function pointAt(rig: Rig, raHours: number, decDeg: number): Promise<void> {
  await rig.mount.slewTo({ raHours, decDeg });
  await rig.clock.advance(200_000);
  if (rig.mount.status().slewing) throw new Error("the mount is still slewing");
}

/** Turns the rotator to a mechanical angle and waits for it. */
export async function turnRotator(rig: Rig, mechanicalDeg: number): Promise<void> {
  await rig.rotator.moveMechanical(mechanicalDeg);
  await rig.clock.advance(10_000);
}

/** One light frame: the ManualClock runs through the exposure and the readout. */
export async function shoot(rig: Rig, durationS: number, binning = 1): Promise<RawFrame> {
  const pending = rig.camera.expose({
    durationS,
    gain: 100,
    offset: 10,
    binning,
    frameType: "light",
  });
  await new Promise((resolve) => setTimeout(resolve, 0));
  await rig.clock.advance(durationS * 1000 + 100);
  return await pending;
}

/** Writes the frame as FITS and solves it with the box's solver (ASTAP, then solve-field). */
export async function solveFrame(
  frame: RawFrame,
  hint: { raDeg: number; decDeg: number },
  binning: number,
): Promise<{ solution: Solution; ms: number }> {
  const dir = await Deno.makeTempDir({ prefix: "sky-true-solve-" });
  try {
    const path = `${dir}/frame.fits`;
    await Deno.writeFile(
      path,
      encodeFits({ pixels: frame.pixels, widthPx: frame.widthPx, heightPx: frame.heightPx }, []),
    );
    const started = performance.now();
    const solution = await plateSolve({
      imagePath: path,
      widthPx: frame.widthPx,
      heightPx: frame.heightPx,
      raHintDeg: hint.raDeg,
      decHintDeg: hint.decDeg,
      pixelScaleArcsec: SCALE_ARCSEC * binning,
      searchRadiusDeg: 5,
      timeoutMs: 30_000,
    }, new AbortController().signal);
    return { solution, ms: performance.now() - started };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Great-circle separation in arcseconds. */
export function separationArcsec(raDeg1: number, decDeg1: number, raDeg2: number, decDeg2: number) {
  const r = Math.PI / 180;
  const c = Math.sin(decDeg1 * r) * Math.sin(decDeg2 * r) +
    Math.cos(decDeg1 * r) * Math.cos(decDeg2 * r) * Math.cos((raDeg1 - raDeg2) * r);
  return Math.acos(Math.min(1, c)) / r * 3600;
}

/** |a − b| for angles, degrees in [0, 180]. */
export function angleDiffDeg(a: number, b: number): number {
  return Math.abs((((a - b) % 360) + 540) % 360 - 180);
}
