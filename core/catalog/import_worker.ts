/**
 * The entry module of the catalogue import's worker (import_off_loop.ts starts it; nothing
 * imports it). On its own thread and its own database connection it does what used to hold the
 * server's event loop for most of a second (far longer on a Pi): read and checksum siril's files,
 * parse the ~20 000 objects when they changed and replace the catalogue tables in one transaction
 * (atomic, so a crash or an abort keeps the old catalogue and its checksum together), or read the
 * stored objects when they did not. The objects go back in chunks, so the main thread never
 * deserialises them in one piece. An `abort` message is honoured between steps: a transaction in
 * progress is rolled back, the connection closed, and the worker answers `aborted`.
 */
import { openDatabase } from "../store/db.ts";
import { CatalogRepository } from "../store/catalog.ts";
import { buildEntries, CatalogMissingError, readCatalogFiles } from "./load.ts";
import type { CatalogEntry } from "./types.ts";

/** Main → worker: import `dir` into the database of `dataDir`; or stop. */
export type ImportRequest = { type: "import"; dir: string; dataDir: string } | { type: "abort" };

/** Worker → main, in this order: chunks of objects, then done; or aborted, or failed. */
export type ImportReply =
  | { type: "entries"; entries: CatalogEntry[] }
  | { type: "done"; imported: boolean; counts: Record<string, number> }
  | { type: "aborted" }
  | { type: "failed"; missing: boolean; message: string };

/** Objects per message: a chunk is a few milliseconds to deserialise on the main thread. */
export const CHUNK = 2000;

class Aborted extends Error {}

interface WorkerScope {
  onmessage: ((event: MessageEvent<ImportRequest>) => void) | null;
  postMessage(message: ImportReply): void;
}

const scope = globalThis as unknown as WorkerScope;
let aborted = false;

/** Lets a pending `abort` message in, then stops if it came. */
async function checkpoint(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  if (aborted) throw new Aborted();
}

async function run(dir: string, dataDir: string): Promise<void> {
  const files = await readCatalogFiles(dir);
  await checkpoint();
  const db = await openDatabase(dataDir);
  try {
    const repo = new CatalogRepository(db);
    let entries: CatalogEntry[];
    let imported = false;
    if (await repo.checksum() !== files.checksum) {
      entries = buildEntries(files.texts);
      await checkpoint();
      await repo.replaceAll(entries, files.checksum, checkpoint);
      imported = true;
    } else {
      entries = await repo.all();
    }
    const counts = await repo.counts();
    for (let i = 0; i < entries.length; i += CHUNK) {
      scope.postMessage({ type: "entries", entries: entries.slice(i, i + CHUNK) });
    }
    scope.postMessage({ type: "done", imported, counts });
  } finally {
    await db.close();
  }
}

scope.onmessage = (event) => {
  const request = event.data;
  if (request.type === "abort") {
    aborted = true;
    return;
  }
  run(request.dir, request.dataDir).catch((err) => {
    if (err instanceof Aborted) {
      scope.postMessage({ type: "aborted" });
      return;
    }
    scope.postMessage({
      type: "failed",
      missing: err instanceof CatalogMissingError,
      message: err instanceof Error ? err.message : String(err),
    });
  });
};
