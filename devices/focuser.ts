/** Focuser contract, shaped on ASCOM IFocuserV4 (absolute focusers; positions in steps). */
import type { BaseStatus, Device } from "./device.ts";

export interface FocuserCapabilities {
  maxPosition: number;
  /** Largest single move, steps (ASCOM MaxIncrement). */
  maxIncrement: number;
  stepSizeUm: number | null;
  hasTemperature: boolean;
}

export interface FocuserStatus extends BaseStatus {
  position: number;
  targetPosition: number;
  moving: boolean;
  temperatureC: number | null;
}

export interface Focuser extends Device<FocuserStatus> {
  readonly kind: "focuser";
  readonly capabilities: FocuserCapabilities;
  /** Starts a move to 0..maxPosition; resolves once under way. RangeError outside the range. */
  moveTo(position: number): Promise<void>;
  /** Stops a move where it is (ASCOM Halt). */
  halt(): Promise<void>;
}
