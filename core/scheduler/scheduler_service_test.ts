/**
 * The scheduler's runner on a ManualClock with every simulator: a plan of two targets (and one
 * that never rises high enough) completes with exactly the wanted frames, in priority order, with
 * startup and shutdown (the cooler ramped when asked); skip-target rests a target and comes back to it; abort parks; pause and
 * resume; the safety monitor interrupts and hands back; a restart continues where it stopped;
 * validation lists every problem at once.
 */
import { assert, assertEquals, assertMatch, assertRejects } from "../../tests/_assert.ts";
import { AppError } from "../../lib/errors.ts";
import { SafetyMonitor } from "../safety/safety_monitor.ts";
import type { SchedulerPlanInput } from "../schemas/scheduler.ts";
import { LogSink } from "../../lib/log.ts";
import { isSimulated } from "../../devices/sim/faults.ts";
import type { SimWeather } from "../../devices/sim/weather.ts";
import { type SchedulerRig, schedulerRig } from "./_test_rig.ts";
import { SchedulerService } from "./scheduler_service.ts";

async function frames(rig: SchedulerRig) {
  const rows = await rig.db.kysely.selectFrom("frames").select(["object", "filter"]).execute();
  const count: Record<string, number> = {};
  for (const r of rows) {
    count[`${r.object}/${r.filter}`] = (count[`${r.object}/${r.filter}`] ?? 0) + 1;
  }
  return count;
}

async function stateIs(rig: SchedulerRig, ...states: string[]) {
  return states.includes((await rig.scheduler.status()).state);
}

// LST ≈ 5.7 h at the rig's start: A and B are high; "Low" never reaches 30°.
const PLAN: SchedulerPlanInput = {
  name: "two targets",
  targets: [
    {
      name: "Low",
      ra: 17,
      dec: -20,
      priority: 1,
      groups: [{ filter: "L", exposure_s: 5, count: 2 }],
    },
    {
      name: "A",
      ra: 5.5,
      dec: 45,
      priority: 2,
      groups: [{ filter: "L", exposure_s: 20, count: 3 }, {
        filter: "R",
        exposure_s: 20,
        count: 2,
      }],
    },
    {
      name: "B",
      ra: 7.5,
      dec: 30,
      priority: 3,
      groups: [{ filter: "Ha", exposure_s: 10, count: 2 }],
    },
  ],
  block_minutes: 1,
  startup: { cool_to_c: -10 },
  shutdown: { warm_to_c: 10 },
};

Deno.test("scheduler: two targets complete with exactly the wanted frames, by priority", async () => {
  const rig = await schedulerRig();
  try {
    const plan = await rig.scheduler.createPlan(PLAN);
    assertEquals(rig.hub.device("dome").status().shutter, "closed");
    await rig.scheduler.start(plan.id);
    await rig.until(() => rig.hub.device("dome").status().shutter === "open", 60_000);
    await rig.until(() => stateIs(rig, "completed"), 3_600_000, 200);
    assertEquals(await frames(rig), { "A/L": 3, "A/R": 2, "B/Ha": 2 });
    // A needs ~2 min of exposures: two 1-minute blocks, then B.
    const started = rig.of("scheduler.target_started");
    assertEquals(started.map((s) => s.target), ["A", "A", "B"]);
    assert(started.every((s) => s.plan_id === plan.id));
    assertMatch(started[0]!.reason, /priority 2/);
    const status = await rig.scheduler.status();
    assertEquals(status.progress.map((p) => [p.name, p.done, p.wanted]), [
      ["Low", 0, 2],
      ["A", 5, 5],
      ["B", 2, 2],
    ]);
    assertMatch(status.message!, /nothing more is possible/);
    assertMatch(status.rejected.find((r) => r.name === "Low")!.reason, /30° altitude limit/);
    assertEquals(rig.hub.device("mount").status().parked, true);
    assertEquals(rig.hub.device("dome").status().shutter, "closed");
    assertEquals(rig.hub.device("camera").status().cooler.enabled, false);
    assertEquals((await rig.scheduler.plans.get(plan.id)).name, "two targets");
  } finally {
    await rig.close();
  }
});

Deno.test("scheduler: startup and shutdown ramp the cooler at their rates through the cooler service", async () => {
  const rig = await schedulerRig();
  try {
    // The camera's set point at each change of a ramp (a step, or its end).
    const setpoints: number[] = [];
    rig.cooler.onChange(() => {
      const t = rig.hub.device("camera").status().cooler.targetC;
      if (t !== null && t !== setpoints.at(-1)) setpoints.push(t);
    });
    const plan = await rig.scheduler.createPlan({
      name: "ramped",
      targets: [{
        name: "A",
        ra: 5.5,
        dec: 45,
        groups: [{ filter: "L", exposure_s: 5, count: 1 }],
      }],
      startup: { cool_to_c: -5, cool_ramp_c_per_min: 6 },
      shutdown: { warm_to_c: 10, warm_ramp_c_per_min: 12 },
    });
    await rig.scheduler.start(plan.id);
    await rig.until(() => stateIs(rig, "completed"), 3_600_000, 200);
    assertEquals(await frames(rig), { "A/L": 1 });
    // 6 °C/min in the service's 10 s steps: 1 °C a step from the sensor's 15 °C down to -5 …
    const coldest = setpoints.indexOf(-5);
    assertEquals(setpoints.slice(0, coldest + 1), Array.from({ length: 20 }, (_, i) => 14 - i));
    // … then 2 °C a step up to 10 before the cooler is switched off.
    assertEquals(setpoints.slice(coldest + 1), [-3, -1, 1, 3, 5, 7, 9, 10]);
    assertEquals(rig.hub.device("camera").status().cooler.enabled, false);
    assertEquals(rig.cooler.ramp(), null);
  } finally {
    await rig.close();
  }
});

