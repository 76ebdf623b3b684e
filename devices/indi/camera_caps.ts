/**
 * Reads a camera's capabilities from INDI's CCD properties (CCD_INFO, CCD_EXPOSURE, CCD_BINNING,
 * CCD_GAIN/CCD_OFFSET or the vendor CCD_CONTROLS Gain/Offset, CCD_TEMPERATURE, CCD_COOLER,
 * CCD_CFA) and validates an exposure request against them, naming the offending field.
 */
import { BAYER_PATTERNS, type BayerPattern, type CameraCapabilities } from "../camera.ts";
import { type IndiVector, numberMember, numberValue } from "./properties.ts";

export type VectorLookup = (name: string) => IndiVector | undefined;

/** Where gain or offset is written: the standard property, or a member of CCD_CONTROLS. */
export interface ControlTarget {
  property: string;
  member: string;
}

export function gainTarget(vector: VectorLookup): ControlTarget | null {
  if (numberMember(vector("CCD_GAIN"), "GAIN")) return { property: "CCD_GAIN", member: "GAIN" };
  if (numberMember(vector("CCD_CONTROLS"), "Gain")) {
    return { property: "CCD_CONTROLS", member: "Gain" };
  }
  return null;
}

export function offsetTarget(vector: VectorLookup): ControlTarget | null {
  if (numberMember(vector("CCD_OFFSET"), "OFFSET")) {
    return { property: "CCD_OFFSET", member: "OFFSET" };
  }
  if (numberMember(vector("CCD_CONTROLS"), "Offset")) {
    return { property: "CCD_CONTROLS", member: "Offset" };
  }
  return null;
}

export function readCapabilities(vector: VectorLookup): CameraCapabilities {
  const info = vector("CCD_INFO");
  const exposure = numberMember(vector("CCD_EXPOSURE"), "CCD_EXPOSURE_VALUE");
  const binning = numberMember(vector("CCD_BINNING"), "HOR_BIN");
  const gain = gainTarget(vector);
  const offset = offsetTarget(vector);
  const gainMember = gain ? numberMember(vector(gain.property), gain.member) : undefined;
  const offsetMember = offset ? numberMember(vector(offset.property), offset.member) : undefined;
  const temperature = vector("CCD_TEMPERATURE");
  const cfa = vector("CCD_CFA");
  const cfaType = cfa?.type === "Text" ? cfa.members.get("CFA_TYPE")?.value : undefined;
  return {
    widthPx: Math.max(1, Math.round(numberValue(info, "CCD_MAX_X", 1))),
    heightPx: Math.max(1, Math.round(numberValue(info, "CCD_MAX_Y", 1))),
    pixelSizeUm: numberValue(info, "CCD_PIXEL_SIZE", 1) || 1,
    bitDepth: Math.min(16, Math.max(8, Math.round(numberValue(info, "CCD_BITSPERPIXEL", 16)))),
    bayerPattern: BAYER_PATTERNS.includes(cfaType as BayerPattern) ? cfaType as BayerPattern : null,
    maxBinning: Math.max(1, Math.floor(binning?.max ?? 1)),
    gainMin: gainMember?.min ?? 0,
    gainMax: gainMember?.max ?? 0,
    offsetMin: offsetMember?.min ?? 0,
    offsetMax: offsetMember?.max ?? 0,
    exposureMinS: exposure?.min ?? 0,
    exposureMaxS: exposure && exposure.max > exposure.min ? exposure.max : 3600,
    hasCooler: vector("CCD_COOLER") !== undefined ||
      (temperature !== undefined && temperature.perm !== "ro"),
    hasShutter: false,
  };
}
