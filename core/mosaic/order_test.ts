/**
 * The imaging order of mosaic panels, judged by an independent model: each panel's altitude is
 * stepped minute by minute with the USNO sidereal-time polynomial and the textbook altitude
 * formula (no code from lib/astro), which gives when it sinks below the limit. The order must
 * image the line that sets first first, never start a line that sets later before one that sets
 * sooner, and move only between neighbouring panels — at Greenwich in the evening, across RA 0 h,
 * for a rotated mosaic, near the pole where nothing sets, and without a site.
 */
import { assert, assertEquals } from "../../tests/_assert.ts";
import { type MosaicLayout, mosaicPanels } from "../../lib/astro/mosaic.ts";
import { imagingOrder, type OrderSite } from "./order.ts";

const D2R = Math.PI / 180;
const GREENWICH: OrderSite = { latitudeDeg: 51.4769, longitudeDeg: -0.0005 };

function lstDeg(ms: number, longitudeDeg: number): number {
  const days = ms / 86_400_000 + 2440587.5 - 2451545.0;
  return (((18.697374558 + 24.06570982441908 * days) * 15 + longitudeDeg) % 360 + 360) % 360;
}

function altitudeDeg(raH: number, decDeg: number, ms: number, site: OrderSite): number {
  const h = (lstDeg(ms, site.longitudeDeg) - raH * 15) * D2R;
  const d = decDeg * D2R, p = site.latitudeDeg * D2R;
  return Math.asin(Math.sin(p) * Math.sin(d) + Math.cos(p) * Math.cos(d) * Math.cos(h)) / D2R;
}

/** Minutes until the panel is below `limit` (searched a day ahead), Infinity if never. */
function minutesToSet(raH: number, decDeg: number, fromMs: number, site: OrderSite, limit = 30) {
  let wasUp = altitudeDeg(raH, decDeg, fromMs, site) >= limit;
  for (let m = 1; m <= 24 * 60; m++) {
    const up = altitudeDeg(raH, decDeg, fromMs + m * 60_000, site) >= limit;
    if (wasUp && !up) return m;
    wasUp = up;
  }
  return Infinity;
}

function check(layout: MosaicLayout, site: OrderSite | null, atMs: number) {
  const g = mosaicPanels(layout);
  const { order, rule } = imagingOrder(g.panels, {
    site,
    atMs,
    minAltitudeDeg: 30,
    rotationDeg: layout.rotationDeg,
    rows: layout.rows,
    cols: layout.cols,
  });
  assertEquals([...order].sort((a, b) => a - b), g.panels.map((p) => p.index));
  // Every slew is one step to a neighbour.
  for (let k = 1; k < order.length; k++) {
    const a = g.panels[order[k - 1]!]!, b = g.panels[order[k]!]!;
    assertEquals(Math.abs(a.row - b.row) + Math.abs(a.col - b.col), 1, `slew ${k}: ${rule}`);
  }
  return { g, order, rule };
}

Deno.test("mosaic order: in the evening the panels that set first are imaged first", () => {
  // 2026-10-15 02:00 UTC at Greenwich: M 31 (0.71 h, +41°) is past the meridian, setting.
  const atMs = Date.parse("2026-10-15T02:00:00Z");
  const layout: MosaicLayout = {
    raHours: 0.712,
    decDeg: 41.27,
    rows: 3,
    cols: 4,
    overlap: 0.15,
    rotationDeg: 10,
    field: { widthDeg: 2.1, heightDeg: 1.4 },
  };
  const { g, order } = check(layout, GREENWICH, atMs);
  const sets = g.panels.map((p) => minutesToSet(p.raHours, p.decDeg, atMs, GREENWICH));
  assert(sets.every((m) => Number.isFinite(m)), "every panel sets that night");
  // Lines are columns (rotation 10°): their soonest set times never go backwards.
  const lineOf = (i: number) => g.panels[i]!.col;
  const lineSets = new Map<number, number>();
  for (const i of order) {
    lineSets.set(lineOf(i), Math.min(lineSets.get(lineOf(i)) ?? Infinity, sets[i]!));
  }
  const seq = [...lineSets.values()];
  for (let k = 1; k < seq.length; k++) assert(seq[k]! >= seq[k - 1]! - 1, `lines ${seq}`);
  assertEquals(sets[order[0]!], Math.min(...sets), "the first panel is one that sets soonest");
});

Deno.test("mosaic order: across RA 0 h and for a mosaic turned 90°, the same rules hold", () => {
  const atMs = Date.parse("2026-11-20T23:00:00Z");
  const layout: MosaicLayout = {
    raHours: 23.98,
    decDeg: 15,
    rows: 4,
    cols: 3,
    overlap: 0.2,
    rotationDeg: 90,
    field: { widthDeg: 1.5, heightDeg: 1 },
  };
  const { g, order, rule } = check(layout, GREENWICH, atMs);
  assert(rule.startsWith("lines of rows"), rule);
  const sets = g.panels.map((p) => minutesToSet(p.raHours, p.decDeg, atMs, GREENWICH));
  assertEquals(sets[order[0]!], Math.min(...sets));
});

Deno.test("mosaic order: circumpolar and site-less mosaics go west to east, still serpentine", () => {
  const layout: MosaicLayout = {
    raHours: 6,
    decDeg: 88.5,
    rows: 3,
    cols: 3,
    overlap: 0.1,
    rotationDeg: 0,
    field: { widthDeg: 2, heightDeg: 1.5 },
  };
  const polar = check(layout, GREENWICH, Date.parse("2026-03-01T22:00:00Z"));
  // Nothing sets: the first line is the westernmost column (col 0 at rotation 0).
  assertEquals(polar.g.panels[polar.order[0]!]!.col, 0);
  const noSite = check({ ...layout, decDeg: 10, rotationDeg: 180 }, null, 0);
  // Turned 180°, column 0 is the easternmost: the walk starts at the last column.
  assertEquals(noSite.g.panels[noSite.order[0]!]!.col, 2);
});
