/**
 * A pool of imaging Web Workers, so a 24-megapixel preview, analysis or stack never blocks the
 * event loop that answers the API. Tasks wait in one FIFO queue and go to the first idle worker;
 * an urgent task (a picture a person is waiting to see) goes ahead of every queued task that is
 * not urgent — never ahead of one already running, and in order among urgent ones;
 * workers start lazily (a box that never renders a preview never pays for one) up to
 * `max(1, hardwareConcurrency − 1)`, leaving a core for the control loop. Buffers listed in
 * `transfer` move to the worker instead of being copied (the caller's view is detached); results
 * come back transferred the same way. A task that runs past its deadline or crashes its worker
 * costs that worker: it is terminated (the only way to stop a busy loop) and a fresh one takes
 * its place for the next task.
 */
import type { TaskReply, TaskRequest } from "./worker_protocol.ts";

export interface WorkerPoolOptions {
  /** Workers at most (default max(1, navigator.hardwareConcurrency − 1)). */
  size?: number;
  /** Deadline of a task once a worker has started it (default 60 s). */
  taskTimeoutMs?: number;
  /** The worker entry module (default ./worker.ts); tests pass one with extra tasks. */
  workerUrl?: URL;
}

export interface RunOptions {
  /** This task's deadline, replacing the pool's default. */
  timeoutMs?: number;
  /** Queue ahead of the tasks that are not urgent (background analysis, stacking). */
  urgent?: boolean;
}

/** A task threw in its worker; `errorName` and the message are the original error's. */
export class WorkerTaskError extends Error {
  constructor(readonly task: string, readonly errorName: string, detail: string) {
    super(`worker task "${task}" failed: ${errorName}: ${detail}`);
    this.name = "WorkerTaskError";
  }
}

/** A task ran past its deadline; its worker was terminated and replaced. */
export class WorkerTaskTimeoutError extends Error {
  constructor(readonly task: string, readonly timeoutMs: number) {
    super(`worker task "${task}" did not finish within ${timeoutMs} ms`);
    this.name = "WorkerTaskTimeoutError";
  }
}

interface Job {
  id: number;
  task: string;
  args: unknown;
  transfer: Transferable[];
  timeoutMs: number;
  urgent: boolean;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
  timer: ReturnType<typeof setTimeout> | null;
}

const DEFAULT_TIMEOUT_MS = 60_000;

export class WorkerPool {
  readonly size: number;
  #timeoutMs: number;
  #url: URL;
  #queue: Job[] = [];
  #slots: Slot[] = [];
  #nextId = 1;
  #closed = false;
  #started = 0;

