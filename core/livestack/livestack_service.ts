/**
 * Live stacking as the API sees it: started, stopped and reset by request; while running, every
 * `camera.frame_ready` of a light frame joins a FIFO queue and frames are stacked one at a time
 * in arrival order (nothing is dropped: if frames come faster than they stack, the queue grows
 * and the status shows it). Each frame goes into the stack of its filter (filter_stack.ts): a mono
 * camera behind a wheel gets an L stack, an R stack and so on, never one image of them all, and
 * the status lists them with the totals. Every change — a frame stacked or rejected, a reset — is
 * saved durably (see livestack_store.ts) and announced as `livestack.updated`; `load()` at start
 * brings back the stacks, their counters and whether stacking was running. All work on the stacks
 * goes through one promise chain, so a reset never races a frame being accumulated in a worker.
 */
import type { Clock } from "../../lib/clock.ts";
import type { EventBus } from "../event_bus.ts";
import type { AccumulatorState } from "../imaging/stack/accumulator.ts";
import type { MonoImage } from "../imaging/image.ts";
import type { Logger } from "../../lib/log.ts";
import type { FrameDto } from "../schemas/camera.ts";
import {
  DEFAULT_LIVESTACK_OPTIONS,
  type LivestackFrameDto,
  LivestackOptions,
  type LivestackStatusDto,
} from "../schemas/livestack.ts";
import { filterOf, FilterStack, PREVIEW_PATH } from "./filter_stack.ts";
import { livestackTasks, stateBuffers, stateOf } from "./livestack_tasks.ts";
import { type LivestackMeta, LivestackStore, type SavedLivestack } from "./livestack_store.ts";
import { type CalibrateHook, stackFrame, type TaskRunner } from "./stack_frame.ts";

export interface LivestackServiceOptions {
  bus: EventBus;
  clock: Pick<Clock, "now">;
  log: Logger;
  dataDir: string;
  /** The imaging worker pool; without one the tasks run on the event loop (tests, tools). */
  runner?: TaskRunner;
  /** Calibration of each light before stacking; identity by default. See CalibrateHook. */
  calibrate?: CalibrateHook;
  /** Longest side of the preview JPEG, px (default 1280). */
  previewMaxPx?: number;
}

/** Runs the live-stack tasks in this thread: the same functions the workers run. */
export const inlineRunner: TaskRunner = {
  run<T>(task: string, args: unknown): Promise<T> {
    const fn = (livestackTasks as Record<string, (a: unknown) => unknown>)[task];
    if (!fn) return Promise.reject(new TypeError(`unknown live-stack task "${task}"`));
    return new Promise<T>((resolve) => resolve(fn(args) as T));
  },
};

export { PREVIEW_PATH };

export class LivestackService {
  #o: LivestackServiceOptions;
  #runner: TaskRunner;
  #calibrate: CalibrateHook;
  #store: LivestackStore;
  #unsubscribe: (() => void) | null = null;
  #queue: FrameDto[] = [];
  #chain: Promise<void> = Promise.resolve();
  #processing = false;
  #options: LivestackOptions = { ...DEFAULT_LIVESTACK_OPTIONS };
  /** One per filter, in order of first use. */
  #stacks: FilterStack[] = [];
  /** The stack of the latest frame. */
  #current: FilterStack | null = null;
  /** The last accumulator generation written, by any stack. */
  #generation = 0;
  #lastFrame: LivestackFrameDto | null = null;
  #updatedAt: string | null = null;
  #closingWhileRunning = false;

  constructor(options: LivestackServiceOptions) {
    this.#o = options;
    this.#runner = options.runner ?? inlineRunner;
    this.#calibrate = options.calibrate ?? ((image: MonoImage) => Promise.resolve(image));
    this.#store = new LivestackStore(options.dataDir);
  }

  get running(): boolean {
    return this.#unsubscribe !== null;
  }

  /** The stretched JPEG of the current stack, or null while it is empty. */
  get preview(): Uint8Array | null {
    return this.#current?.preview ?? null;
  }

  /**
   * The stretched JPEG of one filter's stack (null: the frames without a filter), or null when
   * there is no such stack or it is empty.
   */
  previewOf(filter: string | null): Uint8Array | null {
    return this.#stacks.find((s) => s.filter === filterOf(filter))?.preview ?? null;
  }

