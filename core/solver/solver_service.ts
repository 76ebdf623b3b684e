/**
 * Plate-solve jobs: each POST becomes an in-memory job with an id, run under a concurrency limit
 * (solvers are CPU-bound; one at a time on a 2-core box) and a per-job deadline. Aborting a job or
 * closing the service kills its child processes. A solved frame of the box's own gets the
 * solution written into its FITS header and its row (frame_wcs.ts) before the finished job
 * publishes `solver.result`. Jobs are kept in memory only (the newest `maxJobs`): a solve is cheap
 * to repeat after a restart.
 */
import type { Clock } from "../../lib/clock.ts";
import type { EventBus } from "../event_bus.ts";
import type { Logger } from "../../lib/log.ts";
import { checkImagePath } from "./image_path.ts";
import { ASTAP_DATABASE_DIR } from "./astap.ts";
import { ASTROMETRY_INDEX_DIR, listAstapDatabases, listIndexFiles } from "./indexes.ts";
import { plateSolve, type Solution } from "./solve.ts";
import { IndexDownloader } from "./download.ts";
import type { SolveRequest } from "./types.ts";
import type { FrameRepository } from "../store/frames.ts";
import { writeSolutionToFrame } from "./frame_wcs.ts";
import type { FrameFileChanges } from "../frames/file_changes.ts";

export interface SolverOptions {
  bus: EventBus;
  clock: Clock;
  log: Logger;
  dataDir: string;
  /** Unbinned pixel scale from the active profile (focal length + pixel size), or null. */
  pixelScaleArcsec: () => number | null;
  /** The active profile's field width (sensor width × scale), or null when unknown. */
  fieldWidthArcmin: () => number | null;
  timeoutMs: number;
  concurrency: number;
  searchRadiusDeg: number;
  /** Backend overrides (tests): see SolveRequest. */
  backends?: Pick<SolveRequest, "astapPath" | "astapDatabaseDir" | "solveFieldPath" | "indexDir">;
  maxJobs?: number;
  /** Base URL of the database mirror (config `[solver] index_mirror`); "" = not configured. */
  indexMirror?: string;
  /** The frame catalogue: a solved frame gets its WCS in its header and row. Absent: untouched. */
  frames?: FrameRepository;
  /** Told when a solve rewrote a recorded frame's file (cloud sync replaces its copy). */
  frameFiles?: Pick<FrameFileChanges, "changed">;
}

export type JobStatus = "pending" | "solved" | "failed";

export interface SolveJob {
  id: string;
  imagePath: string;
  status: JobStatus;
  solution: Solution | null;
  error: string | null;
  /** Wall time from start of solving (not queueing) to the answer. */
  durationMs: number | null;
  createdAt: number;
  /** The recorded frame the solution was written into, or null. */
  frameId: string | null;
}

export class SolverService {
  #o: SolverOptions;
  #jobs = new Map<string, SolveJob>();
  #running = new Set<Promise<void>>();
  #controllers = new Map<string, AbortController>();
  #active = 0;
  #queue: (() => void)[] = [];
  #closed = false;
  /** Database downloads from the configured mirror. */
  readonly downloads: IndexDownloader;

  constructor(o: SolverOptions) {
    if (!(o.concurrency >= 1)) throw new RangeError(`solver concurrency ${o.concurrency} < 1`);
    this.#o = o;
    this.downloads = new IndexDownloader({
      bus: o.bus,
      log: o.log,
      mirrorUrl: o.indexMirror ?? "",
      indexDir: o.backends?.indexDir ?? ASTROMETRY_INDEX_DIR,
      astapDatabaseDir: o.backends?.astapDatabaseDir ?? ASTAP_DATABASE_DIR,
    });
  }

