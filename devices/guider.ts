/**
 * Guider contract, shaped on PHD2's event server (the autoguider people actually run). Distances
 * in guide-camera pixels at the contract; RMS in arcsec (the driver knows the pixel scale). Besides
 * the status snapshot, a guider reports every guide step (PHD2's GuideStep) to `onGuideStep`
 * listeners as it is measured, so the phone can graph the RA and Dec error step by step.
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

/** One guide-camera frame while guiding (PHD2's GuideStep). Distances in guide-camera pixels. */
export interface GuideStep {
  /** The guider's frame number (PHD2 `Frame`); it restarts when the guider restarts. */
  frame: number;
  /** Unix ms on the box's clock when the step was received. */
  atMs: number;
  /** Seconds since guiding started (PHD2 `Time`). */
  sinceStartS: number;
  /** The guide error along RA and Dec (PHD2 RADistanceRaw / DECDistanceRaw). */
  raPx: number;
  decPx: number;
  /** The star's offset from the lock position along the camera's axes (PHD2 dx / dy). */
  dxPx: number;
  dyPx: number;
  /** The correction pulse sent on each axis, or null when none was (PHD2 sends none then). */
  raPulse: { ms: number; direction: "east" | "west" } | null;
  decPulse: { ms: number; direction: "north" | "south" } | null;
  /** The guide star's measurements, null where the guider does not say. */
  snr: number | null;
  starMass: number | null;
  hfdPx: number | null;
  /** The star finder's complaint (PHD2 ErrorCode: 1 saturated … 8 unexpected), 0 when none. */
  errorCode: number;
  /** A pulse clipped by the guider's maximum duration (PHD2 RALimited / DecLimited). */
  raLimited: boolean;
  decLimited: boolean;
}

export interface Guider extends Device<GuiderStatus> {
  readonly kind: "guider";
  readonly capabilities: GuiderCapabilities;
  /** Starts (or re-settles) guiding; resolves once settled. Rejects when the settle fails. */
  startGuiding(settle: SettleParams, signal?: AbortSignal): Promise<void>;
  stopGuiding(): Promise<void>;
  /** Dithers by up to `pixels` and resolves once settled; rejects when the settle fails. */
  dither(pixels: number, settle: SettleParams, signal?: AbortSignal): Promise<void>;
  /** Called for every guide step as it is measured. Returns the unsubscriber. */
  onGuideStep(listener: (step: GuideStep) => void): () => void;
}
