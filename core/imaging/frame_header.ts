/**
 * The standard FITS header of a captured frame, in the keywords NINA, MaxIm DL and SGP write,
 * so PixInsight, Siril, ASTAP and astrometry.net find exposure, binning, temperature, filter,
 * pointing and optics where they expect them. Input is one typed FrameMetadata with a unit in
 * every name; a null field means "unknown" and its keyword is left out rather than guessed.
 */
import type { BayerPattern, FrameType } from "../../devices/camera.ts";
import type { FitsCard } from "../../lib/fits/header.ts";

export interface FrameMetadata {
  widthPx: number;
  heightPx: number;
  /** Unix ms when the shutter opened. */
  startedAtMs: number;
  exposureS: number;
  frameType: FrameType;
  binning: number;
  gain: number;
  offset: number;
  sensorTempC: number | null;
  filterName: string | null;
  objectName: string | null;
  /** Pointing, J2000. Both or neither. */
  raHours: number | null;
  decDeg: number | null;
  telescopeName: string | null;
  /** INSTRUME: the camera's name. */
  cameraName: string | null;
  siteLatitudeDeg: number | null;
  /** East positive. */
  siteLongitudeDeg: number | null;
  focalLengthMm: number | null;
  /** Unbinned pixel size; the header states the binned one, as the others do. */
  pixelSizeUm: number | null;
  /** Pattern at (0, 0) of this frame; null for mono or binned colour frames. */
  bayerPattern: BayerPattern | null;
}

/** MaxIm DL's IMAGETYP values, which NINA and most stackers match on. */
export const IMAGETYP: Record<FrameType, string> = {
  light: "Light Frame",
  dark: "Dark Frame",
  bias: "Bias Frame",
  flat: "Flat Frame",
};

/** FITS DATE-OBS: ISO 8601 UTC with milliseconds and no zone letter (the standard's form). */
export function fitsDate(unixMs: number): string {
  return new Date(unixMs).toISOString().replace("Z", "");
}

/**
 * Sexagesimal with a space separator, e.g. "05 35 17.30" or "-05 23 28.0". Rounds the total
 * first so 59.999 s carries into the next minute instead of printing 60.
 */
export function sexagesimal(value: number, decimals: number, signed: boolean): string {
  const scale = 10 ** decimals;
  const totalUnits = Math.round(Math.abs(value) * 3600 * scale);
  const whole = Math.floor(totalUnits / (3600 * scale));
  const minutes = Math.floor(totalUnits / (60 * scale)) % 60;
  const seconds = (totalUnits % (60 * scale)) / scale;
  const sign = value < 0 && totalUnits > 0 ? "-" : signed ? "+" : "";
  const secText = seconds.toFixed(decimals).padStart(decimals > 0 ? decimals + 3 : 2, "0");
  return `${sign}${String(whole).padStart(2, "0")} ${String(minutes).padStart(2, "0")} ${secText}`;
}

function validate(meta: FrameMetadata): void {
  if ((meta.raHours === null) !== (meta.decDeg === null)) {
    throw new RangeError("FrameMetadata raHours and decDeg must both be set or both be null");
  }
  if (meta.raHours !== null && !(meta.raHours >= 0 && meta.raHours < 24)) {
    throw new RangeError(`FrameMetadata raHours must be in [0, 24), got ${meta.raHours}`);
  }
  if (meta.decDeg !== null && !(meta.decDeg >= -90 && meta.decDeg <= 90)) {
    throw new RangeError(`FrameMetadata decDeg must be in [-90, 90], got ${meta.decDeg}`);
  }
  if (!(meta.exposureS >= 0)) {
    throw new RangeError(`FrameMetadata exposureS must be ≥ 0, got ${meta.exposureS}`);
  }
  if (!Number.isInteger(meta.binning) || meta.binning < 1) {
    throw new RangeError(`FrameMetadata binning must be a positive integer, got ${meta.binning}`);
  }
}

