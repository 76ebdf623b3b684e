/**
 * The composition root of a running box: config → store → rig → imaging → solving → automation →
 * system and network → HTTP, and the orderly way down again. Each part is built by a module of
 * cli/compose/ from only what it needs; this file puts them in dependency order and owns the
 * start-up and shutdown sequences, where the order matters. `startServer` is what `serve` runs
 * and what integration tests call with a temporary data dir and port 0.
 */
import type { Config } from "../core/config.ts";
import { LicenseService } from "../core/license/license_service.ts";
import { rigOwner, type RigRoutine } from "../core/rig_owner.ts";
import type { PowerAction } from "../core/schemas/system.ts";
import type { Services } from "../core/services.ts";
import { buildInfo } from "../core/system/build_info.ts";
import type { ClockControl } from "../core/system/clock_control.ts";
import { parkForShutdown } from "../core/system/park.ts";
import { type Clock, systemClock } from "../lib/clock.ts";
import { type LogLevel, LogSink } from "../lib/log.ts";
import { skyCatalogsSettled } from "../lib/star_catalog/catalog.ts";
import { composeAlpaca } from "./compose/alpaca.ts";
import { composeAutomation } from "./compose/automation.ts";
import { composeCatalog } from "./compose/catalog.ts";
import { openContext } from "./compose/context.ts";
import { composeDevices } from "./compose/devices.ts";
import { composeFraming } from "./compose/framing.ts";
import { composeApp } from "./compose/http.ts";
import { composeImaging } from "./compose/imaging.ts";
import { listen } from "./compose/listen.ts";
import { composeNetwork } from "./compose/network.ts";
import { composeRig } from "./compose/rig.ts";
import { composeSolving } from "./compose/solving.ts";
import { composeSync } from "./compose/sync.ts";
import { composeSystem } from "./compose/system.ts";
import { composeTelemetry, sequenceControl } from "./compose/telemetry.ts";
import { composeUpdate } from "./compose/update.ts";
import { startUpdateGate } from "./compose/update_gate.ts";

export interface ServerOptions {
  config: Config;
  port: number;
  hostname: string;
  dataDir: string;
  clock?: Clock;
  logs?: LogSink;
  /**
   * siril's catalogue directory: else the environment's OPENSKYLAB_CATALOG_DIR, else Debian's
   * /usr/share/siril/catalogue.
   */
  catalogDir?: string;
  /** Validate every published event against the catalogue (tests). */
  validateEvents?: boolean;
  /** The Alpaca server's port instead of config `alpaca.port` (tests: 0 = any free port). */
  alpacaPort?: number;
  /** Alpaca UDP discovery port (32227 by default); null turns discovery off (tests). */
  alpacaDiscoveryPort?: number | null;
  /** The OS clock's probe and setter (tests pass their own, so the host's clock is left alone). */
  clockControl?: ClockControl;
  /** Prefix of the system paths read for GET /system (tests lay out a fake /sys and /etc). */
  hostRoot?: string;
  /** The HiPS cache's HTTP client (tests count or break the upstream requests). */
  fetch?: typeof fetch;
}

export interface RunningServer {
  port: number;
  url: string;
  services: Services;
  /** The Alpaca server's port while it listens (it can be switched off), else null. */
  readonly alpacaPort: number | null;
  /** The HTTPS port while it listens (config `server.https_port`), else null. */
  readonly httpsPort: number | null;
  /** Resolves once HTTPS has come up (or failed to, or is off). */
  httpsReady: Promise<void>;
  /** Stops accepting, parks if configured, finishes frames being written, closes the database. */
  shutdown(): Promise<void>;
  finished: Promise<void>;
  /** Resolves when POST /system/shutdown or /reboot was accepted; the caller does the rest. */
  powerRequested: Promise<PowerAction>;
}

