/**
 * The order a mosaic's panels are imaged in: panels that will set first go first, and the mount
 * moves only between neighbouring panels. The grid is cut into lines across the east–west
 * direction (the columns when the mosaic's rows run east–west, else the rows); the lines are
 * imaged in the order their first panel sinks below the altitude limit, each line walked from
 * the end nearest the previous line's last panel (a serpentine), so every slew is one panel step.
 *
 * "Sinks below" uses the site of the active profile and the instant the plan is made for: the
 * hour angle at which a panel's declination crosses the altitude limit, from the closed form
 * cos H₀ = (sin h − sin φ sin δ) / (cos φ cos δ). Panels that never set come after those that
 * do; panels below the limit now, after those above it. Without a site the westernmost line (in
 * the mosaic's own tangent plane, so RA 0 h is no seam) goes first.
 */
import { hourAngleHours } from "../../lib/astro/coords.ts";
import type { MosaicPanel } from "../../lib/astro/mosaic.ts";
import { precessFromJ2000 } from "../../lib/astro/precession.ts";
import { lmstHours, SIDEREAL_PER_SOLAR } from "../../lib/astro/time.ts";

const RAD = Math.PI / 180;

export interface OrderSite {
  latitudeDeg: number;
  longitudeDeg: number;
}

export interface OrderOptions {
  /** The site; null orders west first. */
  site: OrderSite | null;
  /** The instant the imaging starts (Unix ms). */
  atMs: number;
  minAltitudeDeg: number;
  /** The mosaic's rotation (position angle of its up axis), degrees. */
  rotationDeg: number;
  rows: number;
  cols: number;
}

export interface PanelTiming {
  index: number;
  /** Hours until the panel sinks below the limit; Infinity when it never does. */
  setsInHours: number;
  /** Whether the panel is above the limit at the instant. */
  upNow: boolean;
}

/** When each panel sinks below `minAltitudeDeg`, seen from `site` at `atMs`. */
export function panelTimings(
  panels: readonly MosaicPanel[],
  site: OrderSite,
  atMs: number,
  minAltitudeDeg: number,
): PanelTiming[] {
  const lst = lmstHours(atMs, site.longitudeDeg);
  const phi = site.latitudeDeg * RAD;
  return panels.map((p) => {
    const now = precessFromJ2000({ raHours: p.raHours, decDeg: p.decDeg }, atMs);
    const delta = now.decDeg * RAD;
    const ha = hourAngleHours(now.raHours, lst);
    const cosH0 = (Math.sin(minAltitudeDeg * RAD) - Math.sin(phi) * Math.sin(delta)) /
      (Math.cos(phi) * Math.cos(delta));
    // Circumpolar above the limit: it never sets. Never above it: it never becomes imageable.
    if (!(cosH0 > -1)) return { index: p.index, setsInHours: Infinity, upNow: true };
    if (cosH0 >= 1) return { index: p.index, setsInHours: Infinity, upNow: false };
    const h0 = Math.acos(cosH0) / RAD / 15;
    const upNow = Math.abs(ha) <= h0;
    // Sidereal hours until the hour angle reaches +H₀ (after the next rising when down now).
    const sidereal = ((h0 - ha) % 24 + 24) % 24;
    return { index: p.index, setsInHours: sidereal / SIDEREAL_PER_SOLAR, upNow };
  });
}

/** The imaging order (panel indexes) and how it was chosen. */
export function imagingOrder(
  panels: readonly MosaicPanel[],
  o: OrderOptions,
): { order: number[]; rule: string; timings: PanelTiming[] | null } {
  // Rows run east–west when the up axis points roughly north or south.
  const rowsRunEastWest = Math.abs(Math.cos(o.rotationDeg * RAD)) >= Math.SQRT1_2;
  const lines: number[][] = [];
  if (rowsRunEastWest) {
    for (let col = 0; col < o.cols; col++) {
      lines.push(Array.from({ length: o.rows }, (_, row) => row * o.cols + col));
    }
  } else {
    for (let row = 0; row < o.rows; row++) {
      lines.push(Array.from({ length: o.cols }, (_, col) => row * o.cols + col));
    }
  }
  // East in the mosaic's tangent plane: the right axis points east at rotation 0, up at 90.
  const r = o.rotationDeg * RAD;
  const eastness = (p: MosaicPanel) => p.xDeg * Math.cos(r) + p.yDeg * Math.sin(r);
  const timings = o.site ? panelTimings(panels, o.site, o.atMs, o.minAltitudeDeg) : null;
  // The line's urgency: its soonest-setting panel; up-now lines before lines still to rise.
  const urgency = (line: number[]) => {
    if (!timings) return Math.min(...line.map((i) => eastness(panels[i]!)));
    const up = line.filter((i) => timings[i]!.upNow);
    const from = up.length > 0 ? up : line;
    return (up.length > 0 ? 0 : 1e6) + Math.min(...from.map((i) => timings[i]!.setsInHours));
  };
  const west = (line: number[]) => Math.min(...line.map((i) => eastness(panels[i]!)));
  const sorted = lines.map((line) => ({ line, key: urgency(line), west: west(line) }))
    .sort((a, b) => a.key - b.key || a.west - b.west);
  const order: number[] = [];
  for (const { line } of sorted) {
    let walk = line;
    if (order.length === 0) {
      // Start the first line at its soonest-setting (or westernmost) end.
      const first = line[0]!, last = line[line.length - 1]!;
      const score = (i: number) => timings ? timings[i]!.setsInHours : eastness(panels[i]!);
      if (score(last) < score(first)) walk = [...line].reverse();
    } else {
      const previous = panels[order[order.length - 1]!]!;
      const gap = (i: number) =>
        Math.hypot(panels[i]!.xDeg - previous.xDeg, panels[i]!.yDeg - previous.yDeg);
      if (gap(line[line.length - 1]!) < gap(line[0]!)) walk = [...line].reverse();
    }
    order.push(...walk);
  }
  const rule = timings
    ? `lines of ${rowsRunEastWest ? "columns" : "rows"} in the order they sink below ` +
      `${o.minAltitudeDeg}°, each walked from the end nearest the last panel`
    : `lines of ${rowsRunEastWest ? "columns" : "rows"} from west to east (no site), ` +
      "each walked from the end nearest the last panel";
  return { order, rule, timings };
}
