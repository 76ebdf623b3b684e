/** Every Alpaca device type the bridge serves, fresh per server (each keeps its bridge state). */
import { cameraType } from "./camera.ts";
import { coverCalibratorType } from "./covercalibrator.ts";
import type { DeviceType } from "./device_type.ts";
import { domeType } from "./dome.ts";
import { filterWheelType } from "./filterwheel.ts";
import { focuserType } from "./focuser.ts";
import { rotatorType } from "./rotator.ts";
import { telescopeType } from "./telescope.ts";
import { observingConditionsType, safetyMonitorType } from "./weather.ts";

export function allDeviceTypes(): DeviceType[] {
  return [
    telescopeType(),
    cameraType(),
    focuserType(),
    filterWheelType(),
    rotatorType(),
    coverCalibratorType(),
    domeType(),
    observingConditionsType(),
    safetyMonitorType(),
  ] as DeviceType[];
}
