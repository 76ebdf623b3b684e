/**
 * What the simulated camera can do: gain, offset and binning like a Sony IMX CMOS behind a
 * ZWO-style driver. Requests are checked against it by devices/exposure_check.ts, as every
 * camera driver's are.
 */
import type { CameraCapabilities } from "../camera.ts";
import type { SimCameraSetup } from "./camera_options.ts";

/** Gain and offset ranges and binning like a Sony IMX CMOS behind a ZWO-style driver. */
export function simCameraCapabilities(options: SimCameraSetup): CameraCapabilities {
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
