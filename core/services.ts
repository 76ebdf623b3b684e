/**
 * The running box as the HTTP layer sees it: every service main.ts wires together. Routes receive
 * this and nothing else, so a test can build the same app over a temporary data dir.
 */
import type { Clock } from "./clock.ts";
import type { Config } from "./config.ts";
import type { EventBus } from "./event_bus.ts";
import type { Logger, LogSink } from "./log.ts";
import type { DeviceHub } from "../devices/hub.ts";
import type { AlignmentRepository } from "./store/alignment.ts";
import type { FrameRepository } from "./store/frames.ts";
import type { ExposureService } from "./camera/exposure_service.ts";
import type { ProfileService } from "./profiles/profile_service.ts";

export interface Services {
  config: Config;
  /** Absolute path of the data directory (frames, database). */
  dataDir: string;
  clock: Clock;
  bus: EventBus;
  logs: LogSink;
  log: Logger;
  hub: DeviceHub;
  frames: FrameRepository;
  alignment: AlignmentRepository;
  profiles: ProfileService;
  exposures: ExposureService;
}
