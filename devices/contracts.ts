/** Maps each device kind to its contract, so the hub and the registry stay typed by kind. */
import type { Camera } from "./camera.ts";
import type { DeviceKind } from "./device.ts";
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
