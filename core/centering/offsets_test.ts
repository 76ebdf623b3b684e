/**
 * Centring's arithmetic against reference data and analytic truth: the separation of Arcturus and
 * Spica from Meeus (Astronomical Algorithms, 2nd ed., example 17.a: 32.7930°, tolerance 0.0001°),
 * pure Dec and pure RA offsets whose size is known exactly (tolerance 1e-6″), the components'
 * signs, their direction matching Meeus's position angle (eq. 48.5) everywhere including
 * beside the pole (tolerance 1e-6″), and aiming off cancelling a constant error exactly.
 */
import { assert, assertAlmostEquals, assertEquals } from "../../tests/_assert.ts";
import { offsetAim, pointingError } from "./offsets.ts";

Deno.test("pointingError: Meeus example 17.a, Arcturus to Spica", () => {
  const arcturus = { raHours: 213.9154 / 15, decDeg: 19.1825 };
  const spica = { raHours: 201.2983 / 15, decDeg: -11.1614 };
  assertAlmostEquals(pointingError(arcturus, spica).errorArcsec / 3600, 32.7930, 1e-4);
});

Deno.test("pointingError: pure Dec and pure RA offsets have known sizes and signs", () => {
  for (const decDeg of [-60, 0, 30, 85]) {
    const target = { raHours: 5.5, decDeg };
    const north = pointingError({ raHours: 5.5, decDeg: decDeg + 100 / 3600 }, target);
    assertAlmostEquals(north.errorArcsec, 100, 1e-6);
    assertAlmostEquals(north.decErrorArcsec, 100, 1e-6);
    assertAlmostEquals(north.raErrorArcsec, 0, 1e-6);
    const south = pointingError({ raHours: 5.5, decDeg: decDeg - 100 / 3600 }, target);
    assertAlmostEquals(south.decErrorArcsec, -100, 1e-6);
  }
  // On the equator an RA offset is a great circle: 2 s of time = 30″ exactly.
  const east = pointingError({ raHours: 5.5 + 2 / 3600, decDeg: 0 }, { raHours: 5.5, decDeg: 0 });
  assertAlmostEquals(east.raErrorArcsec, 30, 1e-6);
  assertAlmostEquals(east.decErrorArcsec, 0, 1e-6);
  // Across 0 h the short way round: 23h59m58s is 2 s of time west of 0h.
  const west = pointingError({ raHours: 24 - 2 / 3600, decDeg: 0 }, { raHours: 0, decDeg: 0 });
  assertAlmostEquals(west.raErrorArcsec, -30, 1e-6);
  // At Dec 60° the same 2 s is the spherical distance cos⁻¹(sin²δ + cos²δ cos Δα).
  const dec = 60 * Math.PI / 180;
  const deltaRa = 2 / 3600 * 15 * Math.PI / 180;
  const exact = Math.acos(Math.sin(dec) ** 2 + Math.cos(dec) ** 2 * Math.cos(deltaRa));
  const at60 = pointingError({ raHours: 5.5 + 2 / 3600, decDeg: 60 }, { raHours: 5.5, decDeg: 60 });
  assertAlmostEquals(at60.errorArcsec, exact * 180 / Math.PI * 3600, 1e-6);
  assert(at60.raErrorArcsec > 14.99 && at60.raErrorArcsec < 15, `${at60.raErrorArcsec}`);
});

Deno.test("pointingError: the components follow the position angle, even beside the pole", () => {
  // The position angle of `solved` seen from `target`, north through east (Meeus eq. 48.5):
  // tan P = sin Δα / (cos δ0 tan δ − sin δ0 cos Δα). The components must be d·sin P and d·cos P.
  const rad = Math.PI / 180;
  let worst = 0;
  let sumSq = 0;
  let n = 0;
  for (const decDeg of [-89.99, -45, 0, 45, 89.9, 89.999]) {
    for (let k = 0; k < 12; k++) {
      const target = { raHours: k * 2 + 0.3, decDeg };
      const solved = {
        raHours: target.raHours + Math.sin(k) * 0.05,
        decDeg: Math.max(-90, Math.min(90, decDeg + Math.cos(k) * 0.1)),
      };
      const e = pointingError(solved, target);
      const deltaRa = (solved.raHours - target.raHours) * 15 * rad;
      const p = Math.atan2(
        Math.sin(deltaRa),
        Math.cos(target.decDeg * rad) * Math.tan(solved.decDeg * rad) -
          Math.sin(target.decDeg * rad) * Math.cos(deltaRa),
      );
      const missArcsec = Math.hypot(
        e.raErrorArcsec - e.errorArcsec * Math.sin(p),
        e.decErrorArcsec - e.errorArcsec * Math.cos(p),
      );
      worst = Math.max(worst, missArcsec);
      sumSq += missArcsec ** 2;
      n++;
    }
  }
  console.log(
    `components vs position angle: max ${worst.toExponential(2)}″, rms ${
      Math.sqrt(sumSq / n).toExponential(2)
    }″`,
  );
  assert(worst < 1e-6, `worst mismatch ${worst}″`);
  const same = pointingError({ raHours: 1, decDeg: 2 }, { raHours: 1, decDeg: 2 });
  assertEquals([same.errorArcsec, same.raErrorArcsec, same.decErrorArcsec], [0, 0, 0]);
});

Deno.test("offsetAim cancels an error that is constant in the mount's coordinates", () => {
  const errorRaHours = 0.01;
  const errorDecDeg = -0.2;
  const optics = (aim: { raHours: number; decDeg: number }) => ({
    raHours: (aim.raHours + errorRaHours + 24) % 24,
    decDeg: aim.decDeg + errorDecDeg,
  });
  // Across 0 h, so the wrap is exercised.
  const target = { raHours: 23.995, decDeg: 40 };
  const next = offsetAim(target, target, optics(target));
  assertAlmostEquals(next.raHours, 23.985, 1e-12);
  const landed = pointingError(optics(next), target);
  assert(landed.errorArcsec < 1e-6, `${landed.errorArcsec}″`);
  // Near the pole the aim's Dec is clamped, never past ±90°.
  assertEquals(
    offsetAim({ raHours: 1, decDeg: 89.9 }, { raHours: 1, decDeg: 89.9 }, {
      raHours: 1,
      decDeg: 89.5,
    }).decDeg,
    90,
  );
});
