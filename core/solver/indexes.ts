/**
 * What the solvers can use on this box: ASTAP star databases (files `<abbrev>_NNNN.ext` under
 * /usr/share/astap/data, grouped by abbreviation) and astrometry.net index files, each with the
 * quad sizes it holds — from the file's own header (SCALE_L/SCALE_U, radians) or, failing that,
 * the published 4100-series table. astrometry.net works when the quads are 10–100 % of the field,
 * so an index "covers" the field when its quad range overlaps [0.1, 1] × the field's width.
 */
import { join } from "node:path";
import { fitsHdus } from "../../lib/fits/mod.ts";
import { ASTAP_DATABASE_DIR } from "./astap.ts";

export const ASTROMETRY_INDEX_DIR = "/usr/share/astrometry";

/** Quad sizes in arcmin of the Tycho-2 4100 series (astrometry.net documentation). */
export const TYCHO2_QUAD_ARCMIN: Readonly<Record<number, [number, number]>> = {
  4107: [22, 30],
  4108: [30, 42],
  4109: [42, 60],
  4110: [60, 85],
  4111: [85, 120],
  4112: [120, 170],
  4113: [170, 240],
  4114: [240, 340],
  4115: [340, 480],
  4116: [480, 680],
  4117: [680, 1000],
  4118: [1000, 1400],
  4119: [1400, 2000],
};

export interface IndexFileInfo {
  file: string;
  indexId: number | null;
  sizeBytes: number;
  quadMinArcmin: number | null;
  quadMaxArcmin: number | null;
  /** Null when the field of view is unknown (no active profile with optics and camera). */
  coversField: boolean | null;
}

export interface AstapDatabaseInfo {
  name: string;
  files: number;
  sizeBytes: number;
}

const ARCMIN_PER_RAD = 180 / Math.PI * 60;

/** The 10–100 % rule for a field `fieldArcmin` wide. */
export function coversField(quad: [number, number], fieldArcmin: number): boolean {
  return quad[1] >= 0.1 * fieldArcmin && quad[0] <= fieldArcmin;
}

export async function listIndexFiles(
  dir = ASTROMETRY_INDEX_DIR,
  fieldArcmin: number | null = null,
): Promise<IndexFileInfo[]> {
  const out: IndexFileInfo[] = [];
  for (const entry of await entries(dir)) {
    if (!entry.isFile || !/^index-.*\.fits$/.test(entry.name)) continue;
    const path = join(dir, entry.name);
    const { size } = await Deno.stat(path);
    const h = await headerOf(path);
    const id = typeof h?.get("INDEXID") === "number" ? h.get("INDEXID") as number : null;
    const lo = h?.get("SCALE_L");
    const hi = h?.get("SCALE_U");
    const quad: [number, number] | null = typeof lo === "number" && typeof hi === "number"
      ? [lo * ARCMIN_PER_RAD, hi * ARCMIN_PER_RAD]
      : (id !== null ? TYCHO2_QUAD_ARCMIN[id] ?? null : null);
    out.push({
      file: path,
      indexId: id,
      sizeBytes: size,
      quadMinArcmin: quad?.[0] ?? null,
      quadMaxArcmin: quad?.[1] ?? null,
      coversField: quad && fieldArcmin !== null ? coversField(quad, fieldArcmin) : null,
    });
  }
  return out.sort((a, b) => a.file.localeCompare(b.file));
}

export async function listAstapDatabases(dir = ASTAP_DATABASE_DIR): Promise<AstapDatabaseInfo[]> {
  const byName = new Map<string, AstapDatabaseInfo>();
  for (const entry of await entries(dir)) {
    const m = /^([a-z]\d{2})_\d{4}\.\d+$/i.exec(entry.name);
    if (!entry.isFile || !m?.[1]) continue;
    const name = m[1].toUpperCase();
    const info = byName.get(name) ?? { name, files: 0, sizeBytes: 0 };
    info.files++;
    info.sizeBytes += (await Deno.stat(join(dir, entry.name))).size;
    byName.set(name, info);
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

async function entries(dir: string): Promise<Deno.DirEntry[]> {
  try {
    return await Array.fromAsync(Deno.readDir(dir));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
}

/** The primary header only (index files are tens of megabytes). */
async function headerOf(path: string) {
  using file = await Deno.open(path);
  const buf = new Uint8Array(2880 * 40);
  let n = 0;
  while (n < buf.length) {
    const r = await file.read(buf.subarray(n));
    if (r === null) break;
    n += r;
  }
  try {
    const first = fitsHdus(buf.subarray(0, n)).next();
    return first.done ? null : first.value.header;
  } catch {
    return null;
  }
}
