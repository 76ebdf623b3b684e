/**
 * The disk guard's states at exact byte counts: warn, reserve (507, a sequence paused), the
 * margin before leaving the reserve, and resuming only the run it paused. The box's integration
 * test (tests/integration/telemetry_disk_test.ts) does the same on a real, really full tmpfs.
 */
import { systemClock } from "../../lib/clock.ts";
import { AppError } from "../../lib/errors.ts";
import { silentLogger } from "../../lib/log.ts";
import { assert, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { EventBus } from "../event_bus.ts";
import type { WsEvent } from "../events.ts";
import { DiskGuard } from "./disk_guard.ts";

const MIB = 1024 * 1024;

function rig() {
  let freeBytes = 500 * MIB;
  const bus = new EventBus({ clock: systemClock, validate: true });
  const alerts: WsEvent<"alert">["data"][] = [];
  bus.subscribe((e) => e.type === "alert" && alerts.push(e.data as WsEvent<"alert">["data"]));
  const guard = new DiskGuard({
    dataDir: "/data",
    warnBytes: 200 * MIB,
    reserveBytes: 100 * MIB,
    bus,
    log: silentLogger,
    space: () => Promise.resolve({ totalBytes: 1000 * MIB, freeBytes }),
  });
  const calls: string[] = [];
  let running: string | null = "run-1";
  guard.setSequenceControl({
    pause: (reason) => {
      calls.push(`pause ${reason}`);
      return running;
    },
    resume: (runId) => void calls.push(`resume ${runId}`),
  });
  return {
    guard,
    alerts,
    calls,
    setFree: (mib: number) => freeBytes = mib * MIB,
    stopRunning: () => running = null,
  };
}

Deno.test("disk guard: ok → low → reserve → freed, with alerts and the sequence paused and resumed", async () => {
  const t = rig();
  await t.guard.check();
  assertEquals(t.guard.state, "ok");
  assertEquals(t.guard.refusal(), null);
  t.guard.requireSpace();

  t.setFree(150);
  await t.guard.check();
  assertEquals(t.guard.state, "low");
  assertEquals(t.alerts.map((a) => a.level), ["warning"]);
  assertEquals(t.calls, []);

  t.setFree(99);
  await t.guard.check();
  assertEquals(t.guard.state, "reserve");
  assertEquals(t.calls, [
    "pause the data disk has 99.0 MiB free, below its 100 MiB reserve; it resumes by itself " +
    "once space is freed",
  ]);
  assertEquals(t.alerts.at(-1)?.level, "critical");
  assert(t.guard.pausedSequence);
  const err = assertThrows(() => t.guard.requireSpace()) as AppError;
  assertEquals([err.status, err.code], [507, "insufficient_storage"]);
  assert(t.guard.refusal()!.includes("99.0 MiB free"));

  // Just above the reserve is not enough: 10 % margin, so deleting one frame does not flap.
  t.setFree(105);
  await t.guard.check();
  assertEquals(t.guard.state, "reserve");
  t.setFree(111);
  await t.guard.check();
  assertEquals(t.guard.state, "low");
  assertEquals(t.calls.at(-1), "resume run-1");
  assertEquals(t.alerts.slice(-2).map((a) => a.level), ["info", "warning"]);
  assert(!t.guard.pausedSequence);

  t.setFree(400);
  await t.guard.check();
  assertEquals(t.guard.state, "ok");
  assertEquals(t.alerts.at(-1)?.level, "info");
});

Deno.test("disk guard: with no sequence running nothing is resumed later", async () => {
  const t = rig();
  t.stopRunning();
  t.setFree(50);
  await t.guard.check();
  assertEquals(t.guard.state, "reserve");
  assert(!t.guard.pausedSequence);
  t.setFree(500);
  await t.guard.check();
  assertEquals(t.calls.length, 1);
});

Deno.test("disk guard: thresholds must be ordered", () => {
  assertThrows(() =>
    new DiskGuard({
      dataDir: "/",
      warnBytes: 1,
      reserveBytes: 2,
      bus: new EventBus({ clock: systemClock }),
      log: silentLogger,
    })
  );
});
