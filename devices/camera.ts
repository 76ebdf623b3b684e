/**
 * Camera contract, shaped on ASCOM ICameraV4.
 *
 * One exposure at a time: `expose` resolves with the frame once it is downloaded, so the caller
 * owns saving it. Aborting the signal stops the exposure and discards it (ASCOM AbortExposure).
 */
import type { BaseStatus, Device } from "./device.ts";

export const FRAME_TYPES = ["light", "dark", "bias", "flat"] as const;
export type FrameType = typeof FRAME_TYPES[number];
export const BAYER_PATTERNS = ["RGGB", "BGGR", "GRBG", "GBRG"] as const;
export type BayerPattern = typeof BAYER_PATTERNS[number];

export interface CameraCapabilities {
  widthPx: number;
  heightPx: number;
  pixelSizeUm: number;
  /** ADC bits; pixels are delivered as 16-bit regardless (ASCOM MaxADU = 2^bits − 1). */
  bitDepth: number;
  /** Null for a mono sensor. The pattern at (0, 0) of the full unbinned frame. */
  bayerPattern: BayerPattern | null;
  maxBinning: number;
  gainMin: number;
  gainMax: number;
  offsetMin: number;
  offsetMax: number;
  exposureMinS: number;
  exposureMaxS: number;
  hasCooler: boolean;
  /** A mechanical shutter: darks without covering the scope. */
  hasShutter: boolean;
}

export interface ExposureRequest {
  durationS: number;
  gain: number;
  offset: number;
  /** Same in x and y, 1..maxBinning. */
  binning: number;
  frameType: FrameType;
}

export interface RawFrame {
  /** Row-major, `widthPx * heightPx` samples. */
  pixels: Uint16Array;
  widthPx: number;
  heightPx: number;
  /** Bayer pattern of this (unbinned colour) frame; null when mono or binned. */
  bayerPattern: BayerPattern | null;
  request: ExposureRequest;
  /** Unix ms when the shutter opened. */
  startedAtMs: number;
  sensorTempC: number | null;
}

export type ExposureState = "idle" | "exposing" | "reading" | "downloading" | "error";

export interface CameraStatus extends BaseStatus {
  exposure: {
    state: ExposureState;
    /** 0..1 of the exposure time elapsed. */
    progress: number;
    remainingS: number;
    request: ExposureRequest | null;
  };
  cooler: {
    enabled: boolean;
    /** 0..100. */
    powerPct: number;
    tempC: number | null;
    targetC: number | null;
  };
}

export interface Camera extends Device<CameraStatus> {
  readonly kind: "camera";
  readonly capabilities: CameraCapabilities;
  /**
   * Runs one exposure and resolves with the downloaded frame. Rejects with a 409 AppError when an
   * exposure is already running, RangeError for parameters outside the capabilities, and the
   * signal's reason when aborted.
   */
  expose(request: ExposureRequest, signal?: AbortSignal): Promise<RawFrame>;
  /** Rejects with a 409 AppError when the camera has no cooler. */
  setCooler(enabled: boolean, targetC: number): Promise<void>;
}
