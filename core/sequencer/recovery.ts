/**
 * Clean-up after a crash. A frame is written to `<name>.tmp-<hex>`, fsynced and renamed, and its
 * row inserted after: so a partly written file is a `*.tmp-*` (removed at start, it never
 * counts), and a file renamed just before the process died has no row and its frame was never
 * checkpointed — it will be retaken on resume, so keeping it would leave the frame twice on disk.
 * Only files in the frames directory, without a row, written after the run's last commit are
 * such leftovers; anything older is the user's and stays.
 */
import { join, relative } from "node:path";
import type { Database } from "../store/db.ts";

const TEMP_NAME = /\.tmp-[0-9a-f]+$/;

/** Removes partly written frame files; returns their paths relative to the data dir. */
export async function removeTempFiles(dataDir: string): Promise<string[]> {
  const removed: string[] = [];
  for await (const path of walk(join(dataDir, "frames"))) {
    if (!TEMP_NAME.test(path)) continue;
    await Deno.remove(path).catch(() => {});
    removed.push(relative(dataDir, path));
  }
  return removed;
}

/** Removes `.fits` files with no frame row, modified at or after `sinceWallMs`. */
export async function removeOrphanFrames(
  db: Database,
  dataDir: string,
  sinceWallMs: number,
): Promise<string[]> {
  const removed: string[] = [];
  for await (const path of walk(join(dataDir, "frames"))) {
    if (!path.endsWith(".fits")) continue;
    const info = await Deno.stat(path).catch(() => null);
    if (!info?.mtime || info.mtime.getTime() < sinceWallMs) continue;
    const rel = relative(dataDir, path);
    const row = await db.kysely.selectFrom("frames").select("id").where("path", "=", rel)
      .executeTakeFirst();
    if (row !== undefined) continue;
    await Deno.remove(path);
    removed.push(rel);
  }
  return removed;
}

async function* walk(dir: string): AsyncGenerator<string> {
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return;
    throw err;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* walk(path);
    else if (entry.isFile) yield path;
  }
}
