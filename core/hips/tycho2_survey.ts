/**
 * The HiPS catalogue the box makes of the stars it already has: every Tycho-2 star in the
 * installed astrometry.net index files (lib/star_catalog/), cut into progressive tiles
 * (lib/star_catalog/hips_index.ts), served in the HiPS 1.0 catalogue layout — `properties` with
 * `dataproduct_type = catalog`, `Metadata.xml` (a VOTable naming the columns and their UCDs so a
 * client knows which are RA and Dec), `Norder{k}/Dir{d}/Npix{n}.tsv` tiles whose first line
 * names the columns, and `Norder1/Allsky.tsv`, `Norder2/Allsky.tsv` (every tile of the order in
 * one file). So the framing view shows the real stars with no internet. The index is built once
 * per process when the survey is first asked for (a few seconds; the star catalogue itself is
 * cached on disk, and shared with the simulated camera); requests meanwhile wait for it.
 */
import type { Logger } from "../../lib/log.ts";
import { buildHipsCatalogIndex, type HipsCatalogIndex } from "../../lib/star_catalog/hips_index.ts";
import type { SkyCatalog } from "../../lib/star_catalog/catalog.ts";
import { type PackedStars, starAt, visitCone } from "../../lib/star_catalog/packed.ts";
import { CONTENT_TYPES, dirOf } from "./address.ts";
import { formatProperties } from "./properties.ts";

export const TYCHO2_SURVEY = "tycho2";
const MIN_ORDER = 1;
const MAX_ORDER = 7;
const PER_TILE = 100;
const HEADER = "RAJ2000\tDEJ2000\tVmag\n";

export type GeneratedState = "idle" | "building" | "ready" | "unavailable" | "failed";

interface Built {
  index: HipsCatalogIndex;
  stars: PackedStars;
  source: string;
  builtAt: string;
}

export class Tycho2Survey {
  readonly name = TYCHO2_SURVEY;
  #load: () => Promise<SkyCatalog | null>;
  #hasSources: () => Promise<boolean>;
  #log: Logger;
  #now: () => number;
  #built: Promise<Built | null> | null = null;
  #state: GeneratedState = "idle";
  #error: string | null = null;

  constructor(o: {
    load: () => Promise<SkyCatalog | null>;
    /** Whether index files are installed (cheap: a directory listing). */
    hasSources: () => Promise<boolean>;
    log: Logger;
    now: () => number;
  }) {
    this.#load = o.load;
    this.#hasSources = o.hasSources;
    this.#log = o.log;
    this.#now = o.now;
  }

  /** Whether the survey can exist: index files installed, and no build failed. */
  async available(): Promise<boolean> {
    if (this.#state === "unavailable" || this.#state === "failed") return false;
    if (this.#state !== "idle") return true;
    return await this.#hasSources().catch(() => false);
  }

  /** Waits for a build in progress (shutdown); starts none. */
  async settled(): Promise<void> {
    await this.#built;
  }

  get state(): GeneratedState {
    return this.#state;
  }

  get error(): string | null {
    return this.#error;
  }

  /** Builds the index (once); resolves when done, null without index files or on failure. */
  start(): Promise<Built | null> {
    this.#built ??= this.#build();
    return this.#built;
  }

  async #build(): Promise<Built | null> {
    this.#state = "building";
    const started = performance.now();
    try {
      const catalog = await this.#load();
      if (!catalog) {
        this.#state = "unavailable";
        return null;
      }
      const index = await buildHipsCatalogIndex(catalog.packed, {
        minOrder: MIN_ORDER,
        maxOrder: MAX_ORDER,
        perTile: PER_TILE,
      });
      this.#state = "ready";
      this.#log.info("HiPS catalogue of the Tycho-2 stars ready", {
        stars: index.starCount,
        hips_order: index.deepestOrder,
        ms: Math.round(performance.now() - started),
      });
      return {
        index,
        stars: catalog.packed,
        source: catalog.source,
        builtAt: new Date(this.#now()).toISOString().slice(0, 16) + "Z",
      };
    } catch (err) {
      this.#state = "failed";
      this.#error = err instanceof Error ? err.message : String(err);
      this.#log.error("the Tycho-2 HiPS catalogue could not be built", { error: this.#error });
      return null;
    }
  }

