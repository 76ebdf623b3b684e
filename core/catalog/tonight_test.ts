/**
 * "What is up tonight" against analytic truth: the dark window's edges are where the Sun (itself
 * tested against Meeus 25.a) crosses −18°; an object at Dec = latitude culminates at the zenith at
 * the sidereal time equal to its RA; a circumpolar object is above the limit all night; an object
 * 60° south never rises at 51.5° N.
 */
import { assert, assertAlmostEquals, assertEquals } from "../../tests/_assert.ts";
import { sunAltitudeDeg } from "../../lib/astro/sun.ts";
import { lstHours } from "../../lib/astro/time.ts";
import { nightWindow, rankVisible, visibilities } from "./tonight.ts";
import type { CatalogEntry } from "./types.ts";

const GREENWICH = { latitudeDeg: 51.4769, longitudeDeg: -0.0005 };

function entry(id: string, raHours: number, decDeg: number): CatalogEntry {
  return {
    id,
    designation: id,
    catalogue: "ngc",
    type: "unknown",
    names: [],
    aliases: [],
    raHours,
    decDeg,
    magnitude: null,
    sizeArcmin: null,
  };
}

Deno.test("nightWindow: astronomical darkness edges are where the Sun crosses −18° (to 0.01°)", () => {
  const at = Date.UTC(2026, 9, 15, 12);
  const night = nightWindow(at, GREENWICH)!;
  assertEquals(night.darkness, "astronomical");
  assertAlmostEquals(sunAltitudeDeg(night.startMs, GREENWICH), -18, 0.01);
  assertAlmostEquals(sunAltitudeDeg(night.endMs, GREENWICH), -18, 0.01);
  assert(sunAltitudeDeg((night.startMs + night.endMs) / 2, GREENWICH) < -18);
  // Mid-October in London: dark from about 19:00 to 04:30 UT (9.6 h).
  assert(
    night.startMs > Date.UTC(2026, 9, 15, 18, 30) && night.startMs < Date.UTC(2026, 9, 15, 19, 30),
  );
  assertAlmostEquals((night.endMs - night.startMs) / 3_600_000, 9.6, 0.3);
  // Asked at 02:00, tonight is the night under way, not the next one.
  const during = nightWindow(Date.UTC(2026, 9, 16, 2), GREENWICH)!;
  assertAlmostEquals(during.startMs, night.startMs, 60_000);
});

Deno.test("nightWindow: a London June night is never astronomically dark; nautical is used", () => {
  const night = nightWindow(Date.UTC(2026, 5, 21, 20), GREENWICH)!;
  assertEquals(night.darkness, "nautical");
  assertAlmostEquals(sunAltitudeDeg(night.startMs, GREENWICH), -12, 0.01);
  // Polar day: the Sun never sets 6° below the horizon at 78° N in June.
  assertEquals(nightWindow(Date.UTC(2026, 5, 21), { latitudeDeg: 78, longitudeDeg: 15 }), null);
});

Deno.test("visibilities: zenith transit, circumpolar, never rising, ranking", () => {
  const night = nightWindow(Date.UTC(2026, 9, 15, 12), GREENWICH)!;
  const midMs = (night.startMs + night.endMs) / 2;
  const zenith = entry("zenith", lstHours(midMs, GREENWICH.longitudeDeg), GREENWICH.latitudeDeg);
  const polar = entry("polar", 2.5, 89);
  const south = entry("south", 1, -60);
  const [z, p, s] = visibilities([zenith, polar, south], night, GREENWICH, 30, midMs);
  // Precession moves the position ~0.35°, so the peak is within half a degree of 90°.
  assertAlmostEquals(z!.peakAltDeg, 90, 0.5);
  assertAlmostEquals(z!.transitAtMs, midMs, 3 * 60_000);
  assertAlmostEquals(z!.altNowDeg, z!.peakAltDeg, 1);
  const nightMin = (night.endMs - night.startMs) / 60_000;
  assertAlmostEquals(p!.minutesAbove, nightMin, 0.001);
  assertAlmostEquals(p!.transitAltDeg, 90 - (89 - GREENWICH.latitudeDeg), 0.5);
  assertEquals([s!.minutesAbove, s!.aboveFromMs, s!.aboveUntilMs], [0, null, null]);
  assert(s!.peakAltDeg < 0);
  // Both are above the limit all night: the higher peak wins; never above is dropped.
  assertEquals(
    rankVisible([p!, s!, z!]).map((v) => v.entry.id),
    ["zenith", "polar"],
  );
});