  /** Validates the path (400 otherwise) and queues the solve; returns the job at once. */
  async submit(
    imagePath: string,
    hint: { raHours?: number; decDeg?: number } = {},
  ): Promise<SolveJob> {
    if (this.#closed) throw new Error("the solver is closed");
    const image = await checkImagePath(this.#o.dataDir, imagePath);
    const scale = this.#o.pixelScaleArcsec();
    const req: SolveRequest = {
      imagePath: image.path,
      widthPx: image.widthPx,
      heightPx: image.heightPx,
      raHintDeg: hint.raHours === undefined ? null : hint.raHours * 15,
      decHintDeg: hint.decDeg ?? null,
      pixelScaleArcsec: scale === null ? null : scale * image.binning,
      searchRadiusDeg: this.#o.searchRadiusDeg,
      timeoutMs: this.#o.timeoutMs,
      ...this.#o.backends,
    };
    const job: SolveJob = {
      id: crypto.randomUUID(),
      imagePath,
      status: "pending",
      solution: null,
      error: null,
      durationMs: null,
      createdAt: this.#o.clock.now(),
      frameId: null,
    };
    this.#remember(job);
    const controller = new AbortController();
    this.#controllers.set(job.id, controller);
    const run = this.#run(job, req, controller.signal).finally(() => {
      this.#running.delete(run);
      this.#controllers.delete(job.id);
    });
    this.#running.add(run);
    return job;
  }

  /** Installed databases and index files, judged against the active profile's field. */
  async indexes() {
    const field = this.#o.fieldWidthArcmin();
    return {
      fieldWidthArcmin: field,
      astap: await listAstapDatabases(this.#o.backends?.astapDatabaseDir ?? ASTAP_DATABASE_DIR),
      astrometryNet: await listIndexFiles(
        this.#o.backends?.indexDir ?? ASTROMETRY_INDEX_DIR,
        field,
      ),
    };
  }

  get(id: string): SolveJob | null {
    return this.#jobs.get(id) ?? null;
  }

  /** Resolves when the job has an answer (for the CLI and tests). */
  async wait(id: string): Promise<SolveJob | null> {
    while (this.#jobs.get(id)?.status === "pending") await Promise.race(this.#running);
    return this.get(id);
  }

  /** Kills a pending job's solver; false when there is no such pending job. */
  abort(id: string): boolean {
    const c = this.#controllers.get(id);
    c?.abort();
    return c !== undefined;
  }

  /** Kills every running solver and waits for the jobs to settle. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const c of this.#controllers.values()) c.abort();
    await Promise.allSettled([...this.#running, this.downloads.close()]);
  }

  async #run(job: SolveJob, req: SolveRequest, signal: AbortSignal): Promise<void> {
    await this.#slot();
    const started = performance.now();
    let solution: Solution | null = null;
    try {
      if (signal.aborted) throw new Error("the solve was cancelled");
      solution = await plateSolve(req, signal);
    } catch (err) {
      job.error = err instanceof Error ? err.message : String(err);
    } finally {
      job.durationMs = performance.now() - started;
      this.#release();
    }
    // The job reads as solved once the frame carries the solution too.
    if (solution) await this.#keepInFrame(job, req.imagePath, solution);
    job.solution = solution;
    job.status = solution ? "solved" : "failed";
    const s = job.solution;
    this.#o.log.info(`solve ${job.status}`, { id: job.id, ms: Math.round(job.durationMs) });
    this.#o.bus.publish("solver.result", {
      id: job.id,
      status: job.status,
      ra: s ? s.raDeg / 15 : null,
      dec: s?.decDeg ?? null,
      position_angle: s?.positionAngleDeg ?? null,
      pixel_scale: s?.pixelScaleArcsec ?? null,
      solver: s?.solver ?? null,
      error: job.error,
    });
  }

  /** Writes the solution into the frame's header and row; a failure costs only the WCS. */
  async #keepInFrame(job: SolveJob, imagePath: string, solution: Solution): Promise<void> {
    if (!this.#o.frames) return;
    try {
      const frame = await writeSolutionToFrame(
        { dataDir: this.#o.dataDir, frames: this.#o.frames, changes: this.#o.frameFiles },
        imagePath,
        solution,
        this.#o.clock.now(),
      );
      job.frameId = frame?.id ?? null;
    } catch (err) {
      this.#o.log.warn("the solution could not be written into the frame", {
        id: job.id,
        path: job.imagePath,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }

  #slot(): Promise<void> {
    if (this.#active < this.#o.concurrency) {
      this.#active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#queue.push(resolve));
  }

  #release(): void {
    const next = this.#queue.shift();
    if (next) next();
    else this.#active--;
  }

  #remember(job: SolveJob): void {
    this.#jobs.set(job.id, job);
    const max = this.#o.maxJobs ?? 200;
    for (const [id, old] of this.#jobs) {
      if (this.#jobs.size <= max) break;
      if (old.status !== "pending") this.#jobs.delete(id);
    }
  }
}