export async function startServer(o: ServerOptions): Promise<RunningServer> {
  const clock = o.clock ?? systemClock;
  // A release's own version, or the source tree's (read now: a release sets it before start).
  const version = buildInfo().version;
  const logs = o.logs ?? new LogSink({ consoleLevel: o.config.logging.level as LogLevel });
  const log = logs.logger("box");
  // The data dir, a staged restore, the first boot's record, the bus and the database.
  const { ctx, firstBoot } = await openContext({
    config: o.config,
    dataDir: o.dataDir,
    clock,
    logs,
    validateEvents: o.validateEvents ?? false,
  });

  // Routines ask who holds the rig only once the whole box exists.
  let box: Services | undefined;
  const owner = (routine: RigRoutine) => rigOwner(() => box!, routine);

  const rig = composeRig(ctx);
  // First: every imaging part asks its disk guard before it starts a frame.
  const { telemetry } = composeTelemetry(ctx, version);
  const imaging = composeImaging(ctx, rig.hub, {
    mayStartExposure: () => telemetry.guard.requireSpace(),
  });
  const { catalog, startImport } = composeCatalog(ctx, {
    hub: rig.hub,
    profiles: rig.profiles,
    dir: o.catalogDir,
    firstBoot,
  });
  const solving = composeSolving(ctx, {
    hub: rig.hub,
    profiles: rig.profiles,
    frames: imaging.frames,
    frameFiles: imaging.frameFiles,
    sink: imaging.frameSink,
    resolveTarget: (name) => catalog.resolveTarget(name),
    owner,
  });
  const devices = composeDevices(ctx, rig.hub);
  const { cooler, guideSteps } = devices;
  const automation = composeAutomation(ctx, {
    hub: rig.hub,
    cooler,
    imaging: imaging.imaging,
    exposures: imaging.exposures,
    sink: imaging.frameSink,
    catalog,
    centering: () => box!.centering,
    owner,
    mayStart: () => telemetry.guard.refusal(),
  });
  const sync = composeSync(ctx, {
    hub: rig.hub,
    livestack: imaging.livestack,
    sequencer: () => automation.sequencer,
    calibration: imaging.calibration,
    solver: solving.solver,
    frameFiles: imaging.frameFiles,
    version,
  });
  const framing = composeFraming(ctx, {
    hub: rig.hub,
    profiles: rig.profiles,
    catalog,
    scheduler: automation.scheduler,
    fetch: o.fetch,
  });
  telemetry.guard.setSequenceControl(sequenceControl(automation.sequencer));
  const alpaca = composeAlpaca(ctx, {
    hub: rig.hub,
    profiles: rig.profiles,
    hostname: o.hostname,
    port: o.alpacaPort,
    discoveryPort: o.alpacaDiscoveryPort,
    version,
  });
  const { host, system, powerRequested } = composeSystem(ctx, {
    firstBoot,
    hostRoot: o.hostRoot,
    clockControl: o.clockControl,
  });
  const network = composeNetwork(ctx, { host, log });
  const update = composeUpdate(ctx, {
    sequencer: () => automation.sequencer,
    scheduler: () => automation.scheduler,
    host,
  });
  const services: Services = box = {
    config: o.config,
    guideSteps,
    cooler,
    dataDir: o.dataDir,
    clock,
    bus: ctx.bus,
    logs,
    log,
    catalog,
    sync,
    license: new LicenseService(),
    telemetry,
    alpaca,
    update,
    ...rig,
    ...imaging,
    ...solving,
    ...automation,
    system,
    ...framing,
    wifi: network.wifi,
    tls: network.tls,
  };

  const { app, ws } = composeApp(ctx, services, { version, log, rootRoutes: [network.captive] });

  await rig.profiles.start();
  devices.start();
  if (o.config.safety.enabled) automation.safety.start();
  // Before listening, so no frame can arrive before the saved stack is back.
  await imaging.livestack.load();
  // Before the sequencer's recovery, so it does not resume a scheduler block on its own.
  await automation.scheduler.init();
  await automation.sequencer.init({ autoResume: o.config.sequencer.auto_resume });
  await automation.autofocus.start();
  // The upload worker: resumes what a crash or power cut left half-way, waits for a route.
  await sync.start();
  // Reads the cache's totals and takes up interrupted prefetch jobs; the Tycho-2 catalogue
  // builds in the background.
  await framing.hips.start();
  // A first sample before listening, so /telemetry and /metrics answer from the start.
  await telemetry.start();
  // On, off, open to the LAN or not, as last set (a busy port is reported, not fatal).
  await alpaca.start();
  await update.init();

  const listening = listen(ctx, {
    handler: (request, info) => app.fetch(request, info),
    port: o.port,
    hostname: o.hostname,
    tls: network.tls,
    log,
  });
  const { port, https } = listening;
  firstBoot.update("api", "done", `port ${port}`);
  log.info("OpenSkyLab is ready", { url: `http://localhost:${port}/`, data_dir: o.dataDir });
  // After listening, so the box answers at once (the import takes seconds on a Pi).
  startImport();
  // NetworkManager may still be starting at boot: the Wi-Fi manager finds it after listening.
  network.start();

  // After an update restarted the box into this release: is it healthy?
  const stopUpdateGate = startUpdateGate(ctx, {
    paths: update.paths,
    version,
    hostname: o.hostname,
    port,
    roles: () => rig.hub.roles(),
    log,
  });

  let stopping: Promise<void> | null = null;
  const shutdown = () =>
    stopping ??= (async () => {
      log.info("shutting down");
      stopUpdateGate();
      ws.close();
      devices.feed.stop();
      guideSteps.stop();
      await network.stop();
      await alpaca.stop();
      // Aborts the request in flight; every confirmed step is already committed (resumable).
      await sync.stop();
      await automation.safety.stop();
      // Stop taking requests first, so nothing new starts while frames are being finished.
      await listening.stop();
      await imaging.calibration.capture.stop();
      // The run stays resumable: its checkpoint is kept and it is marked interrupted.
      await automation.scheduler.stop();
      await automation.sequencer.stop();
      // After the runs whose cool_down or warm_up may be ramping through it.
      cooler.stop();
      await solving.polarAlignment.close();
      // After the sequencer (whose run may be centring): stops the slew, exposure and solve.
      await solving.centering.close();
      // A run in progress is aborted and puts the focuser back where it started.
      await automation.autofocus.close();
      if (o.config.system.park_on_shutdown) {
        await parkForShutdown({
          hub: rig.hub,
          clock,
          log,
          timeoutMs: o.config.system.park_timeout_s * 1000,
        });
      }
      // A running prefetch job stops where it is and resumes at the next start.
      await framing.hips.close();
      imaging.exposures.abort();
      await imaging.exposures.drain();
      await imaging.frameSink.close();
      await solving.solver.close();
      await imaging.livestack.close();
      imaging.imaging.close();
      await rig.hub.close();
      // A simulated camera may have started the Tycho-2 build: its cache file is finished, not
      // cut (the service's stop deadline still bounds the wait).
      await skyCatalogsSettled();
      await rig.indiServer.stop();
      await catalog.close();
      await firstBoot.flush();
      // Writes the history's last minute; after everything that may still raise an alert.
      await telemetry.stop();
      await ctx.db.close();
      log.info("stopped cleanly");
    })();
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    services,
    get alpacaPort() {
      return alpaca.port;
    },
    get httpsPort() {
      return https.port;
    },
    httpsReady: https.ready,
    shutdown,
    finished: listening.finished,
    powerRequested,
  };
}
