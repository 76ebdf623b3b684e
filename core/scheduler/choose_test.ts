/**
 * chooseTarget over a simulated night at Greenwich, 2026-01-27/28 (Moon 67 % lit near the
 * Pleiades, up until ~04:00 UTC). The expected answers come from an independent model written
 * here — the Astronomical Almanac's low-precision Sun, the USNO sidereal-time polynomial, the
 * rigorous-enough annual precession in RA/Dec — sampled by brute force, not from the code under
 * test. That model agrees with lib/astro to about 0.02°, so samples within 0.3° of a limit are
 * not judged, and instants (dusk, moonset) are compared to within 3 minutes.
 */
import { assert, assertEquals, assertMatch } from "../../tests/_assert.ts";
import { moonEquatorial } from "../../lib/astro/sun.ts";
import { SchedulerPlan, type SchedulerPlanInput } from "../schemas/scheduler.ts";
import { chooseTarget } from "./choose.ts";

const SITE = { latitudeDeg: 51.4769, longitudeDeg: -0.0005 };
const D2R = Math.PI / 180;
const MIN = 60_000;
const at = (iso: string) => Date.parse(iso);

// ---- the independent model ----
function daysSinceJ2000(ms: number): number {
  return ms / 86_400_000 + 2440587.5 - 2451545.0;
}
function lstDeg(ms: number): number {
  const gmstH = 18.697374558 + 24.06570982441908 * daysSinceJ2000(ms);
  return (((gmstH * 15 + SITE.longitudeDeg) % 360) + 360) % 360;
}
/** Annual precession: Δα = m + n sin α tan δ, Δδ = n cos α (m = 3.075 s, n = 20.04″ per year). */
function ofDate(raH: number, decDeg: number, ms: number) {
  const years = daysSinceJ2000(ms) / 365.25;
  const a = raH * 15 * D2R;
  const raS = (3.075 + 1.336 * Math.sin(a) * Math.tan(decDeg * D2R)) * years;
  return { raDeg: raH * 15 + raS / 240, decDeg: decDeg + 20.04 * Math.cos(a) * years / 3600 };
}
function horizontal(raDeg: number, decDeg: number, ms: number) {
  const h = (lstDeg(ms) - raDeg) * D2R;
  const d = decDeg * D2R;
  const p = SITE.latitudeDeg * D2R;
  const alt = Math.asin(Math.sin(p) * Math.sin(d) + Math.cos(p) * Math.cos(d) * Math.cos(h));
  const az = Math.atan2(
    -Math.cos(d) * Math.sin(h),
    Math.sin(d) * Math.cos(p) - Math.cos(d) * Math.sin(p) * Math.cos(h),
  );
  return { altDeg: alt / D2R, azDeg: ((az / D2R) % 360 + 360) % 360 };
}
function targetAlt(t: { ra: number; dec: number }, ms: number) {
  const p = ofDate(t.ra, t.dec, ms);
  return horizontal(p.raDeg, p.decDeg, ms);
}
function sunAlt(ms: number): number {
  const n = daysSinceJ2000(ms);
  const g = (357.528 + 0.9856003 * n) * D2R;
  const lambda = (280.46 + 0.9856474 * n + 1.915 * Math.sin(g) + 0.02 * Math.sin(2 * g)) * D2R;
  const eps = (23.439 - 0.0000004 * n) * D2R;
  const ra = Math.atan2(Math.cos(eps) * Math.sin(lambda), Math.cos(lambda)) / D2R;
  const dec = Math.asin(Math.sin(eps) * Math.sin(lambda)) / D2R;
  return horizontal(ra, dec, ms).altDeg;
}
/** First instant (1-min steps) from `fromMs` at which `ok` holds. */
function firstMinute(fromMs: number, ok: (ms: number) => boolean): number {
  for (let t = fromMs; t < fromMs + 86_400_000; t += MIN) if (ok(t)) return t;
  throw new Error("never");
}

// ---- the plan ----
const M31 = { name: "M 31", ra: 0.7123, dec: 41.269 };
const M81 = { name: "M 81", ra: 9.9259, dec: 69.0653 };
const M45 = { name: "M 45", ra: 3.7833, dec: 24.1167 };
const LIGHTS = [{ filter: "L", exposure_s: 300, count: 20 }];

function plan(targets: SchedulerPlanInput["targets"], constraints = {}): SchedulerPlan {
  return SchedulerPlan.parse({ name: "night", targets, constraints });
}

