/**
 * The composition root of a running box: config → store → rig → imaging → solving → automation →
 * HTTP, and the orderly way down again. Each part is built by a module of cli/compose/ from only
 * what it needs; this file puts them in dependency order and owns the start-up and shutdown
 * sequences, where the order matters. `startServer` is what `serve` runs and what integration
 * tests call with a temporary data dir and port 0.
 */
import { CatalogService } from "../core/catalog/catalog_service.ts";
import { SIRIL_CATALOGUE_DIR } from "../core/catalog/load.ts";
import type { Config } from "../core/config.ts";
import { EventBus } from "../core/event_bus.ts";
import { rigOwner, type RigRoutine } from "../core/rig_owner.ts";
import type { Services } from "../core/services.ts";
import { fieldOfView } from "../core/solver/profile_scale.ts";
import { StatusFeed } from "../core/status_feed.ts";
import { CatalogRepository } from "../core/store/catalog.ts";
import { openDatabase } from "../core/store/db.ts";
import { applyStagedRestore } from "../core/sync/restore.ts";
import { type Clock, systemClock } from "../lib/clock.ts";
import { type LogLevel, LogSink } from "../lib/log.ts";
import { createApp } from "../routes/app.ts";
import { WsHub } from "../routes/ws.ts";
import { composeAutomation } from "./compose/automation.ts";
import type { BoxContext } from "./compose/context.ts";
import { apiGroups, startAlpaca } from "./compose/http.ts";
import { composeImaging } from "./compose/imaging.ts";
import { composeRig } from "./compose/rig.ts";
import { composeSolving } from "./compose/solving.ts";
import { composeSync } from "./compose/sync.ts";

export const VERSION = "0.1.0";

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
  // A database snapshot staged by POST /sync/restore replaces the database before it is opened.
  await applyStagedRestore(o.dataDir, logs.logger("sync"), clock.now());
  const ctx: BoxContext = {
    config: o.config,
    dataDir: o.dataDir,
    clock,
    logs,
    bus: new EventBus({ clock, validate: o.validateEvents ?? false }),
    db: await openDatabase(o.dataDir),
  };

  // Routines ask who holds the rig only once the whole box exists.
  let box: Services | undefined;
  const owner = (routine: RigRoutine) => rigOwner(() => box!, routine);

  const rig = composeRig(ctx);
  const imaging = composeImaging(ctx, rig.hub);
  const catalog = new CatalogService({
    repository: new CatalogRepository(ctx.db),
    dataDir: o.dataDir,
    dir: o.catalogDir ?? Deno.env.get("OPENSKYLAB_CATALOG_DIR") ?? SIRIL_CATALOGUE_DIR,
    clock,
    log: logs.logger("catalog"),
    site: () => rig.hub.site,
    field: () => fieldOfView(rig.hub, rig.profiles.active),
  });
  const solving = composeSolving(ctx, {
    hub: rig.hub,
    profiles: rig.profiles,
    frames: imaging.frames,
    sink: imaging.frameSink,
    resolveTarget: (name) => catalog.resolveTarget(name),
    owner,
  });
  const automation = composeAutomation(ctx, {
    hub: rig.hub,
    imaging: imaging.imaging,
    exposures: imaging.exposures,
    sink: imaging.frameSink,
    catalog,
    centering: () => box!.centering,
    owner,
  });
  const sync = composeSync(ctx, {
    hub: rig.hub,
    livestack: imaging.livestack,
    sequencer: () => automation.sequencer,
    calibration: imaging.calibration,
    solver: solving.solver,
    version: VERSION,
  });
  const services: Services = box = {
    config: o.config,
    dataDir: o.dataDir,
    clock,
    bus: ctx.bus,
    logs,
    log,
    catalog,
    sync,
    ...rig,
    ...imaging,
    ...solving,
    ...automation,
  };

  const feed = new StatusFeed(rig.hub, ctx.bus);
  const ws = new WsHub(ctx.bus, logs.logger("ws"));
  const app = createApp({
    groups: apiGroups(services, VERSION),
    log,
    token: o.config.auth.token,
    trustedNetworks: o.config.server.trusted_networks,
    corsOrigins: o.config.server.cors_origins,
    ws,
    version: VERSION,
  });

  await rig.profiles.start();
  feed.start();
  if (o.config.safety.enabled) automation.safety.start();
  // Before listening, so no frame can arrive before the saved stack is back.
  await imaging.livestack.load();
  // Before the sequencer's recovery, so it does not resume a scheduler block on its own.
  await automation.scheduler.init();
  await automation.sequencer.init({ autoResume: o.config.sequencer.auto_resume });
  await automation.autofocus.start();
  // The upload worker: resumes what a crash or power cut left half-way, waits for a route.
  await sync.start();

  const server = Deno.serve({
    port: o.port,
    hostname: o.hostname,
    onListen: () => {},
  }, (request, info) => app.fetch(request, info));
  const port = server.addr.port;
  const alpaca = await startAlpaca(ctx, {
    hub: rig.hub,
    hostname: o.hostname,
    port: o.alpacaPort,
    discoveryPort: o.alpacaDiscoveryPort,
    version: VERSION,
  });
  log.info("OpenSkyLab is ready", { url: `http://localhost:${port}/`, data_dir: o.dataDir });
  // The first import writes ~20 000 objects (~0.6 s here, seconds on a Pi) on a worker thread;
  // after listening, so the box answers at once while the catalog routes say 503 "being
  // imported" until it is done.
  void catalog.start();

  let stopping: Promise<void> | null = null;
  const shutdown = () =>
    stopping ??= (async () => {
      log.info("shutting down");
      ws.close();
      feed.stop();
      await alpaca?.close();
      // Aborts the request in flight; every confirmed step is already committed (resumable).
      await sync.stop();
      await automation.safety.stop();
      // Stop taking requests first, so nothing new starts while frames are being finished.
      const grace = new AbortController();
      await Promise.race([
        server.shutdown(),
        clock.sleep(2000, grace.signal).catch(() => {}),
      ]);
      grace.abort();
      await imaging.calibration.capture.stop();
      // The run stays resumable: its checkpoint is kept and it is marked interrupted.
      await automation.scheduler.stop();
      await automation.sequencer.stop();
      await solving.polarAlignment.close();
      // After the sequencer (whose run may be centring): stops the slew, exposure and solve.
      await solving.centering.close();
      // A run in progress is aborted and puts the focuser back where it started.
      await automation.autofocus.close();
      imaging.exposures.abort();
      await imaging.exposures.drain();
      await imaging.frameSink.close();
      await solving.solver.close();
      await imaging.livestack.close();
      imaging.imaging.close();
      await rig.hub.close();
      await rig.indiServer.stop();
      await catalog.close();
      await ctx.db.close();
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
