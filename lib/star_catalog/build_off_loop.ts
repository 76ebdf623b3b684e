/**
 * Runs the catalog's cold build (build.ts) on a worker thread, so the half second (on a Pi,
 * several seconds) of sorting and de-duplicating 1.46 M stars never stalls the API, the
 * WebSocket or the other devices sharing the server's event loop. The worker lives for one build
 * and is terminated however the build ends (answer, error, crash or deadline), which also keeps
 * Deno's test sanitizers clean. The packed arrays come back transferred, not copied.
 */
import type { SourceFile } from "./cache_file.ts";
import type { BuildResult } from "./build.ts";
import type { BuildReply, BuildRequest } from "./build_worker.ts";

/**
 * A generous bound on one build: a Pi 4 needs a few seconds. It only exists so a wedged worker
 * cannot leave the catalog (and every user waiting on it) pending forever.
 */
export const BUILD_TIMEOUT_MS = 300_000;

/**
 * `buildPackedStars(indexDir, sources)` on a worker thread. Rejects with an Error carrying the
 * worker's message (which names an unreadable index file), or naming the crash or the timeout.
 */
export function buildPackedStarsOffLoop(
  indexDir: string,
  sources: SourceFile[],
  timeoutMs = BUILD_TIMEOUT_MS,
): Promise<BuildResult> {
  const worker = new Worker(new URL("./build_worker.ts", import.meta.url).href, {
    type: "module",
  });
  const { promise, resolve, reject } = Promise.withResolvers<BuildResult>();
  const timer = setTimeout(() => {
    reject(new Error(`sky catalog build in ${indexDir} took longer than ${timeoutMs} ms`));
  }, timeoutMs);
  worker.onmessage = (event: MessageEvent<BuildReply>) => {
    const reply = event.data;
    if (reply.ok) {
      resolve({ stars: reply.stars, readCount: reply.readCount, removedCount: reply.removedCount });
    } else {
      const error = new Error(reply.message);
      error.name = reply.errorName;
      reject(error);
    }
  };
  worker.onerror = (event: ErrorEvent) => {
    // Handled here: unhandled, a worker's uncaught error would take the whole process down.
    event.preventDefault();
    reject(new Error(`sky catalog build worker crashed: ${event.message}`));
  };
  worker.onmessageerror = () => {
    reject(new Error("sky catalog build worker sent a result that cannot be read"));
  };
  const request: BuildRequest = { indexDir, sources };
  worker.postMessage(request);
  return promise.finally(() => {
    clearTimeout(timer);
    worker.terminate();
  });
}
