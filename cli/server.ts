/**
 * The composition root of a running box: config → store → device hub → services → HTTP, and the
 * orderly way down again. `startServer` is what `serve` runs and what integration tests call with
 * a temporary data dir and port 0.
 */
import { ExposureService } from "../core/camera/exposure_service.ts";
import { systemClock } from "../core/clock.ts";
import type { Clock } from "../core/clock.ts";
import type { Config } from "../core/config.ts";
import { EventBus } from "../core/event_bus.ts";
import { LogSink } from "../core/log.ts";
import type { LogLevel } from "../core/log.ts";
import { ProfileService } from "../core/profiles/profile_service.ts";
import type { Services } from "../core/services.ts";
import { StatusFeed } from "../core/status_feed.ts";
import { openDatabase } from "../core/store/db.ts";
import { AlignmentRepository } from "../core/store/alignment.ts";
import { FrameRepository } from "../core/store/frames.ts";
import { ProfileRepository } from "../core/store/profiles.ts";
import { DeviceHub } from "../devices/hub.ts";
import { defaultRegistry } from "../devices/registry.ts";
import { createApp } from "../routes/app.ts";
import { WsHub } from "../routes/ws.ts";

export const VERSION = "0.1.0";

export interface ServerOptions {
  config: Config;
  port: number;
  hostname: string;
  dataDir: string;
  clock?: Clock;
  logs?: LogSink;
  /** Validate every published event against the catalogue (tests). */
  validateEvents?: boolean;
}

export interface RunningServer {
  port: number;
  url: string;
  services: Services;
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
  const hub = new DeviceHub({ registry: defaultRegistry(), bus, clock, log: logs.logger("hub") });
  const profiles = new ProfileService(new ProfileRepository(db), hub, logs.logger("profiles"));
  const exposures = new ExposureService({
    hub,
    bus,
    clock,
    log: logs.logger("camera"),
    frames,
    dataDir: o.dataDir,
    filePattern: o.config.storage.file_pattern,
    defaults: { gain: 100, offset: 10 },
  });
  const services: Services = {
    config: o.config,
    dataDir: o.dataDir,
    clock,
    bus,
    logs,
    log,
    hub,
    frames,
    alignment: new AlignmentRepository(db, { clock }),
    profiles,
    exposures,
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

  const server = Deno.serve({
    port: o.port,
    hostname: o.hostname,
    onListen: () => {},
  }, (request, info) => app.fetch(request, info));
  const port = server.addr.port;
  log.info("OpenSkyLab is ready", { url: `http://localhost:${port}/`, data_dir: o.dataDir });

  let stopping: Promise<void> | null = null;
  const shutdown = () =>
    stopping ??= (async () => {
      log.info("shutting down");
      ws.close();
      feed.stop();
      // Stop taking requests first, so nothing new starts while frames are being finished.
      const grace = new AbortController();
      await Promise.race([
        server.shutdown(),
        clock.sleep(2000, grace.signal).catch(() => {}),
      ]);
      grace.abort();
      exposures.abort();
      await exposures.drain();
      await hub.close();
      await db.close();
      log.info("stopped cleanly");
    })();
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    services,
    shutdown,
    finished: server.finished,
  };
}
