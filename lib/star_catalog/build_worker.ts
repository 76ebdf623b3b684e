/**
 * The entry module of the catalog's build worker: it answers exactly one request (an index
 * directory and its files) with the packed stars, handing the arrays' buffers over rather than
 * copying them, or with the error's name and message (which name the unreadable file). Only
 * build_off_loop.ts starts it, with `new Worker(new URL("./build_worker.ts", …))`; nothing
 * imports it.
 */
import type { SourceFile } from "./cache_file.ts";
import { buildPackedStars, type BuildResult } from "./build.ts";

/** Main → worker: build the catalog of these files. */
export interface BuildRequest {
  indexDir: string;
  sources: SourceFile[];
}

/** Worker → main: the build, or why it failed. */
export type BuildReply =
  | ({ ok: true } & BuildResult)
  | { ok: false; errorName: string; message: string };

/** The little of a worker's global scope this module needs, typed without the worker lib. */
interface WorkerScope {
  onmessage: ((event: MessageEvent<BuildRequest>) => void) | null;
  postMessage(message: BuildReply, transfer: Transferable[]): void;
}

const scope = globalThis as unknown as WorkerScope;
scope.onmessage = async (event) => {
  try {
    const { stars, readCount, removedCount } = await buildPackedStars(
      event.data.indexDir,
      event.data.sources,
    );
    const buffers = [stars.raUnits, stars.decUnits, stars.magMilli, stars.zoneStart]
      .map((array) => array.buffer as ArrayBuffer);
    scope.postMessage({ ok: true, stars, readCount, removedCount }, [...new Set(buffers)]);
  } catch (err) {
    const error = err instanceof Error ? err : new Error(String(err));
    scope.postMessage({ ok: false, errorName: error.name, message: error.message }, []);
  }
};
