/**
 * Removes the stars that several index files share. The Tycho-2 index series was cut from one
 * catalogue at different densities, so the bright stars of index-tycho2-19 reappear in 18, 17 …
 * 09, each time quantised through a different kd-tree scale (a few µas apart). Anything within
 * one arcsecond of a kept star is taken to be the same star: astrometry.net itself de-duplicated
 * each file at 1″ (CUTDEDUP), so no two distinct stars of one file are that close.
 */
import { type PackedStars, visitCone, ZONE_COUNT } from "./packed.ts";

export const DUPLICATE_RADIUS_DEG = 1 / 3600;

/**
 * Returns the stars with every duplicate removed, keeping the first of each group in the packed
 * order (which keeps the arrays sorted, so the result is a valid PackedStars).
 */
export function dropDuplicates(stars: PackedStars): { stars: PackedStars; removed: number } {
  const count = stars.raUnits.length;
  const removed = new Uint8Array(count);
  let removedCount = 0;
  const UNITS_TO_DEG = 360 / 2 ** 32;
  for (let i = 0; i < count; i++) {
    if (removed[i]) continue;
    visitCone(
      stars,
      stars.raUnits[i]! * UNITS_TO_DEG,
      stars.decUnits[i]! * UNITS_TO_DEG,
      DUPLICATE_RADIUS_DEG,
      (j) => {
        if (j !== i && !removed[j]) {
          removed[j] = 1;
          removedCount++;
        }
      },
    );
  }
  if (removedCount === 0) return { stars, removed: 0 };

  const kept = count - removedCount;
  const out: PackedStars = {
    raUnits: new Uint32Array(kept),
    decUnits: new Int32Array(kept),
    magMilli: new Int16Array(kept),
    zoneStart: new Uint32Array(ZONE_COUNT + 1),
  };
  let next = 0;
  for (let z = 0; z < ZONE_COUNT; z++) {
    out.zoneStart[z] = next;
    for (let i = stars.zoneStart[z]!; i < stars.zoneStart[z + 1]!; i++) {
      if (removed[i]) continue;
      out.raUnits[next] = stars.raUnits[i]!;
      out.decUnits[next] = stars.decUnits[i]!;
      out.magMilli[next] = stars.magMilli[i]!;
      next++;
    }
  }
  out.zoneStart[ZONE_COUNT] = next;
  return { stars: out, removed: removedCount };
}
