/**
 * Live stacking as the API sees it: started, stopped and reset by request; while running, every
 * `camera.frame_ready` of a light frame joins a FIFO queue and frames are stacked one at a time
 * in arrival order (nothing is dropped: if frames come faster than they stack, the queue grows
 * and the status shows it). Every change — a frame stacked or rejected, a reset — is saved
 * durably (see livestack_store.ts) and announced as `livestack.updated`; `load()` at start brings
 * back the stack, its counters and whether it was running. All work on the stack goes through
 * one promise chain, so a reset never races a frame being accumulated in a worker.
 */
import type { Clock } from "../../lib/clock.ts";
import type { EventBus } from "../event_bus.ts";
import type { MonoImage } from "../imaging/image.ts";
import type { AccumulatorState } from "../imaging/stack/accumulator.ts";
import type { Logger } from "../../lib/log.ts";
import type { FrameDto } from "../schemas/camera.ts";
import {
  DEFAULT_LIVESTACK_OPTIONS,
  type LivestackFrameDto,
  LivestackOptions,
  type LivestackStatusDto,
} from "../schemas/livestack.ts";
import { livestackTasks, stateBuffers, stateOf } from "./livestack_tasks.ts";
import { type LivestackMeta, LivestackStore } from "./livestack_store.ts";
import { type CalibrateHook, type Reference, stackFrame, type TaskRunner } from "./stack_frame.ts";

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

