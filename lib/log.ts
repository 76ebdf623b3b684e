/**
 * Structured logging. Every entry goes to stderr as one JSON line and into a bounded ring that
 * `/api/v1/logs` reads, so the phone can show what happened at 3 a.m. without a shell.
 */

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = typeof LOG_LEVELS[number];

export interface LogEntry {
  /** Unix ms. */
  ts: number;
  level: LogLevel;
  /** Subsystem, e.g. "hub", "http", "sim.mount". */
  source: string;
  message: string;
  fields?: Record<string, unknown>;
}

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(source: string): Logger;
}

export interface LogSinkOptions {
  /** Entries kept in memory. */
  capacity?: number;
  /** Lowest level written to stderr (all levels are kept in the ring). */
  consoleLevel?: LogLevel | "silent";
  now?: () => number;
  /**
   * Prefix each stderr line with its syslog priority (`<3>` error … `<7>` debug), which the
   * journal reads as the entry's level; set when systemd connects stderr to it ($JOURNAL_STREAM).
   */
  journal?: boolean;
}

const JOURNAL_PRIORITY: Record<LogLevel, string> = {
  debug: "<7>",
  info: "<6>",
  warn: "<4>",
  error: "<3>",
};

/** Owns the ring of recent entries; hands out Loggers that write into it. */
export class LogSink {
  readonly #capacity: number;
  readonly #consoleRank: number;
  readonly #now: () => number;
  readonly #journal: boolean;
  #ring: LogEntry[] = [];
  #next = 0;

  constructor(options: LogSinkOptions = {}) {
    this.#capacity = options.capacity ?? 5000;
    const level = options.consoleLevel ?? "info";
    this.#consoleRank = level === "silent" ? Infinity : LOG_LEVELS.indexOf(level);
    this.#now = options.now ?? Date.now;
    this.#journal = options.journal ?? false;
  }

  logger(source: string): Logger {
    const write = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) =>
      this.write({ ts: this.#now(), level, source, message, ...(fields ? { fields } : {}) });
    return {
      debug: write("debug"),
      info: write("info"),
      warn: write("warn"),
      error: write("error"),
      child: (sub) => this.logger(`${source}.${sub}`),
    };
  }

  write(entry: LogEntry): void {
    if (this.#ring.length < this.#capacity) this.#ring.push(entry);
    else this.#ring[this.#next] = entry;
    this.#next = (this.#next + 1) % this.#capacity;
    if (LOG_LEVELS.indexOf(entry.level) >= this.#consoleRank) {
      const line = JSON.stringify({ ...entry, ts: new Date(entry.ts).toISOString() });
      console.error(this.#journal ? `${JOURNAL_PRIORITY[entry.level]}${line}` : line);
    }
  }

  /** Entries oldest first, at or above `minLevel`, within [sinceMs, untilMs]. */
  query(filter: { minLevel?: LogLevel; sinceMs?: number; untilMs?: number; limit?: number } = {}) {
    const rank = LOG_LEVELS.indexOf(filter.minLevel ?? "debug");
    const ordered = this.#ring.length < this.#capacity
      ? this.#ring
      : [...this.#ring.slice(this.#next), ...this.#ring.slice(0, this.#next)];
    const hits = ordered.filter((e) =>
      LOG_LEVELS.indexOf(e.level) >= rank &&
      (filter.sinceMs === undefined || e.ts >= filter.sinceMs) &&
      (filter.untilMs === undefined || e.ts <= filter.untilMs)
    );
    return filter.limit === undefined ? hits : hits.slice(-filter.limit);
  }
}

/** A logger that discards everything, for tests and pure modules. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
};
