/**
 * Cloud sync across real crashes: `openskylab serve` runs as its own process and is killed with
 * SIGKILL at the three instants that matter — in the middle of a multipart upload, after the
 * store completed the upload but before the box heard of it (so before its commit), and after a
 * single PUT landed but before its commit. The proxy in front of s3rver does the killing: it lets
 * the store answer, kills the box, and only then would relay the answer. After a restart on the
 * same data dir every object is in the store exactly once, byte-identical, and the proxy's log
 * shows that nothing confirmed was sent again: the same upload id was resumed, one Complete per
 * object, one PUT per small object. SIGTERM mid-upload exits within the 5 s budget, resumable.
 */
import { join } from "node:path";
import { createHash } from "node:crypto";
import { assert, assertEquals } from "../_assert.ts";
import { type ChildBox, startChildBox } from "./_child_box.ts";
import { openDatabase } from "../../core/store/db.ts";
import { FrameRepository } from "../../core/store/frames.ts";
import { FAST_SYNC_TOML, recordFrame, syncConfig } from "../s3/box.ts";
import { FaultyProxy } from "../s3/faulty_proxy.ts";
import { listStore, readObject, startStore } from "../s3/store.ts";

type Box = ChildBox;

function startBox(dir: string): Promise<Box> {
  return startChildBox(join(dir, "data"), join(dir, "config.toml"));
}