export const PREVIEW_PATH = "/api/v1/camera/livestack/preview";

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
  #state: AccumulatorState | null = null;
  #reference: Reference | null = null;
  #preview: Uint8Array | null = null;
  #generation = 0;
  #stacked = 0;
  #rejected = 0;
  #rejections: Record<string, number> = {};
  #exposureS = 0;
  #hfrHistoryPx: number[] = [];
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

  /** The stretched JPEG of the stack, or null while it is empty. */
  get preview(): Uint8Array | null {
    return this.#preview;
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
      this.#restore(saved.state, saved.meta);
      const result = await this.#runner.run<AccumulatorState & { preview: Uint8Array }>(
        "livestackPreview",
        { state: saved.state, maxSizePx: this.#previewMaxPx },
        stateBuffers(saved.state),
      );
      this.#state = stateOf(result);
      this.#preview = result.preview;
      if (saved.meta.running) this.#subscribe();
      this.#o.log.info("live stack restored", { frames: this.#stacked, running: this.running });
    });
  }

  /** Starts stacking new light frames (options replace the previous ones). Idempotent. */
  start(options: Partial<LivestackOptions> = {}): LivestackStatusDto {
    this.#options = LivestackOptions.parse({ ...this.#options, ...options });
    this.#subscribe();
    this.#changed(false);
    this.#serial(() => this.#persist(false));
    return this.status();
  }

  /** Stops taking new frames; frames already queued are still stacked (none is lost). */
  stop(): LivestackStatusDto {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.#changed(false);
    this.#serial(() => this.#persist(false));
    return this.status();
  }

  /** Clears the stack and its files; queued frames are discarded (and counted in the answer). */
  async reset(): Promise<{ discarded: number }> {
    const discarded = this.#queue.splice(0).length;
    await this.#serial(async () => {
      this.#state = null;
      this.#reference = null;
      this.#preview = null;
      this.#stacked = this.#rejected = this.#exposureS = 0;
      this.#rejections = {};
      this.#hfrHistoryPx = [];
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
    const ref = this.#reference;
    return {
      state: this.running ? "running" : "stopped",
      processing: this.#processing,
      queued: this.#queue.length,
      frames_stacked: this.#stacked,
      frames_rejected: this.#rejected,
      rejections: { ...this.#rejections },
      total_exposure_s: this.#exposureS,
      color: ref && this.#state ? this.#state.mean.length === 3 : null,
      width: this.#state?.widthPx ?? null,
      height: this.#state?.heightPx ?? null,
      reference: ref && { frame_id: ref.frameId, path: ref.path, stars: ref.stars.length },
      last_frame: this.#lastFrame,
      preview_url: this.#preview ? `${PREVIEW_PATH}?v=${this.#generation}` : null,
      options: this.#options,
      updated_at: this.#updatedAt,
    };
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
      const outcome = await stackFrame(dto, {
        runner: this.#runner,
        calibrate: this.#calibrate,
        options: this.#options,
        dataDir: this.#o.dataDir,
        state: this.#state,
        reference: this.#reference,
        hfrHistoryPx: this.#hfrHistoryPx,
        previewMaxPx: this.#previewMaxPx,
      }).catch(async (err) => {
        // The accumulator may have been in a worker that failed: go back to the last save.
        await this.#recover(err as Error);
        throw err;
      });
      this.#lastFrame = outcome.frame;
      if (outcome.kind === "rejected") {
        this.#rejected++;
        const reason = outcome.frame.reason ?? "unreadable";
        this.#rejections[reason] = (this.#rejections[reason] ?? 0) + 1;
        this.#o.log.info("frame rejected from the live stack", {
          frame_id: dto.id,
          reason,
          message: outcome.frame.message,
        });
      } else {
        this.#state = stateOf(outcome.result);
        this.#preview = outcome.result.preview;
        this.#reference ??= outcome.reference;
        this.#stacked++;
        this.#exposureS += dto.duration_s;
        if (outcome.frame.hfr_px !== null) this.#hfrHistoryPx.push(outcome.frame.hfr_px);
      }
      this.#updatedAt = new Date(this.#o.clock.now()).toISOString();
      await this.#persist(true);
      this.#changed(false);
    } finally {
      this.#processing = false;
    }
  }

  async #recover(err: Error): Promise<void> {
    this.#o.log.error("live stacking a frame failed; reloading the last saved stack", {
      error: err.message,
    });
    this.#state = null;
    this.#reference = null;
    this.#preview = null;
    const saved = await this.#store.load().catch(() => null);
    if (saved) this.#restore(saved.state, saved.meta);
    else this.#stacked = this.#exposureS = 0;
  }

  /**
   * Saves the stack as a new generation (`withStack`), or only state.json (start, stop: the
   * running flag), which still names the current generation's FITS.
   */
  async #persist(withStack: boolean): Promise<void> {
    if (!this.#state || !this.#reference) return;
    const updatedAt = this.#updatedAt ?? new Date(this.#o.clock.now()).toISOString();
    const generation = withStack ? this.#generation + 1 : this.#generation;
    const meta: LivestackMeta = {
      version: 1,
      generation,
      file: `accumulator-${generation}.fits`,
      running: this.running || this.#closingWhileRunning,
      options: this.#options,
      framesStacked: this.#stacked,
      framesRejected: this.#rejected,
      rejections: this.#rejections,
      totalExposureS: this.#exposureS,
      color: this.#state.mean.length === 3,
      reference: this.#reference,
      hfrHistoryPx: this.#hfrHistoryPx.slice(-200),
      lastFrame: this.#lastFrame,
      updatedAt,
    };
    if (withStack) await this.#store.save(this.#state, meta);
    else await this.#store.saveMeta(meta);
    this.#generation = generation;
  }

  #restore(state: AccumulatorState, meta: LivestackMeta): void {
    this.#state = state;
    this.#generation = meta.generation;
    this.#options = meta.options;
    this.#stacked = meta.framesStacked;
    this.#rejected = meta.framesRejected;
    this.#rejections = { ...meta.rejections };
    this.#exposureS = meta.totalExposureS;
    this.#reference = meta.reference;
    this.#hfrHistoryPx = [...meta.hfrHistoryPx];
    this.#lastFrame = meta.lastFrame;
    this.#updatedAt = meta.updatedAt;
  }

  /** Publishes the status; `stackChanged` marks a change of the stack itself (not start/stop). */
  #changed(stackChanged: boolean): void {
    if (stackChanged) this.#updatedAt = new Date(this.#o.clock.now()).toISOString();
    this.#o.bus.publish("livestack.updated", this.status());
  }
}
