/**
 * `openskylab serve [--port N] [--data-dir DIR] [--config FILE]`: loads the config (a broken one
 * stops the start with the offending key, and the file is left as it was), starts the box, and on
 * SIGTERM/SIGINT stops accepting, parks if configured, finishes frames being written, closes the
 * database and exits 0 — within 5 s, plus the park's own deadline when parking is configured.
 * Under systemd (Type=notify) it reports READY=1 once the API listens, pings the watchdog from
 * the event loop and says STOPPING=1 on the way down. A shutdown or reboot accepted by the API
 * goes the same orderly way, then — when config `system.os_control` lets OpenSkyLab manage the
 * machine, as on a box — asks the operating system to power off or reboot; if that request fails
 * the process exits 1, so systemd restarts the box's service rather than leave it down.
 */
import { ConfigError, loadConfig } from "../core/config.ts";
import { LogSink } from "../lib/log.ts";
import { SchemaVersionError } from "../core/store/migrate.ts";
import type { LogLevel } from "../lib/log.ts";
import type { PowerAction } from "../core/schemas/system.ts";
import { systemPowerAction } from "../core/system/power.ts";
import { checkFlags } from "./flags.ts";
import { resolvePaths } from "./paths.ts";
import { sdNotifier } from "./sd_notify.ts";
import { type RunningServer, startServer } from "./server.ts";

const SHUTDOWN_DEADLINE_MS = 4500;

export async function serveCommand(args: string[]): Promise<number> {
  const problem = checkFlags(args, ["--port", "--data-dir", "--config"]);
  if (problem) {
    console.error(`openskylab serve: ${problem}`);
    return 2;
  }
  const env = Deno.env.toObject();
  // systemd connects stderr to the journal and says so: the lines then carry their level.
  const journal = Boolean(env.JOURNAL_STREAM);
  const bootLogs = new LogSink({ consoleLevel: "info", journal });
  const log = bootLogs.logger("config");
  let server: RunningServer;
  let deadlineMs = SHUTDOWN_DEADLINE_MS;
  let osControl = false;
  let logs: LogSink;
  try {
    const located = resolvePaths({ args, env });
    const config = await loadConfig(located.configPath, log);
    const paths = resolvePaths({ args, env, config });
    logs = new LogSink({ consoleLevel: config.logging.level as LogLevel, journal });
    if (config.system.park_on_shutdown) deadlineMs += config.system.park_timeout_s * 1000;
    osControl = config.system.os_control;
    server = await startServer({
      config,
      port: paths.port,
      hostname: config.server.host,
      dataDir: paths.dataDir,
      logs,
    });
    console.log(
      `OpenSkyLab listening on http://localhost:${server.port}/ (data: ${paths.dataDir})`,
    );
  } catch (err) {
    if (err instanceof ConfigError || err instanceof SchemaVersionError) {
      console.error(`openskylab: ${err.message}`);
      return 1;
    }
    if (err instanceof Deno.errors.AddrInUse) {
      console.error(`openskylab: the port is already in use: ${err.message}`);
      return 1;
    }
    throw err;
  }

  const boxLog = logs.logger("box");
  const notifier = sdNotifier({
    env,
    onError: (err) => boxLog.warn("systemd notification failed", { err: String(err) }),
  });
  await notifier.ready(`serving on port ${server.port}`);
  notifier.startWatchdog();

  const running = server;
  /** Resolves with the exit code once the box is down. */
  const stop = () =>
    new Promise<number>((resolve) => {
      void notifier.stopping();
      const timer = setTimeout(() => {
        console.error("openskylab: shutdown took too long; exiting anyway");
        resolve(1);
      }, deadlineMs);
      running.shutdown().then(() => {
        clearTimeout(timer);
        resolve(0);
      }, (err) => {
        console.error("openskylab: shutdown failed", err);
        clearTimeout(timer);
        resolve(1);
      });
    });
  const bySignal = new Promise<"signal">((resolve) => {
    Deno.addSignalListener("SIGTERM", () => resolve("signal"));
    Deno.addSignalListener("SIGINT", () => resolve("signal"));
  });
  const reason: "signal" | PowerAction = await Promise.race([bySignal, running.powerRequested]);
  let code = await stop();
  if (reason !== "signal" && !osControl) {
    boxLog.warn(
      `${reason} requested, but system.os_control is off: OpenSkyLab stopped, not the machine`,
    );
  } else if (reason !== "signal") {
    try {
      await systemPowerAction(reason);
      boxLog.info(`asked the system to ${reason === "shutdown" ? "power off" : "reboot"}`);
    } catch (err) {
      boxLog.error(`the system refused the ${reason}; the service restarts instead`, {
        err: String(err),
      });
      code = 1;
    }
  }
  notifier.close();
  return code;
}
