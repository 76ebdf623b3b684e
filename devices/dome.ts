/** Dome (or roll-off roof) contract, shaped on ASCOM IDomeV3. Azimuth in degrees [0, 360). */
import type { BaseStatus, Device } from "./device.ts";

export type ShutterState = "open" | "closed" | "opening" | "closing" | "error";

export interface DomeCapabilities {
  canSetAzimuth: boolean;
  canSetShutter: boolean;
  canPark: boolean;
  canSlave: boolean;
}

export interface DomeStatus extends BaseStatus {
  shutter: ShutterState;
  azimuthDeg: number;
  targetAzimuthDeg: number | null;
  slewing: boolean;
  parked: boolean;
  atHome: boolean;
  /** Following the mount. */
  slaved: boolean;
}

export interface Dome extends Device<DomeStatus> {
  readonly kind: "dome";
  readonly capabilities: DomeCapabilities;
  /** Start the shutter moving; resolve once under way. `shutter` reaches open/closed later. */
  openShutter(): Promise<void>;
  closeShutter(): Promise<void>;
  slewToAzimuth(azimuthDeg: number): Promise<void>;
  park(): Promise<void>;
  findHome(): Promise<void>;
  setSlaved(slaved: boolean): Promise<void>;
  /** Stops rotation and shutter at once. */
  abort(): Promise<void>;
}
