/**
 * The compact star index behind the sky catalog: 10 bytes a star in three parallel typed arrays
 * (RA as a Uint32 turn fraction, Dec as an Int32 in the same unit, V magnitude in millimag as an
 * Int16), sorted into 0.5°-tall Dec zones and by RA within each zone. A cone search then only
 * touches the zones its Dec span crosses and, in each, the RA run its width allows (split in two
 * across RA 0/360, the whole zone when the cone holds a pole), found by binary search, before the
 * exact great-circle test. Tycho-2 VT magnitudes are given to 0.001 mag, so millimag loses nothing.
 */

/** Packed position units per degree: a full turn of RA spans the whole Uint32 range. */
export const UNITS_PER_DEG = 2 ** 32 / 360;
export const ZONE_HEIGHT_DEG = 0.5;
export const ZONE_COUNT = Math.round(180 / ZONE_HEIGHT_DEG);
const TURN_UNITS = 2 ** 32;
const DEG_TO_RAD = Math.PI / 180;

export interface PackedStars {
  /** RA × UNITS_PER_DEG, in [0, 2^32). */
  raUnits: Uint32Array;
  /** Dec × UNITS_PER_DEG, in [−2^30, 2^30]. */
  decUnits: Int32Array;
  /** V magnitude × 1000. */
  magMilli: Int16Array;
  /** Zone z holds stars zoneStart[z] … zoneStart[z + 1] − 1; ZONE_COUNT + 1 entries. */
  zoneStart: Uint32Array;
}

/** Called with each star index inside a cone. */
export type StarVisitor = (index: number) => void;

export function packedBytes(stars: PackedStars): number {
  return stars.raUnits.byteLength + stars.decUnits.byteLength + stars.magMilli.byteLength +
    stars.zoneStart.byteLength;
}

function zoneOfDeg(decDeg: number): number {
  const zone = Math.floor((decDeg + 90) / ZONE_HEIGHT_DEG);
  return Math.max(0, Math.min(ZONE_COUNT - 1, zone));
}

/**
 * Quantises and sorts stars into the packed layout. Each star's zone is taken from its packed
 * Dec, so a search that reads packed values always looks in the zone that holds the star.
 */
export function packStars(
  raDeg: ArrayLike<number>,
  decDeg: ArrayLike<number>,
  magV: ArrayLike<number>,
): PackedStars {
  const count = raDeg.length;
  if (decDeg.length !== count || magV.length !== count) {
    throw new RangeError(
      `packStars: column lengths differ (${count}, ${decDeg.length}, ${magV.length})`,
    );
  }
  const ra = new Uint32Array(count);
  const dec = new Int32Array(count);
  const zone = new Uint16Array(count);
  const zoneStart = new Uint32Array(ZONE_COUNT + 1);
  for (let i = 0; i < count; i++) {
    const r = raDeg[i]!, d = decDeg[i]!, m = magV[i]!;
    if (!(d >= -90 && d <= 90) || !Number.isFinite(r) || !(Math.abs(m) < 32)) {
      throw new RangeError(`packStars: star ${i} has RA ${r}°, Dec ${d}°, mag ${m}`);
    }
    const turns = ((r % 360) + 360) % 360;
    // Rounding 359.99999999° up gives 2^32, which is RA 0 again.
    ra[i] = Math.round(turns * UNITS_PER_DEG) % TURN_UNITS;
    dec[i] = Math.round(d * UNITS_PER_DEG);
    zone[i] = zoneOfDeg(dec[i]! / UNITS_PER_DEG);
    zoneStart[zone[i]! + 1]!++;
  }
  for (let z = 0; z < ZONE_COUNT; z++) zoneStart[z + 1]! += zoneStart[z]!;

  // Bucket by zone, then sort each zone by RA. Key = RA units × 2^21 + rank within the zone is
  // exact in a double (2^53) while a zone holds fewer than 2^21 stars, so a native numeric sort
  // of one Float64Array orders the zone and carries each star's identity along.
  const order = new Uint32Array(count);
  const fill = zoneStart.slice(0, ZONE_COUNT);
  for (let i = 0; i < count; i++) order[fill[zone[i]!]!++] = i;
  const out: PackedStars = {
    raUnits: new Uint32Array(count),
    decUnits: new Int32Array(count),
    magMilli: new Int16Array(count),
    zoneStart,
  };
  const RANK = 2 ** 21;
  for (let z = 0; z < ZONE_COUNT; z++) {
    const start = zoneStart[z]!, end = zoneStart[z + 1]!;
    if (end - start >= RANK) {
      throw new RangeError(`packStars: zone ${z} holds ${end - start} stars`);
    }
    const keys = new Float64Array(end - start);
    for (let k = 0; k < keys.length; k++) keys[k] = ra[order[start + k]!]! * RANK + k;
    keys.sort();
    for (let k = 0; k < keys.length; k++) {
      const i = order[start + (keys[k]! % RANK)]!;
      out.raUnits[start + k] = ra[i]!;
      out.decUnits[start + k] = dec[i]!;
      out.magMilli[start + k] = Math.round(magV[i]! * 1000);
    }
  }
  return out;
}

