/**
 * The packed stars cut into a hierarchical (HiPS) catalogue: each HEALPix cell from `minOrder`
 * to `maxOrder` holds up to `perTile` stars, the brightest of its area not already in a coarser
 * cell, so a client zoomed out sees the brightest stars of the whole view and each step in adds
 * the next fainter ones (HiPS 1.0, "HiPS catalog tile": "if the number of sources in a tile at
 * order K overtakes a threshold, the other sources are stored in the 4 sub-tiles of order K+1").
 * The deepest order takes whatever is left.
 *
 * Built in linear passes — a counting sort by magnitude (millimag fits 16 bits), one HEALPix
 * cell per star at the deepest order (the coarser ones are its prefix), the assignment, and a
 * counting sort by tile — yielding to the event loop between chunks, so building the 1.5 M
 * Tycho-2 stars never stalls the box's API for long. It keeps the stars' indexes grouped by
 * tile (4 bytes a star) and where each tile starts (4 bytes a cell of every order).
 */
import { ang2pix, assertOrder } from "../healpix/healpix.ts";
import { type PackedStars, UNITS_PER_DEG } from "./packed.ts";

export interface HipsIndexOptions {
  minOrder?: number;
  maxOrder?: number;
  perTile?: number;
  /** Called between chunks of work (default: a macrotask, so timers and I/O run). */
  pause?: () => Promise<void>;
}

const CHUNK = 25_000;
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export class HipsCatalogIndex {
  readonly minOrder: number;
  readonly maxOrder: number;
  readonly perTile: number;
  readonly starCount: number;
  readonly #base: number[];
  readonly #tileStart: Uint32Array;
  readonly #stars: Uint32Array;

  constructor(
    o: { minOrder: number; maxOrder: number; perTile: number },
    base: number[],
    tileStart: Uint32Array,
    stars: Uint32Array,
  ) {
    this.minOrder = o.minOrder;
    this.maxOrder = o.maxOrder;
    this.perTile = o.perTile;
    this.starCount = stars.length;
    this.#base = base;
    this.#tileStart = tileStart;
    this.#stars = stars;
  }

  /** The packed-star indexes in cell `npix` of `order`, brightest first (empty outside). */
  tile(order: number, npix: number): Uint32Array {
    if (order < this.minOrder || order > this.maxOrder) return new Uint32Array(0);
    if (!Number.isInteger(npix) || npix < 0 || npix >= 12 * 4 ** order) {
      return new Uint32Array(0);
    }
    const id = this.#base[order - this.minOrder]! + npix;
    return this.#stars.subarray(this.#tileStart[id]!, this.#tileStart[id + 1]!);
  }

  /** How many stars the cells of `order` hold together. */
  countAt(order: number): number {
    if (order < this.minOrder || order > this.maxOrder) return 0;
    const first = this.#base[order - this.minOrder]!;
    return this.#tileStart[first + 12 * 4 ** order]! - this.#tileStart[first]!;
  }

  /** The deepest order holding any star (the catalogue's `hips_order`). */
  get deepestOrder(): number {
    for (let k = this.maxOrder; k > this.minOrder; k--) if (this.countAt(k) > 0) return k;
    return this.minOrder;
  }

  /** Bytes the index keeps. */
  get bytes(): number {
    return this.#tileStart.byteLength + this.#stars.byteLength;
  }
}

export async function buildHipsCatalogIndex(
  stars: PackedStars,
  options: HipsIndexOptions = {},
): Promise<HipsCatalogIndex> {
  const minOrder = options.minOrder ?? 1;
  const maxOrder = options.maxOrder ?? 7;
  const perTile = options.perTile ?? 100;
  const pause = options.pause ?? nextTask;
  assertOrder(minOrder, "minOrder");
  assertOrder(maxOrder, "maxOrder");
  if (minOrder > maxOrder || maxOrder > 13) {
    throw new RangeError(
      `orders must satisfy minOrder ≤ maxOrder ≤ 13, got ${minOrder}…${maxOrder}`,
    );
  }
  if (!Number.isInteger(perTile) || perTile < 1 || perTile > 65535) {
    throw new RangeError(`perTile must be a whole number from 1 to 65535, got ${perTile}`);
  }
  const count = stars.raUnits.length;

  // Brightest first: counting sort on the millimag (Int16) values.
  const histogram = new Uint32Array(65537);
  for (let i = 0; i < count; i++) histogram[stars.magMilli[i]! + 32768 + 1]!++;
  for (let m = 1; m < histogram.length; m++) histogram[m]! += histogram[m - 1]!;
  await pause();
  const byMag = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    byMag[histogram[stars.magMilli[i]! + 32768]!++] = i;
    if (i % CHUNK === CHUNK - 1) await pause();
  }

  // Each star's cell at the deepest order; a coarser cell is its prefix (÷ 4 per order).
  const deepest = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    deepest[i] = ang2pix(
      maxOrder,
      stars.raUnits[i]! / UNITS_PER_DEG,
      stars.decUnits[i]! / UNITS_PER_DEG,
    );
    if (i % CHUNK === CHUNK - 1) await pause();
  }

  const base: number[] = [];
  let ids = 0;
  for (let k = minOrder; k <= maxOrder; k++) {
    base.push(ids);
    ids += 12 * 4 ** k;
  }
  const filled = Array.from(
    { length: maxOrder - minOrder },
    (_, j) => new Uint16Array(12 * 4 ** (minOrder + j)),
  );
  const tileOf = new Uint32Array(count);
  for (let n = 0; n < count; n++) {
    const i = byMag[n]!;
    let k = minOrder;
    for (; k < maxOrder; k++) {
      const cell = Math.floor(deepest[i]! / 4 ** (maxOrder - k));
      const used = filled[k - minOrder]!;
      if (used[cell]! < perTile) {
        used[cell]!++;
        break;
      }
    }
    tileOf[i] = base[k - minOrder]! + Math.floor(deepest[i]! / 4 ** (maxOrder - k));
    if (n % CHUNK === CHUNK - 1) await pause();
  }

  // Group by tile, keeping the magnitude order within each.
  const tileStart = new Uint32Array(ids + 1);
  for (let i = 0; i < count; i++) tileStart[tileOf[i]! + 1]!++;
  for (let t = 0; t < ids; t++) tileStart[t + 1]! += tileStart[t]!;
  await pause();
  const cursor = tileStart.slice(0, ids);
  const grouped = new Uint32Array(count);
  for (let n = 0; n < count; n++) {
    const i = byMag[n]!;
    grouped[cursor[tileOf[i]!]!++] = i;
    if (n % CHUNK === CHUNK - 1) await pause();
  }
  return new HipsCatalogIndex({ minOrder, maxOrder, perTile }, base, tileStart, grouped);
}
