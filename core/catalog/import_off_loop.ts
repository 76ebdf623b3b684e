/**
 * Runs the catalogue import (import_worker.ts) on a worker thread with its own database
 * connection, so the server's event loop keeps answering — health probes, the WebSocket, the
 * devices — while ~20 000 objects are parsed and written, and a SIGTERM is heard at once. The
 * worker lives for one import and is terminated however it ends. `abort()` asks it to stop
 * between steps (a transaction in progress rolls back and the connection closes) and terminates
 * it after a short grace if it does not answer, so a shutdown never waits for the import.
 */
import type { CatalogEntry } from "./types.ts";
import type { ImportReply, ImportRequest } from "./import_worker.ts";

export interface ImportResult {
  entries: CatalogEntry[];
  counts: Record<string, number>;
  /** Whether the files had changed and were written (false: the stored catalogue was current). */
  imported: boolean;
}

/** The import failed; `missing` when siril's files are not installed. */
export class CatalogImportError extends Error {
  readonly missing: boolean;
  constructor(message: string, missing: boolean) {
    super(message);
    this.name = "CatalogImportError";
    this.missing = missing;
  }
}

/** The import was aborted before it finished; the stored catalogue is as it was. */
export class CatalogImportAborted extends Error {
  constructor() {
    super("the catalogue import was aborted");
    this.name = "CatalogImportAborted";
  }
}

export interface ImportHandle {
  done: Promise<ImportResult>;
  /** Stops the import (bounded by `graceMs`); resolves once the worker is gone. */
  abort(graceMs?: number): Promise<void>;
}

/** A generous bound on one import (a Pi needs seconds): only against a wedged worker. */
export const IMPORT_TIMEOUT_MS = 300_000;
/** How long an abort waits for the worker to roll back and close before terminating it. */
export const ABORT_GRACE_MS = 1500;

/** Imports siril's catalogue `dir` into the database in `dataDir`, off the event loop. */
export function importOffLoop(
  dir: string,
  dataDir: string,
  timeoutMs = IMPORT_TIMEOUT_MS,
): ImportHandle {
  const worker = new Worker(new URL("./import_worker.ts", import.meta.url).href, {
    type: "module",
  });
  const entries: CatalogEntry[] = [];
  const ended = Promise.withResolvers<void>();
  const result = Promise.withResolvers<ImportResult>();
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    worker.terminate();
    ended.resolve();
  };
  const timer = setTimeout(() => {
    result.reject(new CatalogImportError(`the import took longer than ${timeoutMs} ms`, false));
    finish();
  }, timeoutMs);
  worker.onmessage = (event: MessageEvent<ImportReply>) => {
    const reply = event.data;
    if (reply.type === "entries") {
      for (const e of reply.entries) entries.push(e);
      return;
    }
    if (reply.type === "done") {
      result.resolve({ entries, counts: reply.counts, imported: reply.imported });
    } else if (reply.type === "aborted") result.reject(new CatalogImportAborted());
    else result.reject(new CatalogImportError(reply.message, reply.missing));
    finish();
  };
  worker.onerror = (event: ErrorEvent) => {
    // Handled here: unhandled, a worker's uncaught error would take the whole process down.
    event.preventDefault();
    result.reject(new CatalogImportError(`the import worker crashed: ${event.message}`, false));
    finish();
  };
  worker.onmessageerror = () => {
    result.reject(new CatalogImportError("the import worker sent an unreadable message", false));
    finish();
  };
  const request: ImportRequest = { type: "import", dir, dataDir };
  worker.postMessage(request);
  return {
    done: result.promise,
    async abort(graceMs = ABORT_GRACE_MS) {
      if (finished) return;
      const stop: ImportRequest = { type: "abort" };
      worker.postMessage(stop);
      const grace = setTimeout(() => {
        result.reject(new CatalogImportAborted());
        finish();
      }, graceMs);
      await ended.promise;
      clearTimeout(grace);
    },
  };
}
