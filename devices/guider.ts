/**
 * Guider contract, shaped on PHD2's event server (the autoguider people actually run). Distances
 * in guide-camera pixels at the contract; RMS in arcsec (the driver knows the pixel scale).
 */
import type { BaseStatus, Device } from "./device.ts";

export const GUIDE_STATES = [
  "stopped",
  "selected",
  "calibrating",
  "guiding",
  "settling",
  "lostLock",
  "paused",
  "looping",
] as const;
export type GuideState = typeof GUIDE_STATES[number];

export interface SettleParams {
  /** Settled when the error stays within this many pixels… */
  pixels: number;
  /** …for this many seconds… */
  timeS: number;
  /** …before this deadline, or the settle fails. */
  timeoutS: number;
}

export interface GuiderCapabilities {
  canDither: boolean;
  canCalibrate: boolean;
}

export interface GuiderStatus extends BaseStatus {
  state: GuideState;
  rmsRaArcsec: number | null;
  rmsDecArcsec: number | null;
  rmsTotalArcsec: number | null;
  star: { x: number; y: number; snr: number } | null;
  calibrated: boolean;
  pixelScaleArcsec: number | null;
}

export interface Guider extends Device<GuiderStatus> {
  readonly kind: "guider";
  readonly capabilities: GuiderCapabilities;
  /** Starts (or re-settles) guiding; resolves once settled. Rejects when the settle fails. */
  startGuiding(settle: SettleParams, signal?: AbortSignal): Promise<void>;
  stopGuiding(): Promise<void>;
  /** Dithers by up to `pixels` and resolves once settled; rejects when the settle fails. */
  dither(pixels: number, settle: SettleParams, signal?: AbortSignal): Promise<void>;
}
