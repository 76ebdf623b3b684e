/**
 * Restoring the database from a snapshot in the store, safely on a running box. The running box
 * never swaps its database under itself: `POST /sync/restore` downloads the snapshot next to it
 * (checking the SHA-256 recorded at upload, SQLite's integrity check and that this firmware knows
 * its schema) and stages it; the swap happens at the next start, before the database is opened.
 * The database it replaces is kept, with its WAL, in `<data dir>/sync/restore/previous/`.
 *
 * Each step of the swap is a rename, and the marker file `staged.json` is removed last, so a power
 * cut in the middle resumes the swap at the next start instead of losing either database.
 * Frames recorded after the snapshot stay on disk; the restored catalogue does not list them.
 */
import { join } from "node:path";
import { createHash } from "node:crypto";
import type { Logger } from "../../lib/log.ts";
import { DATABASE_FILE } from "../store/db.ts";
import { checkSnapshot } from "../store/snapshot.ts";
import type { S3Client } from "./s3/client.ts";

export const RESTORE_DIR = "sync/restore";
const STAGED_DB = "staged.db";
const STAGED_MARK = "staged.json";
const APPLIED_MARK = "applied.json";

export interface StagedRestore {
  key: string;
  bytes: number;
  sha256: string;
  staged_at: string;
}

export interface AppliedRestore extends StagedRestore {
  applied_at: string;
  /** Where the database that was replaced now is. */
  previous: string | null;
}

/** The problem with a snapshot that cannot be restored (the route answers 409/400). */
export class RestoreRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RestoreRefusedError";
  }
}

export async function readStaged(dataDir: string): Promise<StagedRestore | null> {
  return await readJson<StagedRestore>(join(dataDir, RESTORE_DIR, STAGED_MARK));
}

/** Downloads `key`, checks it and stages it for the next start. */
export async function stageRestore(
  o: { client: S3Client; key: string; dataDir: string; nowMs: number; signal?: AbortSignal },
): Promise<StagedRestore> {
  const dir = join(o.dataDir, RESTORE_DIR);
  await Deno.mkdir(dir, { recursive: true });
  const part = join(dir, `${STAGED_DB}.part`);
  let file = await Deno.open(part, { write: true, create: true, truncate: true });
  let hash = createHash("sha256");
  let bytes = 0;
  let head;
  try {
    head = await o.client.getObject(o.key, async (chunk) => {
      hash.update(chunk);
      bytes += chunk.length;
      for (let w = 0; w < chunk.length;) w += await file.write(chunk.subarray(w));
    }, async () => {
      file.close();
      file = await Deno.open(part, { write: true, create: true, truncate: true });
      hash = createHash("sha256");
      bytes = 0;
    }, o.signal);
    await file.syncData();
  } finally {
    file.close();
  }
  try {
    const sha256 = hash.digest("hex");
    if (head.size !== 0 && head.size !== bytes) {
      throw new RestoreRefusedError(`${o.key}: received ${bytes} bytes of ${head.size}`);
    }
    const recorded = head.metadata["sha256"];
    if (recorded !== undefined && recorded !== sha256) {
      throw new RestoreRefusedError(
        `${o.key}: its SHA-256 is ${sha256}, the upload recorded ${recorded}`,
      );
    }
    const check = await checkSnapshot(part);
    if (!check.ok) throw new RestoreRefusedError(`${o.key} cannot be restored: ${check.problem}`);
    await Deno.rename(part, join(dir, STAGED_DB));
    const staged: StagedRestore = {
      key: o.key,
      bytes,
      sha256,
      staged_at: new Date(o.nowMs).toISOString(),
    };
    await writeJsonDurably(join(dir, STAGED_MARK), staged);
    return staged;
  } catch (err) {
    await Deno.remove(part).catch(() => {});
    throw err;
  }
}

/** Forgets a staged snapshot; answers whether there was one. */
export async function cancelRestore(dataDir: string): Promise<boolean> {
  const dir = join(dataDir, RESTORE_DIR);
  const had = (await readStaged(dataDir)) !== null;
  await Deno.remove(join(dir, STAGED_MARK)).catch(() => {});
  await Deno.remove(join(dir, STAGED_DB)).catch(() => {});
  return had;
}

/**
 * At start, before the database is opened: swaps in a staged snapshot. Answers what was applied,
 * or null when nothing was staged. Safe to run again after a power cut at any point.
 */
export async function applyStagedRestore(
  dataDir: string,
  log: Logger,
  nowMs: number,
): Promise<AppliedRestore | null> {
  const dir = join(dataDir, RESTORE_DIR);
  const staged = await readStaged(dataDir);
  if (staged === null) return null;
  const stagedDb = join(dir, STAGED_DB);
  const dbPath = join(dataDir, DATABASE_FILE);
  let previous: string | null = null;
  if (await exists(stagedDb)) {
    const stamp = new Date(nowMs).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
    const previousDir = join(dir, "previous");
    await Deno.mkdir(previousDir, { recursive: true });
    // The database with its WAL and shared-memory files, moved together: consistent as a set.
    for (const suffix of ["", "-wal", "-shm"]) {
      if (await exists(`${dbPath}${suffix}`)) {
        const target = join(previousDir, `openskylab-${stamp}.db${suffix}`);
        await Deno.rename(`${dbPath}${suffix}`, target);
        if (suffix === "") previous = target;
      }
    }
    await Deno.rename(stagedDb, dbPath);
    await syncDir(dataDir);
  }
  const applied: AppliedRestore = {
    ...staged,
    applied_at: new Date(nowMs).toISOString(),
    previous,
  };
  await writeJsonDurably(join(dir, APPLIED_MARK), applied);
  await Deno.remove(join(dir, STAGED_MARK));
  await syncDir(dir);
  log.warn("restored the database from a snapshot", { key: staged.key, previous });
  return applied;
}

/** The restore applied at this start, once (the marker is removed as it is read). */
export async function takeAppliedRestore(dataDir: string): Promise<AppliedRestore | null> {
  const path = join(dataDir, RESTORE_DIR, APPLIED_MARK);
  const applied = await readJson<AppliedRestore>(path);
  if (applied !== null) await Deno.remove(path).catch(() => {});
  return applied;
}

async function readJson<T>(path: string): Promise<T | null> {
  try {
    return JSON.parse(await Deno.readTextFile(path)) as T;
  } catch {
    return null;
  }
}

async function writeJsonDurably(path: string, value: unknown): Promise<void> {
  const temp = `${path}.tmp`;
  const file = await Deno.open(temp, { write: true, create: true, truncate: true });
  try {
    await file.write(new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`));
    await file.syncData();
  } finally {
    file.close();
  }
  await Deno.rename(temp, path);
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

async function syncDir(path: string): Promise<void> {
  const dir = await Deno.open(path, { read: true }).catch(() => null);
  try {
    await dir?.sync();
  } catch {
    /* not every filesystem can */
  } finally {
    dir?.close();
  }
}