  constructor(opts: WorkerPoolOptions = {}) {
    const cores = globalThis.navigator?.hardwareConcurrency ?? 2;
    const size = opts.size ?? Math.max(1, cores - 1);
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`worker pool size must be a positive integer, got ${size}`);
    }
    const timeoutMs = opts.taskTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!(timeoutMs > 0)) throw new RangeError(`taskTimeoutMs must be > 0, got ${timeoutMs}`);
    this.size = size;
    this.#timeoutMs = timeoutMs;
    this.#url = opts.workerUrl ?? new URL("./worker.ts", import.meta.url);
  }

  /** Workers alive now, and started since the pool was made (replacements count). */
  get stats(): { alive: number; started: number; queued: number; busy: number } {
    return {
      alive: this.#slots.length,
      started: this.#started,
      queued: this.#queue.length,
      busy: this.#slots.filter((s) => s.job !== null).length,
    };
  }

  /**
   * Runs `task` of the worker registry on `args` in the first free worker. Buffers in `transfer`
   * are moved, not copied. Rejects with WorkerTaskError (the task threw), WorkerTaskTimeoutError,
   * or an Error when the worker crashed or the pool was closed.
   */
  run<T = unknown>(
    task: string,
    args: unknown,
    transfer: Transferable[] = [],
    opts: RunOptions = {},
  ): Promise<T> {
    if (this.#closed) {
      return Promise.reject(new Error(`worker pool is closed; task "${task}" not run`));
    }
    const timeoutMs = opts.timeoutMs ?? this.#timeoutMs;
    if (!(timeoutMs > 0)) {
      return Promise.reject(new RangeError(`timeoutMs must be > 0, got ${timeoutMs}`));
    }
    return new Promise<T>((resolve, reject) => {
      const job: Job = {
        id: this.#nextId++,
        task,
        args,
        transfer,
        timeoutMs,
        urgent: opts.urgent ?? false,
        resolve: resolve as (value: unknown) => void,
        reject,
      };
      const behind = job.urgent ? this.#queue.findIndex((queued) => !queued.urgent) : -1;
      if (behind < 0) this.#queue.push(job);
      else this.#queue.splice(behind, 0, job);
      this.#dispatch();
    });
  }

  /** Terminates every worker; queued and running tasks reject. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const closed = (task: string) => new Error(`worker pool closed before task "${task}" ended`);
    for (const job of this.#queue.splice(0)) job.reject(closed(job.task));
    for (const slot of this.#slots.splice(0)) {
      this.#clearTimer(slot);
      slot.worker.terminate();
      if (slot.job) slot.job.reject(closed(slot.job.task));
      slot.job = null;
    }
  }

  #dispatch(): void {
    while (this.#queue.length > 0 && !this.#closed) {
      let slot = this.#slots.find((s) => s.job === null);
      if (!slot) {
        if (this.#slots.length >= this.size) return;
        slot = this.#spawn();
      }
      const job = this.#queue.shift()!;
      this.#start(slot, job);
    }
  }

  #start(slot: Slot, job: Job): void {
    slot.job = job;
    slot.timer = setTimeout(() => {
      slot.timer = null;
      this.#retire(slot, new WorkerTaskTimeoutError(job.task, job.timeoutMs));
    }, job.timeoutMs);
    const request: TaskRequest = { id: job.id, task: job.task, args: job.args };
    try {
      slot.worker.postMessage(request, job.transfer);
    } catch (err) {
      // The arguments could not be cloned (a function, a detached buffer): the worker is fine.
      this.#clearTimer(slot);
      slot.job = null;
      job.reject(new WorkerTaskError(job.task, (err as Error).name, (err as Error).message));
      queueMicrotask(() => this.#dispatch());
    }
  }

  #spawn(): Slot {
    const worker = new Worker(this.#url, { type: "module" });
    const slot: Slot = { worker, job: null, timer: null };
    this.#started++;
    worker.onmessage = (event: MessageEvent<TaskReply>) => this.#onReply(slot, event.data);
    worker.onerror = (event: ErrorEvent) => {
      // Handled here: unhandled, a worker's uncaught error would take the whole process down.
      event.preventDefault();
      const task = slot.job?.task ?? "(none)";
      this.#retire(
        slot,
        new Error(`worker crashed while running task "${task}": ${event.message}`),
      );
    };
    worker.onmessageerror = () => {
      const task = slot.job?.task ?? "(none)";
      this.#retire(slot, new Error(`worker task "${task}" sent a result that cannot be read`));
    };
    this.#slots.push(slot);
    return slot;
  }

  #onReply(slot: Slot, reply: TaskReply): void {
    const job = slot.job;
    if (!job || job.id !== reply.id) return; // a late answer of a task already given up on
    this.#clearTimer(slot);
    slot.job = null;
    if (reply.ok) job.resolve(reply.value);
    else job.reject(new WorkerTaskError(job.task, reply.errorName, reply.message));
    this.#dispatch();
  }

  /** Ends a worker that timed out or crashed, fails its task, and lets a new one start. */
  #retire(slot: Slot, error: Error): void {
    this.#clearTimer(slot);
    slot.worker.terminate();
    const index = this.#slots.indexOf(slot);
    if (index >= 0) this.#slots.splice(index, 1);
    const job = slot.job;
    slot.job = null;
    job?.reject(error);
    this.#dispatch();
  }

  #clearTimer(slot: Slot): void {
    if (slot.timer !== null) clearTimeout(slot.timer);
    slot.timer = null;
  }
}
