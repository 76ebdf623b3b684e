/**
 * The one poll-with-deadline on the injected clock: it resolves once the condition holds, and a
 * condition that never holds ends in DeviceTimeoutError at the deadline, not later, not never.
 */
import { assertEquals, assertRejects } from "../tests/_assert.ts";
import { ManualClock } from "../lib/clock.ts";
import { DeviceTimeoutError } from "../lib/errors.ts";
import { pollUntil, SLEW_TIMEOUT_MS, waitForSlew } from "./device_wait.ts";

Deno.test("pollUntil resolves on the first poll after the condition holds", async () => {
  const clock = new ManualClock();
  const startMs = clock.now();
  let doneAtMs = 0;
  const waiting = pollUntil(clock, "x", () => clock.now() - startMs >= 1000, 5000)
    .then(() => doneAtMs = clock.now() - startMs);
  for (let i = 0; i < 20; i++) await clock.advance(100);
  await waiting;
  assertEquals(doneAtMs, 1000);
});

Deno.test("a condition that never holds ends in DeviceTimeoutError at the deadline", async () => {
  const clock = new ManualClock();
  const startMs = clock.now();
  // Polled every 5 s of clock so the test needs few wake-ups; the deadline is the slew's.
  const waiting = pollUntil(clock, "mount.slewTo", () => false, SLEW_TIMEOUT_MS, undefined, 5000);
  const rejected = assertRejects(() => waiting, DeviceTimeoutError, "mount.slewTo");
  await clock.advance(SLEW_TIMEOUT_MS + 5000);
  const err = await rejected;
  assertEquals((err as DeviceTimeoutError).details, { timeout_ms: SLEW_TIMEOUT_MS });
  assertEquals(clock.now() - startMs, SLEW_TIMEOUT_MS + 5000);
});

Deno.test("waitForSlew resolves when the mount stops slewing", async () => {
  const clock = new ManualClock();
  let slewing = true;
  const waiting = waitForSlew({ status: () => ({ slewing }) } as never, clock);
  await clock.advance(1000);
  slewing = false;
  await clock.advance(200);
  await waiting;
});
