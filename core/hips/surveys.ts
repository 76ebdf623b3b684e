/**
 * The files of the HiPS surveys served by the box, from three kinds of source, tried in order:
 * - a local mirror: a survey folder (with its `properties`) under the mirror dir, served as is;
 * - the generated Tycho-2 catalogue (`tycho2`), made from the installed index files;
 * - configured upstream servers, through the fetch-through cache: a cached file younger than
 *   `max_age_days` is served from disk; otherwise the upstream is asked, and its answer cached.
 *   When the upstream cannot be had (offline, slow, broken) an older cached file is served
 *   (marked stale); with nothing cached the answer is a 504 (no answer) or 502 (a bad answer) —
 *   never a 500. A file the upstream says does not exist is a 404, remembered for an hour.
 * Concurrent requests for one file share one upstream fetch. Prefetch jobs (prefetch.ts) use
 * `ensure`, which fetches what is not already there without reading what is. hips_service.ts
 * puts this, the cache and the prefetch jobs together.
 */
import { join, normalize } from "node:path";
import type { Clock } from "../../lib/clock.ts";
import { AppError, notFound } from "../../lib/errors.ts";
import type { Logger } from "../../lib/log.ts";
import type { EventBus } from "../event_bus.ts";
import type { SurveyDto } from "../schemas/hips.ts";
import { CONTENT_TYPES } from "./address.ts";
import { parseProperties, type SurveyFacts, surveyFacts } from "./properties.ts";
import type { TileCache } from "./tile_cache.ts";
import { TYCHO2_SURVEY, type Tycho2Survey } from "./tycho2_survey.ts";
import { Upstream, UpstreamFailure } from "./upstream.ts";

/** What the Tycho-2 catalogue's properties will say, before it is first built. */
const GENERATED_FACTS: SurveyFacts = {
  title: "Tycho-2 stars (this box's astrometry.net index files)",
  kind: "catalog",
  hipsOrder: null,
  hipsOrderMin: 1,
  tileFormats: ["tsv"],
};

/** How long an upstream 404 is remembered (the sky a survey does not cover stays uncovered). */
const MISSING_TTL_MS = 3_600_000;
const MISSING_MAX = 20_000;

export type HipsSource = "mirror" | "generated" | "cache" | "upstream" | "stale";

export interface HipsFile {
  bytes: Uint8Array;
  contentType: string;
  source: HipsSource;
}

export interface HipsServiceOptions {
  mirrorDir: string;
  cache: TileCache;
  surveys: readonly { name: string; urls: readonly string[] }[];
  generated: Tycho2Survey | null;
  maxAgeMs: number;
  upstreamTimeoutMs: number;
  offlineRetryMs: number;
  clock: Clock;
  bus: EventBus;
  log: Logger;
  /** The API prefix the surveys are served under, for `base_url`. */
  basePath?: string;
  fetch?: typeof fetch;
}

export class HipsSurveys {
  readonly #o: HipsServiceOptions;
  readonly #upstreams = new Map<string, Upstream>();
  readonly #inFlight = new Map<string, Promise<HipsFile>>();
  readonly #missing = new Map<string, number>();

