/**
 * Temperature compensation: the °C → steps line recovers an exact slope, refuses too little data
 * (one run, or runs spanning under 1 °C), and the compensator moves the focuser by the predicted
 * shift once, relative to what it already applied, and never during an exposure.
 */
import { assert, assertAlmostEquals, assertEquals } from "../../tests/_assert.ts";
import { LogSink } from "../../lib/log.ts";
import { afRig } from "./_test_rig.ts";
import { fitTempCoefficient, TempCompensator } from "./temperature.ts";

Deno.test("fitTempCoefficient: exact line, and too little data", () => {
  const line = (t: number) => ({ temperatureC: t, bestPositionSteps: 25_000 - 7.5 * (t - 10) });
  const fit = fitTempCoefficient([line(12), line(9.5), line(6), line(8)]);
  assert(fit);
  assertAlmostEquals(fit.stepsPerC, -7.5, 1e-9);
  assertEquals(fit.runs, 4);
  assertAlmostEquals(fit.spanC, 6, 1e-12);
  assertEquals(fitTempCoefficient([line(12)]), null);
  assertEquals(fitTempCoefficient([line(12), line(11.2), line(11.5)]), null);
});

Deno.test("compensator: moves by coefficient × ΔT once, and not while exposing", async () => {
  const rig = await afRig();
  const compensator = new TempCompensator({
    hub: rig.hub,
    clock: rig.clock,
    log: new LogSink({ consoleLevel: "silent" }).logger("test"),
    busy: () => false,
  });
  try {
    const focuser = rig.hub.device("focuser");
    const nowC = focuser.status().temperatureC!;
    // No coefficient or reference yet: nothing to do.
    assertEquals(await compensator.tick(), 0);
    compensator.setCoefficient(-8);
    // As if the last autofocus ran 2 °C warmer: best focus has moved out by 16 steps.
    compensator.setReference(nowC + 2);
    const camera = rig.hub.device("camera");
    const exposing = camera.expose({
      durationS: 1,
      gain: 100,
      offset: 10,
      binning: 2,
      frameType: "light",
    });
    exposing.catch(() => {});
    // The hub's guard starts the exposure asynchronously.
    while (camera.status().exposure.state === "idle") await new Promise((r) => setTimeout(r, 1));
    assertEquals(await compensator.tick(), 0, "never during an exposure");
    await rig.drive(exposing);
    const moved = await compensator.tick();
    assertEquals(moved, 16);
    await rig.drive(
      new Promise<void>((resolve) => {
        const check = () => focuser.status().moving ? setTimeout(check, 1) : resolve();
        check();
      }),
    );
    assertEquals(focuser.status().position, 25_016);
    assertEquals(await compensator.tick(), 0, "already applied");
    assertEquals(compensator.corrections, 1);
  } finally {
    compensator.close();
    await rig.close();
  }
});