Deno.test("chooseTarget: the higher priority wins while up; when it sets the next is chosen", () => {
  const p = plan([
    { ...M81, priority: 3, groups: LIGHTS },
    { ...M31, priority: 1, groups: LIGHTS },
  ]);
  const chosen: string[] = [];
  let judged = 0;
  for (let t = at("2026-01-27T19:00:00Z"); t <= at("2026-01-28T01:00:00Z"); t += 5 * MIN) {
    const choice = chooseTarget(p, [], SITE, t);
    assert(choice.target, `a target at ${new Date(t).toISOString()}`);
    chosen.push(choice.target.name);
    // Brute force: M 31 holds for the next 10 minutes (2-minute samples) with a clear margin?
    const margins = [0, 2, 4, 6, 8, 10].map((m) => targetAlt(M31, t + m * MIN).altDeg - 30);
    if (margins.every((m) => Math.abs(m) > 0.3)) {
      judged++;
      const expected = margins.every((m) => m > 0) ? "M 31" : "M 81";
      assertEquals(choice.target.name, expected, new Date(t).toISOString());
      const m81 = choice.rejected.find((r) => r.name === "M 81");
      if (expected === "M 31") assertMatch(m81!.reason, /higher priority/);
      else assertMatch(choice.rejected.find((r) => r.name === "M 31")!.reason, /30° altitude/);
    }
  }
  assert(judged > 60, `judged ${judged} of ${chosen.length}`);
  const switchAt = chosen.indexOf("M 81");
  assert(switchAt > 0 && chosen.slice(0, switchAt).every((n) => n === "M 31"), chosen.join());
  assert(chosen.slice(switchAt).every((n) => n === "M 81"), "M 31 does not come back");
});

Deno.test("chooseTarget: equal priority → the one that sets soonest first", () => {
  // At 19:00 both are up; M 31 sets (below 30°) around 22:20, M 81 never does.
  const p = plan([{ ...M81, groups: LIGHTS }, { ...M31, groups: LIGHTS }]);
  const choice = chooseTarget(p, [], SITE, at("2026-01-27T19:00:00Z"));
  assertEquals(choice.target?.name, "M 31");
  const setMs = firstMinute(at("2026-01-27T19:00:00Z"), (t) => targetAlt(M31, t).altDeg < 30);
  assert(Math.abs(choice.target!.usableUntilMs - setMs) <= 3 * MIN, "set time within 3 min");
  assertMatch(choice.rejected[0]!.reason, /sets sooner/);
});