  constructor(o: HipsServiceOptions) {
    this.#o = o;
    for (const s of o.surveys) {
      this.#upstreams.set(
        s.name,
        new Upstream({
          survey: s.name,
          urls: s.urls,
          timeoutMs: o.upstreamTimeoutMs,
          retryAfterMs: o.offlineRetryMs,
          clock: o.clock,
          fetch: o.fetch,
          onChange: (online, url, reason) => {
            o.log[online ? "info" : "warn"](
              online ? "HiPS upstream is back" : "HiPS upstream unreachable; serving the cache",
              { survey: s.name, url, reason },
            );
            o.bus.publish("hips.upstream_changed", { survey: s.name, online, url, reason });
          },
        }),
      );
    }
  }

  get cache(): TileCache {
    return this.#o.cache;
  }

  get mirrorDir(): string {
    return this.#o.mirrorDir;
  }

  /** Every survey: the configured, the generated, and the folders of the mirror dir. */
  async names(): Promise<string[]> {
    const names = new Set<string>(this.#upstreams.keys());
    if (await this.#o.generated?.available()) names.add(TYCHO2_SURVEY);
    try {
      for await (const entry of Deno.readDir(this.#o.mirrorDir)) {
        if (entry.isDirectory && await this.#mirrorOf(entry.name)) names.add(entry.name);
      }
    } catch {
      // No mirror dir: no mirrored surveys.
    }
    return [...names].sort();
  }

  /** Whether the box knows a survey of this name; a 404 naming the known ones otherwise. */
  async require(name: string): Promise<void> {
    if (this.#upstreams.has(name) || await this.#mirrorOf(name)) return;
    if (name === TYCHO2_SURVEY && await this.#o.generated?.available()) return;
    const known = await this.names();
    throw notFound(`No HiPS survey "${name}" on this box (known: ${known.join(", ") || "none"})`);
  }

  hasUpstream(name: string): boolean {
    return this.#upstreams.has(name);
  }

  isGenerated(name: string): boolean {
    return name === TYCHO2_SURVEY && this.#o.generated !== null && !this.#upstreams.has(name);
  }

  /** The file `path` of survey `name`, from the best source that has it. */
  async file(name: string, path: string): Promise<HipsFile> {
    await this.require(name);
    const mirrored = await this.#fromMirror(name, path);
    if (mirrored) return mirrored;
    if (this.isGenerated(name)) {
      const made = await this.#o.generated!.file(path);
      if (made) return { ...made, source: "generated" };
      throw notFound(`${name} has no ${path}`);
    }
    if (!this.#upstreams.has(name)) throw notFound(`${name} has no ${path} in the mirror`);
    const key = `${name}/${path}`;
    const running = this.#inFlight.get(key);
    if (running) return await running;
    const work = this.#throughCache(name, path).finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, work);
    return await work;
  }

  /**
   * For prefetch: makes sure `path` is on the box. "present" when the mirror or a fresh cache
   * entry has it (not read), "fetched" with the bytes downloaded, "missing" when the upstream
   * says there is no such file. Throws UpstreamFailure when the upstream cannot be had.
   */
  async ensure(
    name: string,
    path: string,
    signal?: AbortSignal,
  ): Promise<{ kind: "present" } | { kind: "fetched"; bytes: number } | { kind: "missing" }> {
    if (await this.#mirrorHas(name, path)) return { kind: "present" };
    const cached = await this.#o.cache.has(name, path);
    if (cached && this.#fresh(cached.fetchedAtMs)) return { kind: "present" };
    if (this.#isMissing(`${name}/${path}`)) return { kind: "missing" };
    const upstream = this.#upstreams.get(name);
    if (!upstream) return { kind: "missing" };
    const answer = await upstream.get(path, signal);
    if (answer.kind === "missing") {
      this.#remember(`${name}/${path}`);
      return { kind: "missing" };
    }
    await this.#o.cache.put(name, path, answer.bytes, contentTypeOf(path, answer.contentType));
    return { kind: "fetched", bytes: answer.bytes.length };
  }

  /** What the box knows of a survey, without asking any upstream. */
  async describe(
    name: string,
    cached: Map<string, { files: number; bytes: number }>,
  ): Promise<SurveyDto> {
    const upstream = this.#upstreams.get(name) ?? null;
    const mirror = await this.#mirrorOf(name);
    let facts: SurveyFacts | null = null;
    const propsText = await this.#localProperties(name);
    if (propsText !== null) facts = surveyFacts(parseProperties(propsText));
    else if (this.isGenerated(name)) facts = GENERATED_FACTS;
    return {
      name,
      title: facts?.title ?? null,
      kind: facts?.kind ?? null,
      base_url: `${this.#o.basePath ?? "/api/v1/hips"}/${name}`,
      sources: {
        mirror: mirror !== null,
        upstream: upstream !== null,
        generated: this.isGenerated(name),
      },
      hips_order: facts?.hipsOrder ?? null,
      hips_order_min: facts?.hipsOrderMin ?? null,
      tile_formats: facts?.tileFormats ?? [],
      upstream: upstream && {
        urls: [...upstream.urls],
        state: upstream.state,
        last_error: upstream.lastError,
        retry_at: upstream.retryAtMs === null ? null : new Date(upstream.retryAtMs).toISOString(),
      },
      cached_files: cached.get(name)?.files ?? 0,
      cached_bytes: cached.get(name)?.bytes ?? 0,
    };
  }

  /** The survey's properties as the box has them (mirror, generated, or the cache; no network). */
  async #localProperties(name: string): Promise<string | null> {
    const mirrored = await this.#fromMirror(name, "properties");
    if (mirrored) return new TextDecoder().decode(mirrored.bytes);
    if (this.isGenerated(name)) {
      if (this.#o.generated!.state !== "ready") return null;
      const made = await this.#o.generated!.file("properties");
      return made && new TextDecoder().decode(made.bytes);
    }
    const cached = await this.#o.cache.get(name, "properties");
    return cached && new TextDecoder().decode(cached.bytes);
  }

  async #throughCache(name: string, path: string): Promise<HipsFile> {
    const key = `${name}/${path}`;
    const cached = await this.#o.cache.get(name, path);
    if (cached && this.#fresh(cached.fetchedAtMs)) {
      return { bytes: cached.bytes, contentType: cached.contentType, source: "cache" };
    }
    if (this.#isMissing(key)) throw notFound(`${name} has no ${path} (the upstream said so)`);
    try {
      const answer = await this.#upstreams.get(name)!.get(path);
      if (answer.kind === "missing") {
        this.#remember(key);
        if (cached) await this.#o.cache.remove(name, path);
        throw notFound(`${name} has no ${path} (${answer.url} answered 404)`);
      }
      const contentType = contentTypeOf(path, answer.contentType);
      await this.#o.cache.put(name, path, answer.bytes, contentType).catch((err) => {
        // A full disk must not cost the user the tile they asked for.
        this.#o.log.warn("could not cache a HiPS file", { survey: name, path, error: String(err) });
      });
      return { bytes: answer.bytes, contentType, source: "upstream" };
    } catch (err) {
      if (!(err instanceof UpstreamFailure)) throw err;
      if (cached) return { bytes: cached.bytes, contentType: cached.contentType, source: "stale" };
      throw upstreamError(name, path, err);
    }
  }

  #fresh(fetchedAtMs: number): boolean {
    return this.#o.clock.now() - fetchedAtMs <= this.#o.maxAgeMs;
  }

  #isMissing(key: string): boolean {
    const until = this.#missing.get(key);
    if (until === undefined) return false;
    if (until > this.#o.clock.now()) return true;
    this.#missing.delete(key);
    return false;
  }

  #remember(key: string): void {
    if (this.#missing.size >= MISSING_MAX) {
      this.#missing.delete(this.#missing.keys().next().value!);
    }
    this.#missing.set(key, this.#o.clock.now() + MISSING_TTL_MS);
  }

  /** The survey's mirror folder when it has a properties file, else null. */
  async #mirrorOf(name: string): Promise<string | null> {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) return null;
    const dir = join(this.#o.mirrorDir, name);
    return await Deno.stat(join(dir, "properties")).then((s) => s.isFile ? dir : null, () => null);
  }

  async #mirrorHas(name: string, path: string): Promise<boolean> {
    const dir = await this.#mirrorOf(name);
    if (!dir) return false;
    return await Deno.stat(safeJoin(dir, path)).then((s) => s.isFile, () => false);
  }

  async #fromMirror(name: string, path: string): Promise<HipsFile | null> {
    const dir = await this.#mirrorOf(name);
    if (!dir) return null;
    try {
      const bytes = await Deno.readFile(safeJoin(dir, path));
      return { bytes, contentType: contentTypeOf(path, ""), source: "mirror" };
    } catch {
      return null;
    }
  }
}

/** `path` under `dir`; the path comes from validated segments, but a slip must not escape. */
function safeJoin(dir: string, path: string): string {
  const full = normalize(join(dir, path));
  if (!full.startsWith(normalize(dir) + "/")) {
    throw new TypeError(`path escapes its survey: ${path}`);
  }
  return full;
}

/** The content type a HiPS file is served with: from its name, whatever the upstream said. */
export function contentTypeOf(path: string, _upstream: string): string {
  if (path === "properties") return CONTENT_TYPES.properties;
  const ext = path.slice(path.lastIndexOf(".") + 1).toLowerCase();
  if (ext === "jpg") return CONTENT_TYPES.jpg;
  if (ext === "png") return CONTENT_TYPES.png;
  if (ext === "fits") return CONTENT_TYPES.fits;
  if (ext === "tsv") return CONTENT_TYPES.tsv;
  if (ext === "xml") return CONTENT_TYPES.xml;
  return "application/octet-stream";
}

/** An upstream failure as the error the phone gets: 504 without an answer, 502 for a bad one. */
export function upstreamError(name: string, path: string, err: UpstreamFailure): AppError {
  const status = err.kind === "error" ? 502 : 504;
  const code = err.kind === "error" ? "upstream_error" : "upstream_unavailable";
  return new AppError(
    status,
    code,
    `${name}/${path} is not cached and the upstream ${
      err.kind === "error" ? "answered badly" : "cannot be reached"
    }: ${err.message}`,
    { survey: name, path, reason: err.kind },
  );
}
