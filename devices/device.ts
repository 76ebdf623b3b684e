/**
 * What every device contract shares, shaped on ASCOM's common members (Connected, Name,
 * Description, DriverInfo, DriverVersion). A driver implements exactly one contract; the hub
 * talks to it only through these members.
 *
 * Rules for every driver:
 * - `status()` is cheap: it returns the last snapshot, never does I/O, and works while
 *   disconnected (with `connected: false` and the last known values).
 * - Commands are async and resolve when the device has *accepted* them (a slew resolves when it
 *   has started, not when it has arrived). The few that resolve on completion (an exposure, a
 *   dither) say so in their doc and take an AbortSignal.
 * - A driver serialises its own hardware I/O: one command at a time per device.
 * - A driver that cannot do something throws `RangeError`/`TypeError` for misuse, an `AppError`
 *   (lib/errors.ts) with the right status for a state conflict, or any Error for a device
 *   failure. The hub's guard adds deadlines, so a driver never needs to time itself out.
 * - `onStatus` fires after every change of the snapshot; `onLost` fires when the connection
 *   dropped without `disconnect()` being called (the hub then reconnects with backoff).
 */
import type { Clock } from "../lib/clock.ts";
import type { Logger } from "../lib/log.ts";

export const DEVICE_KINDS = [
  "mount",
  "camera",
  "focuser",
  "filterwheel",
  "rotator",
  "flatpanel",
  "dome",
  "weather",
  "guider",
] as const;
export type DeviceKind = typeof DEVICE_KINDS[number];

export interface DeviceInfo {
  /** Human name of the device, e.g. "Simulated EQ mount" or "ZWO ASI2600MC Pro". */
  name: string;
  /** Driver id from the registry, e.g. "sim", "indi", "alpaca". */
  driver: string;
  description: string;
  driverVersion: string;
}

/** Fields every status snapshot carries. */
export interface BaseStatus {
  connected: boolean;
}

export interface Device<S extends BaseStatus> {
  readonly kind: DeviceKind;
  readonly info: DeviceInfo;
  connect(signal?: AbortSignal): Promise<void>;
  disconnect(): Promise<void>;
  status(): S;
  onStatus(listener: (status: S) => void): () => void;
  onLost(listener: (reason: string) => void): () => void;
}

/** The observing site, from the active profile. */
export interface Site {
  latitudeDeg: number;
  longitudeDeg: number;
  elevationM: number;
}

/** The imaging optics, from the active profile. */
export interface Optics {
  focalLengthMm: number;
  apertureMm: number;
}

/**
 * What a driver factory is given. `options` are the profile's options for this driver, already
 * parsed by the driver's own schema (see driver_catalogue.ts): typed, complete with defaults.
 */
export interface DriverContext<O = Record<string, unknown>> {
  clock: Clock;
  log: Logger;
  site: Site;
  optics: Optics;
  options: O;
  /** The box's data directory, for drivers that cache derived files (absent in unit tests). */
  dataDir?: string;
}