Deno.test("scheduler: skip-target moves on, and the skipped target rests before it returns", async () => {
  const rig = await schedulerRig();
  try {
    const plan = await rig.scheduler.createPlan({
      name: "skip",
      targets: [
        {
          name: "A",
          ra: 5.5,
          dec: 45,
          priority: 1,
          groups: [{ filter: "L", exposure_s: 20, count: 4 }],
        },
        {
          name: "B",
          ra: 7.5,
          dec: 30,
          priority: 2,
          groups: [{ filter: "R", exposure_s: 10, count: 2 }],
        },
      ],
      block_minutes: 30,
      skip_minutes: 20,
    });
    await assertRejects(() => rig.scheduler.skipTarget(), AppError, "No plan is running");
    await rig.scheduler.start(plan.id);
    await rig.until(() => rig.of("sequencer.frame_saved").length === 1);
    const skippedAtMs = rig.clock.now();
    assertEquals(await rig.scheduler.skipTarget(), "A");
    await rig.until(() => stateIs(rig, "waiting"), 600_000);
    // B is done; A rests until 20 minutes after the skip.
    const waiting = await rig.scheduler.status();
    assertMatch(waiting.rejected.find((r) => r.name === "A")!.reason, /skipped until/);
    const nextMs = Date.parse(waiting.next_evaluation_at!);
    assert(Math.abs(nextMs - (skippedAtMs + 20 * 60_000)) <= 60_000, waiting.next_evaluation_at!);
    await assertRejects(() => rig.scheduler.skipTarget(), AppError, "No target is being imaged");
    await rig.until(() => stateIs(rig, "completed"), 3_600_000, 1000);
    assertEquals(rig.of("scheduler.target_started").map((s) => s.target), ["A", "B", "A"]);
    assertEquals(await frames(rig), { "A/L": 4, "B/R": 2 });
  } finally {
    await rig.close();
  }
});

Deno.test("scheduler: pause waits for the exposure, resume continues, abort stops now and parks", async () => {
  const rig = await schedulerRig();
  try {
    const plan = await rig.scheduler.createPlan({
      name: "long",
      targets: [{
        name: "A",
        ra: 5.5,
        dec: 45,
        groups: [{ filter: "L", exposure_s: 30, count: 20 }],
      }],
      shutdown: { close_dome: true },
    });
    await assertRejects(() => Promise.resolve(rig.scheduler.pause()), AppError, "No plan");
    await rig.scheduler.start(plan.id);
    await assertRejects(() => rig.scheduler.start(plan.id), AppError, "is running");
    await assertRejects(() => rig.scheduler.deletePlan(plan.id), AppError, "is running");
    await rig.until(() => rig.of("sequencer.frame_saved").length === 1);
    await rig.clock.advance(5000); // into the second exposure
    rig.scheduler.pause();
    await assertRejects(() => Promise.resolve(rig.scheduler.pause()), AppError, "already paused");
    await rig.until(() => rig.sequencer.status().state === "paused");
    assertEquals(rig.of("sequencer.frame_saved").length, 2, "the running exposure finished");
    assertEquals((await rig.scheduler.status()).state, "paused");
    await rig.clock.advance(120_000);
    assertEquals(rig.of("sequencer.frame_saved").length, 2, "nothing is taken while paused");
    rig.scheduler.resume();
    await rig.until(() => rig.of("sequencer.frame_saved").length === 3);
    await rig.clock.advance(5000);
    assertEquals(rig.hub.device("camera").status().exposure.state, "exposing");
    const aborting = rig.scheduler.abort();
    await rig.until(() => stateIs(rig, "aborted"), 600_000);
    await aborting;
    assertEquals(rig.hub.device("camera").status().exposure.state, "idle");
    assertEquals(rig.hub.device("mount").status().parked, true);
    assertEquals((await frames(rig))["A/L"], 3, "the aborted exposure is not saved");
    assertMatch((await rig.scheduler.status()).message!, /parked/);
    assertEquals((await rig.scheduler.plans.list()).length, 1);
    await rig.scheduler.deletePlan(plan.id);
  } finally {
    await rig.close();
  }
});

