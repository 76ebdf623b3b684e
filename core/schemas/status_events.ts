/** The payload schema of each device's status event; the catalogue and the routes share them. */
import { CameraStatusDto } from "./camera.ts";
import { DomeStatusDto } from "./dome.ts";
import { FilterWheelStatusDto } from "./filterwheel.ts";
import { FlatPanelStatusDto } from "./flatpanel.ts";
import { FocuserStatusDto } from "./focuser.ts";
import { GuidingStatusDto } from "./guider.ts";
import { RotatorStatusDto } from "./rotator.ts";
import { WeatherStatusDto } from "./weather.ts";

export const STATUS_EVENT_SCHEMAS = {
  camera: CameraStatusDto,
  focuser: FocuserStatusDto,
  filterwheel: FilterWheelStatusDto,
  rotator: RotatorStatusDto,
  flatpanel: FlatPanelStatusDto,
  dome: DomeStatusDto,
  weather: WeatherStatusDto,
  guider: GuidingStatusDto,
} as const;
