/**
 * Where the box's config, data and port come from: a flag (`--config`, `--data-dir`, `--port`),
 * else the `OPENSKYLAB_*` environment, else the config file, else the XDG defaults. The command
 * line's business, so it lives here; core/config.ts only reads and validates the file it is given.
 */
import { dirname, isAbsolute, join, resolve } from "node:path";
import { type Config, ConfigError } from "../core/config.ts";
import { flagValues } from "./flags.ts";

export type Source = "flag" | "env" | "config" | "default";

export interface ResolvedPaths {
  configPath: string;
  dataDir: string;
  port: number;
  /** Where each value came from, for the start-up log line. */
  sources: { configPath: Source; dataDir: Source; port: Source };
}

/**
 * Flags (`--config`, `--data-dir`, `--port`, as `--x v` or `--x=v`) beat `OPENSKYLAB_*` env, which
 * beats `config` values, which beat the XDG defaults. Call it once without `config` to find the
 * file, then again with the loaded config. Other arguments are ignored: they belong to the CLI.
 */
export function resolvePaths(options: {
  args: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  config?: Config;
}): ResolvedPaths {
  const { env, config } = options;
  const flags = flagValues(options.args, FLAGS);
  const home = () => {
    if (!env.HOME) throw new ConfigError("HOME is not set: pass --config and --data-dir instead");
    return env.HOME;
  };
  // The XDG spec says relative values are invalid and must be ignored.
  const xdg = (name: string, fallback: string) =>
    env[name] && isAbsolute(env[name]) ? env[name] : join(home(), fallback);
  const path = (p: string) => resolve(expandHome(p, home));

  const configPath = pick(
    flags["--config"],
    nonEmpty(env.OPENSKYLAB_CONFIG),
    undefined,
    () => join(xdg("XDG_CONFIG_HOME", ".config"), "openskylab", "config.toml"),
  );
  configPath.value = path(configPath.value);
  // A relative data_dir in the file means relative to the file, not to wherever we started.
  const configured = config?.storage.data_dir;
  const dataDir = pick(
    flags["--data-dir"],
    nonEmpty(env.OPENSKYLAB_DATA_DIR),
    configured && resolve(dirname(configPath.value), expandHome(configured, home)),
    () => join(xdg("XDG_DATA_HOME", ".local/share"), "openskylab"),
  );
  const port = pick(
    parsePort("--port", flags["--port"]),
    parsePort("OPENSKYLAB_PORT", nonEmpty(env.OPENSKYLAB_PORT)),
    config?.server.port,
    () => 7624,
  );
  return {
    configPath: configPath.value,
    dataDir: path(dataDir.value),
    port: port.value,
    sources: { configPath: configPath.source, dataDir: dataDir.source, port: port.source },
  };
}

function pick<T>(flag?: T, fromEnv?: T, fromConfig?: T, fallback?: () => T) {
  const [value, source]: [T | undefined, Source] = flag !== undefined
    ? [flag, "flag"]
    : fromEnv !== undefined
    ? [fromEnv, "env"]
    : fromConfig !== undefined
    ? [fromConfig, "config"]
    : [fallback?.(), "default"];
  return { value: value as T, source };
}

const FLAGS = ["--config", "--data-dir", "--port"] as const;

function parsePort(what: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d{1,5}$/.test(text.trim()) || value > 65535) {
    throw new ConfigError(`${what}: expected a port number from 0 to 65535, got "${text}"`);
  }
  return value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

function expandHome(path: string, home: () => string): string {
  return path === "~" || path.startsWith("~/") ? join(home(), path.slice(1)) : path;
}
