/**
 * HEALPix in the NESTED scheme, the only one HiPS uses (Górski et al. 2005, ApJ 622, 759): the
 * sphere cut into 12 base faces, each split into nside × nside cells with nside = 2^order. A cell
 * is addressed inside its face by (ix, iy) and numbered by interleaving their bits after the
 * face's offset, so the four children of cell n at order k are 4n … 4n + 3 at order k + 1.
 *
 * The face coordinates (x, y ∈ [0, 1] across a face) map to the sphere as in the reference
 * library's `xyf2loc`; cell centres are at ((ix + ½)/nside, (iy + ½)/nside) and corners at the
 * whole-cell offsets. Near the poles the code carries sin θ (cos Dec) alongside z so that cells
 * a few milliarcseconds across keep their accuracy. Orders run from 0 to 24: the largest cell
 * number, 12 × 4^24, is still an exact double (the reference library goes to 29 with 64-bit
 * integers; no HiPS needs more than ~13).
 */

export const MAX_ORDER = 24;

const HALF_PI = Math.PI / 2;
const TWO_THIRDS = 2 / 3;
const RAD = Math.PI / 180;
/** Per base face: the ring index of its southern corner (in units of nside) and its longitude. */
const JRLL = [2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4] as const;
const JPLL = [1, 3, 5, 7, 0, 2, 4, 6, 1, 3, 5, 7] as const;

export interface SkyPoint {
  raDeg: number;
  decDeg: number;
}

/** A cell inside its base face. */
export interface FaceCell {
  face: number;
  ix: number;
  iy: number;
}

export function assertOrder(order: number, name = "order"): void {
  if (!Number.isInteger(order) || order < 0 || order > MAX_ORDER) {
    throw new RangeError(`${name} must be an integer from 0 to ${MAX_ORDER}, got ${order}`);
  }
}

export function nsideOf(order: number): number {
  assertOrder(order);
  return 2 ** order;
}

/** Number of cells of the whole sphere at `order`: 12 × 4^order. */
export function npixOf(order: number): number {
  assertOrder(order);
  return 12 * 4 ** order;
}

export function assertPixel(order: number, pix: number, name = "pix"): void {
  const npix = npixOf(order);
  if (!Number.isInteger(pix) || pix < 0 || pix >= npix) {
    throw new RangeError(`${name} must be an integer from 0 to ${npix - 1} at order ${order}`);
  }
}

// Bit interleaving on doubles: 8 bits at a time through a table, so cell numbers beyond 2^32
// stay exact (JavaScript's bitwise operators work on 32 bits only).
const SPREAD8 = new Uint16Array(256);
for (let v = 0; v < 256; v++) {
  let out = 0;
  for (let b = 0; b < 8; b++) out |= ((v >> b) & 1) << (2 * b);
  SPREAD8[v] = out;
}

/** The bits of `v` (< 2^24) moved to the even positions: b0 b1 b2 … → b0 0 b1 0 b2 0 … */
function spreadBits(v: number): number {
  return SPREAD8[v & 0xff]! + SPREAD8[(v >>> 8) & 0xff]! * 65536 +
    SPREAD8[(v >>> 16) & 0xff]! * 4294967296;
}

/** The inverse of spreadBits on the even bits of `p` (< 2^48). */
function compactBits(p: number): number {
  let out = 0;
  let scale = 1;
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = Math.floor(p / 65536 ** chunk) % 65536;
    bits &= 0x5555;
    bits = (bits | (bits >>> 1)) & 0x3333;
    bits = (bits | (bits >>> 2)) & 0x0f0f;
    bits = (bits | (bits >>> 4)) & 0x00ff;
    out += bits * scale;
    scale *= 256;
  }
  return out;
}

export function cellToPix(order: number, cell: FaceCell): number {
  return cell.face * 4 ** order + spreadBits(cell.ix) + 2 * spreadBits(cell.iy);
}

export function pixToCell(order: number, pix: number): FaceCell {
  const faceSize = 4 ** order;
  const face = Math.floor(pix / faceSize);
  const inFace = pix - face * faceSize;
  return { face, ix: compactBits(inFace), iy: compactBits(Math.floor(inFace / 2)) };
}

/** z = sin Dec, φ = RA in radians, and sin θ = cos Dec when known precisely (near a pole). */
interface Loc {
  z: number;
  phi: number;
  sth: number | null;
}

/** A point of a face (x, y ∈ [0, 1]) on the sphere. */
function faceToLoc(x: number, y: number, face: number): Loc {
  const jr = JRLL[face]! - x - y;
  let nr: number;
  let z: number;
  let sth: number | null = null;
  if (jr < 1) {
    nr = jr;
    const tmp = nr * nr / 3;
    z = 1 - tmp;
    if (z > 0.99) sth = Math.sqrt(tmp * (2 - tmp));
  } else if (jr > 3) {
    nr = 4 - jr;
    const tmp = nr * nr / 3;
    z = tmp - 1;
    if (z < -0.99) sth = Math.sqrt(tmp * (2 - tmp));
  } else {
    nr = 1;
    z = (2 - jr) * 2 / 3;
  }
  let tmp = JPLL[face]! * nr + x - y;
  if (tmp < 0) tmp += 8;
  if (tmp >= 8) tmp -= 8;
  const phi = nr < 1e-15 ? 0 : (0.5 * HALF_PI * tmp) / nr;
  return { z, phi, sth };
}

