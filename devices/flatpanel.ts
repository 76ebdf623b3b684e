/** Flat panel contract, shaped on ASCOM ICoverCalibratorV2 (dust cover + light source). */
import type { BaseStatus, Device } from "./device.ts";

export type CoverState = "notPresent" | "closed" | "moving" | "open" | "unknown" | "error";
export type CalibratorState = "notPresent" | "off" | "notReady" | "ready" | "unknown" | "error";

export interface FlatPanelCapabilities {
  hasCover: boolean;
  hasLight: boolean;
  maxBrightness: number;
}

export interface FlatPanelStatus extends BaseStatus {
  cover: CoverState;
  calibrator: CalibratorState;
  /** 0..maxBrightness; 0 when the light is off. */
  brightness: number;
}

export interface FlatPanel extends Device<FlatPanelStatus> {
  readonly kind: "flatpanel";
  readonly capabilities: FlatPanelCapabilities;
  /** Starts opening / closing the cover; resolves once under way. 409 when there is no cover. */
  openCover(): Promise<void>;
  closeCover(): Promise<void>;
  haltCover(): Promise<void>;
  /** Turns the light on at 1..maxBrightness; `calibrator` is "notReady" until it is stable. */
  lightOn(brightness: number): Promise<void>;
  lightOff(): Promise<void>;
}
