/**
 * The simulated camera's profile options (`SimCameraOptions`, the schema the registry, the profile
 * check and the API document share). Defaults model a cooled APS-C-class CMOS (3.76 µm pixels) at
 * a size the Pi renders quickly; `model: "color"` adds an RGGB Bayer mosaic, and tests shrink the
 * sensor and speed the cooler up. The sky options choose what lights show (see camera_sky.ts):
 * `sky` "auto" renders the true sky when a simulated mount is linked and the Tycho-2 index loads,
 * "catalog" insists on it, "random" keeps the seeded random star field; `seeingArcsec` (FWHM),
 * `skyMagPerArcsec2`, `cameraAngleDeg` (the sensor's turn on the focuser, added to the rotator's),
 * `fillerStars` (stars fainter than the catalogue) and `skyIndexDir` (where the astrometry.net
 * index files are) shape it. `focus` links star size to the simulated focuser (optics_link.ts).
 */
import { z } from "zod";
import { BAYER_PATTERNS, type BayerPattern } from "../camera.ts";

export const SKY_MODES = ["auto", "catalog", "random"] as const;
export type SkyMode = typeof SKY_MODES[number];
export const DEFAULT_SKY_INDEX_DIR = "/usr/share/astrometry";

/**
 * The camera's `focus` option: a V-curve that follows the simulated focuser (optics_link.ts).
 * Absent, star size ignores the focuser; `{}` takes every default.
 */
export const FocusModel = z.strictObject({
  bestPosition: z.number().min(0).default(25000)
    .describe("focuser position of best focus at refTempC, steps"),
  refTempC: z.number().min(-60).max(60).default(12),
  tempCoeffStepsPerC: z.number().min(-10_000).max(10_000).default(-8)
    .describe("how far best focus moves per °C of tube temperature, steps/°C"),
  blurPxPerStep: z.number().gt(0).default(0.01)
    .describe("Gaussian sigma of the defocus blur per step away from best focus, px"),
  seeingPx: z.number().min(0).max(50).default(0.8)
    .describe("seeing floor: extra Gaussian sigma at best focus, px"),
});
export type FocusModel = z.output<typeof FocusModel>;

const int = (min: number, max: number) => z.number().int().min(min).max(max);

export const SimCameraOptions = z.strictObject({
  model: z.enum(["mono", "color"]).default("mono"),
  widthPx: int(16, 16384).default(3008).describe("sensor width, pixels (even for colour)"),
  heightPx: int(16, 16384).default(2008).describe("sensor height, pixels (even for colour)"),
  pixelSizeUm: z.number().min(0.5).max(50).default(3.76),
  readoutMs: z.number().min(0).max(60_000).default(500)
    .describe('time in the "reading" state after the shutter closes'),
  coolerRateCPerMin: z.number().min(0.01).max(1e6).default(6),
  ambientC: z.number().min(-40).max(50).default(15),
  bayerPattern: z.enum(BAYER_PATTERNS).nullable().optional()
    .describe('colour only; default "RGGB"'),
  hasCooler: z.boolean().default(true),
  seed: int(0, 2 ** 32 - 1).default(1)
    .describe("seeds hot pixels and the star field: a given camera always shows the same ones"),
  sky: z.enum(SKY_MODES).default("auto")
    .describe('"auto": the true sky when it can, "catalog": insist on it, "random": random stars'),
  seeingArcsec: z.number().min(0.1).max(30).default(2.5).describe("seeing, FWHM in arcseconds"),
  skyMagPerArcsec2: z.number().min(10).max(25).default(20.5)
    .describe("sky background, V mag per square arcsecond (darker = larger)"),
  cameraAngleDeg: z.number().min(-360).max(360).default(0)
    .describe("position angle of the sensor's +y axis with the rotator at 0°, east of north"),
  fillerStars: z.boolean().default(true).describe("stars fainter than the catalogue's limit"),
  skyIndexDir: z.string().min(1).default(DEFAULT_SKY_INDEX_DIR)
    .describe("directory of the astrometry.net Tycho-2 index files"),
  focus: FocusModel.optional(),
}).superRefine((o, ctx) => {
  if (o.model !== "color" && o.bayerPattern !== undefined && o.bayerPattern !== null) {
    ctx.addIssue({ code: "custom", path: ["bayerPattern"], message: 'needs model "color"' });
  }
  // Colour sensors keep even sizes so every 2×2 cell is a whole Bayer cell.
  if (o.model === "color" && (o.widthPx % 2 !== 0 || o.heightPx % 2 !== 0)) {
    ctx.addIssue({
      code: "custom",
      path: [o.widthPx % 2 !== 0 ? "widthPx" : "heightPx"],
      message: `must be even for a colour sensor, got ${o.widthPx}×${o.heightPx}`,
    });
  }
}).meta({ id: "SimCameraOptions" });
export type SimCameraOptions = z.output<typeof SimCameraOptions>;

/** What the camera runs with: the options with the Bayer pattern settled (null for mono). */
export type SimCameraSetup = Omit<SimCameraOptions, "bayerPattern"> & {
  bayerPattern: BayerPattern | null;
};

export function simCameraSetup(options: SimCameraOptions): SimCameraSetup {
  return {
    ...options,
    bayerPattern: options.model === "color" ? options.bayerPattern ?? "RGGB" : null,
  };
}
