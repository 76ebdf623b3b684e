/**
 * The simulated mount's profile options (`SimMountOptions`, the schema the registry, the profile
 * check and the API document share) and the setup the driver derives from them with its site: the
 * park position defaults to the visible celestial pole, and the six mechanical errors are grouped
 * as the error model takes them.
 */
import { z } from "zod";
import { assertLatitudeDeg } from "../../lib/astro/coords.ts";
import { DEFAULT_FLIP_LIMIT_DEG } from "../../lib/astro/meridian.ts";
import type { Site } from "../device.ts";
import { parseOptions } from "../driver_catalogue.ts";
import type { MountCapabilities } from "../mount.ts";

const ALIGNMENTS = ["germanPolar", "polar", "altAz"] as const;
const MAX_POLAR_ERROR_ARCMIN = 600;
const MAX_TERM_ARCSEC = 36_000;

const polarError = (what: string) =>
  z.number().min(-MAX_POLAR_ERROR_ARCMIN).max(MAX_POLAR_ERROR_ARCMIN).default(0).describe(what);
const term = (what: string) =>
  z.number().min(-MAX_TERM_ARCSEC).max(MAX_TERM_ARCSEC).default(0).describe(what);

/**
 * How far the simulated mount is from perfect. The polar axis points `polarAltErrorArcmin` above
 * the visible celestial pole, and its azimuth (north through east) exceeds the pole's by
 * `polarAzErrorArcmin` (an azimuth angle: on the sky it is that times cos latitude). Changing the
 * azimuth also turns the hour-angle zero by that times sin latitude, as a real mount's azimuth
 * knob does (a fitted model sees it in IH). The other four are TPOINT terms
 * (lib/astro/tpoint_terms.ts) in arcseconds. The mount keeps reporting where it believes it points;
 * only `SimMount.trueSkyPosition()` sees the errors.
 */
export const SimMountErrors = z.strictObject({
  polarAltErrorArcmin: polarError("polar axis above the pole, arcminutes"),
  polarAzErrorArcmin: polarError("polar axis azimuth past the pole's, arcminutes"),
  ihArcsec: term("TPOINT IH, hour-angle index error, arcseconds"),
  idArcsec: term("TPOINT ID, declination index error, arcseconds"),
  chArcsec: term("TPOINT CH, east-west collimation error, arcseconds"),
  npArcsec: term("TPOINT NP, axes not perpendicular, arcseconds"),
});
export type SimMountErrors = z.output<typeof SimMountErrors>;

export const SimMountOptions = z.strictObject({
  slewRateDegPerS: z.number().gt(0).max(1000).default(3).describe("slew speed, degrees/second"),
  horizonLimitDeg: z.number().min(-90).max(90).default(0)
    .describe("gotos below this altitude are refused, degrees"),
  parkAltDeg: z.number().min(-90).max(90).optional()
    .describe("park altitude, degrees; default: the visible celestial pole's"),
  parkAzDeg: z.number().min(0).max(360).optional()
    .describe("park azimuth, degrees; default: 0 (north), 180 south of the equator"),
  flipLimitDeg: z.number().min(0).max(90).default(DEFAULT_FLIP_LIMIT_DEG)
    .describe("how far past the meridian it tracks before a flip is due, degrees"),
  alignment: z.enum(ALIGNMENTS).default("germanPolar")
    .describe('what it reports itself as; only "germanPolar" has a pier side and a time to flip'),
  ...SimMountErrors.shape,
}).meta({ id: "SimMountOptions" });
export type SimMountOptions = z.output<typeof SimMountOptions>;

/** What the driver runs with: the options resolved against its site. */
export interface SimMountSetup {
  slewRateDegPerS: number;
  horizonLimitDeg: number;
  parkAltDeg: number;
  parkAzDeg: number;
  flipLimitDeg: number;
  /**
   * What the simulator reports itself as. The motion model is equatorial whatever the value;
   * only "germanPolar" reports a pier side and a time to flip.
   */
  alignment: MountCapabilities["alignment"];
  /** Mechanical errors the simulated optics suffer (zero by default); see SimMountErrors. */
  errors: SimMountErrors;
}

/** The setup from parsed options and the site; a RangeError for an impossible site latitude. */
export function simMountSetup(options: SimMountOptions, site: Site): SimMountSetup {
  assertLatitudeDeg(site.latitudeDeg, "site.latitudeDeg");
  const southern = site.latitudeDeg < 0;
  return {
    slewRateDegPerS: options.slewRateDegPerS,
    horizonLimitDeg: options.horizonLimitDeg,
    // Default park: pointing at the visible celestial pole, counterweight down.
    parkAltDeg: options.parkAltDeg ?? Math.abs(site.latitudeDeg),
    parkAzDeg: (options.parkAzDeg ?? (southern ? 180 : 0)) % 360,
    flipLimitDeg: options.flipLimitDeg,
    alignment: options.alignment,
    errors: {
      polarAltErrorArcmin: options.polarAltErrorArcmin,
      polarAzErrorArcmin: options.polarAzErrorArcmin,
      ihArcsec: options.ihArcsec,
      idArcsec: options.idArcsec,
      chArcsec: options.chArcsec,
      npArcsec: options.npArcsec,
    },
  };
}

/** Validates a set of mechanical errors (any subset; absent ones are zero): a RangeError names it. */
export function parseSimMountErrors(errors: Partial<SimMountErrors>): SimMountErrors {
  return parseOptions(SimMountErrors, errors, "sim mount");
}