  /** The stars within `radiusDeg` of a position, or null without index files. */
  async cone(
    raDeg: number,
    decDeg: number,
    radiusDeg: number,
  ): Promise<{ raDeg: number; decDeg: number; magV: number }[] | null> {
    const built = await this.start();
    if (!built) return null;
    const found: { raDeg: number; decDeg: number; magV: number }[] = [];
    visitCone(built.stars, raDeg, decDeg, radiusDeg, (i) => found.push(starAt(built.stars, i)));
    return found;
  }

  /** The file at `path` (relative to the survey root), or null when there is none. */
  async file(path: string): Promise<{ bytes: Uint8Array; contentType: string } | null> {
    const built = await this.start();
    if (!built) return null;
    const text = (s: string, type: string) => ({
      bytes: new TextEncoder().encode(s),
      contentType: type,
    });
    if (path === "properties") return text(properties(built), CONTENT_TYPES.properties);
    if (path === "Metadata.xml" || path === "metadata.xml") {
      return text(METADATA, CONTENT_TYPES.xml);
    }
    const allsky = /^Norder(\d+)\/Allsky\.tsv$/.exec(path);
    if (allsky) {
      const order = Number(allsky[1]);
      if (order < MIN_ORDER || order > 2) return null;
      const rows: string[] = [];
      for (let n = 0; n < 12 * 4 ** order; n++) rows.push(tileRows(built, order, n));
      return text(HEADER + rows.join(""), CONTENT_TYPES.tsv);
    }
    const tile = /^Norder(\d+)\/Dir(\d+)\/Npix(\d+)\.tsv$/.exec(path);
    if (!tile) return null;
    const order = Number(tile[1]), npix = Number(tile[3]);
    if (order < MIN_ORDER || order > built.index.deepestOrder || Number(tile[2]) !== dirOf(npix)) {
      return null;
    }
    return text(HEADER + tileRows(built, order, npix), CONTENT_TYPES.tsv);
  }
}

function tileRows(built: Built, order: number, npix: number): string {
  let out = "";
  for (const i of built.index.tile(order, npix)) {
    const s = starAt(built.stars, i);
    out += `${s.raDeg.toFixed(6)}\t${s.decDeg.toFixed(6)}\t${s.magV.toFixed(3)}\n`;
  }
  return out;
}

function properties(built: Built): string {
  return formatProperties([
    ["creator_did", "ivo://openskylab/P/tycho2-astrometry-index"],
    ["obs_title", "Tycho-2 stars (this box's astrometry.net index files)"],
    ["obs_description", `Every star of ${built.source}, brightest first in each HEALPix cell`],
    ["obs_collection", "Tycho-2"],
    ["obs_regime", "Optical"],
    ["bib_reference", "2000A&A...355L..27H"],
    ["dataproduct_type", "catalog"],
    ["hips_version", "1.4"],
    ["hips_release_date", built.builtAt],
    ["hips_builder", "OpenSkyLab"],
    ["hips_status", "private master unclonable"],
    ["hips_frame", "equatorial"],
    ["hips_order", built.index.deepestOrder],
    ["hips_order_min", MIN_ORDER],
    ["hips_tile_format", "tsv"],
    ["hips_cat_nrows", built.index.starCount],
    ["hips_initial_ra", "83.8221"],
    ["hips_initial_dec", "-5.3911"],
    ["hips_initial_fov", "10"],
  ]);
}

const METADATA = `<?xml version="1.0" encoding="UTF-8"?>
<VOTABLE version="1.4" xmlns="http://www.ivoa.net/xml/VOTable/v1.3">
  <RESOURCE type="results">
    <DESCRIPTION>Tycho-2 stars from the astrometry.net index files installed on this box</DESCRIPTION>
    <TABLE name="tycho2">
      <FIELD name="RAJ2000" ucd="pos.eq.ra;meta.main" datatype="double" unit="deg" ref="J2000">
        <DESCRIPTION>Right ascension, J2000 (ICRS), degrees</DESCRIPTION>
      </FIELD>
      <FIELD name="DEJ2000" ucd="pos.eq.dec;meta.main" datatype="double" unit="deg" ref="J2000">
        <DESCRIPTION>Declination, J2000 (ICRS), degrees</DESCRIPTION>
      </FIELD>
      <FIELD name="Vmag" ucd="phot.mag;em.opt.V" datatype="float" unit="mag">
        <DESCRIPTION>Tycho VT magnitude as stored in the index files</DESCRIPTION>
      </FIELD>
      <DATA><TABLEDATA></TABLEDATA></DATA>
    </TABLE>
  </RESOURCE>
</VOTABLE>
`;
