import assert from "node:assert/strict";
import { join } from "node:path";
import { parse } from "smol-toml";
import { ConfigError, DEFAULT_FILE_PATTERN, loadConfig, rotateToken } from "./config.ts";
import { type LogEntry, LogSink } from "../lib/log.ts";

function recorder() {
  const sink = new LogSink({ consoleLevel: "silent" });
  return {
    log: sink.logger("config"),
    warnings: () => sink.query({ minLevel: "warn" }).map((e: LogEntry) => e.message),
  };
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "osl_config_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("loadConfig: a missing file gets defaults and a token, written 0600", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "nested", "openskylab", "config.toml");
    const config = await loadConfig(path, recorder().log);
    assert.equal(config.server.port, 7624);
    assert.equal(config.server.host, "0.0.0.0");
    assert.deepEqual(config.server.trusted_networks, ["127.0.0.0/8", "::1/128", "10.42.0.0/24"]);
    assert.deepEqual(config.server.cors_origins, []);
    assert.equal(config.storage.file_pattern, DEFAULT_FILE_PATTERN);
    assert.equal(config.alpaca.port, 11111);
    assert.match(config.auth.token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    // The written file parses back to the same token, and a second load keeps it.
    const again = await loadConfig(path, recorder().log);
    assert.equal(again.auth.token, config.auth.token);
    assert.deepEqual(again, config);
  });
});

Deno.test("loadConfig: broken TOML names the line and leaves the file untouched", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "config.toml");
    const text = '[server]\nport = 7624\nhost = "0.0.0.0\n\n[auth]\n';
    await Deno.writeTextFile(path, text, { mode: 0o644 });
    const before = await Deno.readFile(path);
    await assert.rejects(loadConfig(path, recorder().log), (e: Error) => {
      assert.ok(e instanceof ConfigError);
      // "<file>:<line>:<column>: invalid TOML: …" — the unterminated string is on line 3.
      assert.ok(e.message.startsWith(`${path}:3:`), e.message);
      assert.match(e.message, /invalid TOML/);
      return true;
    });
    assert.deepEqual(await Deno.readFile(path), before);
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o644);
  });
});

Deno.test("loadConfig: a schema violation names the key path and the value", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "config.toml");
    for (
      const [text, expected] of [
        ['[server]\nport = "abc"\n', /server\.port: expected number, got "abc"/],
        ["[server]\nport = 70000\n", /server\.port: expected number ≤ 65535, got 70000/],
        ['[logging]\nlevel = "loud"\n', /logging\.level: expected one of "debug", .*got "loud"/],
        ['[server]\ntrusted_networks = ["10.0.0.0/33"]\n', /server\.trusted_networks\.0: /],
        ['[storage]\nfile_pattern = "{object}/{nope}"\n', /storage\.file_pattern: unknown token/],
        [
          '[storage]\nfile_pattern = "../{seq}"\n',
          /storage\.file_pattern: must be a relative path/,
        ],
        ['[auth]\ntoken = "short"\n', /auth\.token: expected string ≥ 16 long/],
      ] as const
    ) {
      await Deno.writeTextFile(path, text);
      const before = await Deno.readFile(path);
      await assert.rejects(loadConfig(path, recorder().log), (e: Error) => {
        assert.ok(e instanceof ConfigError, String(e));
        assert.match(e.message, expected);
        return true;
      });
      assert.deepEqual(await Deno.readFile(path), before, text);
    }
  });
});

Deno.test("loadConfig: unknown keys are warned about by path, not rejected", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "config.toml");
    await Deno.writeTextFile(
      path,
      '[server]\nport = 8000\nprot = 1\n\n[auth]\ntoken = "0123456789abcdef0123"\n\n[extra]\na = 1\n',
      { mode: 0o600 },
    );
    const { log, warnings } = recorder();
    const config = await loadConfig(path, log);
    assert.equal(config.server.port, 8000);
    const w = warnings();
    assert.equal(w.length, 2, w.join("\n"));
    assert.ok(w.some((m) => m.includes('"server.prot"')));
    assert.ok(w.some((m) => m.includes('"extra"')));
  });
});

Deno.test("loadConfig: a file without a token gains one; values and comments survive", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "config.toml");
    await Deno.writeTextFile(path, "# my box\n[server]\nport = 8000 # moved\n\n[auth]\n", {
      mode: 0o644,
    });
    const config = await loadConfig(path, recorder().log);
    const text = await Deno.readTextFile(path);
    assert.match(text, /# my box/);
    assert.match(text, /# moved/);
    const raw = parse(text) as { server: { port: number }; auth: { token: string } };
    assert.equal(raw.server.port, 8000);
    assert.equal(raw.auth.token, config.auth.token);
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);

    // An inline auth table cannot be edited as text: the values are re-serialised instead.
    await Deno.writeTextFile(path, 'auth = {}\n[server]\nhost = "::"\n');
    const second = await loadConfig(path, recorder().log);
    const raw2 = parse(await Deno.readTextFile(path)) as Record<string, Record<string, string>>;
    assert.equal(raw2.server?.host, "::");
    assert.equal(raw2.auth?.token, second.auth.token);
  });
});

Deno.test("rotateToken: replaces the token and keeps everything else", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "config.toml");
    await Deno.writeTextFile(
      path,
      '# mine\n[server]\nport = 9000\n[auth]\ntoken = "0123456789abcdef0123"\n',
    );
    const token = await rotateToken(path);
    assert.notEqual(token, "0123456789abcdef0123");
    const config = await loadConfig(path, recorder().log);
    assert.equal(config.auth.token, token);
    assert.equal(config.server.port, 9000);
    assert.match(await Deno.readTextFile(path), /# mine/);
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    assert.notEqual(await rotateToken(path), token);
  });
});
