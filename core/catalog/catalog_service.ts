/**
 * The object catalogue as the box uses it: imports siril's catalogue files into the database
 * (once, and again only when the files' checksum changes), then answers search, lookup by id,
 * "what is up tonight" at the active profile's site, and `resolveTarget` for sequences and plans
 * that name a target by designation. The import runs after the server listens, on a worker
 * thread with its own database connection (import_off_loop.ts), so the event loop never waits on
 * it; until it is done every call answers 503 "being imported", and when siril-common is not
 * installed, 503 naming the package, so the rest of the box never waits on or fails for the
 * catalogue. `close()` stops an import in progress (it rolls back) so a shutdown is never held.
 */
import { AppError, badRequest } from "../../lib/errors.ts";
import type { Clock } from "../../lib/clock.ts";
import type { Logger } from "../../lib/log.ts";
import { CatalogRepository, type ObjectFilter, type SearchHit } from "../store/catalog.ts";
import {
  CatalogImportAborted,
  CatalogImportError,
  type ImportHandle,
  importOffLoop,
} from "./import_off_loop.ts";
import { searchKey } from "./normalize.ts";
import { angularSeparationDeg, equatorialToHorizontal } from "../../lib/astro/coords.ts";
import { precessFromJ2000 } from "../../lib/astro/precession.ts";
import { moonEquatorial, moonIlluminatedFraction } from "../../lib/astro/sun.ts";
import { lstHours } from "../../lib/astro/time.ts";
import { type FieldOfView, type MoonAt, scoreTarget, type TargetScore } from "./score.ts";
import {
  nightWindow,
  SAMPLE_STEP_MS,
  type Site,
  visibilities,
  type Visibility,
} from "./tonight.ts";
import type { NightWindow } from "./tonight.ts";
import { type CatalogEntry, CATALOGUES } from "./types.ts";

export type CatalogState = "importing" | "ready" | "missing" | "failed";

/** How long a catalogue request waits for an import in progress before answering 503. */
export const IMPORT_WAIT_MS = 20_000;

export interface CatalogStatus {
  state: CatalogState;
  message: string | null;
  dir: string;
  counts: Record<string, number>;
  /** Whether this start imported the files (false: the stored catalogue was current). */
  imported: boolean;
  importMs: number | null;
}

export interface TonightQuery extends ObjectFilter {
  minAltDeg: number;
  limit: number;
  /** The instant "now" stands for; the clock's now by default. */
  atMs?: number;
}

/** An object of tonight's list: where it is and how worth imaging it is. */
export interface TonightObject extends Visibility {
  score: TargetScore;
}

export interface TonightAnswer {
  site: Site;
  atMs: number;
  night: NightWindow | null;
  /** The camera's field the framing was judged against; null when unknown. */
  field: FieldOfView | null;
  /** The Moon's illuminated fraction at the middle of the dark window (0 without a night). */
  moonIllumination: number;
  objects: TonightObject[];
}

export interface CatalogServiceOptions {
  repository: CatalogRepository;
  /** The data directory holding the database: the import worker opens its own connection. */
  dataDir: string;
  dir: string;
  clock: Pick<Clock, "now">;
  log: Logger;
  /** The active profile's site; null when no rig is configured. */
  site: () => Site | null;
  /** The camera's field with the active optics; null (or absent) when not known. */
  field?: () => FieldOfView | null;
  /** How long a request waits for a running import before its 503 (IMPORT_WAIT_MS). */
  importWaitMs?: number;
}

export class CatalogService {
  readonly #o: CatalogServiceOptions;
  #state: CatalogState = "importing";
  #message: string | null = null;
  #imported = false;
  #importMs: number | null = null;
  #counts: Record<string, number> = {};
  /** Every object, kept for tonight's ranking (≈ 20 000 small records). */
  #entries: CatalogEntry[] = [];
  #ready: Promise<void> | null = null;
  #import: ImportHandle | null = null;
  #closed = false;

  constructor(options: CatalogServiceOptions) {
    this.#o = options;
  }

