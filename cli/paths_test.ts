/** Where config, data and port come from: flag, then environment, then the file, then XDG. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigError, loadConfig } from "../core/config.ts";
import { silentLogger } from "../lib/log.ts";
import { checkFlags, flagValues } from "./flags.ts";
import { resolvePaths } from "./paths.ts";

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "osl_paths_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("resolvePaths: flag beats env beats config beats default", async () => {
  await withDir(async (dir) => {
    const env = { HOME: "/home/pi" };
    const config = await loadConfig(join(dir, "c.toml"), silentLogger);
    config.server.port = 9001;
    config.storage.data_dir = "frames";

    const defaults = resolvePaths({ args: [], env });
    assert.equal(defaults.configPath, "/home/pi/.config/openskylab/config.toml");
    assert.equal(defaults.dataDir, "/home/pi/.local/share/openskylab");
    assert.equal(defaults.port, 7624);
    assert.deepEqual(defaults.sources, {
      configPath: "default",
      dataDir: "default",
      port: "default",
    });

    const xdg = resolvePaths({
      args: [],
      env: { ...env, XDG_CONFIG_HOME: "/etc/xdg", XDG_DATA_HOME: "relative/ignored" },
    });
    assert.equal(xdg.configPath, "/etc/xdg/openskylab/config.toml");
    assert.equal(xdg.dataDir, "/home/pi/.local/share/openskylab");

    const fromConfig = resolvePaths({ args: [], env, config });
    assert.equal(fromConfig.port, 9001);
    assert.equal(fromConfig.dataDir, "/home/pi/.config/openskylab/frames");
    assert.deepEqual(fromConfig.sources, {
      configPath: "default",
      dataDir: "config",
      port: "config",
    });

    const withEnv = {
      ...env,
      OPENSKYLAB_PORT: "8001",
      OPENSKYLAB_DATA_DIR: "/data",
      OPENSKYLAB_CONFIG: "~/box.toml",
    };
    const fromEnv = resolvePaths({ args: ["serve"], env: withEnv, config });
    assert.deepEqual(
      [fromEnv.configPath, fromEnv.dataDir, fromEnv.port],
      ["/home/pi/box.toml", "/data", 8001],
    );

    const args = ["serve", "--port", "8002", "--data-dir=/mnt/usb", "--config", "/x/c.toml"];
    const fromFlags = resolvePaths({ args, env: withEnv, config });
    assert.deepEqual(
      [fromFlags.configPath, fromFlags.dataDir, fromFlags.port],
      ["/x/c.toml", "/mnt/usb", 8002],
    );
    assert.deepEqual(fromFlags.sources, { configPath: "flag", dataDir: "flag", port: "flag" });
  });
});

Deno.test("resolvePaths: bad values name the flag or variable", () => {
  const env = { HOME: "/home/pi" };
  const cases: [string[], Record<string, string>, RegExp][] = [
    [["--port", "abc"], env, /^--port: expected a port number .* got "abc"$/],
    [["--port=70000"], env, /^--port: .*got "70000"$/],
    [["--port"], env, /^--port needs a value$/],
    [["--data-dir", "--port", "1"], env, /^--data-dir needs a value$/],
    [[], { ...env, OPENSKYLAB_PORT: "-1" }, /^OPENSKYLAB_PORT: .*got "-1"$/],
    [[], {}, /HOME is not set/],
  ];
  for (const [args, e, expected] of cases) {
    assert.throws(() => resolvePaths({ args, env: e }), (err: Error) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, expected);
      return true;
    });
  }
});

Deno.test("flags: values by name, unknown flags refused", () => {
  assert.deepEqual(
    flagValues(["serve", "--port=1", "--json", "--config", "c"], ["--port", "--config"]),
    {
      "--port": "1",
      "--config": "c",
    },
  );
  assert.deepEqual(flagValues(["--", "--port", "1"], ["--port"]), {});
  assert.equal(checkFlags(["--port", "1", "--rotate"], ["--port", "--rotate"]), null);
  assert.match(checkFlags(["--prot", "1"], ["--port"]) ?? "", /unknown option "--prot"/);
});
