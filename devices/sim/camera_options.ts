/**
 * The simulated camera's profile options, validated at construction so a typo in a profile is
 * a clear RangeError naming the option rather than a strange camera. Defaults model a cooled
 * APS-C-class CMOS (3.76 µm pixels) at a size the Pi renders quickly; `model: "color"` adds an
 * RGGB Bayer mosaic, and tests shrink the sensor and speed the cooler up. The sky options choose
 * what lights show (see camera_sky.ts): `sky` "auto" renders the true sky when a simulated mount
 * is linked and the Tycho-2 index loads, "catalog" insists on it, "random" keeps the seeded random
 * star field; `seeingArcsec` (FWHM), `skyMagPerArcsec2`, `cameraAngleDeg` (the sensor's turn on
 * the focuser, added to the rotator's), `fillerStars` (stars fainter than the catalogue) and
 * `skyIndexDir` (where the astrometry.net index files are) shape it.
 */
import { BAYER_PATTERNS, type BayerPattern } from "../camera.ts";

export interface SimCameraOptions {
  model: "mono" | "color";
  widthPx: number;
  heightPx: number;
  pixelSizeUm: number;
  /** Time in the "reading" state after the shutter closes. */
  readoutMs: number;
  coolerRateCPerMin: number;
  ambientC: number;
  /** Null for mono. */
  bayerPattern: BayerPattern | null;
  hasCooler: boolean;
  /** Seeds hot pixels and the star field: a given camera always shows the same ones. */
  seed: number;
  sky: SkyMode;
  /** Seeing, FWHM in arcseconds. */
  seeingArcsec: number;
  /** Sky background surface brightness, V mag per square arcsecond (darker = larger). */
  skyMagPerArcsec2: number;
  /** Position angle of the sensor's +y axis with the rotator at 0°, degrees east of north. */
  cameraAngleDeg: number;
  fillerStars: boolean;
  /** Directory of the astrometry.net Tycho-2 index files. */
  skyIndexDir: string;
}

export const SKY_MODES = ["auto", "catalog", "random"] as const;
export type SkyMode = typeof SKY_MODES[number];
export const DEFAULT_SKY_INDEX_DIR = "/usr/share/astrometry";

const KNOWN = new Set([
  "model",
  "widthPx",
  "heightPx",
  "pixelSizeUm",
  "readoutMs",
  "coolerRateCPerMin",
  "ambientC",
  "bayerPattern",
  "hasCooler",
  "seed",
  "sky",
  "seeingArcsec",
  "skyMagPerArcsec2",
  "cameraAngleDeg",
  "fillerStars",
  "skyIndexDir",
  // Parsed by optics_link.ts: the V-curve model.
  "focus",
]);

function numberOption(
  raw: Record<string, unknown>,
  name: string,
  fallback: number,
  check: { min: number; max: number; integer?: boolean },
): number {
  const value = raw[name] ?? fallback;
  if (
    typeof value !== "number" || !Number.isFinite(value) || value < check.min ||
    value > check.max || (check.integer && !Number.isInteger(value))
  ) {
    const kind = check.integer ? "an integer" : "a number";
    throw new RangeError(
      `sim camera option ${name} must be ${kind} within ${check.min}..${check.max}, got ${
        JSON.stringify(value)
      }`,
    );
  }
  return value;
}

/**
 * Validates the raw profile options. Unknown keys are returned so the caller can warn: a
 * profile shared across drivers may carry options meant for another one.
 */
export function parseSimCameraOptions(
  raw: Record<string, unknown>,
): { options: SimCameraOptions; unknownKeys: string[] } {
  const model = raw.model ?? "mono";
  if (model !== "mono" && model !== "color") {
    throw new RangeError(
      `sim camera option model must be "mono" or "color", got ${JSON.stringify(model)}`,
    );
  }
  let bayerPattern: BayerPattern | null = null;
  if (model === "color") {
    const pattern = raw.bayerPattern ?? "RGGB";
    if (!BAYER_PATTERNS.includes(pattern as BayerPattern)) {
      throw new RangeError(
        `sim camera option bayerPattern must be one of ${BAYER_PATTERNS.join(", ")}, got ${
          JSON.stringify(pattern)
        }`,
      );
    }
    bayerPattern = pattern as BayerPattern;
  } else if (raw.bayerPattern !== undefined && raw.bayerPattern !== null) {
    throw new RangeError('sim camera option bayerPattern needs model "color"');
  }
  const hasCooler = raw.hasCooler ?? true;
  if (typeof hasCooler !== "boolean") {
    throw new RangeError(`sim camera option hasCooler must be a boolean, got ${hasCooler}`);
  }
  const sky = raw.sky ?? "auto";
  if (!SKY_MODES.includes(sky as SkyMode)) {
    throw new RangeError(
      `sim camera option sky must be one of ${SKY_MODES.join(", ")}, got ${JSON.stringify(sky)}`,
    );
  }
  const fillerStars = raw.fillerStars ?? true;
  if (typeof fillerStars !== "boolean") {
    throw new RangeError(
      `sim camera option fillerStars must be a boolean, got ${JSON.stringify(fillerStars)}`,
    );
  }
  const skyIndexDir = raw.skyIndexDir ?? DEFAULT_SKY_INDEX_DIR;
  if (typeof skyIndexDir !== "string" || skyIndexDir === "") {
    throw new RangeError(
      `sim camera option skyIndexDir must be a directory path, got ${JSON.stringify(skyIndexDir)}`,
    );
  }
  const options: SimCameraOptions = {
    model,
    // Colour sensors keep even sizes so every 2×2 cell is a whole Bayer cell.
    widthPx: numberOption(raw, "widthPx", 3008, { min: 16, max: 16384, integer: true }),
    heightPx: numberOption(raw, "heightPx", 2008, { min: 16, max: 16384, integer: true }),
    pixelSizeUm: numberOption(raw, "pixelSizeUm", 3.76, { min: 0.5, max: 50 }),
    readoutMs: numberOption(raw, "readoutMs", 500, { min: 0, max: 60_000 }),
    coolerRateCPerMin: numberOption(raw, "coolerRateCPerMin", 6, { min: 0.01, max: 1e6 }),
    ambientC: numberOption(raw, "ambientC", 15, { min: -40, max: 50 }),
    bayerPattern,
    hasCooler,
    seed: numberOption(raw, "seed", 1, { min: 0, max: 2 ** 32 - 1, integer: true }),
    sky: sky as SkyMode,
    seeingArcsec: numberOption(raw, "seeingArcsec", 2.5, { min: 0.1, max: 30 }),
    skyMagPerArcsec2: numberOption(raw, "skyMagPerArcsec2", 20.5, { min: 10, max: 25 }),
    cameraAngleDeg: numberOption(raw, "cameraAngleDeg", 0, { min: -360, max: 360 }),
    fillerStars,
    skyIndexDir,
  };
  if (model === "color" && (options.widthPx % 2 !== 0 || options.heightPx % 2 !== 0)) {
    throw new RangeError(
      `sim camera options widthPx and heightPx must be even for a colour sensor, got ${options.widthPx}×${options.heightPx}`,
    );
  }
  return { options, unknownKeys: Object.keys(raw).filter((key) => !KNOWN.has(key)) };
}