/** First index in [lo, hi) whose RA is ≥ `units` (hi when none). */
function lowerBound(ra: Uint32Array, lo: number, hi: number, units: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ra[mid]! < units) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Visits every star within `radiusDeg` of (raDeg, decDeg). The distance is the haversine
 * form, which stays accurate for the arcsecond radii the de-duplication uses.
 */
export function visitCone(
  stars: PackedStars,
  raDeg: number,
  decDeg: number,
  radiusDeg: number,
  visit: StarVisitor,
): void {
  const { raUnits, decUnits, zoneStart } = stars;
  if (radiusDeg < 0) return;
  const r = Math.min(radiusDeg, 180);
  const decLo = decDeg - r, decHi = decDeg + r;
  const allRa = decHi >= 90 || decLo <= -90 ||
    Math.sin(r * DEG_TO_RAD) >= Math.cos(decDeg * DEG_TO_RAD);
  // The widest RA reach of a cone that holds no pole, at the Dec where its edge is tangent to a
  // meridian; a millionth of a degree of slack absorbs the rounding of asin.
  const halfWidthDeg = allRa
    ? 180
    : Math.asin(Math.sin(r * DEG_TO_RAD) / Math.cos(decDeg * DEG_TO_RAD)) / DEG_TO_RAD + 1e-6;
  const runs: number[] = [];
  if (halfWidthDeg >= 180) {
    runs.push(0, TURN_UNITS - 1);
  } else {
    const centre = ((raDeg % 360) + 360) % 360;
    const lo = Math.floor((centre - halfWidthDeg) * UNITS_PER_DEG);
    const hi = Math.ceil((centre + halfWidthDeg) * UNITS_PER_DEG);
    if (lo < 0) runs.push(lo + TURN_UNITS, TURN_UNITS - 1, 0, hi);
    else if (hi >= TURN_UNITS) runs.push(lo, TURN_UNITS - 1, 0, hi - TURN_UNITS);
    else runs.push(lo, hi);
  }

  const sinHalfR = Math.sin(r * DEG_TO_RAD / 2);
  const havR = sinHalfR * sinHalfR;
  const dec0 = decDeg * DEG_TO_RAD;
  const cosDec0 = Math.cos(dec0);
  const ra0 = raDeg * DEG_TO_RAD;
  const toRad = DEG_TO_RAD / UNITS_PER_DEG;
  const zoneHi = zoneOfDeg(Math.min(90, decHi));
  for (let z = zoneOfDeg(Math.max(-90, decLo)); z <= zoneHi; z++) {
    const start = zoneStart[z]!, end = zoneStart[z + 1]!;
    for (let k = 0; k < runs.length; k += 2) {
      const hiUnits = runs[k + 1]!;
      for (let i = lowerBound(raUnits, start, end, runs[k]!); i < end; i++) {
        if (raUnits[i]! > hiUnits) break;
        const dec = decUnits[i]! * toRad;
        const sinHalfDDec = Math.sin((dec - dec0) / 2);
        const sinHalfDRa = Math.sin((raUnits[i]! * toRad - ra0) / 2);
        const hav = sinHalfDDec * sinHalfDDec + cosDec0 * Math.cos(dec) * sinHalfDRa * sinHalfDRa;
        if (hav <= havR) visit(i);
      }
    }
  }
}

/** The star at `index` in degrees and magnitudes. */
export function starAt(
  stars: PackedStars,
  index: number,
): { raDeg: number; decDeg: number; magV: number } {
  return {
    raDeg: stars.raUnits[index]! / UNITS_PER_DEG,
    decDeg: stars.decUnits[index]! / UNITS_PER_DEG,
    magV: stars.magMilli[index]! / 1000,
  };
}
