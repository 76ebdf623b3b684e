/**
 * systemd's notification protocol (sd_notify(3)) without libsystemd: datagrams such as
 * `READY=1`, `WATCHDOG=1`, `STOPPING=1`, `STATUS=…` sent to the unix socket named by
 * $NOTIFY_SOCKET. Under `Type=notify` the unit counts as started only once READY=1 arrives, which
 * `serve` sends when the API listens; with `WatchdogSec=` systemd kills and restarts the service
 * when WATCHDOG=1 stops coming, which it does when the event loop that sends it is wedged (a busy
 * loop, a SIGSTOP). Outside systemd there is no $NOTIFY_SOCKET and every call does nothing.
 * Needs `--unstable-net` (Deno.listenDatagram over unix sockets).
 */
import { join } from "node:path";

export interface SdNotifier {
  /** True when running under systemd with a notification socket. */
  readonly active: boolean;
  /** The interval the watchdog pings at, or null when the unit has no watchdog. */
  readonly watchdogIntervalMs: number | null;
  notify(state: Record<string, string | number>): Promise<void>;
  ready(status?: string): Promise<void>;
  stopping(status?: string): Promise<void>;
  /** Pings WATCHDOG=1 from the event loop at half the unit's WatchdogSec, until `close`. */
  startWatchdog(): void;
  close(): void;
}

const INACTIVE: SdNotifier = {
  active: false,
  watchdogIntervalMs: null,
  notify: () => Promise.resolve(),
  ready: () => Promise.resolve(),
  stopping: () => Promise.resolve(),
  startWatchdog() {},
  close() {},
};

export interface SdNotifyOptions {
  env: Record<string, string | undefined>;
  pid?: number;
  /** Called when a datagram cannot be sent (systemd gone, socket unusable). */
  onError?: (err: unknown) => void;
}

/** A notifier for $NOTIFY_SOCKET, or one that does nothing when systemd did not ask for it. */
export function sdNotifier(o: SdNotifyOptions): SdNotifier {
  const socketPath = o.env.NOTIFY_SOCKET;
  if (!socketPath) return INACTIVE;
  // An abstract socket's name starts with "@", which stands for a leading NUL byte.
  const target = socketPath.startsWith("@") ? `\0${socketPath.slice(1)}` : socketPath;
  const watchdogIntervalMs = watchdogInterval(o.env, o.pid ?? Deno.pid);
  const onError = o.onError ?? (() => {});
  const encoder = new TextEncoder();
  let conn: Deno.DatagramConn | null = null;
  let dir: string | null = null;
  let timer: ReturnType<typeof setInterval> | undefined;
  let closed = false;

  const open = () => {
    if (conn) return conn;
    // A datagram socket must be bound to send over unix sockets in Deno: to a private path.
    dir = Deno.makeTempDirSync({ prefix: "openskylab-notify-" });
    conn = Deno.listenDatagram({ transport: "unixpacket", path: join(dir, "s") });
    return conn;
  };
  const notify = async (state: Record<string, string | number>) => {
    if (closed) return;
    const text = Object.entries(state).map(([k, v]) => `${k}=${String(v).replace(/\n/g, " ")}`)
      .join("\n");
    try {
      await open().send(encoder.encode(text), { transport: "unixpacket", path: target });
    } catch (err) {
      onError(err);
    }
  };
  return {
    active: true,
    watchdogIntervalMs,
    notify,
    ready: (status) => notify({ READY: 1, ...(status ? { STATUS: status } : {}) }),
    stopping: (status) => notify({ STOPPING: 1, ...(status ? { STATUS: status } : {}) }),
    startWatchdog() {
      if (watchdogIntervalMs === null || timer !== undefined || closed) return;
      timer = setInterval(() => void notify({ WATCHDOG: 1 }), watchdogIntervalMs);
      void notify({ WATCHDOG: 1 });
    },
    close() {
      closed = true;
      clearInterval(timer);
      timer = undefined;
      conn?.close();
      conn = null;
      if (dir) Deno.removeSync(dir, { recursive: true });
      dir = null;
    },
  };
}

/** Half of WATCHDOG_USEC, as sd_watchdog_enabled(3) advises; null when not for this process. */
function watchdogInterval(env: Record<string, string | undefined>, pid: number): number | null {
  const usec = Number(env.WATCHDOG_USEC);
  if (!env.WATCHDOG_USEC || !Number.isFinite(usec) || usec <= 0) return null;
  if (env.WATCHDOG_PID && Number(env.WATCHDOG_PID) !== pid) return null;
  return Math.max(1, Math.floor(usec / 1000 / 2));
}
