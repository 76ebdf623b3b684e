/**
 * What every part of the box is built from: the config, the data dir, the clock, the log sink,
 * the event bus and the database. The composition modules beside this file each take it and
 * build one part of the box; cli/server.ts puts the parts together in dependency order.
 * `openContext` makes it, the first steps of every start.
 */
import type { Config } from "../../core/config.ts";
import { EventBus } from "../../core/event_bus.ts";
import { type Database, openDatabase } from "../../core/store/db.ts";
import { applyStagedRestore } from "../../core/sync/restore.ts";
import { FirstBoot } from "../../core/system/first_boot.ts";
import type { Clock } from "../../lib/clock.ts";
import type { LogSink } from "../../lib/log.ts";

export interface BoxContext {
  config: Config;
  dataDir: string;
  clock: Clock;
  logs: LogSink;
  bus: EventBus;
  db: Database;
}

/** Camera settings every routine uses when a request leaves them out. */
export const CAMERA_DEFAULTS = { gain: 100, offset: 10 } as const;

export interface OpenOptions {
  config: Config;
  dataDir: string;
  clock: Clock;
  logs: LogSink;
  /** Validate every published event against the catalogue (tests). */
  validateEvents: boolean;
}

/**
 * Makes the data dir, puts a database snapshot staged by POST /sync/restore in place of the
 * database before it is opened, and opens the first boot's record, whose `config` and `database`
 * steps are done when this returns.
 */
export async function openContext(
  o: OpenOptions,
): Promise<{ ctx: BoxContext; firstBoot: FirstBoot }> {
  const { config, dataDir, clock, logs } = o;
  await Deno.mkdir(dataDir, { recursive: true });
  await applyStagedRestore(dataDir, logs.logger("sync"), clock.now());
  const firstBoot = await FirstBoot.load(dataDir, clock, logs.logger("first-boot"));
  firstBoot.begin(["config", "database", "catalog", "api"]);
  // The config arrives with its token: `loadConfig` made one if the file had none.
  firstBoot.update("config", "done");
  const ctx: BoxContext = {
    config,
    dataDir,
    clock,
    logs,
    bus: new EventBus({ clock, validate: o.validateEvents }),
    db: await openDatabase(dataDir),
  };
  firstBoot.update("database", "done");
  return { ctx, firstBoot };
}
