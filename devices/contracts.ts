/** Maps each device kind to its contract, so the hub and the registry stay typed by kind. */
import type { Camera } from "./camera.ts";
import type { DeviceKind, DriverContext } from "./device.ts";
import type { Dome } from "./dome.ts";
import type { FilterWheel } from "./filterwheel.ts";
import type { FlatPanel } from "./flatpanel.ts";
import type { Focuser } from "./focuser.ts";
import type { Guider } from "./guider.ts";
import type { Mount } from "./mount.ts";
import type { Rotator } from "./rotator.ts";
import type { Weather } from "./weather.ts";

export interface ContractOf {
  mount: Mount;
  camera: Camera;
  focuser: Focuser;
  filterwheel: FilterWheel;
  rotator: Rotator;
  flatpanel: FlatPanel;
  dome: Dome;
  weather: Weather;
  guider: Guider;
}

export type AnyDevice = ContractOf[DeviceKind];
/**
 * Builds a driver for a role. It may load its module first (drivers for hardware the profile does
 * not use are never loaded), and throws for options it refuses.
 */
export type DriverFactory<K extends DeviceKind> = (
  ctx: DriverContext,
) => ContractOf[K] | Promise<ContractOf[K]>;
