/**
 * Rotator contract, shaped on ASCOM IRotatorV4. Angles in degrees [0, 360). `positionDeg` is the
 * synced sky position angle; `mechanicalPositionDeg` is the raw device angle.
 */
import type { BaseStatus, Device } from "./device.ts";

export interface RotatorCapabilities {
  canReverse: boolean;
  /** Smallest step the rotator can make, degrees. */
  stepSizeDeg: number;
}

export interface RotatorStatus extends BaseStatus {
  positionDeg: number;
  mechanicalPositionDeg: number;
  targetPositionDeg: number;
  moving: boolean;
  reversed: boolean;
}

export interface Rotator extends Device<RotatorStatus> {
  readonly kind: "rotator";
  readonly capabilities: RotatorCapabilities;
  /** Starts a move to a sky angle; resolves once under way. */
  moveTo(positionDeg: number): Promise<void>;
  /** Starts a move to a mechanical angle. */
  moveMechanical(positionDeg: number): Promise<void>;
  /** Declares the current sky angle (after a plate solve) without moving. */
  sync(positionDeg: number): Promise<void>;
  setReversed(reversed: boolean): Promise<void>;
  halt(): Promise<void>;
}
