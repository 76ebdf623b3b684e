// @ts-check
/**
 * Recent guiding figures for graphs (home's sparkline, the guiding screen's RA/Dec plot): the
 * `guiding.stats_update` events (1 Hz) collected while a screen that shows them is open, the
 * last 15 minutes kept across screens.
 */
import { signal } from "@preact/signals";
import { useEvent } from "./live.js";

/** @typedef {{ ts: number, ra: number | null, dec: number | null, total: number | null }} GuidePoint */

const MAX_POINTS = 900;
export const guideHistory = signal(/** @type {GuidePoint[]} */ ([]));

/** Collects guiding stats while mounted; returns the history. */
export function useGuideHistory() {
  useEvent(["guiding.stats_update"], (d, ts) => {
    const next = [...guideHistory.value, {
      ts,
      ra: d.rms_ra,
      dec: d.rms_dec,
      total: d.rms_total,
    }];
    guideHistory.value = next.length > MAX_POINTS ? next.slice(-MAX_POINTS) : next;
  });
  return guideHistory.value;
}
