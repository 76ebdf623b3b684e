/**
 * The HiPS group as one service: the surveys' files (surveys.ts: local mirror, the generated
 * Tycho-2 catalogue, upstream servers through the cache), the cache's state, and the prefetch
 * jobs. `start` reads the cache's totals and takes up interrupted prefetch jobs (the Tycho-2
 * catalogue is built when first asked for); `close` stops a running job so it resumes next time,
 * and waits for a catalogue build in progress.
 */
import type { PrefetchJobDto, PrefetchRequest, SurveyDto } from "../schemas/hips.ts";
import type { HipsStatusDto } from "../schemas/hips.ts";
import type { z } from "zod";
import { AppError } from "../../lib/errors.ts";
import { cutoutRadiusDeg, type CutoutView, renderCutout } from "./cutout.ts";
import type { PrefetchJobs } from "./prefetch.ts";
import type { HipsFile, HipsSurveys } from "./surveys.ts";
import type { Tycho2Survey } from "./tycho2_survey.ts";

export class HipsService {
  readonly #surveys: HipsSurveys;
  readonly #jobs: PrefetchJobs;
  readonly #generated: Tycho2Survey | null;

  constructor(o: { surveys: HipsSurveys; jobs: PrefetchJobs; generated: Tycho2Survey | null }) {
    this.#surveys = o.surveys;
    this.#jobs = o.jobs;
    this.#generated = o.generated;
  }

  async start(): Promise<void> {
    await this.#surveys.cache.init();
    await this.#jobs.init();
  }

  async close(): Promise<void> {
    await this.#jobs.close();
    await this.#surveys.cache.close();
    await this.#generated?.settled();
  }

  /** Resolves once the generated catalogue is built (or known unavailable): tests, benches. */
  async generatedReady(): Promise<void> {
    await this.#generated?.start();
  }

  /** A JPEG of the Tycho-2 stars around a position (cutout.ts); 503 without index files. */
  async cutout(view: CutoutView): Promise<Uint8Array> {
    const stars = await this.#generated?.cone(view.raDeg, view.decDeg, cutoutRadiusDeg(view));
    if (!stars) {
      throw new AppError(
        503,
        "unavailable",
        "No star catalogue: install astrometry.net's Tycho-2 index files (Debian astrometry-data-tycho2-*)",
      );
    }
    return renderCutout(view, stars);
  }

  file(survey: string, path: string): Promise<HipsFile> {
    return this.#surveys.file(survey, path);
  }

  async surveys(): Promise<SurveyDto[]> {
    const cached = await this.#surveys.cache.totalsBySurvey();
    const names = await this.#surveys.names();
    return await Promise.all(names.map((n) => this.#surveys.describe(n, cached)));
  }

  async status(): Promise<z.infer<typeof HipsStatusDto>> {
    const { files, bytes } = this.#surveys.cache.totals;
    return {
      cache: {
        dir: this.#surveys.cache.dir,
        files,
        bytes,
        max_bytes: this.#surveys.cache.maxBytes,
      },
      mirror_dir: this.#surveys.mirrorDir,
      surveys: await this.surveys(),
      prefetch: { running: this.#jobs.running(), queued: this.#jobs.queued() },
    };
  }

  prefetch(request: PrefetchRequest): Promise<PrefetchJobDto> {
    return this.#jobs.start(request);
  }

  job(id: string): Promise<PrefetchJobDto> {
    return this.#jobs.get(id);
  }

  jobs(): Promise<PrefetchJobDto[]> {
    return this.#jobs.list();
  }

  cancel(id: string): Promise<PrefetchJobDto> {
    return this.#jobs.cancel(id);
  }
}
