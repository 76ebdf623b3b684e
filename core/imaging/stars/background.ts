/**
 * Sky background and noise on a mesh, the way SExtractor and photutils do it: the frame is cut
 * into cells of about `meshPx`, each cell's level and sigma come from iterative 3σ clipping (stars,
 * hot pixels and cosmic rays fall out), the rough level mesh is median-filtered 3×3 (a bright star or galaxy
 * that dominates one cell cannot punch a hole), and bilinear interpolation between cell centres
 * gives a smooth map — so a gradient from a street light or the vignetting of a reducer is
 * followed instead of mistaken for stars. A first pass on a 4-px lattice gives a rough map; the
 * second clips the samples of a 2-px lattice minus that map, so a gradient across a cell does
 * not inflate its sigma; ~1000 samples pin a cell's level to ~0.05 σ and its sigma to ~2.5 %.
 */
import type { MonoImage } from "../image.ts";
import { clippedStats, median } from "./_stats.ts";

export interface BackgroundMesh {
  /** Cells across and down. */
  cellsX: number;
  cellsY: number;
  /** Cell centres, px (length cellsX and cellsY). */
  centresXPx: Float64Array;
  centresYPx: Float64Array;
  /** Per cell, row-major: clipped level and sigma, ADU, after the 3×3 median filter. */
  levelAdu: Float32Array;
  noiseAdu: Float32Array;
  /** Medians over the cells: the frame's sky level and noise. */
  globalLevelAdu: number;
  globalNoiseAdu: number;
}

/** Estimates the background mesh of an image (mono, or a superpixel luminance). */
export function estimateBackground(image: MonoImage, meshPx = 64): BackgroundMesh {
  const { widthPx: w, heightPx: h } = image;
  if (!(meshPx >= 8)) throw new RangeError(`background meshPx must be ≥ 8, got ${meshPx}`);
  const cellsX = Math.max(1, Math.round(w / meshPx));
  const cellsY = Math.max(1, Math.round(h / meshPx));
  const edgesX = cellEdges(w, cellsX);
  const edgesY = cellEdges(h, cellsY);
  // Pass 1, on a coarse lattice: each cell's rough level (its sigma would include any gradient
  // across the cell, and pass 2 refines the level anyway).
  const first = new Float32Array(cellsX * cellsY);
  const valid = new Uint8Array(cellsX * cellsY);
  forEachCell(image, edgesX, edgesY, 4, null, (cell, sample) => {
    const clipped = clippedStats(sample);
    if (clipped) {
      first[cell] = clipped.level;
      valid[cell] = 1;
    }
  });
  fillInvalid(first, valid);
  const rough: BackgroundMesh = {
    cellsX,
    cellsY,
    centresXPx: centres(edgesX),
    centresYPx: centres(edgesY),
    levelAdu: medianFilter3(first, cellsX, cellsY),
    noiseAdu: new Float32Array(cellsX * cellsY),
    globalLevelAdu: 0,
    globalNoiseAdu: 0,
  };
  // Pass 2: the same samples minus the rough map. What is left is noise (gradients and
  // vignetting removed) plus a small correction where the sky curves within a cell.
  const level = new Float32Array(cellsX * cellsY);
  const noise = new Float32Array(cellsX * cellsY);
  valid.fill(0);
  forEachCell(image, edgesX, edgesY, 2, new BackgroundRows(rough, w), (cell, sample) => {
    const clipped = clippedStats(sample);
    if (clipped) {
      level[cell] = rough.levelAdu[cell]! + clipped.median;
      noise[cell] = clipped.sigma;
      valid[cell] = 1;
    }
  });
  fillInvalid(level, valid);
  fillInvalid(noise, valid);
  // The correction is already clipped against stars and the rough map was filtered against
  // large objects; filtering again would only add an edge bias where the sky curves.
  const levelAdu = level;
  const noiseAdu = medianFilter3(noise, cellsX, cellsY);
  return {
    cellsX,
    cellsY,
    centresXPx: rough.centresXPx,
    centresYPx: rough.centresYPx,
    levelAdu,
    noiseAdu,
    globalLevelAdu: median(Float32Array.from(levelAdu)),
    globalNoiseAdu: median(Float32Array.from(noiseAdu)),
  };
}

/**
 * Calls `fn` with each cell's sample (a lattice of `latticePx` when cells are large, NaN left out), minus
 * the interpolated map when `rows` is given. A band of cells is gathered row by row, so each map
 * row is interpolated once; the sample arrays are reused between bands.
 */
