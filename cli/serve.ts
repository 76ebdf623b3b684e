/**
 * `openskylab serve [--port N] [--data-dir DIR] [--config FILE]`: loads the config (a broken one
 * stops the start with the offending key, and the file is left as it was), starts the box, and on
 * SIGTERM/SIGINT stops accepting, finishes frames being written, closes the database and exits 0
 * within 5 s.
 */
import { ConfigError, loadConfig } from "../core/config.ts";
import { LogSink } from "../lib/log.ts";
import { SchemaVersionError } from "../core/store/migrate.ts";
import type { LogLevel } from "../lib/log.ts";
import { checkFlags } from "./flags.ts";
import { resolvePaths } from "./paths.ts";
import { startServer } from "./server.ts";

const SHUTDOWN_DEADLINE_MS = 4500;

export async function serveCommand(args: string[]): Promise<number> {
  const problem = checkFlags(args, ["--port", "--data-dir", "--config"]);
  if (problem) {
    console.error(`openskylab serve: ${problem}`);
    return 2;
  }
  const env = Deno.env.toObject();
  const bootLogs = new LogSink({ consoleLevel: "info" });
  const log = bootLogs.logger("config");
  let server;
  try {
    const located = resolvePaths({ args, env });
    const config = await loadConfig(located.configPath, log);
    const paths = resolvePaths({ args, env, config });
    const logs = new LogSink({ consoleLevel: config.logging.level as LogLevel });
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

  const running = server;
  const stop = new Promise<number>((resolve) => {
    const onSignal = () => {
      const timer = setTimeout(() => {
        console.error("openskylab: shutdown took too long; exiting anyway");
        resolve(1);
      }, SHUTDOWN_DEADLINE_MS);
      running.shutdown().then(() => {
        clearTimeout(timer);
        resolve(0);
      }, (err) => {
        console.error("openskylab: shutdown failed", err);
        clearTimeout(timer);
        resolve(1);
      });
    };
    Deno.addSignalListener("SIGTERM", onSignal);
    Deno.addSignalListener("SIGINT", onSignal);
  });
  return await stop;
}