Deno.test("chooseTarget: a target behind the horizon profile is skipped, with the reason", () => {
  const t = at("2026-01-27T20:00:00Z");
  const m81 = targetAlt(M81, t);
  assert(m81.altDeg > 35 && m81.altDeg < 65, `M 81 at ${m81.altDeg}°`);
  // A 70° wall spanning ±20° of azimuth around M 81, open sky elsewhere.
  const horizon = [
    { az_deg: (m81.azDeg + 340) % 360, alt_deg: 0 },
    { az_deg: (m81.azDeg + 345) % 360, alt_deg: 70 },
    { az_deg: (m81.azDeg + 15) % 360, alt_deg: 70 },
    { az_deg: (m81.azDeg + 20) % 360, alt_deg: 0 },
  ];
  const targets = [
    { ...M81, priority: 1, groups: LIGHTS, constraints: { horizon } },
    { ...M31, priority: 5, groups: LIGHTS },
  ];
  const choice = chooseTarget(plan(targets), [], SITE, t);
  assertEquals(choice.target?.name, "M 31");
  assertMatch(
    choice.rejected.find((r) => r.name === "M 81")!.reason,
    /below the horizon profile \(70\.0°/,
  );
  // Control: without the wall M 81 wins on priority.
  const open = chooseTarget(plan([{ ...targets[0]!, constraints: {} }, targets[1]!]), [], SITE, t);
  assertEquals(open.target?.name, "M 81");
});

Deno.test("chooseTarget: the Moon's separation and illumination exclude targets while it is up", () => {
  const t = at("2026-01-27T20:00:00Z");
  const moon = moonEquatorial(t);
  const sep = Math.acos(
    Math.sin(moon.decDeg * D2R) * Math.sin(M45.dec * D2R) +
      Math.cos(moon.decDeg * D2R) * Math.cos(M45.dec * D2R) *
        Math.cos((moon.raHours - M45.ra) * 15 * D2R),
  ) / D2R;
  assert(sep < 10, `the Moon is ${sep}° from M 45`);
  const near = {
    ...M45,
    priority: 1,
    groups: LIGHTS,
    constraints: { min_moon_separation_deg: 30 },
  };
  const choice = chooseTarget(plan([near, { ...M31, priority: 2, groups: LIGHTS }]), [], SITE, t);
  assertEquals(choice.target?.name, "M 31");
  assertMatch(choice.rejected[0]!.reason, /° from the Moon \(needs at least 30°\)/);
  const free = chooseTarget(plan([{ ...near, constraints: {} }]), [], SITE, t);
  assertEquals(free.target?.name, "M 45", "control: without the constraint it is chosen");

  // At most 50 % lit: nothing until the Moon sets (brute force on its altitude).
  const dim = plan([{ ...M81, groups: LIGHTS }], { max_moon_illumination: 0.5 });
  const none = chooseTarget(dim, [], SITE, t);
  assertEquals(none.target, null);
  assertMatch(none.rejected[0]!.reason, /the Moon is up and 6\d% lit/);
  const moonsetMs = firstMinute(t, (ms) => {
    const m = moonEquatorial(ms);
    return horizontal(m.raHours * 15, m.decDeg, ms).altDeg <= 0;
  });
  assert(none.target === null && none.next_possible_ms !== null);
  assert(
    Math.abs(none.next_possible_ms - moonsetMs) <= 3 * MIN,
    `${new Date(none.next_possible_ms).toISOString()} vs moonset ${
      new Date(moonsetMs).toISOString()
    }`,
  );
});

Deno.test("chooseTarget: nothing before astronomical dusk; the answer says when", () => {
  const t = at("2026-01-27T16:30:00Z");
  const p = plan([{ ...M31, groups: LIGHTS }, { ...M81, groups: LIGHTS }]);
  const choice = chooseTarget(p, [], SITE, t);
  assertEquals(choice.target, null);
  for (const r of choice.rejected) assertMatch(r.reason, /not astronomical dark: the Sun is at/);
  const duskMs = firstMinute(t, (ms) => sunAlt(ms) < -18);
  assert(choice.target === null && choice.next_possible_ms !== null);
  assert(Math.abs(choice.next_possible_ms - duskMs) <= 3 * MIN, "dusk within 3 minutes");
  // Nautical darkness comes ~40 minutes earlier; "none" allows imaging now (M 81 is up).
  const nautical = chooseTarget(plan(p.targets, { require_darkness: "nautical" }), [], SITE, t);
  const nauticalMs = firstMinute(t, (ms) => sunAlt(ms) < -12);
  assert(nautical.target === null && nautical.next_possible_ms !== null);
  assert(Math.abs(nautical.next_possible_ms - nauticalMs) <= 3 * MIN);
  assert(nauticalMs < duskMs - 30 * MIN);
  const any = chooseTarget(plan(p.targets, { require_darkness: "none" }), [], SITE, t);
  assertEquals(any.target?.name, "M 31", "equal priority: M 31 sets first");
});

Deno.test("chooseTarget: a finished target is never chosen; all finished → nothing, ever", () => {
  const p = plan([
    { ...M31, priority: 1, groups: LIGHTS },
    { ...M81, priority: 5, groups: [{ filter: "R", exposure_s: 60, count: 3 }, ...LIGHTS] },
  ]);
  for (let t = at("2026-01-27T19:00:00Z"); t <= at("2026-01-28T05:00:00Z"); t += 20 * MIN) {
    const choice = chooseTarget(p, [[20], [1, 0]], SITE, t);
    assertEquals(choice.target?.name, "M 81");
    assertMatch(choice.rejected[0]!.reason, /all its 20 frames are taken/);
  }
  const done = chooseTarget(p, [[20], [3, 20]], SITE, at("2026-01-27T20:00:00Z"));
  assert(done.target === null);
  assertEquals(done.next_possible_ms, null);
  assertEquals(done.rejected.length, 2);
});

Deno.test("chooseTarget: a skipped target rests until its time; a time window is honoured", () => {
  const t = at("2026-01-27T20:00:00Z");
  const p = plan([
    { ...M31, priority: 1, groups: LIGHTS },
    { ...M81, priority: 2, groups: LIGHTS, constraints: { not_before: "2026-01-27T21:00:00Z" } },
  ]);
  const skipped = chooseTarget(p, [], SITE, t, { skippedUntilMs: new Map([[0, t + 30 * MIN]]) });
  assertEquals(skipped.target, null);
  assertMatch(skipped.rejected[0]!.reason, /skipped until 2026-01-27T20:30:00Z/);
  assertMatch(skipped.rejected[1]!.reason, /window opens at 2026-01-27T21:00:00Z/);
  assert(skipped.target === null && skipped.next_possible_ms !== null);
  assert(Math.abs(skipped.next_possible_ms - (t + 30 * MIN)) <= MIN);
});
