// @ts-check
/**
 * Recent guide steps for graphs (home's sparkline, the guiding screen's RA/Dec plot): the box
 * keeps them (GET /guiding/history), so a screen opened mid-night draws the last minutes at
 * once, then follows the `guiding.step` events (about 1 Hz). Read again on every resync, since
 * the socket does not replay steps missed while the phone slept.
 */
import { signal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { get } from "./api.js";
import { resync, useEvent } from "./live.js";

/** @typedef {import("zod").infer<typeof import("../../core/schemas/guider.ts").GuideStepDto>} GuideStep */
/** @typedef {{ ts: number, ra: number | null, dec: number | null }} GuidePoint arcsec, box's clock */

/** 15 minutes at 1 Hz. */
const HISTORY_S = 900;
export const guideHistory = signal(/** @type {GuidePoint[]} */ ([]));

/** @param {GuideStep} s @returns {GuidePoint} */
const point = (s) => ({ ts: s.ts, ra: s.ra_arcsec, dec: s.dec_arcsec });

/** @param {GuidePoint[]} points */
function keep(points) {
  const from = (points.at(-1)?.ts ?? 0) - HISTORY_S * 1000;
  return points.filter((p) => p.ts >= from);
}

/** Loads the box's history and follows the steps while mounted; returns the points. */
export function useGuideHistory() {
  const tick = resync.value;
  useEffect(() => {
    let live = true;
    get(`/guiding/history?seconds=${HISTORY_S}`).then((/** @type {{ steps: GuideStep[] }} */ h) => {
      if (!live) return;
      // Steps that came by event while this loaded are newer than the history's last.
      const last = h.steps.at(-1)?.ts ?? -Infinity;
      const newer = guideHistory.value.filter((p) => p.ts > last);
      guideHistory.value = keep([...h.steps.map(point), ...newer]);
    }).catch(() => {/* offline: keep what is shown */});
    return () => {
      live = false;
    };
  }, [tick]);
  useEvent(["guiding.step"], (/** @type {GuideStep} */ s) => {
    const points = guideHistory.value;
    if (s.ts <= (points.at(-1)?.ts ?? -Infinity)) return; // already in the history read
    guideHistory.value = keep([...points, point(s)]);
  });
  return guideHistory.value;
}