function locToPoint({ z, phi, sth }: Loc): SkyPoint {
  const decRad = sth === null ? Math.asin(z) : Math.atan2(z, sth);
  const raDeg = phi / RAD;
  return { raDeg: raDeg >= 360 ? raDeg - 360 : raDeg, decDeg: decRad / RAD };
}

/** The cell holding the point (RA, Dec in degrees) at `order`. */
export function ang2pix(order: number, raDeg: number, decDeg: number): number {
  const nside = nsideOf(order);
  if (!Number.isFinite(raDeg)) throw new RangeError(`raDeg must be finite, got ${raDeg}`);
  if (!(decDeg >= -90 && decDeg <= 90)) {
    throw new RangeError(`decDeg must be within −90…90, got ${decDeg}`);
  }
  const decRad = decDeg * RAD;
  const z = Math.sin(decRad);
  const za = Math.abs(z);
  let tt = ((raDeg * RAD / HALF_PI) % 4 + 4) % 4;
  if (tt >= 4) tt = 0;
  if (za <= TWO_THIRDS) {
    const temp1 = nside * (0.5 + tt);
    const temp2 = nside * (z * 0.75);
    const jp = Math.floor(temp1 - temp2); // index of the ascending edge line
    const jm = Math.floor(temp1 + temp2); // index of the descending edge line
    const ifp = Math.floor(jp / nside);
    const ifm = Math.floor(jm / nside);
    const face = ifp === ifm ? (ifp | 4) : ifp < ifm ? ifp : ifm + 8;
    const ix = jm - ifm * nside;
    const iy = nside - (jp - ifp * nside) - 1;
    return cellToPix(order, { face, ix, iy });
  }
  const ntt = Math.min(3, Math.floor(tt));
  const tp = tt - ntt;
  // Near the pole 1 − |z| loses its digits; cos Dec keeps them.
  const tmp = za < 0.99
    ? nside * Math.sqrt(3 * (1 - za))
    : nside * Math.cos(decRad) / Math.sqrt((1 + za) / 3);
  const jp = Math.min(nside - 1, Math.floor(tp * tmp));
  const jm = Math.min(nside - 1, Math.floor((1 - tp) * tmp));
  return z > 0
    ? cellToPix(order, { face: ntt, ix: nside - jm - 1, iy: nside - jp - 1 })
    : cellToPix(order, { face: ntt + 8, ix: jp, iy: jm });
}

/** The centre of cell `pix` at `order`. */
export function pix2ang(order: number, pix: number): SkyPoint {
  assertPixel(order, pix);
  const nside = 2 ** order;
  const { face, ix, iy } = pixToCell(order, pix);
  return locToPoint(faceToLoc((ix + 0.5) / nside, (iy + 0.5) / nside, face));
}

/**
 * The four corners of cell `pix`, in the reference library's order: north, west, south, east
 * (the corners at (x+, y+), (x−, y+), (x−, y−), (x+, y−) of the cell in its face).
 */
export function corners(order: number, pix: number): [SkyPoint, SkyPoint, SkyPoint, SkyPoint] {
  assertPixel(order, pix);
  const nside = 2 ** order;
  const { face, ix, iy } = pixToCell(order, pix);
  const at = (x: number, y: number) => locToPoint(faceToLoc(x / nside, y / nside, face));
  return [at(ix + 1, iy + 1), at(ix, iy + 1), at(ix, iy), at(ix + 1, iy)];
}

/** Points along the cell's edges, `step` per edge, starting at the north corner going west. */
export function boundary(order: number, pix: number, step: number): SkyPoint[] {
  assertPixel(order, pix);
  if (!Number.isInteger(step) || step < 1) throw new RangeError(`step must be ≥ 1, got ${step}`);
  const nside = 2 ** order;
  const { face, ix, iy } = pixToCell(order, pix);
  const out: SkyPoint[] = [];
  const at = (x: number, y: number) => out.push(locToPoint(faceToLoc(x / nside, y / nside, face)));
  for (let i = 0; i < step; i++) at(ix + 1 - i / step, iy + 1);
  for (let i = 0; i < step; i++) at(ix, iy + 1 - i / step);
  for (let i = 0; i < step; i++) at(ix + i / step, iy);
  for (let i = 0; i < step; i++) at(ix + 1, iy + i / step);
  return out;
}

/** The parent of `pix` (at `order`) at the lower order `parentOrder`. */
export function parentPix(order: number, pix: number, parentOrder: number): number {
  if (parentOrder > order) throw new RangeError(`parent order ${parentOrder} > ${order}`);
  return Math.floor(pix / 4 ** (order - parentOrder));
}
