/**
 * A frame's file rewritten after it was queued or uploaded (a plate solve's WCS) reaches the sync
 * queue through the frames table: the rewrite moves the frame's file revision in the commit that
 * records its new size; the queue row behind it is queued again (its stamp forgotten, its
 * sidecar and any deletion waiting for the new upload) with a history entry; an upload recorded
 * afterwards for the old content does not mark it done. Frames solved before migration 14 are
 * looked at once.
 */
import { sql } from "kysely";
import { ManualClock } from "../../lib/clock.ts";
import { assert, assertEquals } from "../../tests/_assert.ts";
import type { FrameDto, FrameWcsDto } from "../schemas/camera.ts";
import { openDatabase } from "./db.ts";
import { FrameRepository } from "./frames.ts";
import { MIGRATIONS } from "./migrate.ts";
import { SyncRepository } from "./sync.ts";

const WCS: FrameWcsDto = {
  ra: 5.5,
  dec: -5.4,
  position_angle: 12,
  pixel_scale: 1.46,
  mirrored: false,
  crval1: 82.5,
  crval2: -5.4,
  crpix1: 320.5,
  crpix2: 240.5,
  cd1_1: -0.0004,
  cd1_2: 0,
  cd2_1: 0,
  cd2_2: 0.0004,
  solver: "astap",
  solver_version: null,
  solved_at: "2026-01-05T23:00:00.000Z",
};

function frame(id: string): FrameDto {
  return {
    id,
    frame_number: null,
    path: `frames/M42/${id}.fits`,
    frame_type: "light",
    duration_s: 60,
    gain: 100,
    offset: 10,
    binning: 1,
    width: 640,
    height: 480,
    filter: "L",
    object: "M 42",
    started_at: "2026-01-05T22:00:00.000Z",
    sensor_temp_c: -10,
    bytes: 616_320,
    hfr: null,
    fwhm: null,
    stars: null,
    eccentricity: null,
    wcs: null,
  };
}

