/**
 * HiPS prefetch jobs: download, while the box still has internet, every tile of a survey that a
 * disc of sky (a night's target and its surroundings) touches from one order to another — plus
 * the survey's properties and its Norder3 Allsky (or a catalogue's Metadata.xml) — so the framing
 * view works at a dark site. The tiles are the HEALPix cells lib/healpix/query_disc.ts finds.
 *
 * Creating a job reads the survey's properties (from the cache, else the upstream: a job needs
 * the network anyway), settles the orders and the format, counts the files and refuses more than
 * `maxFiles`. One job runs at a time, the others wait in order; a job fetches with a few
 * requests in flight, skips what the box already has, counts files the survey does not have,
 * and stops (failed, with how far it got) when the upstream cannot be reached — a second run
 * skips what the first one fetched. Progress goes out as `hips.prefetch_progress` (at most twice
 * a second) and the end as `hips.prefetch_finished`; the counters live in the database, and a
 * job the box stopped in the middle of starts again when the box does.
 */
import type { Clock } from "../../lib/clock.ts";
import { AppError, badRequest, conflict } from "../../lib/errors.ts";
import type { Logger } from "../../lib/log.ts";
import { queryDisc } from "../../lib/healpix/query_disc.ts";
import type { EventBus } from "../event_bus.ts";
import {
  type PrefetchJobDto,
  type PrefetchRequest,
  TILE_FORMATS,
  type TileFormat,
} from "../schemas/hips.ts";
import type { PrefetchJobRepository } from "../store/hips_jobs.ts";
import { allskyPath, tilePath } from "./address.ts";
import type { HipsSurveys } from "./surveys.ts";
import { parseProperties, surveyFacts } from "./properties.ts";
import { UpstreamFailure } from "./upstream.ts";

const PROGRESS_EVERY_MS = 500;
const SAVE_EVERY_MS = 2000;
/** Upstream 5xx in a row after which a job gives up. */
const MAX_ERRORS_IN_A_ROW = 20;
/** Default shallowest order of an image survey: orders 0–2 are in Norder3/Allsky. */
const IMAGE_MIN_ORDER = 3;

export interface PrefetchOptions {
  surveys: HipsSurveys;
  repo: PrefetchJobRepository;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  concurrency: number;
  maxFiles: number;
}

type JobRequest = PrefetchJobDto["request"];

/** The files a job fetches, in order: the survey's own files, then the tiles order by order. */
export function jobFiles(r: JobRequest): string[] {
  const files = ["properties", r.format === "tsv" ? "Metadata.xml" : allskyPath(3, r.format)];
  for (let order = r.min_order; order <= r.max_order; order++) {
    for (const npix of queryDisc(order, { raDeg: r.ra * 15, decDeg: r.dec }, r.radius_deg)) {
      files.push(tilePath(order, npix, r.format));
    }
  }
  return files;
}

/** An upper bound of jobFiles(r).length without listing them (cells of the disc + a margin). */
function estimateFiles(r: JobRequest): number {
  const discSr = 2 * Math.PI * (1 - Math.cos(r.radius_deg * Math.PI / 180));
  let total = 2;
  for (let k = r.min_order; k <= r.max_order; k++) {
    const cellSr = 4 * Math.PI / (12 * 4 ** k);
    const cellDeg = Math.sqrt(cellSr) * 180 / Math.PI;
    const padded = 2 * Math.PI *
      (1 - Math.cos(Math.min(180, r.radius_deg + cellDeg) * Math.PI / 180));
    total += Math.min(12 * 4 ** k, Math.ceil(Math.max(discSr, padded) / cellSr));
  }
  return total;
}

interface Running {
  job: PrefetchJobDto;
  abort: AbortController;
  startedMs: number;
  /** Settles once the job's end is saved (and published). */
  ended: PromiseWithResolvers<void>;
}

export class PrefetchJobs {
  readonly #o: PrefetchOptions;
  readonly #queue: string[] = [];
  #running: Running | null = null;
  /** Queued jobs cancelled after the loop took them off the queue, before they ran. */
  readonly #cancelled = new Set<string>();
  #loop: Promise<void> | null = null;
  #closing = false;

  constructor(o: PrefetchOptions) {
    this.#o = o;
  }

  /** Takes up the jobs a stopped box left queued or running. */
  async init(): Promise<void> {
    for (const job of await this.#o.repo.inState(["queued", "running"])) {
      if (job.state === "running") {
        await this.#o.repo.update({ ...job, state: "queued", updated_at: this.#nowIso() });
      }
      this.#queue.push(job.id);
    }
    if (this.#queue.length > 0) {
      this.#o.log.info("resuming HiPS prefetch jobs", { jobs: this.#queue.length });
      this.#kick();
    }
  }

