/**
 * The simulated mount's mechanical errors: zero errors leave the truth equal to the report;
 * each error moves the true pointing the way geometry says (analytic small-angle values, 0.1″
 * tolerance for the terms and 0.01′ for the polar tilt); and a pointing model fitted to points the
 * simulator measured makes its gotos land closer, measured with `trueSkyPosition()`.
 */
import assert from "node:assert/strict";
import { angularSeparationDeg, type EquatorialCoord, wrapHours } from "../../lib/astro/coords.ts";
import { pierSideForHourAngle } from "../../lib/astro/meridian.ts";
import { jnowToJ2000 } from "../../lib/astro/precession.ts";
import { lstHours } from "../../lib/astro/time.ts";
import { ManualClock } from "../../lib/clock.ts";
import { fitPointingModel, mountDemandFor, termsOf } from "../../core/pointing/model.ts";
import type { PointingSample } from "../../core/pointing/model.ts";
import { contextFor } from "../../tests/contracts/_wait.ts";
import type { Site } from "../device.ts";
import { SimMount } from "./mount.ts";
import { trueHaDec } from "./mount_errors.ts";
import { parseSimMountErrors, SimMountOptions } from "./mount_options.ts";

const mountContext = contextFor(SimMountOptions);

const SITE: Site = { latitudeDeg: 51.48, longitudeDeg: 0, elevationM: 45 };
const START_MS = Date.UTC(2026, 2, 20, 22, 0, 0);
const NONE = parseSimMountErrors({});

Deno.test("trueHaDec: each error moves the optical axis as the small-angle geometry says", () => {
  const reading = { haHours: 2, decDeg: 30, pierSide: "east" };
  assert.deepEqual(trueHaDec(reading, NONE, 51.48), { haHours: 2, decDeg: 30 });
  // IH = 90″: the sky hour angle is the mount's plus IH (mount = sky − IH).
  const ih = trueHaDec(reading, { ...NONE, ihArcsec: 90 }, 51.48);
  assert.ok(Math.abs((ih.haHours - 2) * 54_000 - 90) < 0.1);
  // CH flips sign with the pier side.
  const chEast = trueHaDec(reading, { ...NONE, chArcsec: 60 }, 51.48);
  const chWest = trueHaDec({ ...reading, pierSide: "west" }, { ...NONE, chArcsec: 60 }, 51.48);
  const secDec = 1 / Math.cos(30 * Math.PI / 180);
  assert.ok(Math.abs((chEast.haHours - 2) * 54_000 - 60 * secDec) < 0.1);
  assert.ok(Math.abs((chWest.haHours - 2) * 54_000 + 60 * secDec) < 0.1);
  // Axis raised 10′ above the visible pole: on the meridian a star is 10′ further from that pole
  // than the mount reads; 6 h west the declination is untouched.
  for (const latitudeDeg of [51.48, -33.9]) {
    const hemisphere = Math.sign(latitudeDeg);
    const raised = { ...NONE, polarAltErrorArcmin: 10 };
    const meridian = trueHaDec({ ...reading, haHours: 0 }, raised, latitudeDeg);
    assert.ok(Math.abs((meridian.decDeg - 30) * 60 + hemisphere * 10) < 0.01, `${latitudeDeg}`);
    const west = trueHaDec({ ...reading, haHours: 6, decDeg: 0 }, raised, latitudeDeg);
    assert.ok(Math.abs(west.decDeg * 60) < 0.01);
  }
  // Azimuth error +20′ (axis east of the north pole, away from the western sky): 6 h west the
  // star's true declination is 20′·cos φ higher than the mount reads; 6 h east, lower.
  const east = { ...NONE, polarAzErrorArcmin: 20 };
  const cosLat = Math.cos(51.48 * Math.PI / 180);
  const atWest = trueHaDec({ haHours: 6, decDeg: 0, pierSide: "east" }, east, 51.48);
  const atEast = trueHaDec({ haHours: -6, decDeg: 0, pierSide: "west" }, east, 51.48);
  assert.ok(Math.abs(atWest.decDeg * 60 - 20 * cosLat) < 0.01, `${atWest.decDeg * 60}`);
  assert.ok(Math.abs(atEast.decDeg * 60 + 20 * cosLat) < 0.01, `${atEast.decDeg * 60}`);
});

function targetAt(clock: ManualClock, haHours: number, decDeg: number): EquatorialCoord {
  const lst = lstHours(clock.now(), SITE.longitudeDeg);
  return jnowToJ2000({ raHours: wrapHours(lst - haHours), decDeg }, clock.now());
}

