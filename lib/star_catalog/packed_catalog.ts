/**
 * The SkyCatalog its users see: packed stars plus a description. It validates
 * the cone arguments at the boundary (a NaN centre would otherwise silently return nothing) and
 * turns packed units back into degrees and magnitudes.
 */
import type { CatalogStar, SkyCatalog } from "./catalog.ts";
import { packedBytes, type PackedStars, starAt, visitCone } from "./packed.ts";

export class PackedSkyCatalog implements SkyCatalog {
  readonly source: string;
  readonly starCount: number;
  /** Bytes held by the packed arrays (the memory the catalog costs). */
  readonly packedBytes: number;
  readonly packed: PackedStars;
  readonly #stars: PackedStars;

  constructor(stars: PackedStars, source: string) {
    this.#stars = stars;
    this.packed = stars;
    this.source = source;
    this.starCount = stars.raUnits.length;
    this.packedBytes = packedBytes(stars);
  }

  cone(raDeg: number, decDeg: number, radiusDeg: number): CatalogStar[] {
    if (!Number.isFinite(raDeg)) throw new RangeError(`cone: raDeg must be finite, got ${raDeg}`);
    if (!(decDeg >= -90 && decDeg <= 90)) {
      throw new RangeError(`cone: decDeg must be within −90…90, got ${decDeg}`);
    }
    if (!(radiusDeg >= 0) || radiusDeg === Infinity) {
      throw new RangeError(`cone: radiusDeg must be finite and ≥ 0, got ${radiusDeg}`);
    }
    const found: CatalogStar[] = [];
    const stars = this.#stars;
    visitCone(stars, raDeg, decDeg, radiusDeg, (i) => found.push(starAt(stars, i)));
    return found;
  }
}

/** "1 457 976": thousands grouped with spaces, as the catalog description shows counts. */
export function groupThousands(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, " ");
}