  async start(req: PrefetchRequest): Promise<PrefetchJobDto> {
    const { surveys } = this.#o;
    const known = await surveys.names();
    if (!known.includes(req.survey)) {
      throw badRequest(
        "body.survey",
        `no survey "${req.survey}" (known: ${known.join(", ") || "none"})`,
      );
    }
    if (surveys.isGenerated(req.survey)) {
      throw badRequest("body.survey", `${req.survey} is made on the box; nothing to download`);
    }
    if (!surveys.hasUpstream(req.survey)) {
      throw badRequest("body.survey", `${req.survey} is a local mirror; nothing to download`);
    }
    const props = await surveys.file(req.survey, "properties");
    const facts = surveyFacts(parseProperties(new TextDecoder().decode(props.bytes)));
    const offered = facts.tileFormats.filter((f): f is TileFormat =>
      (TILE_FORMATS as readonly string[]).includes(f)
    );
    const format = req.format ?? offered[0] ?? (facts.kind === "catalog" ? "tsv" : "jpg");
    if (offered.length > 0 && !offered.includes(format)) {
      throw badRequest("body.format", `${req.survey} offers ${offered.join(", ")}`);
    }
    const surveyMin = facts.hipsOrderMin ?? 0;
    const surveyMax = facts.hipsOrder ?? req.max_order;
    const minOrder = Math.max(
      req.min_order ?? (facts.kind === "catalog" ? surveyMin : IMAGE_MIN_ORDER),
      surveyMin,
    );
    const maxOrder = Math.min(req.max_order, surveyMax);
    if (minOrder > maxOrder) {
      throw badRequest(
        "body.max_order",
        `${req.survey} has orders ${surveyMin}–${surveyMax}; asked ${
          req.min_order ?? minOrder
        }–${req.max_order}`,
      );
    }
    const request: JobRequest = {
      ra: req.ra,
      dec: req.dec,
      radius_deg: req.radius_deg,
      min_order: minOrder,
      max_order: maxOrder,
      format,
    };
    const tooMany = (n: number) =>
      badRequest(
        "body.max_order",
        `the disc needs ${n} files at orders ${minOrder}–${maxOrder}; at most ` +
          `${this.#o.maxFiles} (hips.prefetch_max_files): lower max_order or radius_deg`,
      );
    const estimate = estimateFiles(request);
    if (estimate > this.#o.maxFiles * 4) throw tooMany(estimate);
    const total = jobFiles(request).length;
    if (total > this.#o.maxFiles) throw tooMany(total);
    const now = this.#nowIso();
    const job: PrefetchJobDto = {
      id: crypto.randomUUID(),
      survey: req.survey,
      state: "queued",
      request,
      total,
      done: 0,
      failed: 0,
      bytes: 0,
      files_per_s: null,
      message: null,
      created_at: now,
      updated_at: now,
    };
    await this.#o.repo.insert(job);
    this.#queue.push(job.id);
    this.#o.bus.publish("hips.prefetch_progress", job);
    this.#kick();
    return job;
  }

  async get(id: string): Promise<PrefetchJobDto> {
    if (this.#running?.job.id === id) return this.#live(this.#running);
    return await this.#o.repo.get(id);
  }

  async list(): Promise<PrefetchJobDto[]> {
    const jobs = await this.#o.repo.list();
    return jobs.map((j) => this.#running?.job.id === j.id ? this.#live(this.#running) : j);
  }

  running(): PrefetchJobDto | null {
    return this.#running && this.#live(this.#running);
  }

  queued(): number {
    return this.#queue.length;
  }

  async cancel(id: string): Promise<PrefetchJobDto> {
    const job = await this.get(id);
    const running = this.#running;
    if (running?.job.id === id) {
      running.abort.abort();
      // This job's end only: the loop goes on with the next queued job.
      await running.ended.promise;
      return await this.#o.repo.get(id);
    }
    if (job.state !== "queued") throw conflict(`Prefetch job ${id} is ${job.state}`);
    const at = this.#queue.indexOf(id);
    if (at >= 0) this.#queue.splice(at, 1);
    else this.#cancelled.add(id); // the loop holds it: reading it before it starts it
    const cancelled = {
      ...job,
      state: "cancelled" as const,
      message: "cancelled before it ran",
      updated_at: this.#nowIso(),
    };
    await this.#o.repo.update(cancelled);
    this.#o.bus.publish("hips.prefetch_finished", cancelled);
    return cancelled;
  }

  /** Stops the running job where it is; it stays queued and resumes at the next start. */
  async close(): Promise<void> {
    this.#closing = true;
    this.#running?.abort.abort();
    await this.#loop;
  }

  #kick(): void {
    if (this.#loop || this.#closing) return;
    this.#loop = (async () => {
      while (this.#queue.length > 0 && !this.#closing) {
        const id = this.#queue.shift()!;
        const job = await this.#o.repo.get(id).catch(() => null);
        if (this.#cancelled.delete(id)) continue;
        if (job && job.state === "queued") await this.#run(job);
      }
    })().catch((err) => {
      this.#o.log.error("the HiPS prefetch loop failed", { error: String(err) });
    }).finally(() => {
      this.#loop = null;
      if (this.#queue.length > 0 && !this.#closing) this.#kick();
    });
  }

  async #run(queued: PrefetchJobDto): Promise<void> {
    const run: Running = {
      job: { ...queued, state: "running", done: 0, failed: 0, message: null },
      abort: new AbortController(),
      startedMs: this.#o.clock.now(),
      ended: Promise.withResolvers<void>(),
    };
    this.#running = run;
    try {
      await this.#work(run);
    } finally {
      if (this.#running === run) this.#running = null;
      run.ended.resolve();
    }
  }

  async #work(run: Running): Promise<void> {
    const { surveys, bus, log, clock } = this.#o;
    const job = run.job;
    const files = jobFiles(job.request);
    job.total = files.length;
    let next = 0;
    let errorsInARow = 0;
    let stop: string | null = null;
    let lastEvent = 0, lastSave = clock.now();
    const report = async (force = false) => {
      const now = clock.now();
      if (force || now - lastEvent >= PROGRESS_EVERY_MS) {
        lastEvent = now;
        bus.publish("hips.prefetch_progress", this.#live(run));
      }
      if (force || now - lastSave >= SAVE_EVERY_MS) {
        lastSave = now;
        await this.#o.repo.update(this.#live(run));
      }
    };
    await report(true);
    log.info("HiPS prefetch started", { id: job.id, survey: job.survey, files: files.length });
    const worker = async () => {
      while (next < files.length && !run.abort.signal.aborted && stop === null) {
        const path = files[next++]!;
        try {
          const got = await surveys.ensure(job.survey, path, run.abort.signal);
          if (got.kind === "missing") job.failed++;
          else job.done++;
          if (got.kind === "fetched") job.bytes += got.bytes;
          errorsInARow = 0;
        } catch (err) {
          if (run.abort.signal.aborted) break;
          if (err instanceof UpstreamFailure && err.kind !== "error") {
            stop = `the upstream cannot be reached (${err.message})`;
          } else if (++errorsInARow >= MAX_ERRORS_IN_A_ROW) {
            stop = `the upstream failed ${errorsInARow} times in a row (${errorText(err)})`;
          } else {
            job.failed++;
          }
        }
        if (job.bytes > surveys.cache.maxBytes * 0.9) {
          stop =
            `the job's files alone would fill the cache (${
              Math.round(surveys.cache.maxBytes / 1e6)
            } MB): ` +
            "raise hips.cache_max_mb or lower max_order or radius_deg";
        }
        await report();
      }
    };
    await Promise.all(Array.from({ length: this.#o.concurrency }, worker));
    const onBox = `${job.done} of ${job.total} files on the box`;
    if (run.abort.signal.aborted && this.#closing) {
      job.state = "queued";
      job.message = `interrupted by shutdown at ${onBox}; it resumes when the box starts`;
    } else if (run.abort.signal.aborted) {
      job.state = "cancelled";
      job.message = `cancelled with ${onBox}`;
    } else if (stop !== null) {
      job.state = "failed";
      job.message = `${stop}; ${onBox} — start it again to continue`;
    } else {
      job.state = "completed";
      job.message = `${onBox}${job.failed > 0 ? `, ${job.failed} not in the survey` : ""}`;
    }
    const final = this.#live(run);
    this.#running = null;
    await this.#o.repo.update(final);
    if (final.state === "queued") this.#queue.unshift(final.id);
    else bus.publish("hips.prefetch_finished", final);
    log.info("HiPS prefetch ended", { id: job.id, state: job.state, message: job.message });
  }

  #live(run: Running): PrefetchJobDto {
    const elapsedS = (this.#o.clock.now() - run.startedMs) / 1000;
    const processed = run.job.done + run.job.failed;
    return {
      ...run.job,
      files_per_s: elapsedS > 0 ? Math.round(processed / elapsedS * 10) / 10 : null,
      updated_at: this.#nowIso(),
    };
  }

  #nowIso(): string {
    return new Date(this.#o.clock.now()).toISOString();
  }
}

function errorText(err: unknown): string {
  return err instanceof AppError || err instanceof Error ? err.message : String(err);
}