  /** Starts the import (idempotent); the promise settles when the catalogue is usable or not. */
  start(): Promise<void> {
    return this.#ready ??= this.#load();
  }

  /** Resolves when start() has finished, whatever the outcome. */
  async settled(): Promise<void> {
    await this.#ready;
  }

  /**
   * Shutdown: an import in progress is aborted (its transaction rolls back, so the stored
   * catalogue is the old one, whole) within a second or two rather than waited for.
   */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#import?.abort();
    await this.#ready;
  }

  status(): CatalogStatus {
    return {
      state: this.#state,
      message: this.#message,
      dir: this.#o.dir,
      counts: this.#counts,
      imported: this.#imported,
      importMs: this.#importMs,
    };
  }

  async search(query: string, limit: number, filter: ObjectFilter = {}): Promise<SearchHit[]> {
    await this.#whenReady();
    const key = searchKey(query);
    if (key === "") throw badRequest("query.q", "must contain a letter or a digit");
    return await this.#o.repository.search(key, limit, filter);
  }

  async get(id: string): Promise<CatalogEntry | null> {
    await this.#whenReady();
    return await this.#o.repository.get(id);
  }

  /**
   * The objects above `minAltDeg` during tonight's dark window at the active site, best first by
   * what is worth imaging with this rig (score.ts: time up and how high, size against the
   * camera's field, brightness, the Moon).
   */
  async tonight(q: TonightQuery): Promise<TonightAnswer> {
    await this.#whenReady();
    const site = this.#o.site();
    if (!site) {
      throw new AppError(409, "conflict", "No active profile: tonight needs the site's location");
    }
    const atMs = q.atMs ?? this.#o.clock.now();
    const field = this.#o.field?.() ?? null;
    const night = nightWindow(atMs, site);
    if (!night) return { site, atMs, night, field, moonIllumination: 0, objects: [] };
    const candidates = distinct(this.#entries.filter((e) => matches(e, q)));
    const moon = moonOverNight(night, site);
    const scored = visibilities(candidates, night, site, q.minAltDeg, atMs)
      .filter((v) => v.minutesAbove > 0)
      .map((v) => ({ ...v, score: scoreTarget(v.entry, v.qualityHours, field, moon(v)) }))
      .sort((x, y) =>
        y.score.score - x.score.score || y.minutesAbove - x.minutesAbove ||
        y.peakAltDeg - x.peakAltDeg
      );
    const midMs = (night.startMs + night.endMs) / 2;
    return {
      site,
      atMs,
      night,
      field,
      moonIllumination: moonIlluminatedFraction(midMs),
      objects: scored.slice(0, q.limit),
    };
  }

  /**
   * A target named by designation or common name ("M42", "NGC 7000", "Vega", "Orion Nebula"):
   * only an exact match, never a guess; null when nothing matches. Waits for the import.
   */
  async resolveTarget(
    name: string,
  ): Promise<{ name: string; ra: number; dec: number; id: string } | null> {
    await this.start();
    this.#assertReady();
    const key = searchKey(name);
    if (key === "") return null;
    const [best] = await this.#o.repository.search(key, 1);
    if (!best || (best.match !== "designation" && best.match !== "alias")) return null;
    const e = best.entry;
    return { name: e.designation, ra: e.raHours, dec: e.decDeg, id: e.id };
  }

  /**
   * Ready, or 503. A request that arrives while the import runs waits for it — off the event
   * loop, so waiting costs nothing — up to IMPORT_WAIT_MS, the way a first-start request used to
   * be answered once the blocking import was over; only a longer import answers 503.
   * (`importWaitMs` in the options: a test on a loaded machine is not a user's phone.)
   */
  async #whenReady(): Promise<void> {
    if (this.#state === "importing" && this.#ready) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        this.#ready,
        new Promise((resolve) =>
          timer = setTimeout(resolve, this.#o.importWaitMs ?? IMPORT_WAIT_MS)
        ),
      ]);
      clearTimeout(timer);
    }
    this.#assertReady();
  }

  #assertReady(): void {
    if (this.#state === "ready") return;
    const message = this.#state === "importing"
      ? "The catalog is being imported; try again in a few seconds"
      : this.#message ?? "The catalog is unavailable";
    throw new AppError(503, "unavailable", message, { state: this.#state });
  }

  async #load(): Promise<void> {
    const started = performance.now();
    if (this.#closed) return;
    this.#import = importOffLoop(this.#o.dir, this.#o.dataDir);
    try {
      const result = await this.#import.done;
      this.#entries = result.entries;
      this.#counts = result.counts;
      this.#imported = result.imported;
      this.#importMs = Math.round(performance.now() - started);
      this.#state = "ready";
      this.#o.log.info(this.#imported ? "Imported the catalog" : "The catalog is current", {
        dir: this.#o.dir,
        objects: this.#entries.length,
        ms: this.#importMs,
      });
    } catch (err) {
      if (err instanceof CatalogImportAborted) {
        this.#state = "failed";
        this.#message = "The catalog import was stopped by the shutdown";
        this.#o.log.info(this.#message, { dir: this.#o.dir });
        return;
      }
      const missing = err instanceof CatalogImportError && err.missing;
      this.#state = missing ? "missing" : "failed";
      this.#message = missing
        ? (err as Error).message
        : `The catalog could not be imported from ${this.#o.dir}: ${
          err instanceof Error ? err.message : String(err)
        }`;
      this.#o.log.warn(this.#message, { dir: this.#o.dir });
    } finally {
      this.#import = null;
    }
  }
}

