/**
 * Faint "filler" stars below the catalogue's limit, fixed on the sky. The astrometry.net Tycho-2
 * index keeps a few tens of stars per square degree, brighter than about V 12; a real frame shows
 * hundreds more, and live stacking, autofocus and HFR need them. The sky is cut into cells — 0.5°
 * declination zones, each split in RA into cells about 0.5° wide — and each cell's stars come
 * from a PRNG seeded by the cell's id, so a cell always holds the same stars whichever pointing,
 * camera or process asks: they stay put on the sky as the mount moves, as real stars do. Counts
 * rise ×2.51 per magnitude (dN/dm ∝ 10^(0.4 m), a uniform disc population) between V 12.0 and 16.0,
 * FILLER_STARS_PER_DEG2 in all; positions are uniform on the sphere within a cell.
 */
import { mulberry32 } from "./sky_sensor.ts";

export interface FillerStar {
  raDeg: number;
  decDeg: number;
  magV: number;
  /** −1 (blue) .. +1 (red). */
  tint: number;
}

export const FILLER_MAG_MIN = 12;
export const FILLER_MAG_MAX = 16;
/** Filler stars per square degree between FILLER_MAG_MIN and FILLER_MAG_MAX. */
export const FILLER_STARS_PER_DEG2 = 500;
const ZONE_DEG = 0.5;
const ZONES = Math.round(180 / ZONE_DEG);
const RAD = Math.PI / 180;
const SQ_DEG_PER_SR = (180 / Math.PI) ** 2;

/** How many RA cells zone `zone` (0 = the south pole's) is cut into: cells about 0.5° wide. */
function cellsInZone(zone: number): number {
  const centreDecDeg = -90 + (zone + 0.5) * ZONE_DEG;
  return Math.max(1, Math.round((360 / ZONE_DEG) * Math.cos(centreDecDeg * RAD)));
}

/** The stars of one cell, identical on every call. */
export function cellStars(zone: number, cell: number): FillerStar[] {
  const count = cellsInZone(zone);
  const widthDeg = 360 / count;
  const raLoDeg = cell * widthDeg;
  const sinLo = Math.sin((-90 + zone * ZONE_DEG) * RAD);
  const sinHi = Math.sin((-90 + (zone + 1) * ZONE_DEG) * RAD);
  const areaDeg2 = widthDeg * RAD * (sinHi - sinLo) * SQ_DEG_PER_SR;
  // The seed is the cell id hashed: nearby cells must not get correlated sequences.
  const random = mulberry32(Math.imul((zone << 11) + cell + 1, 0x9e3779b1) ^ 0x51f15e);
  const n = poisson(FILLER_STARS_PER_DEG2 * areaDeg2, random);
  const growth = 10 ** (0.4 * (FILLER_MAG_MAX - FILLER_MAG_MIN)) - 1;
  const stars: FillerStar[] = [];
  for (let i = 0; i < n; i++) {
    stars.push({
      raDeg: raLoDeg + random() * widthDeg,
      decDeg: Math.asin(sinLo + random() * (sinHi - sinLo)) / RAD,
      // Inverse of the CDF (10^(0.4 (m − min)) − 1) / growth.
      magV: FILLER_MAG_MIN + 2.5 * Math.log10(1 + random() * growth),
      tint: random() * 2 - 1,
    });
  }
  return stars;
}

/** Every filler star within `radiusDeg` of (raDeg, decDeg). */
export function fillerStarsInCone(raDeg: number, decDeg: number, radiusDeg: number): FillerStar[] {
  const out: FillerStar[] = [];
  const loZone = Math.max(0, Math.floor((decDeg - radiusDeg + 90) / ZONE_DEG));
  const hiZone = Math.min(ZONES - 1, Math.floor((decDeg + radiusDeg + 90) / ZONE_DEG));
  // A cone that does not reach a pole spans asin(sin r / cos δ) of RA either side of its centre.
  const reachesPole = Math.abs(decDeg) + radiusDeg >= 89.999;
  const raHalfDeg = reachesPole
    ? 180
    : Math.asin(Math.min(1, Math.sin(radiusDeg * RAD) / Math.cos(decDeg * RAD))) / RAD;
  const cosRadius = Math.cos(radiusDeg * RAD);
  const sinDec = Math.sin(decDeg * RAD);
  const cosDec = Math.cos(decDeg * RAD);
  for (let zone = loZone; zone <= hiZone; zone++) {
    const count = cellsInZone(zone);
    const widthDeg = 360 / count;
    const first = Math.floor((raDeg - raHalfDeg) / widthDeg);
    const last = Math.floor((raDeg + raHalfDeg) / widthDeg);
    const cells = last - first + 1 >= count
      ? Array.from({ length: count }, (_, i) => i)
      : Array.from({ length: last - first + 1 }, (_, i) => (((first + i) % count) + count) % count);
    for (const cell of cells) {
      for (const star of cellStars(zone, cell)) {
        const cosSep = sinDec * Math.sin(star.decDeg * RAD) +
          cosDec * Math.cos(star.decDeg * RAD) * Math.cos((star.raDeg - raDeg) * RAD);
        if (cosSep >= cosRadius) out.push(star);
      }
    }
  }
  return out;
}

/** A Poisson draw by inversion (fine for the means here, well under 700). */
function poisson(mean: number, random: () => number): number {
  let p = Math.exp(-mean);
  let cumulative = p;
  const u = random();
  let k = 0;
  while (u > cumulative && k < 10 * mean + 20) {
    k++;
    p *= mean / k;
    cumulative += p;
  }
  return k;
}
