/**
 * Which file a solve may read: only a FITS file inside the data directory. The path is resolved
 * relative to the data directory, then through realpath, so `..`, absolute paths elsewhere and
 * symlinks pointing out are all refused with a 400 naming `body.image_path`. The header is read
 * here too: it proves the file is FITS and gives the frame's size and binning.
 */
import { isAbsolute, relative, resolve, sep } from "node:path";
import { badRequest } from "../../lib/errors.ts";
import { BLOCK_BYTES, fitsHdus } from "../../lib/fits/mod.ts";

export interface CheckedImage {
  path: string;
  widthPx: number;
  heightPx: number;
  binning: number;
}

const FIELD = "body.image_path";
/** Headers longer than this are not frames a camera wrote. */
const MAX_HEADER_BYTES = BLOCK_BYTES * 64;

function inside(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel) && !rel.startsWith(`..${sep}`));
}

/** Resolves `imagePath` (relative to `dataDir`, or absolute) or throws a 400. */
export async function checkImagePath(dataDir: string, imagePath: string): Promise<CheckedImage> {
  if (imagePath.includes("\0")) throw badRequest(FIELD, "contains a NUL character");
  const root = await Deno.realPath(dataDir);
  const candidate = resolve(root, imagePath);
  if (!inside(root, candidate)) throw badRequest(FIELD, "must be inside the data directory");
  let real: string;
  try {
    real = await Deno.realPath(candidate);
  } catch {
    throw badRequest(FIELD, `no such file: ${imagePath}`);
  }
  if (!inside(root, real)) {
    throw badRequest(FIELD, "resolves (through a symlink) outside the data directory");
  }
  const info = await Deno.stat(real);
  if (!info.isFile) throw badRequest(FIELD, "is not a regular file");
  const head = await readHead(real);
  if (new TextDecoder().decode(head.subarray(0, 9)) !== "SIMPLE  =") {
    throw badRequest(FIELD, "is not a FITS file");
  }
  try {
    const first = fitsHdus(head).next();
    if (first.done) throw new Error("no HDU");
    const h = first.value.header;
    const w = h.get("NAXIS1");
    const hgt = h.get("NAXIS2");
    if (typeof w !== "number" || typeof hgt !== "number" || w < 16 || hgt < 16) {
      throw new Error("no 2-D image in the primary HDU");
    }
    const bin = h.get("XBINNING");
    return { path: real, widthPx: w, heightPx: hgt, binning: typeof bin === "number" ? bin : 1 };
  } catch (err) {
    throw badRequest(FIELD, `is not a FITS image: ${(err as Error).message}`);
  }
}

/** The header blocks only: frames are tens of megabytes and the header is at the start. */
async function readHead(path: string): Promise<Uint8Array> {
  using file = await Deno.open(path, { read: true });
  const buf = new Uint8Array(MAX_HEADER_BYTES);
  let filled = 0;
  while (filled < buf.length) {
    const n = await file.read(buf.subarray(filled));
    if (n === null) break;
    filled += n;
  }
  return buf.subarray(0, filled);
}
