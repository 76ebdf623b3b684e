/**
 * The cells of one order that a disc on the sky touches, found by descending the NESTED tree from
 * the 12 base cells and opening only the cells the disc can reach. A cell is kept when its centre
 * is within the disc's radius plus the cell's own reach (the farthest sampled point of its edge
 * from its centre, with a margin), so the answer never misses a touched cell and includes at most
 * a thin ring of cells just outside — what a tile prefetch wants (the reference library's
 * `query_disc` with `inclusive`, which is conservative the same way).
 */
import { assertOrder, boundary, pix2ang, type SkyPoint } from "./healpix.ts";

const RAD = Math.PI / 180;
/** Samples per cell edge and the margin on the farthest one: edges are smooth, 4 suffice. */
const EDGE_SAMPLES = 4;
const REACH_MARGIN = 1.02;

/** Great-circle distance in degrees (haversine: accurate for tiny and large angles alike). */
export function separationDeg(a: SkyPoint, b: SkyPoint): number {
  const dDec = (b.decDeg - a.decDeg) * RAD;
  const dRa = (b.raDeg - a.raDeg) * RAD;
  const h = Math.sin(dDec / 2) ** 2 +
    Math.cos(a.decDeg * RAD) * Math.cos(b.decDeg * RAD) * Math.sin(dRa / 2) ** 2;
  return 2 * Math.asin(Math.min(1, Math.sqrt(h))) / RAD;
}

/** How far from its centre cell `pix` reaches, in degrees (slightly over, never under). */
export function cellReachDeg(order: number, pix: number): number {
  const centre = pix2ang(order, pix);
  let reach = 0;
  for (const p of boundary(order, pix, EDGE_SAMPLES)) {
    reach = Math.max(reach, separationDeg(centre, p));
  }
  return reach * REACH_MARGIN;
}

/** Every cell at `order` the disc (centre, radius in degrees) touches, in ascending order. */
export function queryDisc(
  order: number,
  centre: SkyPoint,
  radiusDeg: number,
): number[] {
  assertOrder(order);
  if (!(radiusDeg >= 0 && radiusDeg <= 180)) {
    throw new RangeError(`radiusDeg must be within 0…180, got ${radiusDeg}`);
  }
  if (!(centre.decDeg >= -90 && centre.decDeg <= 90) || !Number.isFinite(centre.raDeg)) {
    throw new RangeError(`centre must be a sky position, got ${JSON.stringify(centre)}`);
  }
  const found: number[] = [];
  const visit = (k: number, pix: number): void => {
    const distance = separationDeg(centre, pix2ang(k, pix));
    if (distance > radiusDeg + cellReachDeg(k, pix)) return;
    if (k === order) {
      found.push(pix);
      return;
    }
    for (let child = 0; child < 4; child++) visit(k + 1, pix * 4 + child);
  };
  for (let pix = 0; pix < 12; pix++) visit(0, pix);
  return found;
}