async function api<T>(box: Box, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${box.url}/api/v1${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

interface Item {
  frame_id: string | null;
  key: string;
  state: string;
  metadata: string;
  multipart: { upload_id: string; parts_done: number } | null;
}

async function items(box: Box): Promise<Item[]> {
  return (await api<{ items: Item[] }>(box, "GET", "/sync/queue?limit=500")).items;
}

async function until(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A data dir with frames recorded (FITS files and rows), a config, and sync settings. */
async function prepare(dir: string, endpoint: string, frames: { id: string; widthPx: number }[]) {
  await Deno.writeTextFile(join(dir, "config.toml"), FAST_SYNC_TOML);
  const dataDir = join(dir, "data");
  const db = await openDatabase(dataDir);
  const out: Record<string, string> = {};
  try {
    const repo = new FrameRepository(db);
    for (const f of frames) {
      out[f.id] = (await recordFrame(repo, dataDir, {
        id: f.id,
        object: "IC 1396",
        widthPx: f.widthPx,
        heightPx: f.widthPx,
        startedAt: "2026-01-05T22:00:00.000Z",
      })).path;
    }
  } finally {
    await db.close();
  }
  const settings = { ...syncConfig(endpoint), backup: { enabled: false } };
  await Deno.writeTextFile(join(dataDir, "sync.json"), JSON.stringify(settings), { mode: 0o600 });
  return { dataDir, paths: out };
}

const md5 = (b: Uint8Array) => createHash("md5").update(b).digest("hex");

Deno.test("sync crash: kill -9 mid-multipart, after Complete, after a PUT — each object exactly once", async () => {
  await using store = await startStore();
  await using proxy = new FaultyProxy(store.port);
  const dir = await Deno.makeTempDir({ prefix: "openskylab-sync-crash-" });
  let box: Box | null = null;
  try {
    // 25 MB → 5 parts of 5 MiB; 6 MB → 2 parts; 0.5 MB → one PUT.
    const { dataDir, paths } = await prepare(dir, proxy.endpoint, [
      { id: "a-multi", widthPx: 3536 },
      { id: "b-multi", widthPx: 1732 },
      { id: "c-small", widthPx: 500 },
    ]);
    const keyOf = (id: string) => `box1/IC_1396/2026-01-05/${id}.fits`;
    const pathOf = (id: string) => `/frames/${keyOf(id)}`;
    let killed: Promise<Deno.CommandStatus> | null = null;
    const kill = () => {
      const target = box!;
      target.child.kill("SIGKILL");
      killed = target.child.status;
      return killed.then(() => {});
    };

    // 1. Killed in the middle of a's multipart upload: right after the store confirmed part 3.
    proxy.plan = (r) =>
      r.method === "PUT" && r.path === pathOf("a-multi") && r.query.get("partNumber") === "3"
        ? { kind: "forward", afterAnswer: kill }
        : { kind: "forward" };
    box = await startBox(dir);
    await until(
      "the kill mid-multipart",
      async () => killed !== null && (await killed).signal === "SIGKILL",
      60_000,
    );
    const uploadIdBefore = proxy.seen((r) =>
      r.method === "POST" && r.path === pathOf("a-multi") && r.query.has("uploads")
    )
      .map((r) => r.status);
    assertEquals(uploadIdBefore.length, 1);

    // 2. Restart; killed again after the store completed a's upload, before the box heard of it.
    killed = null;
    proxy.plan = (r) =>
      r.method === "POST" && r.path === pathOf("a-multi") && r.query.has("uploadId")
        ? { kind: "forward", afterAnswer: kill }
        : { kind: "forward" };
    box = await startBox(dir);
    await until(
      "the kill after Complete",
      async () => killed !== null && (await killed).signal === "SIGKILL",
      60_000,
    );

    // 3. Restart; killed after the small frame's PUT landed, before its commit.
    killed = null;
    proxy.plan = (r) =>
      r.method === "PUT" && r.path === pathOf("c-small")
        ? { kind: "forward", afterAnswer: kill }
        : { kind: "forward" };
    box = await startBox(dir);
    await until(
      "the kill after a PUT",
      async () => killed !== null && (await killed).signal === "SIGKILL",
      60_000,
    );

    // 4. Restart with a healthy network: everything completes.
    proxy.plan = () => ({ kind: "forward" });
    const restartedMs = Date.now();
    box = await startBox(dir);
    await until(
      "every item done",
      async () => (await items(box!)).every((i) => i.state === "done" && i.metadata === "done"),
      90_000,
    );
    const resumeMs = Date.now() - restartedMs;

    // Exactly once in the store, byte-identical, nothing skipped.
    const listing = (await listStore(store)).map((e) => e.Path);
    assertEquals(
      listing,
      ["a-multi", "b-multi", "c-small"].flatMap((id) => [keyOf(id), `${keyOf(id)}.json`]).sort(),
    );
    for (const id of ["a-multi", "b-multi", "c-small"]) {
      assertEquals(
        md5(await readObject(store, keyOf(id))),
        md5(await Deno.readFile(join(dataDir, paths[id]!))),
        id,
      );
    }
    const count = (id: string, method: string, q?: string) =>
      proxy.seen((r) =>
        r.method === method && r.path === pathOf(id) && (q === undefined || r.query.has(q))
      ).length;
    // a: one upload id for the whole story (resumed, not restarted); one Complete; parts 1–5 each
    // sent once, except part 3, whose answer the box never got (sent again: it replaces itself).
    assertEquals(count("a-multi", "POST", "uploads"), 1);
    assertEquals(count("a-multi", "POST", "uploadId"), 1);
    const aParts = proxy.seen((r) => r.method === "PUT" && r.path === pathOf("a-multi")).map((r) =>
      r.request.query.get("partNumber")
    );
    assertEquals(aParts.sort(), ["1", "2", "3", "3", "4", "5"]);
    assertEquals(count("b-multi", "POST", "uploadId"), 1);
    // c: one PUT: after the crash the box found it in the store and did not send it again.
    assertEquals(count("c-small", "PUT"), 1);
    const history = await api<{ entries: { kind: string; key: string }[] }>(
      box,
      "GET",
      "/sync/history?limit=100",
    );
    const present = history.entries.filter((e) => e.kind === "already_present").map((e) => e.key)
      .sort();
    assertEquals(present, [keyOf("a-multi"), keyOf("c-small")]);
    console.log(`sync crash: resumed after the last restart and finished in ${resumeMs} ms`);
  } finally {
    if (box) {
      try {
        box.child.kill("SIGKILL");
      } catch { /* already gone */ }
      await box.child.status;
    }
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sync crash: SIGTERM in the middle of a paced upload exits within 5 s and resumes the same upload", async () => {
  await using store = await startStore();
  await using proxy = new FaultyProxy(store.port);
  const dir = await Deno.makeTempDir({ prefix: "openskylab-sync-term-" });
  let box: Box | null = null;
  try {
    const { dataDir } = await prepare(dir, proxy.endpoint, [{ id: "slow", widthPx: 2600 }]); // ~13.5 MB
    // 2 MB/s: the upload takes several seconds, so SIGTERM lands in the middle of it.
    const settings = JSON.parse(await Deno.readTextFile(join(dataDir, "sync.json")));
    await Deno.writeTextFile(
      join(dataDir, "sync.json"),
      JSON.stringify({ ...settings, bandwidth_limit_bytes_per_s: 2_000_000 }),
    );
    box = await startBox(dir);
    await until(
      "a part confirmed",
      async () => ((await items(box!))[0]?.multipart?.parts_done ?? 0) >= 1,
      60_000,
    );
    const started = Date.now();
    box.child.kill("SIGTERM");
    const status = await box.child.status;
    const exitMs = Date.now() - started;
    assert(exitMs < 5000, `exited after ${exitMs} ms`);
    assertEquals(status.code, 0);
    proxy.plan = () => ({ kind: "forward" });
    box = await startBox(dir);
    await until("the upload done", async () => (await items(box!))[0]?.state === "done", 60_000);
    assertEquals(proxy.seen((r) => r.method === "POST" && r.query.has("uploads")).length, 1);
    assertEquals(proxy.seen((r) => r.method === "POST" && r.query.has("uploadId")).length, 1);
    console.log(`sync crash: SIGTERM mid-upload exited in ${exitMs} ms`);
  } finally {
    if (box) {
      try {
        box.child.kill("SIGKILL");
      } catch { /* already gone */ }
      await box.child.status;
    }
    await Deno.remove(dir, { recursive: true });
  }
});
