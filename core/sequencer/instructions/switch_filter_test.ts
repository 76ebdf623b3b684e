/**
 * `switch_filter` on the simulated wheel and focuser: validation lists the wheel's filters for an
 * unknown name (and says when the profile has no wheel), the estimate counts a change only when
 * the filter differs, and the run puts the filter in the path and moves the focuser by the change
 * of the slots' focus offsets (L 0, R 10, Ha 40 steps).
 */
import { assertEquals } from "../../../tests/_assert.ts";
import { DeviceHub } from "../../../devices/hub.ts";
import { defaultRegistry } from "../../../devices/registry.ts";
import { ManualClock } from "../../../lib/clock.ts";
import { LogSink } from "../../../lib/log.ts";
import { EventBus } from "../../event_bus.ts";
import { testRig } from "../_test_rig.ts";
import { switchFilter } from "./switch_filter.ts";
import { estimateEnv, issuesOf, runProgram } from "./_test_kit.ts";

Deno.test("switch_filter: an unknown filter is named with the wheel's; no wheel is said", async () => {
  const rig = await testRig();
  try {
    assertEquals(
      await issuesOf(rig, { name: "x", instructions: [{ kind: "switch_filter", filter: "Hb" }] }),
      ['body.instructions.0.filter: no filter "Hb"; known: L, R, G, B, Ha, OIII, SII'],
    );
  } finally {
    await rig.close();
  }
  const clock = new ManualClock();
  const hub = new DeviceHub({
    registry: defaultRegistry(),
    bus: new EventBus({ clock }),
    clock,
    log: new LogSink({ consoleLevel: "silent" }).logger("hub"),
  });
  assertEquals(switchFilter.check!({ kind: "switch_filter", filter: "L" }, { hub }), [
    { field: "filter", reason: "the active profile has no filter wheel" },
  ]);
  await hub.close();
});

Deno.test("switch_filter: a change costs the measured mean, staying costs nothing", () => {
  const est = estimateEnv({ switch_filter: 4 });
  assertEquals(switchFilter.estimateS!({ kind: "switch_filter", filter: "R" }, est), 4);
  assertEquals(switchFilter.estimateS!({ kind: "switch_filter", filter: "R" }, est), 0);
  assertEquals(est.session.filter?.name, "R");
});

Deno.test("switch_filter: the filter is in the path and the focuser follows its offset", async () => {
  const rig = await testRig();
  try {
    const startSteps = rig.hub.device("focuser").status().position;
    const frame = { kind: "capture", exposure_s: 1, count: 1 };
    assertEquals(
      await runProgram(rig, [
        { kind: "switch_filter", filter: "r" },
        frame,
        { kind: "switch_filter", filter: "Ha" },
        frame,
      ]),
      "completed",
    );
    assertEquals(rig.of("sequencer.frame_saved").map((f) => f.filter), ["R", "Ha"]);
    assertEquals(rig.hub.device("focuser").status().position, startSteps + 40);
  } finally {
    await rig.close();
  }
});
