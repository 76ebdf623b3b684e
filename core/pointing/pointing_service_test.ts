/**
 * The pointing service's decisions: no model (and gotos untouched) until there are enough points,
 * with `apply` off, or when the points cannot separate the terms; with a model and `apply` on, a
 * goto target becomes the mount demand the model predicts, on the pier side the goto will take.
 */
import assert from "node:assert/strict";
import { silentLogger } from "../../lib/log.ts";
import type { Profile } from "../profiles/schema.ts";
import type { AlignPointDto } from "../schemas/alignment.ts";
import { mountDemandFor } from "./model.ts";
import { PointingService } from "./pointing_service.ts";
import type { PointingTerms } from "../../lib/astro/tpoint_terms.ts";

const LATITUDE_DEG = 48.2;
const PROFILE = {
  id: "p1",
  site: { latitude: LATITUDE_DEG, longitude: 16, elevation: 200 },
} as unknown as Profile;
const TERMS: PointingTerms = { IH: 100, ID: -60, CH: 30, NP: 20, MA: 150, ME: -90 };
const LST_HOURS = 6;

function points(count: number): AlignPointDto[] {
  const out: AlignPointDto[] = [];
  for (let i = 0; i < count; i++) {
    const haHours = -4 + (i % 6) * 1.6;
    const decDeg = -10 + Math.floor(i / 6) * 30 + (i % 6) * 4;
    const pierSide = haHours < 0 ? "west" : "east";
    const sky = { raHours: (LST_HOURS - haHours + 24) % 24, decDeg };
    const mount = mountDemandFor(sky, TERMS, {
      lstHours: LST_HOURS,
      latitudeDeg: LATITUDE_DEG,
      pierSide,
    });
    out.push({
      id: `pt${i}`,
      ra: sky.raHours,
      dec: sky.decDeg,
      mount_ra: mount.raHours,
      mount_dec: mount.decDeg,
      lst: LST_HOURS,
      pier_side: pierSide,
      alt: 0,
      az: 0,
      error_arcsec: 0,
      created_at: "",
    });
  }
  return out;
}

function service(list: AlignPointDto[], apply: boolean) {
  return new PointingService({
    alignment: { list: () => Promise.resolve(list) },
    activeProfile: () => PROFILE,
    apply,
    log: silentLogger,
  });
}

Deno.test("no model below the minimum, or from points that cannot separate the terms", async () => {
  const few = points(6);
  assert.equal(service(few, true).minPoints, 7);
  assert.equal(service(few, true).modelOf(few), null);
  const target = { raHours: 5, decDeg: 20 };
  assert.deepEqual(
    await service(few, true).demandFor(target, { siderealTimeHours: 6 }, "germanPolar"),
    target,
  );
  const same = Array.from({ length: 8 }, () => points(1)[0]!);
  assert.equal(service(same, true).modelOf(same), null);
});

Deno.test("with enough points the model is reported; gotos use it only when applied", async () => {
  const list = points(18);
  const model = service(list, true).modelOf(list);
  assert.ok(model);
  assert.equal(model.applied, true);
  assert.ok(model.rms_after_arcsec < 0.01 && model.rms_before_arcsec > 100);
  assert.deepEqual(model.residuals.map((r) => r.id), list.map((p) => p.id));
  for (const term of model.terms) {
    assert.ok(Math.abs(term.value_arcsec - (TERMS[term.name] ?? 0)) < 0.01, term.name);
  }
  const target = { raHours: 5, decDeg: 20 };
  const status = { siderealTimeHours: LST_HOURS };
  assert.deepEqual(await service(list, false).demandFor(target, status, "germanPolar"), target);
  const demand = await service(list, true).demandFor(target, status, "germanPolar");
  // Hour angle +1 h: the east pier side.
  const expected = mountDemandFor(target, TERMS, {
    lstHours: LST_HOURS,
    latitudeDeg: LATITUDE_DEG,
    pierSide: "east",
  });
  assert.ok(Math.abs(demand.raHours - expected.raHours) * 54_000 < 0.05);
  assert.ok(Math.abs(demand.decDeg - expected.decDeg) * 3600 < 0.05);
});
