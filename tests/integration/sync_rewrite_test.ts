/**
 * Cloud sync when a frame's file changes after it was queued or uploaded — a plate solve writes
 * the WCS into its header through the box's own rewrite (core/solver/frame_wcs.ts: a new file
 * renamed over the old, the row's size and file revision, the change notice) — in the running box,
 * against s3rver behind the test's proxy, read back with rclone:
 *
 * - a frame uploaded, then solved: our object is replaced by the new file at the same key (not
 *   uploaded beside it as if someone else's), its sidecar follows, the history says so;
 * - a rewrite the box is not told about, to the same size (the cards fit in the header's padding),
 *   in the middle of a multipart upload: the item ends with the new content, not failed;
 * - the notice landing while that frame's multipart upload is in flight, and while the store is
 *   completing it: the item is queued again, not lost, and ends with the new content;
 * - an object at the key that names another frame (another box's, same file name) stays foreign:
 *   ours goes beside it, and theirs is untouched.
 *
 * The solution written is the test's own (these tests are about the rewrite racing the upload;
 * sync_solve_test.ts solves a frame for real and checks the same replacement).
 */
import { join } from "node:path";
import { createHash } from "node:crypto";
import { assert, assertEquals, MIN_DEADLINE_MS } from "../_assert.ts";
import type { Solution } from "../../core/solver/solve.ts";
import { writeSolutionToFrame } from "../../core/solver/frame_wcs.ts";
import { rewritePrimaryHeader } from "../../lib/fits/header_rewrite.ts";
import { tanWcsCards } from "../../lib/fits/wcs_cards.ts";
import { FAST_SYNC_TOML, recordFrame, syncConfig } from "../s3/box.ts";
import { FaultyProxy, type SeenRequest } from "../s3/faulty_proxy.ts";
import { BUCKET, listStore, rclone, readObject, startStore } from "../s3/store.ts";
import { type TestServer, withServer } from "./_server.ts";

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const NO_BACKUP = { backup: { enabled: false } };
const NIGHT_KEY = "box1/M_42/2026-01-05";

/** A TAN solution near M 42 for a frame of `widthPx × heightPx` at 1.46″/px. */
function solutionFor(widthPx: number, heightPx: number): Solution {
  const scaleDeg = 1.46 / 3600;
  return {
    wcs: {
      crval1Deg: 83.82,
      crval2Deg: -5.39,
      crpix1Px: (widthPx + 1) / 2,
      crpix2Px: (heightPx + 1) / 2,
      cd11: -scaleDeg,
      cd12: 0,
      cd21: 0,
      cd22: scaleDeg,
    },
    solverVersion: "test",
    raDeg: 83.82,
    decDeg: -5.39,
    positionAngleDeg: 0,
    pixelScaleArcsec: 1.46,
    fieldWidthDeg: widthPx * scaleDeg,
    fieldHeightDeg: heightPx * scaleDeg,
    mirrored: false,
    solver: "astap",
  };
}

/** Writes the solution into the recorded frame as a solve does: header, row, notice. */
async function solveInto(t: TestServer, path: string, widthPx: number, heightPx: number) {
  const frame = await writeSolutionToFrame(
    { dataDir: t.dataDir, frames: t.server.services.frames, changes: t.server.services.frameFiles },
    join(await Deno.realPath(t.dataDir), path),
    solutionFor(widthPx, heightPx),
    Date.now(),
  );
  assert(frame !== null, "the file is a recorded frame");
  return frame;
}

interface Item {
  id: number;
  frame_id: string | null;
  key: string;
  state: string;
  attempts: number;
  sha256: string | null;
  metadata: string;
}

interface Entry {
  kind: string;
  item_id: number | null;
  key: string | null;
  message: string | null;
}

async function item(t: TestServer, frameId: string): Promise<Item | undefined> {
  return (await t.json<{ items: Item[] }>("GET", "/sync/queue?limit=500")).items
    .find((i) => i.frame_id === frameId);
}

