/**
 * The executable as a user runs it: `serve` in a child process becomes healthy, exits 0 within
 * 5 s of SIGTERM — also in the middle of the first catalogue import; a broken config stops it
 * with the key named and the file untouched; `token` prints the token written at first start.
 * Children listen on port 0 (the port is read back from what serve prints) and get
 * `[alpaca] port = 0`, so no test depends on a port being free.
 */
import { join } from "node:path";
import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { waitHealthy } from "../bench/_util.ts";
import { makeBigCatalogue } from "../fixtures/big_catalogue.ts";
import { spawnServe } from "./_child.ts";

/** No test may need Alpaca's 11111 free: the children let the system pick. */
const ALPACA_ANY_PORT = "[alpaca]\nport = 0\n";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

function openskylab(args: string[], env: Record<string, string> = {}) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    env,
    stdout: "piped",
    stderr: "piped",
  });
}

Deno.test("serve: healthy, then SIGTERM exits 0 within 5 s", async () => {
  const dir = await Deno.makeTempDir({ prefix: "openskylab-cli-" });
  // A hand-written config without a token: the first start adds one and makes the file 0600.
  await Deno.writeTextFile(join(dir, "config.toml"), ALPACA_ANY_PORT);
  const box = await spawnServe(["--data-dir", join(dir, "data")], {
    OPENSKYLAB_CONFIG: join(dir, "config.toml"),
  });
  try {
    await waitHealthy(box.url, 30_000);
    const info = await Deno.stat(join(dir, "config.toml"));
    assertEquals(info.mode! & 0o777, 0o600);
    assertMatch(await Deno.readTextFile(join(dir, "config.toml")), /token = "/);
    const started = performance.now();
    box.child.kill("SIGTERM");
    const { code, stdout } = await box.finished;
    const elapsedMs = performance.now() - started;
    assertEquals(code, 0);
    // The product's promise (README): SIGTERM exits within 5 s (serve itself gives up at 4.5 s
    // and exits 1, so code 0 already says it finished in time by its own clock).
    assert(elapsedMs < 5000, `exited after ${elapsedMs} ms`);
    assertMatch(stdout, /listening on http:\/\/localhost:\d+/);
    const db = await Deno.stat(join(dir, "data", "openskylab.db"));
    assert(db.isFile);
  } finally {
    try {
      box.child.kill("SIGKILL");
    } catch { /* already gone */ }
    await box.finished;
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("serve: SIGTERM in the middle of the first catalogue import exits 0 within 5 s", async () => {
  const dir = await Deno.makeTempDir({ prefix: "openskylab-cli-import-" });
  const catalogue = join(dir, "catalogue");
  await Deno.mkdir(catalogue);
  // Sixteen times siril's catalogue: its import lasts seconds on any machine.
  await makeBigCatalogue(catalogue, 16);
  await Deno.writeTextFile(join(dir, "config.toml"), ALPACA_ANY_PORT);
  const box = await spawnServe(["--data-dir", join(dir, "data")], {
    OPENSKYLAB_CONFIG: join(dir, "config.toml"),
    OPENSKYLAB_CATALOG_DIR: catalogue,
  });
  const child = box.child;
  try {
    await waitHealthy(box.url, 60_000);
    const status = await (await fetch(`${box.url}/api/v1/catalog/status`)).json();
    assertEquals(status.state, "importing", "SIGTERM must land during the import");
    const started = performance.now();
    child.kill("SIGTERM");
    const { code, stderr } = await box.finished;
    const elapsedMs = performance.now() - started;
    // The product's promise (README): a SIGTERM exits within 5 s. Before the import moved off
    // the event loop, the signal was heard only once the import had finished.
    assertEquals(code, 0, stderr);
    assert(elapsedMs < 5000, `exited after ${elapsedMs} ms`);
    // The database is whole: the next start imports again (or finds it current) and is healthy.
    const db = await Deno.stat(join(dir, "data", "openskylab.db"));
    assert(db.isFile);
  } finally {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
    await box.finished;
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("serve: a broken config exits non-zero naming the key, file untouched", async () => {
  const dir = await Deno.makeTempDir({ prefix: "openskylab-cli-" });
  const config = join(dir, "config.toml");
  const text = '[server]\nport = "abc"\n';
  await Deno.writeTextFile(config, text);
  try {
    const { code, stderr } = await openskylab(["serve", "--config", config, "--data-dir", dir])
      .output();
    assertEquals(code, 1);
    assertMatch(new TextDecoder().decode(stderr), /server\.port/);
    assertEquals(await Deno.readTextFile(config), text);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("serve: bad flags are refused", async () => {
  const unknown = await openskylab(["serve", "--prot", "1"]).output();
  assertEquals(unknown.code, 2);
  assertMatch(new TextDecoder().decode(unknown.stderr), /unknown option "--prot"/);
  const badPort = await openskylab(["serve", "--port", "abc"], { HOME: "/nonexistent" }).output();
  assertEquals(badPort.code, 1);
  assertMatch(new TextDecoder().decode(badPort.stderr), /--port/);
});

Deno.test("token: prints the token from config.toml, --rotate replaces it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "openskylab-cli-" });
  const config = join(dir, "config.toml");
  try {
    const first = await openskylab(["token", "--config", config]).output();
    assertEquals(first.code, 0);
    const token = new TextDecoder().decode(first.stdout).trim();
    assertMatch(token, /^[A-Za-z0-9_-]{32,}$/);
    assert((await Deno.readTextFile(config)).includes(token));
    const rotated = await openskylab(["token", "--rotate", "--config", config]).output();
    const next = new TextDecoder().decode(rotated.stdout).trim();
    assertEquals(rotated.code, 0);
    assert(next !== token && (await Deno.readTextFile(config)).includes(next));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