function forEachCell(
  image: MonoImage,
  edgesX: Int32Array,
  edgesY: Int32Array,
  latticePx: number,
  rows: BackgroundRows | null,
  fn: (cell: number, sample: Float32Array) => void,
): void {
  const { widthPx: w, heightPx: h, pixels } = image;
  const cellsX = edgesX.length - 1, cellsY = edgesY.length - 1;
  // Small cells are sampled whole: a lattice would leave too few samples to clip.
  const step = (w / cellsX) * (h / cellsY) >= 100 * latticePx * latticePx ? latticePx : 1;
  const capacity = (Math.ceil(w / cellsX) + 1) * (Math.ceil(h / cellsY) + 1);
  const band = new Float32Array(capacity * cellsX);
  const scratch = new Float32Array(capacity);
  const counts = new Int32Array(cellsX);
  for (let cy = 0; cy < cellsY; cy++) {
    counts.fill(0);
    for (let y = edgesY[cy]!; y < edgesY[cy + 1]!; y += step) {
      // Only the sampled pixels need the map: interpolated at them alone.
      if (rows) rows.prepare(y);
      const row = y * w;
      for (let cx = 0; cx < cellsX; cx++) {
        const base = cx * capacity;
        let n = counts[cx]!;
        for (let x = edgesX[cx]!; x < edgesX[cx + 1]!; x += step) {
          const v = rows ? pixels[row + x]! - rows.levelAt(x) : pixels[row + x]!;
          if (v === v) band[base + n++] = v;
        }
        counts[cx] = n;
      }
    }
    for (let cx = 0; cx < cellsX; cx++) {
      // A small array of its own: quickselect over a view into the large band ran 5× slower.
      const n = counts[cx]!;
      scratch.set(band.subarray(cx * capacity, cx * capacity + n));
      fn(cy * cellsX + cx, scratch.subarray(0, n));
    }
  }
}

/**
 * Fills `levelOut` and `noiseOut` (length widthPx) with the interpolated map along row `yPx`.
 * Bilinear between cell centres; constant beyond the outermost centres. With `noiseScale` the
 * second row is 1 / (noise × noiseScale) instead — interpolated directly, so a detection pass
 * multiplies instead of dividing every pixel.
 */
export class BackgroundRows {
  #mesh: BackgroundMesh;
  #segment: Int32Array;
  #weight: Float32Array;
  #colLevel: Float32Array;
  #colNoise: Float32Array;
  #segMinLevel: Float64Array;
  #segMaxNoise: Float64Array;

  constructor(mesh: BackgroundMesh, widthPx: number, noiseScale: number | null = null) {
    if (noiseScale !== null) {
      // A flat synthetic frame has zero noise; the floor keeps the inverse finite.
      const inverse = mesh.noiseAdu.map((n) => 1 / (Math.max(n, 1e-3) * noiseScale));
      mesh = { ...mesh, noiseAdu: inverse };
    }
    this.#mesh = mesh;
    this.#segment = new Int32Array(widthPx);
    this.#weight = new Float32Array(widthPx);
    this.#colLevel = new Float32Array(mesh.cellsX);
    this.#colNoise = new Float32Array(mesh.cellsX);
    this.#segMinLevel = new Float64Array(mesh.cellsX);
    this.#segMaxNoise = new Float64Array(mesh.cellsX);
    for (let x = 0; x < widthPx; x++) {
      const [i, t] = locate(mesh.centresXPx, x);
      this.#segment[x] = i;
      this.#weight[x] = t;
    }
  }

  fill(yPx: number, levelOut: Float32Array, noiseOut: Float32Array): void {
    this.prepare(yPx);
    const last = this.#mesh.cellsX - 1;
    const seg = this.#segment, wt = this.#weight, cl = this.#colLevel, cn = this.#colNoise;
    for (let x = 0; x < levelOut.length; x++) {
      const i = seg[x]!, t = wt[x]!, i1 = i < last ? i + 1 : i;
      levelOut[x] = cl[i]! + t * (cl[i1]! - cl[i]!);
      noiseOut[x] = cn[i]! + t * (cn[i1]! - cn[i]!);
    }
  }

