/**
 * What the simulated camera can do, and the check of an exposure request against it before any
 * time passes, so a bad duration, gain, offset, binning or frame type is a RangeError naming the
 * field and the allowed range — the same answer a real driver gives — rather than a strange frame.
 */
import { type CameraCapabilities, type ExposureRequest, FRAME_TYPES } from "../camera.ts";
import type { SimCameraOptions } from "./camera_options.ts";

/** Gain and offset ranges and binning like a Sony IMX CMOS behind a ZWO-style driver. */
export function simCameraCapabilities(options: SimCameraOptions): CameraCapabilities {
  return {
    widthPx: options.widthPx,
    heightPx: options.heightPx,
    pixelSizeUm: options.pixelSizeUm,
    bitDepth: 16,
    bayerPattern: options.bayerPattern,
    maxBinning: 4,
    gainMin: 0,
    gainMax: 500,
    offsetMin: 0,
    offsetMax: 200,
    exposureMinS: 0,
    exposureMaxS: 3600,
    hasCooler: options.hasCooler,
    hasShutter: false,
  };
}

export function validateExposure(request: ExposureRequest, caps: CameraCapabilities): void {
  if (typeof request !== "object" || request === null) {
    throw new TypeError("exposure request must be an object");
  }
  checkRange("durationS", request.durationS, caps.exposureMinS, caps.exposureMaxS, false);
  checkRange("gain", request.gain, caps.gainMin, caps.gainMax, true);
  checkRange("offset", request.offset, caps.offsetMin, caps.offsetMax, true);
  checkRange("binning", request.binning, 1, caps.maxBinning, true);
  if (!FRAME_TYPES.includes(request.frameType)) {
    throw new RangeError(
      `frameType must be one of ${FRAME_TYPES.join(", ")}, got ${
        JSON.stringify(request.frameType)
      }`,
    );
  }
}

function checkRange(field: string, value: number, min: number, max: number, integer: boolean) {
  if (
    typeof value !== "number" || !Number.isFinite(value) || value < min || value > max ||
    (integer && !Number.isInteger(value))
  ) {
    throw new RangeError(
      `${field} must be ${integer ? "an integer " : ""}within ${min}..${max}, got ${value}`,
    );
  }
}
