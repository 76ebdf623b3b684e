/**
 * The composition root of a running box: config → store → device hub → services → HTTP, and the
 * orderly way down again. `startServer` is what `serve` runs and what integration tests call with
 * a temporary data dir and port 0.
 */
import { join } from "node:path";
import { CalibrationService } from "../core/calibration/calibration_service.ts";
import { LivestackService } from "../core/livestack/livestack_service.ts";
import { DiscoveryService } from "../devices/discovery_service.ts";
import { ExposureService } from "../core/camera/exposure_service.ts";
import { frameFigures } from "../core/camera/frame_analysis.ts";
import { libraryCalibration } from "../core/livestack/calibration_hook.ts";
import { WorkerPool } from "../core/imaging/worker_pool.ts";
import { systemClock } from "../lib/clock.ts";
import type { Clock } from "../lib/clock.ts";
import type { Config } from "../core/config.ts";
import { EventBus } from "../core/event_bus.ts";
import { LogSink } from "../lib/log.ts";
import type { LogLevel } from "../lib/log.ts";
import { ProfileService } from "../core/profiles/profile_service.ts";
import { SequencerService } from "../core/sequencer/service.ts";
import { AutofocusService } from "../core/autofocus/service.ts";
import { AutofocusRunRepository } from "../core/store/autofocus_runs.ts";
import { SchedulerService } from "../core/scheduler/scheduler_service.ts";
import { CatalogService } from "../core/catalog/catalog_service.ts";
import { SIRIL_CATALOGUE_DIR } from "../core/catalog/load.ts";
import { CatalogRepository } from "../core/store/catalog.ts";
import { SafetyMonitor } from "../core/safety/safety_monitor.ts";
import type { Services } from "../core/services.ts";
import { StatusFeed } from "../core/status_feed.ts";
import { openDatabase } from "../core/store/db.ts";
import { AlignmentRepository } from "../core/store/alignment.ts";
import { PointingService } from "../core/pointing/pointing_service.ts";
import { PolarAlignmentService } from "../core/polar/polar_service.ts";
import { solveWithService } from "../core/polar/solver_adapter.ts";
import { CenteringService } from "../core/centering/centering_service.ts";
import { rigOwner } from "../core/rig_owner.ts";
import { solverMissing } from "../core/centering/solve_adapter.ts";
import { CalibrationRepository } from "../core/store/calibration.ts";
import { FrameRepository } from "../core/store/frames.ts";
import { ProfileRepository } from "../core/store/profiles.ts";
import { DeviceHub } from "../devices/hub.ts";
import { defaultRegistry } from "../devices/registry.ts";
import { IndiServerManager, managedDrivers } from "../devices/indi/server_manager.ts";
import { createApp } from "../routes/app.ts";
import { AlpacaServer } from "../routes/alpaca/server.ts";
import { hubSource } from "../routes/alpaca/device_type.ts";
import { ALPACA_DISCOVERY_PORT } from "../routes/alpaca/discovery.ts";
import { KvRepository } from "../core/store/kv.ts";
import { WsHub } from "../routes/ws.ts";
import { SolverService } from "../core/solver/solver_service.ts";
import { profileScale } from "../core/solver/profile_scale.ts";

export const VERSION = "0.1.0";

export interface ServerOptions {
  config: Config;
  port: number;
  hostname: string;
  dataDir: string;
  clock?: Clock;
  logs?: LogSink;
  /** siril's catalogue directory; /usr/share/siril/catalogue by default. */
  catalogDir?: string;
  /** Validate every published event against the catalogue (tests). */
  validateEvents?: boolean;
  /** The Alpaca server's port instead of config `alpaca.port` (tests: 0 = any free port). */
  alpacaPort?: number;
  /** Alpaca UDP discovery port (32227 by default); null turns discovery off (tests). */
  alpacaDiscoveryPort?: number | null;
}

export interface RunningServer {
  port: number;
  url: string;
  services: Services;
  /** The Alpaca server's port, or null when it could not start. */
  alpacaPort: number | null;
  /** Stops accepting, finishes frames being written, closes devices and the database. */
  shutdown(): Promise<void>;
  finished: Promise<void>;
}

