/**
 * What every part of the box is built from: the config, the data dir, the clock, the log sink,
 * the event bus and the database. The composition modules beside this file each take it and
 * build one part of the box; cli/server.ts puts the parts together in dependency order.
 */
import type { Config } from "../../core/config.ts";
import type { EventBus } from "../../core/event_bus.ts";
import type { Database } from "../../core/store/db.ts";
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