async function withRepos(
  fn: (frames: FrameRepository, sync: SyncRepository) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "osl_requeue_" });
  const db = await openDatabase(dir);
  try {
    await fn(
      new FrameRepository(db),
      new SyncRepository(db, new ManualClock(Date.UTC(2026, 0, 6))),
    );
  } finally {
    await db.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** Queues the frame and records it uploaded with these digests. */
async function uploaded(sync: SyncRepository, f: FrameDto, sha256: string): Promise<number> {
  const [queued] = await sync.unqueuedFrames({
    sinceIso: "2000-01-01T00:00:00Z",
    frameTypes: ["light"],
    limit: 10,
  });
  await sync.enqueue([{
    kind: "frame",
    frameId: queued!.id,
    path: queued!.path,
    key: `box1/M_42/2026-01-05/${f.id}.fits`,
    bytes: queued!.bytes,
    fileRevision: queued!.file_revision,
  }]);
  const row = (await sync.byFrameId(f.id))!;
  await sync.update(row.id, { sha256, md5: "m".repeat(32), file_stamp: "616320:1:2" });
  assert(
    await sync.markDone(row.id, {
      etag: "e",
      key: row.key,
      uploaded: { sha256, fileRevision: row.file_revision },
      history: { kind: "uploaded", bytes: row.bytes, durationMs: 10 },
    }, "delete_pending"),
  );
  await sync.update(row.id, { meta_state: "done" });
  return row.id;
}

Deno.test("sync queue: a frame rewritten after its upload is queued again, once, with its history", async () => {
  await withRepos(async (frames, sync) => {
    const f = await frames.insert(frame("a"));
    const id = await uploaded(sync, f, "1".repeat(64));
    assertEquals(await sync.changedFrames(10), []);

    await frames.setWcs(f.id, WCS, f.bytes); // the WCS fitted in the header's padding
    const changed = await sync.changedFrames(10);
    assertEquals(changed.map((r) => [r.id, r.file_revision, r.frame_revision]), [[id, 0, 1]]);
    assert(await sync.requeueChanged(changed[0]!, "file revision 1"));
    // A second pass over the same change does nothing: the row is no longer behind.
    assertEquals(await sync.requeueChanged(changed[0]!, "file revision 1"), false);
    assertEquals(await sync.changedFrames(10), []);

    const row = (await sync.get(id))!;
    assertEquals(
      [row.state, row.meta_state, row.local_state, row.file_stamp, row.file_revision],
      ["pending", "pending", "kept", null, 1],
    );
    // The old digest stays, so an upload of the old content is known as such.
    assertEquals(row.sha256, "1".repeat(64));
    const history = await sync.listHistory({ limit: 10 });
    assertEquals(history.map((h) => [h.kind, h.item_id]), [["file_changed", id], ["uploaded", id]]);

    // Any later rewrite is seen again (fileRewritten is the general form of setWcs).
    await frames.fileRewritten(f.id, f.bytes + 2880);
    const again = await sync.changedFrames(10);
    assertEquals(again.map((r) => [r.frame_revision, r.frame_bytes]), [[2, f.bytes + 2880]]);
  });
});

Deno.test("sync queue: an upload that finishes after its item was queued again is not recorded as done", async () => {
  await withRepos(async (frames, sync) => {
    const f = await frames.insert(frame("b"));
    await sync.enqueue([{
      kind: "frame",
      frameId: f.id,
      path: f.path,
      key: "box1/b.fits",
      bytes: f.bytes,
      fileRevision: 0,
    }]);
    const row = (await sync.byFrameId(f.id))!;
    await sync.update(row.id, { sha256: "1".repeat(64), md5: "m".repeat(32), state: "uploading" });
    // The upload is in flight with revision 0's digests; the solve lands and the item is queued
    // again before the upload is recorded.
    await frames.setWcs(f.id, WCS, f.bytes);
    const [changed] = await sync.changedFrames(10);
    assert(await sync.requeueChanged(changed!, "file revision 1"));
    const recorded = await sync.markDone(row.id, {
      etag: "e",
      key: row.key,
      uploaded: { sha256: "1".repeat(64), fileRevision: 0 },
      history: { kind: "uploaded", bytes: row.bytes, durationMs: 10 },
    }, "kept");
    assertEquals(recorded, false);
    const after = (await sync.get(row.id))!;
    assertEquals([after.state, after.uploaded_at, after.file_revision], ["uploading", null, 1]);
    assertEquals((await sync.nextDue())?.id, row.id);
    assertEquals(
      (await sync.listHistory({ limit: 10 })).map((h) => h.kind),
      ["file_changed"],
      "no upload recorded for the old content",
    );
    // The new content, once uploaded, is recorded.
    await sync.update(row.id, { sha256: "2".repeat(64) });
    assert(
      await sync.markDone(row.id, {
        etag: "e2",
        key: row.key,
        uploaded: { sha256: "2".repeat(64), fileRevision: 1 },
        history: { kind: "replaced", bytes: row.bytes, durationMs: 10 },
      }, "kept"),
    );
    assertEquals((await sync.get(row.id))!.state, "done");
  });
});

Deno.test("migration 14: frames solved before it are looked at once by sync", async () => {
  const dir = await Deno.makeTempDir({ prefix: "osl_migrate14_" });
  try {
    const before = await openDatabase(dir, { migrations: MIGRATIONS.slice(0, 13) });
    const oldFrames = new FrameRepository(before);
    const solved = await oldFrames.insert({ ...frame("s"), wcs: WCS });
    const plain = await oldFrames.insert(frame("p"));
    const at = "2026-01-06T00:00:00.000Z";
    for (const [n, f] of [[1, solved], [2, plain]] as const) {
      await sql`INSERT INTO sync_queue (id, kind, frame_id, path, key, bytes, sha256, md5, state,
        attempts, meta_state, local_state, created_at, updated_at, uploaded_at)
        VALUES (${n}, 'frame', ${f.id}, ${f.path}, ${`box1/${f.id}.fits`}, ${f.bytes},
        ${"1".repeat(64)}, ${"m".repeat(32)}, 'done', 0, 'done', 'kept', ${at}, ${at}, ${at})`
        .execute(before.kysely);
    }
    await before.close();

    const db = await openDatabase(dir);
    try {
      const sync = new SyncRepository(db, new ManualClock(Date.UTC(2026, 0, 6)));
      const changed = await sync.changedFrames(10);
      assertEquals(changed.map((r) => [r.frame_id, r.frame_revision]), [["s", 1]]);
      assertEquals((await sync.get(2))!.file_stamp, null);
    } finally {
      await db.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