async function history(t: TestServer): Promise<Entry[]> {
  return (await t.json<{ entries: Entry[] }>("GET", "/sync/history?limit=500")).entries.reverse();
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until the frame's item is done with the local file's digest; answers the local bytes. */
async function doneWithLocal(t: TestServer, frameId: string, path: string): Promise<Uint8Array> {
  let local = new Uint8Array();
  await until(`${frameId} done with the new content`, async () => {
    local = await Deno.readFile(join(t.dataDir, path));
    const it = await item(t, frameId);
    return it?.state === "done" && it.sha256 === sha256(local);
  }, 90_000);
  return local;
}

const isPart = (n: number) => (r: SeenRequest) =>
  r.method === "PUT" && r.query.get("partNumber") === String(n);
const isCreate = (r: SeenRequest) => r.method === "POST" && r.query.has("uploads");
const isComplete = (r: SeenRequest) => r.method === "POST" && r.query.has("uploadId");

Deno.test("sync rewrite: a frame uploaded, then solved, is replaced in the store at the same key", async () => {
  await using store = await startStore();
  await using proxy = new FaultyProxy(store.port);
  await withServer(async (t) => {
    const f = await recordFrame(t.server.services.frames, t.dataDir, {
      id: "solved-1",
      object: "M 42",
      widthPx: 600,
      heightPx: 400,
      startedAt: "2026-01-05T22:00:00.000Z",
    });
    const events = await t.events("sync.*,alert");
    await t.json("PUT", "/sync/config", syncConfig(proxy.endpoint, NO_BACKUP));
    const first = await events.waitFor(
      "sync.uploaded",
      (d) => d.frame_id === "solved-1",
      MIN_DEADLINE_MS,
    );
    const key = String(first.data.key);
    assertEquals(key, `${NIGHT_KEY}/solved-1.fits`);
    await until(
      "the first sidecar",
      async () => (await readObject(store, `${key}.json`)).length > 0,
      MIN_DEADLINE_MS,
    );
    const unsolved = await Deno.readFile(join(t.dataDir, f.path));
    assertEquals(sha256(await readObject(store, key)), sha256(unsolved));

    await solveInto(t, f.path, 600, 400);
    const again = await events.waitFor(
      "sync.uploaded",
      (d) => d.frame_id === "solved-1" && d.replaced === true,
      MIN_DEADLINE_MS,
    );
    assertEquals(again.data.key, key, "replaced at the same key");
    const local = await doneWithLocal(t, "solved-1", f.path);
    assert(sha256(local) !== sha256(unsolved), "the solve changed the file");
    assert(new TextDecoder().decode(local.subarray(0, 2880 * 2)).includes("CTYPE1  = 'RA---TAN'"));

    const remote = await readObject(store, key);
    assertEquals([remote.length, sha256(remote)], [local.length, sha256(local)]);
    assertEquals(again.data.sha256, sha256(local));
    await until("the sidecar of the new version", async () => {
      const sidecar = JSON.parse(new TextDecoder().decode(await readObject(store, `${key}.json`)));
      return sidecar.object.sha256 === sha256(local);
    }, MIN_DEADLINE_MS);
    const listing = await listStore(store);
    assertEquals(listing.map((e) => e.Path), [key, `${key}.json`], "nothing uploaded beside it");
    assertEquals(listing[0]!.Metadata?.sha256, sha256(local));
    assertEquals(listing[0]!.Metadata?.["openskylab-frame-id"], "solved-1");

    const it = (await item(t, "solved-1"))!;
    const kinds = (await history(t)).filter((e) => e.item_id === it.id);
    assertEquals(kinds.map((e) => e.kind), ["uploaded", "file_changed", "replaced"]);
    assert(kinds[2]!.message?.includes(sha256(unsolved)), String(kinds[2]!.message));
    const landed = proxy.seen((r) => r.method === "PUT" && r.path === `/frames/${key}`)
      .filter((r) => r.status === 200);
    assertEquals(landed.length, 2, "one PUT of each version");
    assertEquals(events.ofType("sync.failed").length, 0);
    assertEquals(events.ofType("alert").length, 0);
  }, { configToml: FAST_SYNC_TOML });
});

Deno.test("sync rewrite: a same-size rewrite nobody announced, mid multipart upload, ends with the new content", async () => {
  await using store = await startStore();
  await using proxy = new FaultyProxy(store.port);
  let rewrite: (() => Promise<void>) | null = null;
  proxy.plan = (r) => {
    const hook = rewrite;
    if (hook === null || !isPart(1)(r)) return { kind: "forward" };
    rewrite = null;
    // The store has part 1 of the old content; part 2 is read after the rewrite.
    return { kind: "forward", afterAnswer: () => hook() };
  };
  await withServer(async (t) => {
    const f = await recordFrame(t.server.services.frames, t.dataDir, {
      id: "quiet-1",
      object: "M 42",
      widthPx: 1800,
      heightPx: 1800,
      startedAt: "2026-01-05T22:10:00.000Z",
    });
    assert(f.bytes > 5 * 1024 * 1024 && f.bytes < 10 * 1024 * 1024, `${f.bytes} bytes: 2 parts`);
    const path = join(t.dataDir, f.path);
    let sizeAfter = 0;
    rewrite = async () => {
      // Not through the solver: nothing records or announces it (only the file shows it).
      sizeAfter = await rewritePrimaryHeader(path, {
        keep: () => true,
        add: tanWcsCards(solutionFor(1800, 1800).wcs),
      });
    };
    const events = await t.events("sync.*,alert");
    await t.json("PUT", "/sync/config", syncConfig(proxy.endpoint, NO_BACKUP));
    const local = await doneWithLocal(t, "quiet-1", f.path);
    assertEquals(sizeAfter, f.bytes, "the cards fitted in the header's padding");
    assertEquals(local.length, f.bytes);

    const key = `${NIGHT_KEY}/quiet-1.fits`;
    const remote = await readObject(store, key);
    assertEquals([remote.length, sha256(remote)], [local.length, sha256(local)]);
    assertEquals(
      (await listStore(store)).filter((e) => !e.Path.endsWith(".json")).map((e) => e.Path),
      [key],
    );
    const it = (await item(t, "quiet-1"))!;
    assertEquals([it.state, it.attempts, it.key], ["done", 0, key]);
    const kinds = (await history(t)).filter((e) => e.item_id === it.id).map((e) => e.kind);
    assert(kinds.includes("file_changed"), kinds.join(","));
    assert(!kinds.includes("failed") && !kinds.includes("gave_up"), kinds.join(","));
    assertEquals(kinds.at(-1), "replaced");
    assertEquals(events.ofType("sync.failed").length, 0);
    assertEquals(events.ofType("alert").length, 0);
    assert(proxy.seen(isCreate).length >= 2, "the new content went up in a new upload");
  }, { configToml: FAST_SYNC_TOML });
});

for (const at of ["part 1", "the Complete"] as const) {
  Deno.test(`sync rewrite: a solve announced while the frame's upload is in flight (${at}) is not lost`, async () => {
    await using store = await startStore();
    await using proxy = new FaultyProxy(store.port);
    let solve: (() => Promise<void>) | null = null;
    const when = at === "part 1" ? isPart(1) : isComplete;
    proxy.plan = (r) => {
      const hook = solve;
      if (hook === null || !when(r)) return { kind: "forward" };
      solve = null;
      // The solve lands (file, row, notice) after the store answered, before the box hears it.
      return { kind: "forward", afterAnswer: () => hook() };
    };
    await withServer(async (t) => {
      const f = await recordFrame(t.server.services.frames, t.dataDir, {
        id: "busy-1",
        object: "M 42",
        widthPx: 1800,
        heightPx: 1800,
        startedAt: "2026-01-05T22:20:00.000Z",
      });
      const before = await Deno.readFile(join(t.dataDir, f.path));
      solve = async () => {
        await solveInto(t, f.path, 1800, 1800);
      };
      const events = await t.events("sync.*,alert");
      await t.json("PUT", "/sync/config", syncConfig(proxy.endpoint, NO_BACKUP));
      const local = await doneWithLocal(t, "busy-1", f.path);
      assert(solve === null, "the solve ran during the upload");
      assert(sha256(local) !== sha256(before));

      const key = `${NIGHT_KEY}/busy-1.fits`;
      const remote = await readObject(store, key);
      assertEquals([remote.length, sha256(remote)], [local.length, sha256(local)]);
      assertEquals(
        (await listStore(store)).filter((e) => !e.Path.endsWith(".json")).map((e) => e.Path),
        [key],
      );
      const it = (await item(t, "busy-1"))!;
      assertEquals([it.state, it.attempts], ["done", 0]);
      const kinds = (await history(t)).filter((e) => e.item_id === it.id).map((e) => e.kind);
      assert(kinds.includes("file_changed"), kinds.join(","));
      assert(!kinds.includes("failed") && !kinds.includes("gave_up"), kinds.join(","));
      // Part 1: the old upload never completed, so the new one is simply uploaded. The Complete:
      // the old version landed first, and the new one replaced it.
      assertEquals(kinds.at(-1), at === "part 1" ? "uploaded" : "replaced");
      assertEquals(
        events.ofType("sync.uploaded").filter((e) => e.data.frame_id === "busy-1").length,
        1,
        "only the new version is reported uploaded",
      );
      assertEquals(events.ofType("sync.failed").length, 0);
      assertEquals(events.ofType("alert").length, 0);
      assertEquals(proxy.seen(isCreate).length, 2, "one upload per version");
    }, { configToml: FAST_SYNC_TOML });
  });
}

Deno.test("sync rewrite: an object naming another frame at the key is not ours: ours goes beside it", async () => {
  await using store = await startStore();
  const theirs = new TextEncoder().encode("SIMPLE  = T / another box's frame\n");
  const key = `${NIGHT_KEY}/shared-name.fits`;
  const src = await Deno.makeTempFile({ suffix: ".fits" });
  try {
    await Deno.writeFile(src, theirs);
    await rclone(
      store,
      "copyto",
      src,
      `store:${BUCKET}/${key}`,
      "--metadata",
      "--metadata-set",
      "openskylab-kind=frame",
      "--metadata-set",
      "openskylab-frame-id=other-box-frame",
      "--metadata-set",
      `sha256=${sha256(theirs)}`,
    );
  } finally {
    await Deno.remove(src);
  }
  assertEquals((await listStore(store))[0]?.Metadata?.["openskylab-frame-id"], "other-box-frame");
  await withServer(async (t) => {
    const f = await recordFrame(t.server.services.frames, t.dataDir, {
      id: "shared-name",
      object: "M 42",
      widthPx: 300,
      heightPx: 200,
      startedAt: "2026-01-05T22:30:00.000Z",
    });
    const events = await t.events("sync.*");
    await t.json("PUT", "/sync/config", syncConfig(store.endpoint, NO_BACKUP));
    const up = await events.waitFor(
      "sync.uploaded",
      (d) => d.frame_id === "shared-name",
      MIN_DEADLINE_MS,
    );
    assertEquals(up.data.key, `${NIGHT_KEY}/shared-name~shared-name.fits`);
    assertEquals(up.data.replaced, false);
    assertEquals(sha256(await readObject(store, key)), sha256(theirs), "theirs untouched");
    assertEquals(
      sha256(await readObject(store, String(up.data.key))),
      sha256(await Deno.readFile(join(t.dataDir, f.path))),
    );
  }, { configToml: FAST_SYNC_TOML });
});