async function gotoAndArrive(clock: ManualClock, mount: SimMount, target: EquatorialCoord) {
  await mount.slewTo(target);
  for (let i = 0; i < 400 && mount.status().slewing; i++) await clock.advance(500);
  assert.equal(mount.status().slewing, false, "the slew never ended");
}

Deno.test("sim: a fitted pointing model makes gotos land closer to the target", async () => {
  const clock = new ManualClock(START_MS);
  const errors = {
    polarAltErrorArcmin: 12,
    polarAzErrorArcmin: -18,
    ihArcsec: 300,
    idArcsec: -200,
    chArcsec: 120,
    npArcsec: 60,
  };
  const mount = new SimMount({
    ...mountContext(clock, { slewRateDegPerS: 30, ...errors }),
    site: SITE,
  });
  await mount.connect();
  try {
    assert.deepEqual(mount.errors, errors);
    const samples: PointingSample[] = [];
    for (const haHours of [-4.5, -2.5, -0.7, 0.8, 2.6, 4.4]) {
      for (const decDeg of [5, 35, 65]) {
        await gotoAndArrive(clock, mount, targetAt(clock, haHours, decDeg));
        const status = mount.status();
        const truth = mount.trueSkyPosition();
        samples.push({
          mountRaHours: status.raHours,
          mountDecDeg: status.decDeg,
          skyRaHours: truth.raHours,
          skyDecDeg: truth.decDeg,
          lstHours: status.siderealTimeHours,
          pierSide: status.pierSide,
        });
      }
    }
    const fit = fitPointingModel(samples, SITE.latitudeDeg);
    const terms = termsOf(fit);
    // The model is first order; the polar tilt is exact, so a few arcseconds of second-order
    // effect (ε²·tan δ) remain.
    assert.ok(fit.rmsAfterArcsec < 8, `RMS after the fit ${fit.rmsAfterArcsec.toFixed(2)}″`);
    let sumRaw = 0;
    let sumModel = 0;
    const tests = [[-3.5, 20], [-1.5, 50], [1.5, 15], [3.5, 45], [5, 75]] as const;
    for (const [haHours, decDeg] of tests) {
      const target = targetAt(clock, haHours, decDeg);
      await gotoAndArrive(clock, mount, target);
      const rawArcsec = angularSeparationDeg(mount.trueSkyPosition(), target) * 3600;
      const lst = lstHours(clock.now(), SITE.longitudeDeg);
      const demand = mountDemandFor(target, terms, {
        lstHours: lst,
        latitudeDeg: SITE.latitudeDeg,
        pierSide: pierSideForHourAngle(haHours),
      });
      await gotoAndArrive(clock, mount, demand);
      const modelArcsec = angularSeparationDeg(mount.trueSkyPosition(), target) * 3600;
      assert.ok(
        modelArcsec < 15 && modelArcsec < rawArcsec / 10,
        `with the model ${modelArcsec.toFixed(1)}″ from the target`,
      );
      assert.ok(rawArcsec > 200, `without the model ${rawArcsec.toFixed(1)}″`);
      sumRaw += rawArcsec ** 2;
      sumModel += modelArcsec ** 2;
    }
    console.log(
      `goto RMS without model ${Math.sqrt(sumRaw / tests.length).toFixed(1)}″, with ` +
        `${Math.sqrt(sumModel / tests.length).toFixed(2)}″; fit RMS ${
          fit.rmsBeforeArcsec.toFixed(1)
        }″ → ${fit.rmsAfterArcsec.toFixed(2)}″; ` +
        fit.terms.map((t) => `${t.name}=${t.valueArcsec.toFixed(1)}±${t.sigmaArcsec.toFixed(1)}`)
          .join(" "),
    );
    mount.setErrors({ polarAltErrorArcmin: 0 });
    assert.equal(mount.errors.polarAltErrorArcmin, 0);
    assert.throws(() => mount.setErrors({ ihArcsec: 1e9 }), /ihArcsec/);
  } finally {
    await mount.disconnect();
  }
});

Deno.test("sim mount error options: defaults zero, bad values refused naming the option", () => {
  assert.deepEqual(parseSimMountErrors({}), {
    polarAltErrorArcmin: 0,
    polarAzErrorArcmin: 0,
    ihArcsec: 0,
    idArcsec: 0,
    chArcsec: 0,
    npArcsec: 0,
  });
  const clock = new ManualClock(START_MS);
  assert.throws(
    () => new SimMount({ ...mountContext(clock, { polarAltErrorArcmin: 900 }), site: SITE }),
    /option polarAltErrorArcmin must be ≤ 600, got 900/,
  );
  assert.throws(
    () => new SimMount({ ...mountContext(clock, { npArcsec: "1" }), site: SITE }),
    /npArcsec/,
  );
});
