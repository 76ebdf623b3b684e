/**
 * The database's backup to the store and restore from it, in the running box against s3rver,
 * read back with rclone: a snapshot taken while the box runs is a sound database holding what
 * the box held; retention keeps the newest N; a restore is staged, applied at the next start with
 * the replaced database kept beside it; a damaged object is refused before anything is staged.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createClient } from "@libsql/client";
import { assert, assertEquals } from "../_assert.ts";
import { startServer } from "../../cli/server.ts";
import { loadConfig } from "../../core/config.ts";
import { LogSink } from "../../lib/log.ts";
import { FAST_SYNC_TOML, recordFrame, syncConfig } from "../s3/box.ts";
import { BUCKET, listStore, rclone, readObject, startStore } from "../s3/store.ts";

async function boot(dir: string) {
  const logs = new LogSink({ consoleLevel: "silent" });
  const config = await loadConfig(join(dir, "config.toml"), logs.logger("config"));
  const server = await startServer({
    config,
    port: 0,
    hostname: "127.0.0.1",
    dataDir: join(dir, "data"),
    logs,
    validateEvents: true,
    alpacaPort: 0,
    alpacaDiscoveryPort: null,
  });
  const json = async <T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${server.url}/api/v1${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() as T };
  };
  return { server, json };
}

async function until(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function frameIds(dbPath: string): Promise<string[]> {
  const client = createClient({ url: pathToFileURL(dbPath).href });
  try {
    return (await client.execute("SELECT id FROM frames ORDER BY id")).rows.map((r) =>
      String(r[0])
    );
  } finally {
    client.close();
  }
}

Deno.test("sync backup: snapshots while running, keeps the newest, restores at the next start", async () => {
  await using store = await startStore();
  const dir = await Deno.makeTempDir({ prefix: "openskylab-sync-backup-" });
  await Deno.writeTextFile(join(dir, "config.toml"), FAST_SYNC_TOML);
  let box = await boot(dir);
  try {
    for (const id of ["kept-1", "kept-2"]) {
      await recordFrame(box.server.services.frames, join(dir, "data"), {
        id,
        object: "M 33",
        widthPx: 64,
        heightPx: 64,
        startedAt: "2026-01-05T21:00:00.000Z",
      });
    }
    // Only lights sync here, so the queue holds just the backups this test takes.
    const put = await box.json("PUT", "/sync/config", {
      ...syncConfig(store.endpoint),
      frame_types: [],
      backup: { enabled: false, keep: 2 },
    });
    assertEquals(put.status, 200);
    const completed: string[] = [];
    const unsubscribe = box.server.services.bus.subscribe((e) => {
      if (e.type === "sync.backup_completed") completed.push(e.data.key);
    });
    const keys: string[] = [];
    for (let i = 0; i < 3; i++) {
      const taken = await box.json<{ key: string }>("POST", "/sync/backup");
      assertEquals(taken.status, 202);
      keys.push(taken.body.key);
      await until(`backup ${i + 1}`, () => Promise.resolve(completed.length === i + 1), 30_000);
      await new Promise((r) => setTimeout(r, 1100)); // keys are stamped to the second
    }
    unsubscribe();
    // Retention: the two newest stay.
    const listed = await box.json<{ backups: { key: string; bytes: number }[] }>(
      "GET",
      "/sync/backups",
    );
    assertEquals(listed.body.backups.map((b) => b.key), [keys[2], keys[1]]);
    assertEquals((await listStore(store)).map((e) => e.Path).sort(), [keys[1], keys[2]].sort());
    // The snapshot, read back by rclone, is a sound database with the frames.
    const copy = join(dir, "copy.db");
    await Deno.writeFile(copy, await readObject(store, keys[2]!));
    assertEquals(await frameIds(copy), ["kept-1", "kept-2"]);
    const history = await box.json<{ entries: { kind: string }[] }>(
      "GET",
      "/sync/history?limit=50",
    );
    assertEquals(history.body.entries.filter((e) => e.kind === "backup_completed").length, 3);
    assertEquals(history.body.entries.filter((e) => e.kind === "backup_pruned").length, 1);

    // A damaged snapshot is refused before anything is staged.
    const bogus = `box1/_backups/openskylab-20991231T000000Z.db`;
    await Deno.writeTextFile(join(dir, "bogus.db"), "not a database at all");
    await rclone(store, "copyto", join(dir, "bogus.db"), `store:${BUCKET}/${bogus}`);
    const refused = await box.json<{ error: { message: string } }>("POST", "/sync/restore", {
      key: bogus,
    });
    assertEquals(refused.status, 409);
    assert(
      refused.body.error.message.includes("not an SQLite database"),
      refused.body.error.message,
    );
    assertEquals((await box.json("POST", "/sync/restore", { key: "elsewhere/x.db" })).status, 400);
    assertEquals(
      (await box.json("POST", "/sync/restore", {
        key: "box1/_backups/openskylab-20000101T000000Z.db",
      })).status,
      404,
    );

    // The box moves on after the snapshot…
    await recordFrame(box.server.services.frames, join(dir, "data"), {
      id: "after-backup",
      object: "M 33",
      widthPx: 64,
      heightPx: 64,
      startedAt: "2026-01-06T21:00:00.000Z",
    });
    // …and is restored to it: staged now, applied at the next start.
    const staged = await box.json<{ staged: boolean; apply: string }>("POST", "/sync/restore", {
      key: keys[2],
    });
    assertEquals([staged.status, staged.body.apply], [200, "at_next_start"]);
    const status = await box.json<{ restore: { staged: { key: string } | null } }>(
      "GET",
      "/sync/status",
    );
    assertEquals(status.body.restore.staged?.key, keys[2]);
    await box.server.shutdown();

    box = await boot(dir);
    assertEquals(await frameIds(join(dir, "data", "openskylab.db")), ["kept-1", "kept-2"]);
    const previous = [...Deno.readDirSync(join(dir, "data", "sync", "restore", "previous"))]
      .map((e) => e.name).filter((n) => n.endsWith(".db"));
    assertEquals(previous.length, 1);
    assertEquals(
      await frameIds(join(dir, "data", "sync", "restore", "previous", previous[0]!)),
      ["after-backup", "kept-1", "kept-2"],
    );
    const after = await box.json<{ entries: { kind: string }[] }>("GET", "/sync/history?limit=5");
    assertEquals(after.body.entries[0]?.kind, "restore_applied");
    const afterStatus = await box.json<{ restore: { staged: unknown } }>("GET", "/sync/status");
    assertEquals(afterStatus.body.restore.staged, null);
  } finally {
    await box.server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
