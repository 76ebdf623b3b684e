/**
 * The running box as the HTTP layer sees it: every service main.ts wires together. Routes receive
 * this and nothing else, so a test can build the same app over a temporary data dir.
 */
import type { Clock } from "../lib/clock.ts";
import type { Config } from "./config.ts";
import type { EventBus } from "./event_bus.ts";
import type { Logger, LogSink } from "../lib/log.ts";
import type { RigControl } from "../devices/rig.ts";
import type { DriverCatalogue } from "../devices/driver_catalogue.ts";
import type { AlignmentRepository } from "./store/alignment.ts";
import type { PointingService } from "./pointing/pointing_service.ts";
import type { PolarAlignmentService } from "./polar/polar_service.ts";
import type { CenteringService } from "./centering/centering_service.ts";
import type { FrameRepository } from "./store/frames.ts";
import type { SafetyMonitor } from "./safety/safety_monitor.ts";
import type { ExposureService } from "./camera/exposure_service.ts";
import type { FrameSink } from "./frames/frame_sink.ts";
import type { FrameFileChanges } from "./frames/file_changes.ts";
import type { WorkerPool } from "./imaging/worker_pool.ts";
import type { FramePreviews } from "./frames/frame_previews.ts";
import type { ProfileService } from "./profiles/profile_service.ts";
import type { SequencerService } from "./sequencer/service.ts";
import type { SchedulerService } from "./scheduler/scheduler_service.ts";
import type { CatalogService } from "./catalog/catalog_service.ts";
import type { CalibrationService } from "./calibration/calibration_service.ts";
import type { LivestackService } from "./livestack/livestack_service.ts";
import type { Discovery } from "../devices/discovery.ts";
import type { AutofocusService } from "./autofocus/service.ts";
import type { SolverService } from "./solver/solver_service.ts";
import type { SyncService } from "./sync/sync_service.ts";
import type { SystemService } from "./system/system_service.ts";
import type { LicenseService } from "./license/license_service.ts";
import type { MosaicService } from "./mosaic/mosaic_service.ts";
import type { HipsService } from "./hips/hips_service.ts";
import type { GuideStepLog } from "./guiding/guide_steps.ts";
import type { CoolerService } from "./cooler/cooler_service.ts";
import type { TelemetryService } from "./telemetry/telemetry_service.ts";
import type { AlpacaBridgeService } from "./alpaca/bridge_service.ts";
import type { WifiManager } from "./wifi/wifi_manager.ts";
import type { UpdateService } from "./update/update_service.ts";
import type { TlsService } from "./tls/tls_service.ts";

export interface Services {
  config: Config;
  /** Absolute path of the data directory (frames, database). */
  dataDir: string;
  clock: Clock;
  bus: EventBus;
  logs: LogSink;
  log: Logger;
  hub: RigControl;
  /** Each role's drivers and the schema of their profile options. */
  drivers: DriverCatalogue;
  frames: FrameRepository;
  alignment: AlignmentRepository;
  /** The pointing model fitted to the alignment points, applied to gotos when configured. */
  pointing: PointingService;
  /** Three-point polar alignment and the knob-turning loop after it. */
  polarAlignment: PolarAlignmentService;
  /** Centre on target: goto → expose → solve → sync until within tolerance (core/centering/). */
  centering: CenteringService;
  profiles: ProfileService;
  exposures: ExposureService;
  /** Where every frame is kept: the file pattern, the frame number, frame_ready and analysis. */
  frameSink: FrameSink;
  /** The screen preview of recent frames, rendered ahead when they are saved (core/frames/). */
  framePreviews: FramePreviews;
  /** Who rewrites a recorded frame's file says so here; cloud sync listens (replaces its copy). */
  frameFiles: FrameFileChanges;
  /** Web Workers for CPU-heavy imaging (previews, analysis, stacking): see worker_tasks.ts. */
  imaging: WorkerPool;
  calibration: CalibrationService;
  safety: SafetyMonitor;
  catalog: CatalogService;
  livestack: LivestackService;
  sequencer: SequencerService;
  scheduler: SchedulerService;
  /** V-curve autofocus and temperature compensation (core/autofocus/). */
  autofocus: AutofocusService;
  /** What could fill the roles: serial ports, ZWO SDK devices, INDI drivers, Alpaca servers. */
  discovery: Discovery;
  /** Plate-solve jobs (ASTAP, then astrometry.net) and the installed indexes. */
  solver: SolverService;
  /** Cloud sync: frames and database backups to an S3-compatible store (core/sync/). */
  sync: SyncService;
  /** The box itself: versions, clock, storage, first boot, shutdown and reboot (core/system/). */
  system: SystemService;
  /** The box's licence, its third-party components' and the system's Debian packages'. */
  license: LicenseService;
  /** Mosaic panels on the sphere, saved mosaics, and their scheduler plans (core/mosaic/). */
  mosaic: MosaicService;
  /** HiPS surveys: local mirror, upstream cache, the Tycho-2 catalogue, prefetch (core/hips/). */
  hips: HipsService;
  /** The last hour of guide steps, published as `guiding.step` (core/guiding/). */
  guideSteps: GuideStepLog;
  /** The camera's cooler, set at once or ramped, for the API and the automation alike. */
  cooler: CoolerService;
  /** The box's health, its history, /metrics and the disk guard (core/telemetry/). */
  telemetry: TelemetryService;
  /** The ASCOM Alpaca bridge: on/off, whom it serves, which devices (core/alpaca/). */
  alpaca: AlpacaBridgeService;
  /** The radio: hotspot, home networks, captive portal phase (core/wifi/). */
  wifi: WifiManager;
  /** Over-the-air updates: check, upload, verify, apply through systemd, roll back (core/update/). */
  update: UpdateService;
  /** The box's own CA and server certificate for HTTPS (core/tls/). */
  tls: TlsService;
}