Deno.test("scheduler: unsafe weather interrupts the block; safe again, it continues to exactly the plan", async () => {
  const rig = await schedulerRig();
  const safety = new SafetyMonitor({
    hub: rig.hub,
    bus: rig.bus,
    clock: rig.clock,
    log: new LogSink({ consoleLevel: "silent" }).logger("safety"),
    resumeAfterSafeMs: 60_000,
    weatherLostGraceMs: 60_000,
  });
  safety.register(rig.scheduler.safetyHook());
  try {
    const plan = await rig.scheduler.createPlan({
      name: "rain",
      targets: [{
        name: "A",
        ra: 5.5,
        dec: 45,
        groups: [{ filter: "L", exposure_s: 20, count: 5 }],
      }],
    });
    await rig.scheduler.start(plan.id);
    await rig.until(() => rig.of("sequencer.frame_saved").length === 2);
    await rig.clock.advance(5000);
    const weather = rig.hub.driverObject("weather");
    assert(isSimulated(weather));
    await (weather as unknown as SimWeather).overrideSafety(false);
    const checked = safety.check();
    await rig.until(() =>
      safety.status().state === "unsafe" && rig.hub.device("mount").status().parked
    );
    await checked;
    const held = await rig.scheduler.status();
    assertEquals(held.state, "waiting");
    assertMatch(held.message!, /unsafe/);
    assertEquals(held.progress[0]!.done, 2, "the frames taken are kept");
    assertEquals(rig.hub.device("camera").status().exposure.state, "idle");
    await rig.clock.advance(600_000);
    assertEquals(rig.of("sequencer.frame_saved").length, 2, "nothing is taken while unsafe");
    await (weather as unknown as SimWeather).overrideSafety(null);
    await safety.check();
    await rig.clock.advance(61_000);
    await safety.check();
    assertEquals(safety.status().state, "safe");
    await rig.until(() => stateIs(rig, "completed"), 3_600_000, 200);
    assertEquals(await frames(rig), { "A/L": 5 });
    assertEquals(rig.of("scheduler.target_started").map((s) => s.target), ["A", "A"]);
  } finally {
    await safety.stop();
    await rig.close();
  }
});

Deno.test("scheduler: after a restart the plan continues where it stopped, each frame once", async () => {
  const rig = await schedulerRig();
  try {
    const plan = await rig.scheduler.createPlan({
      name: "restart",
      targets: [{
        name: "A",
        ra: 5.5,
        dec: 45,
        groups: [{ filter: "L", exposure_s: 20, count: 4 }],
      }],
    });
    await rig.scheduler.start(plan.id);
    await rig.until(() => rig.of("sequencer.frame_saved").length === 2);
    await rig.clock.advance(5000);
    await rig.scheduler.stop(); // the box goes down mid-exposure
    await rig.sequencer.stop();
    assertEquals((await rig.scheduler.status()).state, "idle");
    // A new process: the services are built again over the same database.
    const again = new SchedulerService({
      hub: rig.hub,
      bus: rig.bus,
      clock: rig.clock,
      log: new LogSink({ consoleLevel: "silent" }).logger("scheduler"),
      db: rig.db,
      sequencer: rig.sequencer,
      cooler: rig.cooler,
    });
    await again.init();
    assertEquals(await rig.sequencer.sequences.latestRun(["interrupted"]), null);
    await again.start(plan.id);
    await rig.until(async () => (await again.status()).state === "completed", 3_600_000, 200);
    assertEquals(await frames(rig), { "A/L": 4 });
  } finally {
    await rig.close();
  }
});

Deno.test("scheduler: validation lists every problem in one 400", async () => {
  const rig = await schedulerRig();
  try {
    const err = await assertRejects(() =>
      rig.scheduler.createPlan({
        name: "bad",
        targets: [
          { name: "X", ra: 3, priority: 0, groups: [{ filter: "Hb", exposure_s: 1, count: 1 }] },
          {
            name: "Y",
            ra: 1,
            dec: 2,
            groups: [{ exposure_s: 1, count: 1 }],
            constraints: {
              not_before: "2026-01-16T02:00:00Z",
              not_after: "2026-01-16T01:00:00Z",
              max_moon_illumination: 2,
              horizon: [{ az_deg: 400, alt_deg: 10 }],
            },
          },
          { name: "Nowhere", groups: [{ exposure_s: 1, count: 1 }] },
        ],
        constraints: { require_darkness: "civil" },
        block_minutes: 0,
      }), AppError);
    assertEquals((err as AppError).status, 400);
    const fields = ((err as AppError).details as { issues: { field: string }[] }).issues
      .map((i) => i.field).sort();
    for (
      const field of [
        "body.block_minutes",
        "body.constraints.require_darkness",
        "body.targets.0.dec",
        "body.targets.0.groups.0.filter",
        "body.targets.0.priority",
        "body.targets.1.constraints.horizon.0.az_deg",
        "body.targets.1.constraints.max_moon_illumination",
        "body.targets.2.ra",
      ]
    ) assert(fields.includes(field), `${field} in ${fields.join(", ")}`);
  } finally {
    await rig.close();
  }
});