/**
 * The Moon at an object's best time (its highest point in the dark window, one of the 10-minute
 * samples): computed once per sample of the night, not once per object.
 */
function moonOverNight(night: NightWindow, site: Site): (v: Visibility) => MoonAt {
  const cache = new Map<
    number,
    { position: ReturnType<typeof moonEquatorial>; altDeg: number; illumination: number }
  >();
  const at = (ms: number) => {
    const k = Math.round((ms - night.startMs) / SAMPLE_STEP_MS);
    let hit = cache.get(k);
    if (!hit) {
      const t = night.startMs + k * SAMPLE_STEP_MS;
      const position = moonEquatorial(t);
      const altDeg =
        equatorialToHorizontal(position, lstHours(t, site.longitudeDeg), site.latitudeDeg)
          .altDeg;
      hit = { position, altDeg, illumination: moonIlluminatedFraction(t) };
      cache.set(k, hit);
    }
    return hit;
  };
  return (v) => {
    const moon = at(v.peakAtMs);
    const target = precessFromJ2000(
      { raHours: v.entry.raHours, decDeg: v.entry.decDeg },
      v.peakAtMs,
    );
    return {
      sepDeg: angularSeparationDeg(target, moon.position),
      altDeg: moon.altDeg,
      illumination: moon.illumination,
    };
  };
}

function matches(e: CatalogEntry, q: ObjectFilter): boolean {
  if (q.types && q.types.length > 0 && !q.types.includes(e.type)) return false;
  if (q.catalogues && q.catalogues.length > 0) {
    if (!q.catalogues.includes(e.catalogue)) return false;
  } else if (e.catalogue === "stars" && !(q.types ?? []).includes("star")) {
    // Tonight lists deep-sky targets; stars only when asked for by type or catalogue.
    return false;
  }
  if (q.maxMagnitude !== undefined && (e.magnitude === null || e.magnitude > q.maxMagnitude)) {
    return false;
  }
  return true;
}

/** One entry per object: M31 stands for NGC 224; the catalogue listed first wins. */
function distinct(entries: readonly CatalogEntry[]): CatalogEntry[] {
  const seen = new Set<string>();
  const sorted = [...entries].sort((a, b) =>
    CATALOGUES.indexOf(a.catalogue) - CATALOGUES.indexOf(b.catalogue)
  );
  const kept: CatalogEntry[] = [];
  for (const e of sorted) {
    const key = searchKey(e.designation);
    if (seen.has(key)) continue;
    kept.push(e);
    seen.add(key);
    for (const alias of e.aliases) seen.add(searchKey(alias));
  }
  return kept;
}