export async function startServer(o: ServerOptions): Promise<RunningServer> {
  const clock = o.clock ?? systemClock;
  const logs = o.logs ?? new LogSink({ consoleLevel: o.config.logging.level as LogLevel });
  const log = logs.logger("box");
  await Deno.mkdir(o.dataDir, { recursive: true });
  const db = await openDatabase(o.dataDir);
  const frames = new FrameRepository(db);
  const bus = new EventBus({ clock, validate: o.validateEvents ?? false });
  const hub = new DeviceHub({
    registry: defaultRegistry(),
    bus,
    clock,
    log: logs.logger("hub"),
    dataDir: o.dataDir,
  });
  const indiServer = new IndiServerManager({
    port: o.config.indi.port,
    stateDir: join(o.dataDir, "indi"),
    log: logs.logger("indiserver"),
  });
  const profiles = new ProfileService(
    new ProfileRepository(db),
    hub,
    logs.logger("profiles"),
    (plan) => indiServer.ensure(managedDrivers(plan, o.config.indi.port)),
  );
  // Workers start on first use, so a box that renders no preview pays nothing for them.
  const imaging = new WorkerPool();
  const exposures = new ExposureService({
    hub,
    bus,
    clock,
    log: logs.logger("camera"),
    frames,
    dataDir: o.dataDir,
    filePattern: o.config.storage.file_pattern,
    defaults: { gain: 100, offset: 10 },
    // Star analysis of each saved frame runs in the imaging pool.
    analysis: imaging,
  });
  const safety = new SafetyMonitor({
    hub,
    bus,
    clock,
    log: logs.logger("safety"),
    resumeAfterSafeMs: o.config.safety.resume_after_safe_s * 1000,
    weatherLostGraceMs: o.config.safety.weather_lost_grace_s * 1000,
  });
  // A single exposure is stopped when it rains, and not retaken.
  safety.register({
    name: "exposure",
    stop: () => Promise.resolve(exposures.abort()),
    resume: () => Promise.resolve(),
  });
  const calibration = new CalibrationService({
    repo: new CalibrationRepository(db),
    frames,
    bus,
    clock,
    log: logs.logger("calibration"),
    dataDir: o.dataDir,
    exposures,
  });
  const catalog = new CatalogService({
    repository: new CatalogRepository(db),
    dir: o.catalogDir ?? SIRIL_CATALOGUE_DIR,
    clock,
    log: logs.logger("catalog"),
    site: () => hub.site,
  });
  const autofocus = new AutofocusService({
    hub,
    bus,
    clock,
    log: logs.logger("autofocus"),
    runs: new AutofocusRunRepository(db),
    runner: imaging,
    // Called only after `services` exists; a sequence's own autofocus runs do not ask.
    otherOwner: rigOwner(() => services, "autofocus"),
  });
  const sequencer = new SequencerService({
    hub,
    bus,
    clock,
    log: logs.logger("sequencer"),
    db,
    dataDir: o.dataDir,
    filePattern: o.config.storage.file_pattern,
    defaults: { gain: 100, offset: 10 },
    hooks: {
      // A catalog that is missing or still importing simply does not know the name.
      resolveTarget: async (name) => {
        const hit = await catalog.resolveTarget(name).catch(() => null);
        return hit && { ra: hit.ra, dec: hit.dec };
      },
      analyzeFrame: async (frame) => {
        const { hfr, stars } = await frameFigures(frame, hub, imaging);
        return { hfr, stars };
      },
      mayStart: () =>
        safety.isSafe() ? null : `conditions are unsafe (${safety.status().reasons.join("; ")})`,
      autofocus: (signal) => autofocus.runAndWait(signal),
      // Called only after `services` exists; the sequence's centring uses the service defaults.
      centerOnTarget: (target, signal) => services.centering.runAndWait(target, {}, signal),
    },
  });
  const scheduler = new SchedulerService({
    hub,
    bus,
    clock,
    log: logs.logger("scheduler"),
    db,
    sequencer,
    resolveTarget: async (name) => {
      const hit = await catalog.resolveTarget(name).catch(() => null);
      return hit && { ra: hit.ra, dec: hit.dec };
    },
    mayStart: () =>
      safety.isSafe() ? null : `conditions are unsafe (${safety.status().reasons.join("; ")})`,
  });
  // Before the sequencer's hook: the scheduler interrupts its own block and resumes its plan,
  // so the sequencer's hook must find no run of the scheduler's left to resume on its own.
  safety.register(scheduler.safetyHook());
  // When it rains the run is interrupted with its checkpoint kept, and resumed once it has been
  // safe long enough: every planned frame still exactly once.
  let stoppedSequenceId: string | null = null;
  safety.register({
    name: "sequencer",
    stop: async (reason) => (stoppedSequenceId = await sequencer.stop(reason)) !== null,
    resume: async () => {
      if (stoppedSequenceId) await sequencer.start(stoppedSequenceId, { resume: true });
      stoppedSequenceId = null;
    },
  });
  const alignment = new AlignmentRepository(db, { clock });
  const services: Services = {
    config: o.config,
    dataDir: o.dataDir,
    clock,
    bus,
    logs,
    log,
    hub,
    frames,
    alignment,
    pointing: new PointingService({
      alignment,
      activeProfile: () => profiles.active,
      apply: o.config.pointing.apply,
      log: logs.logger("pointing"),
    }),
    polarAlignment: new PolarAlignmentService({
      hub,
      bus,
      clock,
      log: logs.logger("polar"),
      frames,
      dataDir: o.dataDir,
      filePattern: o.config.storage.file_pattern,
      // Called only after `services` exists: the routine solves through the box's solver.
      solve: (path, hint) => solveWithService(services.solver)(path, hint),
      cameraDefaults: { gain: 100, offset: 10 },
      otherOwner: rigOwner(() => services, "polar alignment"),
    }),
    centering: new CenteringService({
      hub,
      bus,
      clock,
      log: logs.logger("centering"),
      frames,
      dataDir: o.dataDir,
      filePattern: o.config.storage.file_pattern,
      // Called only after `services` exists: gotos through the pointing model, solves through
      // the box's solver (an abort kills the solve job).
      pointing: { demandFor: (...args) => services.pointing.demandFor(...args) },
      solve: (path, hint, signal) => solveWithService(services.solver)(path, hint, signal),
      solverMissing: () => solverMissing(services.solver)(),
      cameraDefaults: { gain: 100, offset: 10 },
      resolveTarget: (name) => catalog.resolveTarget(name),
      otherOwner: rigOwner(() => services, "centring"),
    }),
    profiles,
    exposures,
    imaging,
    safety,
    calibration,
    catalog,
    sequencer,
    scheduler,
    autofocus,
    livestack: new LivestackService({
      bus,
      clock,
      log: logs.logger("livestack"),
      dataDir: o.dataDir,
      runner: imaging,
      calibrate: libraryCalibration(calibration, logs.logger("livestack")),
    }),
    discovery: new DiscoveryService({
      alpacaAddress: o.config.alpaca.discovery_address,
      alpacaPort: o.config.alpaca.discovery_port,
      zwoLibraryDir: o.config.devices.zwo_library_dir,
      clock,
      log: logs.logger("discovery"),
    }),
    solver: new SolverService({
      bus,
      clock,
      log: logs.logger("solver"),
      dataDir: o.dataDir,
      pixelScaleArcsec: () => profileScale(hub, profiles.active)?.pixelScaleArcsec ?? null,
      fieldWidthArcmin: () => profileScale(hub, profiles.active)?.fieldWidthArcmin ?? null,
      timeoutMs: o.config.solver.timeout_s * 1000,
      concurrency: o.config.solver.concurrency,
      searchRadiusDeg: o.config.solver.search_radius_deg,
      indexMirror: o.config.solver.index_mirror,
      backends: {
        indexDir: o.config.solver.index_dir,
        astapDatabaseDir: o.config.solver.astap_database_dir,
      },
    }),
  };
  const feed = new StatusFeed(hub, bus);
  const ws = new WsHub(bus, logs.logger("ws"));
  const app = createApp(services, {
    token: o.config.auth.token,
    trustedNetworks: o.config.server.trusted_networks,
    corsOrigins: o.config.server.cors_origins,
    ws,
    version: VERSION,
  });

  await profiles.start();
  feed.start();
  if (o.config.safety.enabled) safety.start();
  // Before listening, so no frame can arrive before the saved stack is back.
  await services.livestack.load();
  // Before the sequencer's recovery, so it does not resume a scheduler block on its own.
  await scheduler.init();
  await sequencer.init({ autoResume: o.config.sequencer.auto_resume });
  await autofocus.start();

  const server = Deno.serve({
    port: o.port,
    hostname: o.hostname,
    onListen: () => {},
  }, (request, info) => app.fetch(request, info));
  const port = server.addr.port;
  // Alpaca listens apart (its /api/v1/... paths would collide with ours); a port already taken
  // must not stop the box, so a failure is logged and the bridge stays off.
  const alpaca = await AlpacaServer.start({
    source: hubSource(hub),
    kv: new KvRepository(db),
    port: o.alpacaPort ?? o.config.alpaca.port,
    hostname: o.hostname,
    discoveryPort: o.alpacaDiscoveryPort === undefined
      ? ALPACA_DISCOVERY_PORT
      : o.alpacaDiscoveryPort,
    discoveryHostname: o.hostname,
    version: VERSION,
    log: logs.logger("alpaca"),
  }).catch((err) => {
    log.error("the Alpaca server could not start", { err: String(err) });
    return null;
  });
  log.info("OpenSkyLab is ready", { url: `http://localhost:${port}/`, data_dir: o.dataDir });
  // The first import writes ~20 000 objects (~0.6 s); after listening, so the box answers at
  // once while the catalog routes say 503 "being imported" until it is done.
  void catalog.start();

  let stopping: Promise<void> | null = null;
  const shutdown = () =>
    stopping ??= (async () => {
      log.info("shutting down");
      ws.close();
      feed.stop();
      await alpaca?.close();
      await safety.stop();
      // Stop taking requests first, so nothing new starts while frames are being finished.
      const grace = new AbortController();
      await Promise.race([
        server.shutdown(),
        clock.sleep(2000, grace.signal).catch(() => {}),
      ]);
      grace.abort();
      await calibration.capture.stop();
      // The run stays resumable: its checkpoint is kept and it is marked interrupted.
      await scheduler.stop();
      await sequencer.stop();
      await services.polarAlignment.close();
      // After the sequencer (whose run may be centring): stops the slew, exposure and solve.
      await services.centering.close();
      // A run in progress is aborted and puts the focuser back where it started.
      await autofocus.close();
      exposures.abort();
      await exposures.drain();
      await services.solver.close();
      await services.livestack.close();
      services.imaging.close();
      await hub.close();
      await indiServer.stop();
      await catalog.settled();
      await db.close();
      log.info("stopped cleanly");
    })();
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    services,
    alpacaPort: alpaca?.port ?? null,
    shutdown,
    finished: server.finished,
  };
}