  /**
   * Interpolates the mesh down to row `yPx` only, for `levelAt`/`noiseAt` (a pass that needs the
   * map at a few pixels of the row saves filling it all). Returns, per segment between cell
   * centres (`segments[x]` says which one holds pixel x), the lowest level and the highest second
   * value there: the map is linear along a segment, so they are at its ends — the row's ends for
   * the outer segments, which extend past the outermost centres.
   */
  prepare(yPx: number): { segments: Int32Array; minLevel: Float64Array; maxNoise: Float64Array } {
    const m = this.#mesh;
    const [j, u] = locate(m.centresYPx, yPx);
    const j1 = Math.min(j + 1, m.cellsY - 1);
    for (let i = 0; i < m.cellsX; i++) {
      const a = j * m.cellsX + i, b = j1 * m.cellsX + i;
      this.#colLevel[i] = m.levelAdu[a]! + u * (m.levelAdu[b]! - m.levelAdu[a]!);
      this.#colNoise[i] = m.noiseAdu[a]! + u * (m.noiseAdu[b]! - m.noiseAdu[a]!);
    }
    const cl = this.#colLevel, cn = this.#colNoise, last = m.cellsX - 1;
    for (let i = 0; i < m.cellsX; i++) {
      const i1 = i < last ? i + 1 : i;
      this.#segMinLevel[i] = Math.min(cl[i]!, cl[i1]!);
      this.#segMaxNoise[i] = Math.max(cn[i]!, cn[i1]!);
    }
    for (const x of [0, this.#segment.length - 1]) {
      const i = this.#segment[x]!;
      this.#segMinLevel[i] = Math.min(this.#segMinLevel[i]!, this.levelAt(x));
      this.#segMaxNoise[i] = Math.max(this.#segMaxNoise[i]!, this.noiseAt(x));
    }
    return { segments: this.#segment, minLevel: this.#segMinLevel, maxNoise: this.#segMaxNoise };
  }

  /** The prepared row's level at `x`, exactly as `fill` writes it. */
  levelAt(x: number): number {
    const i = this.#segment[x]!, t = this.#weight[x]!;
    const i1 = i < this.#mesh.cellsX - 1 ? i + 1 : i;
    const c = this.#colLevel;
    return Math.fround(c[i]! + t * (c[i1]! - c[i]!));
  }

  /** The prepared row's second value (noise, or its scaled inverse) at `x`, as `fill` writes it. */
  noiseAt(x: number): number {
    const i = this.#segment[x]!, t = this.#weight[x]!;
    const i1 = i < this.#mesh.cellsX - 1 ? i + 1 : i;
    const c = this.#colNoise;
    return Math.fround(c[i]! + t * (c[i1]! - c[i]!));
  }
}

/** The map at one point (for a star's local sky), same interpolation as BackgroundRows. */
export function backgroundAt(
  mesh: BackgroundMesh,
  xPx: number,
  yPx: number,
): { levelAdu: number; noiseAdu: number } {
  const [i, t] = locate(mesh.centresXPx, xPx);
  const [j, u] = locate(mesh.centresYPx, yPx);
  const i1 = Math.min(i + 1, mesh.cellsX - 1), j1 = Math.min(j + 1, mesh.cellsY - 1);
  const at = (grid: Float32Array) => {
    const top = grid[j * mesh.cellsX + i]! * (1 - t) + grid[j * mesh.cellsX + i1]! * t;
    const bottom = grid[j1 * mesh.cellsX + i]! * (1 - t) + grid[j1 * mesh.cellsX + i1]! * t;
    return top * (1 - u) + bottom * u;
  };
  return { levelAdu: at(mesh.levelAdu), noiseAdu: at(mesh.noiseAdu) };
}

/**
 * Segment index and fraction of `v` between consecutive centres. Beyond the outermost centres
 * (half a cell at each edge) the end segment is extended linearly: holding the value constant
 * there would flatten a gradient right where vignetting is steepest.
 */
function locate(centres: Float64Array, v: number): [number, number] {
  const n = centres.length;
  if (n === 1) return [0, 0];
  const span = (centres[n - 1]! - centres[0]!) / (n - 1);
  // Cells are equal to within a pixel, so the index is known up to one step.
  let i = Math.min(n - 2, Math.max(0, Math.floor((v - centres[0]!) / span)));
  while (i > 0 && centres[i]! > v) i--;
  while (i < n - 2 && centres[i + 1]! <= v) i++;
  return [i, (v - centres[i]!) / (centres[i + 1]! - centres[i]!)];
}

function cellEdges(size: number, cells: number): Int32Array {
  const edges = new Int32Array(cells + 1);
  for (let i = 0; i <= cells; i++) edges[i] = Math.round((i * size) / cells);
  return edges;
}

function centres(edges: Int32Array): Float64Array {
  const out = new Float64Array(edges.length - 1);
  for (let i = 0; i < out.length; i++) out[i] = (edges[i]! + edges[i + 1]! - 1) / 2;
  return out;
}

/** Cells nothing could be measured in take the median of the valid ones (the filter smooths). */
function fillInvalid(grid: Float32Array, valid: Uint8Array): void {
  const good: number[] = [];
  for (let i = 0; i < valid.length; i++) if (valid[i]) good.push(grid[i]!);
  if (good.length === 0) throw new RangeError("no background cell could be measured");
  const fallback = median(Float32Array.from(good));
  for (let i = 0; i < valid.length; i++) if (!valid[i]) grid[i] = fallback;
}

/**
 * 3×3 median of the mesh. Beyond the edges the mesh is extended by point reflection
 * (2·edge − inner), so a linear gradient survives the filter at the border too; plain
 * truncation would pull every edge cell towards the interior by a third of a cell's gradient.
 */
function medianFilter3(grid: Float32Array, nx: number, ny: number): Float32Array {
  const at = (x: number, y: number): number => {
    if (x < 0) return nx > 1 ? 2 * at(0, y) - at(1, y) : at(0, y);
    if (x >= nx) return nx > 1 ? 2 * at(nx - 1, y) - at(nx - 2, y) : at(nx - 1, y);
    if (y < 0) return ny > 1 ? 2 * at(x, 0) - at(x, 1) : at(x, 0);
    if (y >= ny) return ny > 1 ? 2 * at(x, ny - 1) - at(x, ny - 2) : at(x, ny - 1);
    return grid[y * nx + x]!;
  };
  const out = new Float32Array(grid.length);
  const window = new Float32Array(9);
  for (let y = 0; y < ny; y++) {
    for (let x = 0; x < nx; x++) {
      let n = 0;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) window[n++] = at(x + dx, y + dy);
      }
      out[y * nx + x] = median(window);
    }
  }
  return out;
}
