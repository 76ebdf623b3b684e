/**
 * The one check of an exposure request against a camera's capabilities that every camera driver
 * makes before any time passes, so a bad duration, gain, offset, binning or frame type is a
 * RangeError naming the field and the allowed values — the same answer from the simulator, ZWO
 * and INDI — rather than a strange frame or a driver error. Drivers whose binning modes have gaps
 * (ZWO: 1, 2, 4) pass the supported list; INDI gain and offset may be fractional.
 */
import { type CameraCapabilities, type ExposureRequest, FRAME_TYPES } from "./camera.ts";

export interface ExposureCheckOptions {
  /** The binning modes the camera supports; default every integer 1..maxBinning. */
  supportedBins?: readonly number[];
  /** Whether gain and offset must be integers (true for ZWO and the simulator). */
  integerGainOffset?: boolean;
}

export function checkExposureRequest(
  request: ExposureRequest,
  caps: CameraCapabilities,
  options: ExposureCheckOptions = {},
): void {
  if (typeof request !== "object" || request === null) {
    throw new TypeError("exposure request must be an object");
  }
  const integer = options.integerGainOffset ?? true;
  checkRange("durationS", request.durationS, caps.exposureMinS, caps.exposureMaxS, false);
  checkRange("gain", request.gain, caps.gainMin, caps.gainMax, integer);
  checkRange("offset", request.offset, caps.offsetMin, caps.offsetMax, integer);
  const bins = options.supportedBins ??
    Array.from({ length: caps.maxBinning }, (_, i) => i + 1);
  if (!bins.includes(request.binning)) {
    throw new RangeError(`binning must be one of ${bins.join(", ")}, got ${request.binning}`);
  }
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