/** Builds the header cards of a 16-bit frame, structural keywords first. */
export function buildFrameHeader(meta: FrameMetadata): FitsCard[] {
  validate(meta);
  const cards: FitsCard[] = [
    { key: "SIMPLE", value: true, comment: "conforms to the FITS standard" },
    { key: "BITPIX", value: 16, comment: "16-bit two's complement integers" },
    { key: "NAXIS", value: 2, comment: "two-dimensional image" },
    { key: "NAXIS1", value: meta.widthPx, comment: "width, pixels" },
    { key: "NAXIS2", value: meta.heightPx, comment: "height, pixels" },
    { key: "BZERO", value: 32768, comment: "offset for unsigned 16-bit data" },
    { key: "BSCALE", value: 1, comment: "physical = BZERO + BSCALE * stored" },
    { key: "DATE-OBS", value: fitsDate(meta.startedAtMs), comment: "UTC start of exposure" },
    { key: "EXPTIME", value: meta.exposureS, real: true, comment: "exposure time, s" },
    { key: "IMAGETYP", value: IMAGETYP[meta.frameType], comment: "type of frame" },
    { key: "XBINNING", value: meta.binning, comment: "binning factor in x" },
    { key: "YBINNING", value: meta.binning, comment: "binning factor in y" },
    { key: "GAIN", value: meta.gain, comment: "sensor gain setting" },
    { key: "OFFSET", value: meta.offset, comment: "sensor offset setting" },
  ];
  const push = (card: FitsCard, present: boolean) => present && cards.push(card);
  push(
    { key: "CCD-TEMP", value: meta.sensorTempC, real: true, comment: "sensor temperature, C" },
    meta.sensorTempC !== null,
  );
  push({ key: "FILTER", value: meta.filterName, comment: "filter" }, meta.filterName !== null);
  push({ key: "OBJECT", value: meta.objectName, comment: "target" }, meta.objectName !== null);
  if (meta.raHours !== null && meta.decDeg !== null) {
    cards.push(
      { key: "RA", value: meta.raHours * 15, real: true, comment: "right ascension J2000, deg" },
      { key: "DEC", value: meta.decDeg, real: true, comment: "declination J2000, deg" },
      { key: "OBJCTRA", value: sexagesimal(meta.raHours, 2, false), comment: "RA J2000, h m s" },
      { key: "OBJCTDEC", value: sexagesimal(meta.decDeg, 1, true), comment: "Dec J2000, d m s" },
    );
  }
  push(
    { key: "TELESCOP", value: meta.telescopeName, comment: "telescope" },
    meta.telescopeName !== null,
  );
  push({ key: "INSTRUME", value: meta.cameraName, comment: "camera" }, meta.cameraName !== null);
  push(
    { key: "SITELAT", value: meta.siteLatitudeDeg, real: true, comment: "site latitude, deg" },
    meta.siteLatitudeDeg !== null,
  );
  push(
    {
      key: "SITELONG",
      value: meta.siteLongitudeDeg,
      real: true,
      comment: "site longitude, deg east",
    },
    meta.siteLongitudeDeg !== null,
  );
  push(
    { key: "FOCALLEN", value: meta.focalLengthMm, real: true, comment: "focal length, mm" },
    meta.focalLengthMm !== null,
  );
  if (meta.pixelSizeUm !== null) {
    const binnedUm = meta.pixelSizeUm * meta.binning;
    cards.push(
      { key: "XPIXSZ", value: binnedUm, real: true, comment: "pixel width incl. binning, um" },
      { key: "YPIXSZ", value: binnedUm, real: true, comment: "pixel height incl. binning, um" },
    );
  }
  if (meta.bayerPattern !== null) {
    cards.push(
      { key: "BAYERPAT", value: meta.bayerPattern, comment: "colour filter array at (0,0)" },
      { key: "XBAYROFF", value: 0, comment: "Bayer x offset" },
      { key: "YBAYROFF", value: 0, comment: "Bayer y offset" },
    );
  }
  cards.push(
    { key: "EQUINOX", value: 2000, real: true, comment: "equinox of coordinates" },
    { key: "ROWORDER", value: "TOP-DOWN", comment: "first row is the top of the image" },
    { key: "SWCREATE", value: "OpenSkyLab", comment: "software that created this file" },
  );
  return cards;
}
