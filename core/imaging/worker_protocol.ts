/**
 * The messages between the worker pool and its workers, and the worker-side loop that answers
 * them. It lives apart from worker.ts so a test can start a worker with extra tasks (a busy loop,
 * a crash) by calling `serveTasks` from its own entry module, without adding them to the
 * production registry.
 */

/** Pool → worker: run `task` on `args`; `id` pairs the answer with the request. */
export interface TaskRequest {
  id: number;
  task: string;
  args: unknown;
}

/** Worker → pool: the task's value, or the error it threw (name and message survive). */
export type TaskReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; errorName: string; message: string };

// deno-lint-ignore no-explicit-any
export type WorkerTask = (args: any) => unknown;

/** The little of a worker's global scope this loop needs, typed without the worker lib. */
interface WorkerScope {
  onmessage: ((event: MessageEvent<TaskRequest>) => void) | null;
  postMessage(message: TaskReply, transfer: Transferable[]): void;
}

/**
 * Every ArrayBuffer behind the typed arrays of a result, up to two levels deep ({ r, g, b },
 * arrays of planes). Results are fresh arrays made in the worker, so handing their buffers over
 * instead of copying them is always safe and saves a copy of each frame-sized plane.
 */
export function transferablesOf(value: unknown, depth = 0, found = new Set<ArrayBuffer>()) {
  if (value instanceof ArrayBuffer) found.add(value);
  else if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer) found.add(value.buffer);
  } else if (depth < 2 && value !== null && typeof value === "object") {
    for (const item of Array.isArray(value) ? value : Object.values(value)) {
      transferablesOf(item, depth + 1, found);
    }
  }
  return found;
}

/** Installs the message loop: look the task up, run it, post its value or its error. */
export function serveTasks(tasks: Readonly<Record<string, WorkerTask>>): void {
  const scope = globalThis as unknown as WorkerScope;
  scope.onmessage = async (event) => {
    const { id, task, args } = event.data;
    const fn = Object.hasOwn(tasks, task) ? tasks[task] : undefined;
    if (!fn) {
      const known = Object.keys(tasks).join(", ");
      scope.postMessage({
        id,
        ok: false,
        errorName: "TypeError",
        message: `unknown worker task "${task}" (known: ${known})`,
      }, []);
      return;
    }
    try {
      const value = await fn(args);
      scope.postMessage({ id, ok: true, value }, [...transferablesOf(value)]);
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      scope.postMessage({ id, ok: false, errorName: error.name, message: error.message }, []);
    }
  };
}
