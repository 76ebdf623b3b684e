/**
 * The sensor settings of a frame as its FITS header states them (the keywords frame_header.ts
 * writes, which NINA, SGP and MaxIm write too), and the rule that every frame of one master
 * shares them. Mixing gains, offsets, binnings, cameras or sizes in one master would produce a
 * master that matches no light, so it is refused with the first disagreement named.
 */
import { badRequest } from "../../lib/errors.ts";
import type { FitsValue } from "../../lib/fits/header.ts";
import type { MasterType } from "../schemas/calibration.ts";

export interface FrameSettings {
  /** Frame id (catalogue) or file name: how a message names the frame. */
  label: string;
  camera: string | null;
  gain: number | null;
  offset: number | null;
  binning: number;
  widthPx: number;
  heightPx: number;
  tempC: number | null;
  exposureS: number | null;
  filter: string | null;
  /** Unix ms of DATE-OBS, or null when absent or unreadable. */
  startedAtMs: number | null;
}

export function settingsFromHeader(
  label: string,
  header: Map<string, FitsValue>,
  widthPx: number,
  heightPx: number,
): FrameSettings {
  const num = (key: string) => {
    const v = header.get(key);
    return typeof v === "number" && Number.isFinite(v) ? v : null;
  };
  const str = (key: string) => {
    const v = header.get(key);
    return typeof v === "string" && v.trim() !== "" ? v.trim() : null;
  };
  const dateObs = str("DATE-OBS");
  // FITS dates carry no zone letter and are UTC by definition.
  const parsed = dateObs === null
    ? NaN
    : Date.parse(/Z$|[+-]\d\d:\d\d$/.test(dateObs) ? dateObs : `${dateObs}Z`);
  return {
    label,
    camera: str("INSTRUME"),
    gain: num("GAIN"),
    offset: num("OFFSET"),
    binning: num("XBINNING") ?? 1,
    widthPx,
    heightPx,
    tempC: num("CCD-TEMP"),
    exposureS: num("EXPTIME") ?? num("EXPOSURE"),
    filter: str("FILTER"),
    startedAtMs: Number.isNaN(parsed) ? null : parsed,
  };
}

/** What a master built from these frames records; throws a 400 naming the first mismatch. */
export interface CommonSettings {
  camera: string | null;
  gain: number;
  offset: number;
  binning: number;
  widthPx: number;
  heightPx: number;
  /** Mean of the frames that state one; null when none does. */
  tempC: number | null;
  exposureS: number;
  filter: string | null;
  /** Earliest DATE-OBS; null when no frame states one. */
  startedAtMs: number | null;
}

export function commonSettings(
  type: MasterType,
  frames: FrameSettings[],
  field = "body.frame_ids",
): CommonSettings {
  const first = frames[0];
  if (first === undefined) throw badRequest(field, "at least one frame is needed");
  const must: (keyof FrameSettings)[] = [
    "camera",
    "gain",
    "offset",
    "binning",
    "widthPx",
    "heightPx",
  ];
  // A bias has no meaningful exposure; darks and dark-flats are matched by it, flats by filter.
  if (type !== "bias") must.push("exposureS");
  if (type === "flat") must.push("filter");
  for (const frame of frames.slice(1)) {
    for (const key of must) {
      if (frame[key] !== first[key]) {
        throw badRequest(
          field,
          `frames of one master must share ${key}: ${first.label} has ${
            JSON.stringify(first[key])
          } but ${frame.label} has ${JSON.stringify(frame[key])}`,
        );
      }
    }
  }
  if (first.gain === null || first.offset === null) {
    throw badRequest(field, `${first.label} states no GAIN or OFFSET; it cannot be matched`);
  }
  const temps = frames.map((f) => f.tempC).filter((t): t is number => t !== null);
  const starts = frames.map((f) => f.startedAtMs).filter((t): t is number => t !== null);
  return {
    camera: first.camera,
    gain: first.gain,
    offset: first.offset,
    binning: first.binning,
    widthPx: first.widthPx,
    heightPx: first.heightPx,
    tempC: temps.length > 0 ? temps.reduce((a, b) => a + b, 0) / temps.length : null,
    exposureS: first.exposureS ?? 0,
    filter: first.filter,
    startedAtMs: starts.length > 0 ? Math.min(...starts) : null,
  };
}
