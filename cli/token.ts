/**
 * `openskylab token [--rotate] [--config FILE]`: prints the remote-access token (creating the
 * config with a fresh token when there is none), or replaces it. A running server keeps the token
 * it started with until restarted.
 */
import { ConfigError, loadConfig, rotateToken } from "../core/config.ts";
import { LogSink } from "../lib/log.ts";
import { checkFlags } from "./flags.ts";
import { resolvePaths } from "./paths.ts";

export async function tokenCommand(args: string[]): Promise<number> {
  const problem = checkFlags(args, ["--rotate", "--config"]);
  if (problem) {
    console.error(`openskylab token: ${problem}`);
    return 2;
  }
  const log = new LogSink({ consoleLevel: "warn" }).logger("config");
  try {
    const { configPath } = resolvePaths({ args, env: Deno.env.toObject() });
    if (args.includes("--rotate")) {
      await loadConfig(configPath, log); // refuses a broken file before touching it
      console.log(await rotateToken(configPath, log));
      console.error("Token rotated; restart the server for it to take effect.");
    } else {
      console.log((await loadConfig(configPath, log)).auth.token);
    }
    return 0;
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`openskylab: ${err.message}`);
      return 1;
    }
    throw err;
  }
}