  /** Restores a saved stack (and resumes if it was running). A damaged save is logged, not fatal. */
  load(): Promise<void> {
    return this.#serial(async () => {
      let saved;
      try {
        saved = await this.#store.load();
      } catch (err) {
        this.#o.log.warn("saved live stack cannot be used; starting empty", {
          error: (err as Error).message,
        });
        return;
      }
      if (!saved) return;
      this.#restore(saved);
      for (const stack of this.#stacks) {
        if (!stack.state) continue;
        const result = await this.#runner.run<AccumulatorState & { preview: Uint8Array }>(
          "livestackPreview",
          { state: stack.state, maxSizePx: this.#previewMaxPx },
          stateBuffers(stack.state),
        );
        stack.state = stateOf(result);
        stack.preview = result.preview;
      }
      if (saved.meta.running) this.#subscribe();
      this.#o.log.info("live stack restored", {
        frames: this.#total((s) => s.stacked),
        filters: this.#stacks.map((s) => s.filter),
        running: this.running,
      });
    });
  }

  /** Starts stacking new light frames (options replace the previous ones). Idempotent. */
  start(options: Partial<LivestackOptions> = {}): LivestackStatusDto {
    this.#options = LivestackOptions.parse({ ...this.#options, ...options });
    this.#subscribe();
    this.#changed(false);
    this.#serial(() => this.#persist(null));
    return this.status();
  }

  /** Stops taking new frames; frames already queued are still stacked (none is lost). */
  stop(): LivestackStatusDto {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.#changed(false);
    this.#serial(() => this.#persist(null));
    return this.status();
  }

  /** Clears every stack and its files; queued frames are discarded (and counted in the answer). */
  async reset(): Promise<{ discarded: number }> {
    const discarded = this.#queue.splice(0).length;
    await this.#serial(async () => {
      this.#stacks = [];
      this.#current = null;
      this.#lastFrame = null;
      await this.#store.clear();
      this.#changed(true);
    });
    if (discarded > 0) this.#o.log.info("live stack reset discarded queued frames", { discarded });
    return { discarded };
  }

  /**
   * Shutdown: stops listening and waits for the frame in hand (its stack is saved). Queued frames
   * are left unstacked — they are on disk, and the log says how many — rather than holding the
   * shutdown for seconds each. The saved state keeps `running`, so stacking resumes on restart.
   */
  async close(): Promise<void> {
    this.#closingWhileRunning = this.running;
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    const left = this.#queue.splice(0).length;
    if (left > 0) this.#o.log.warn("shutdown left frames unstacked", { frames: left });
    await this.#chain;
  }

  /** Resolves once every frame queued so far has been handled (tests, benchmarks). */
  idle(): Promise<void> {
    return this.#chain;
  }

  status(): LivestackStatusDto {
    const current = this.#current;
    const rejections: Record<string, number> = {};
    for (const stack of this.#stacks) {
      for (const [reason, n] of Object.entries(stack.rejections)) {
        rejections[reason] = (rejections[reason] ?? 0) + n;
      }
    }
    const ref = current?.reference ?? null;
    return {
      state: this.running ? "running" : "stopped",
      processing: this.#processing,
      queued: this.#queue.length,
      frames_stacked: this.#total((s) => s.stacked),
      frames_rejected: this.#total((s) => s.rejected),
      rejections,
      total_exposure_s: this.#total((s) => s.exposureS),
      filter: current?.filter ?? null,
      color: current?.color ?? null,
      width: current?.state?.widthPx ?? null,
      height: current?.state?.heightPx ?? null,
      reference: ref && { frame_id: ref.frameId, path: ref.path, stars: ref.stars.length },
      last_frame: this.#lastFrame,
      preview_url: current?.previewUrl ?? null,
      stacks: this.#stacks.map((s) => s.dto()),
      options: this.#options,
      updated_at: this.#updatedAt,
    };
  }

  #total(figure: (stack: FilterStack) => number): number {
    return this.#stacks.reduce((sum, stack) => sum + figure(stack), 0);
  }

  get #previewMaxPx(): number {
    return this.#o.previewMaxPx ?? 1280;
  }

  #subscribe(): void {
    if (this.#unsubscribe) return;
    this.#unsubscribe = this.#o.bus.subscribe((event) => {
      if (event.type !== "camera.frame_ready" || event.data.frame_type !== "light") return;
      this.#queue.push(event.data);
      this.#serial(() => this.#next());
    });
  }

  /** Appends work to the chain; a failure is logged and does not break the chain. */
  #serial(work: () => Promise<void>): Promise<void> {
    const run = this.#chain.then(work).catch((err) => {
      this.#o.log.error("live stack step failed", { error: (err as Error).message });
    });
    this.#chain = run;
    return run;
  }

  async #next(): Promise<void> {
    const dto = this.#queue.shift();
    if (!dto) return; // reset emptied the queue
    this.#processing = true;
    try {
      const filter = filterOf(dto.filter);
      let stack = this.#stacks.find((s) => s.filter === filter);
      if (!stack) {
        stack = new FilterStack(filter);
        this.#stacks.push(stack);
      }
      const outcome = await stackFrame(dto, {
        runner: this.#runner,
        calibrate: this.#calibrate,
        options: this.#options,
        dataDir: this.#o.dataDir,
        state: stack.state,
        reference: stack.reference,
        hfrHistoryPx: stack.hfrHistoryPx,
        previewMaxPx: this.#previewMaxPx,
      }).catch(async (err) => {
        // The accumulator may have been in a worker that failed: go back to the last save.
        await this.#recover(err as Error);
        throw err;
      });
      const frame = { ...outcome.frame, filter };
      const now = new Date(this.#o.clock.now()).toISOString();
      stack.lastFrame = this.#lastFrame = frame;
      stack.updatedAt = this.#updatedAt = now;
      this.#current = stack;
      if (outcome.kind === "rejected") {
        stack.rejected++;
        const reason = frame.reason ?? "unreadable";
        stack.rejections[reason] = (stack.rejections[reason] ?? 0) + 1;
        this.#o.log.info("frame rejected from the live stack", {
          frame_id: dto.id,
          filter,
          reason,
          message: frame.message,
        });
        await this.#persist(null);
      } else {
        stack.state = stateOf(outcome.result);
        stack.preview = outcome.result.preview;
        stack.reference ??= outcome.reference;
        stack.stacked++;
        stack.exposureS += dto.duration_s;
        if (frame.hfr_px !== null) stack.hfrHistoryPx.push(frame.hfr_px);
        await this.#persist(stack);
      }
      this.#changed(false);
    } finally {
      this.#processing = false;
    }
  }

  async #recover(err: Error): Promise<void> {
    this.#o.log.error("live stacking a frame failed; reloading the last saved stacks", {
      error: err.message,
    });
    this.#stacks = [];
    this.#current = null;
    const saved = await this.#store.load().catch(() => null);
    if (saved) this.#restore(saved);
  }

  /**
   * Saves the stacks: `changed` gets a new generation of its accumulator; without it (start,
   * stop, a rejection) only state.json is rewritten, still naming every stack's file.
   */
  async #persist(changed: FilterStack | null): Promise<void> {
    if (this.#stacks.length === 0) return;
    const generation = changed?.state ? this.#generation + 1 : this.#generation;
    const file = `accumulator-${generation}.fits`;
    const stacks = this.#stacks.map((s) =>
      s === changed && s.state ? { ...s.toMeta(), file, generation } : s.toMeta()
    );
    const current = this.#current ? this.#stacks.indexOf(this.#current) : -1;
    const meta: LivestackMeta = {
      version: 2,
      generation,
      running: this.running || this.#closingWhileRunning,
      options: this.#options,
      current: current >= 0 ? current : null,
      stacks,
    };
    await this.#store.save(
      meta,
      changed?.state ? { file, state: changed.state } : undefined,
    );
    this.#generation = generation;
    if (changed?.state) {
      changed.file = file;
      changed.generation = generation;
    }
  }

  #restore(saved: SavedLivestack): void {
    const { meta, states } = saved;
    this.#generation = meta.generation;
    this.#options = meta.options;
    this.#stacks = meta.stacks.map((m, i) => FilterStack.restore(m, states[i] ?? null));
    this.#current = meta.current === null ? null : this.#stacks[meta.current] ?? null;
    this.#lastFrame = this.#current?.lastFrame ?? null;
    this.#updatedAt = this.#stacks.reduce<string | null>(
      (latest, s) =>
        s.updatedAt !== null && (latest === null || s.updatedAt > latest) ? s.updatedAt : latest,
      null,
    );
  }

  /** Publishes the status; `stackChanged` marks a change of the stack itself (not start/stop). */
  #changed(stackChanged: boolean): void {
    if (stackChanged) this.#updatedAt = new Date(this.#o.clock.now()).toISOString();
    this.#o.bus.publish("livestack.updated", this.status());
  }
}
