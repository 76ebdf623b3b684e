import assert from "node:assert/strict";
import { rmsArcsec, StepWindow } from "./rms.ts";

Deno.test("rmsArcsec: hand-computed values", () => {
  // RA: 0.3, −0.4, 0.5, −0.1 px → mean square (0.09+0.16+0.25+0.01)/4 = 0.1275, RMS 0.357071 px;
  // Dec: 0.2, 0.2, −0.2, 0.2 px → RMS 0.2 px. At 1.5″/px: 0.535607″ and 0.3″; total √(sum of
  // squares) = √0.376875 = 0.613901″.
  const steps = [
    { raPx: 0.3, decPx: 0.2 },
    { raPx: -0.4, decPx: 0.2 },
    { raPx: 0.5, decPx: -0.2 },
    { raPx: -0.1, decPx: 0.2 },
  ];
  const rms = rmsArcsec(steps, 1.5);
  assert.ok(rms);
  const tolerance = 1e-6;
  assert.ok(Math.abs(rms.raArcsec - 0.535607) < tolerance, `ra ${rms.raArcsec}`);
  assert.ok(Math.abs(rms.decArcsec - 0.3) < tolerance, `dec ${rms.decArcsec}`);
  assert.ok(Math.abs(rms.totalArcsec - 0.613901) < tolerance, `total ${rms.totalArcsec}`);
});

Deno.test("rmsArcsec: a steady offset counts (about zero, not the mean); null without data", () => {
  const rms = rmsArcsec([{ raPx: 1, decPx: -2 }, { raPx: 1, decPx: -2 }], 2);
  assert.deepEqual(rms, { raArcsec: 2, decArcsec: 4, totalArcsec: Math.hypot(2, 4) });
  assert.equal(rmsArcsec([], 1.5), null);
  assert.equal(rmsArcsec([{ raPx: 1, decPx: 1 }], null), null);
});

Deno.test("StepWindow keeps the last N steps", () => {
  const window = new StepWindow(3);
  for (let i = 1; i <= 5; i++) window.push({ raPx: i, decPx: -i });
  assert.deepEqual(window.steps.map((s) => s.raPx), [3, 4, 5]);
  window.clear();
  assert.equal(window.steps.length, 0);
  assert.throws(() => new StepWindow(0), RangeError);
});
