/**
 * The autofocus service on the simulators with a real database: `runAndWait` (the sequencer's
 * hook) completes and publishes every point then `autofocus.completed`; runs are recorded; after
 * two runs three simulated hours apart (the tube cools 1.5 °C) the learned °C → steps coefficient
 * is close to the simulator's −8 steps/°C; a failed run rejects the hook with its reason.
 */
import { assert, assertAlmostEquals, assertEquals, assertRejects } from "../../tests/_assert.ts";
import type { WsEvent } from "../events.ts";
import { LogSink } from "../../lib/log.ts";
import { AutofocusRunRepository } from "../store/autofocus_runs.ts";
import { openDatabase } from "../store/db.ts";
import { afRig } from "./_test_rig.ts";
import { AutofocusService } from "./service.ts";

async function serviceRig(focus: Record<string, unknown>) {
  const rig = await afRig(focus);
  const dataDir = await Deno.makeTempDir({ prefix: "openskylab-af-" });
  const db = await openDatabase(dataDir);
  const runs = new AutofocusRunRepository(db);
  const events: WsEvent[] = [];
  rig.bus.subscribe((e) => events.push(e));
  const service = new AutofocusService({
    hub: rig.hub,
    bus: rig.bus,
    clock: rig.clock,
    log: new LogSink({ consoleLevel: "silent" }).logger("autofocus"),
    runs,
    runner: null,
  });
  await service.start();
  return {
    rig,
    runs,
    events,
    service,
    async close() {
      await service.close();
      await rig.close();
      await db.close();
      await Deno.remove(dataDir, { recursive: true });
    },
  };
}

Deno.test("service: two runs hours apart learn the temperature coefficient", async () => {
  const r = await serviceRig({ bestPosition: 25_100, tempCoeffStepsPerC: -40 });
  try {
    const signal = new AbortController().signal;
    await r.rig.drive(r.service.runAndWait(signal));
    assertEquals(r.events.filter((e) => e.type === "autofocus.point").length, 9);
    assertEquals(r.events.filter((e) => e.type === "autofocus.completed").length, 1);
    assertEquals(r.service.status().state, "completed");
    assertEquals(r.service.status().temperature_compensation.steps_per_c, null);

    await r.rig.clock.advance(3 * 3_600_000);
    await r.rig.drive(r.service.runAndWait(signal));
    const recorded = await r.runs.recent();
    assertEquals(recorded.length, 2);
    assert(recorded.every((run) => run.ok && run.exposures === 10));
    const comp = r.service.status().temperature_compensation;
    assertEquals(comp.runs, 2);
    assert(comp.span_c >= 1, `span ${comp.span_c}`);
    // Two runs ±3 steps each over ~1.5 °C: the slope is known to a few steps per °C.
    assertAlmostEquals(comp.steps_per_c!, -40, 8, `steps/°C ${comp.steps_per_c}`);
  } finally {
    await r.close();
  }
});

Deno.test("service: a refused run rejects the sequencer's hook with its reason", async () => {
  const r = await serviceRig({ bestPosition: 33_000 });
  try {
    await assertRejects(
      () => r.rig.drive(r.service.runAndWait(new AbortController().signal)),
      Error,
      "autofocus failed",
    );
    const failed = r.events.filter((e) => e.type === "autofocus.failed");
    assertEquals(failed.length, 1);
    assertEquals(r.service.status().state, "failed");
    assertEquals((await r.runs.recent())[0]?.ok, false);
  } finally {
    await r.close();
  }
});
