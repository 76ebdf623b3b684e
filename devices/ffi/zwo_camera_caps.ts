/**
 * What an ASI camera can do, read from the SDK rather than assumed: sensor size, pixel size, ADC
 * depth and Bayer pattern from ASI_CAMERA_INFO; gain, offset and exposure ranges from the control
 * caps (exposure in µs); binning from SupportedBins, which need not be contiguous. Also the
 * request check against those capabilities, whose RangeErrors name the offending field.
 */
import { BAYER_PATTERNS, type BayerPattern, type CameraCapabilities } from "../camera.ts";
import { type AsiCameraInfo, AsiControl, type AsiControlCaps } from "./asi_sdk.ts";

/** Capabilities before the first connect: nothing is known, so nothing is promised. */
export const UNKNOWN_CAPABILITIES: CameraCapabilities = {
  widthPx: 1,
  heightPx: 1,
  pixelSizeUm: 1,
  bitDepth: 16,
  bayerPattern: null,
  maxBinning: 1,
  gainMin: 0,
  gainMax: 0,
  offsetMin: 0,
  offsetMax: 0,
  exposureMinS: 0,
  exposureMaxS: 3600,
  hasCooler: false,
  hasShutter: false,
};

/** ASI_BAYER_PATTERN 0..3 in the contract's spelling. */
const BAYER_BY_CODE: readonly BayerPattern[] = ["RGGB", "BGGR", "GRBG", "GBRG"];

export function bayerOf(info: AsiCameraInfo): BayerPattern | null {
  if (!info.isColor) return null;
  const pattern = BAYER_BY_CODE[info.bayerPattern];
  if (pattern === undefined || !BAYER_PATTERNS.includes(pattern)) {
    throw new RangeError(`the camera reports an unknown Bayer pattern ${info.bayerPattern}`);
  }
  return pattern;
}

export function capabilitiesOf(
  info: AsiCameraInfo,
  controls: Map<number, AsiControlCaps>,
): CameraCapabilities {
  const gain = controls.get(AsiControl.GAIN);
  const offset = controls.get(AsiControl.OFFSET);
  const exposure = controls.get(AsiControl.EXPOSURE);
  if (!exposure) throw new Error(`${info.name} reports no exposure control`);
  return {
    widthPx: info.maxWidthPx,
    heightPx: info.maxHeightPx,
    pixelSizeUm: info.pixelSizeUm,
    bitDepth: info.bitDepth,
    bayerPattern: bayerOf(info),
    maxBinning: Math.max(1, ...info.supportedBins),
    gainMin: gain?.minValue ?? 0,
    gainMax: gain?.maxValue ?? 0,
    offsetMin: offset?.minValue ?? 0,
    offsetMax: offset?.maxValue ?? 0,
    exposureMinS: exposure.minValue / 1e6,
    exposureMaxS: exposure.maxValue / 1e6,
    hasCooler: info.hasCooler && controls.has(AsiControl.COOLER_ON) &&
      controls.has(AsiControl.TARGET_TEMP),
    hasShutter: info.hasShutter,
  };
}
