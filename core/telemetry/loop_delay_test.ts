/** The event-loop delay monitor measures a real block of the loop and summarises its window. */
import { assert, assertEquals } from "../../tests/_assert.ts";
import { LoopDelayMonitor } from "./loop_delay.ts";

Deno.test("loop delay: a 300 ms block of the event loop is measured as ≥ 250 ms late", async () => {
  const monitor = new LoopDelayMonitor(20);
  monitor.start();
  try {
    await new Promise((r) => setTimeout(r, 100));
    monitor.take();
    // Block the loop: the monitor's timer cannot fire until this ends.
    const until = performance.now() + 300;
    while (performance.now() < until) { /* busy */ }
    await new Promise((r) => setTimeout(r, 60));
    const window = monitor.take();
    assert(window.count >= 1, "the timer fired after the block");
    // Whatever else the machine is doing, the block itself is a lower bound.
    assert(window.maxMs! >= 250, `max ${window.maxMs} ms`);
    assert(monitor.totals.count >= window.count);
  } finally {
    monitor.stop();
  }
  assertEquals(monitor.running, false);
});

Deno.test("loop delay: mean, 99th percentile and max of a window; empty window is null", () => {
  const monitor = new LoopDelayMonitor(100);
  assertEquals(monitor.take(), { meanMs: null, p99Ms: null, maxMs: null, count: 0 });
  for (let i = 1; i <= 100; i++) monitor.record(i);
  assertEquals(monitor.take(), { meanMs: 50.5, p99Ms: 99, maxMs: 100, count: 100 });
  monitor.record(-3); // a timer that fired early counts as no delay
  assertEquals(monitor.take().maxMs, 0);
  assertEquals(monitor.totals.count, 101);
});

Deno.test("loop delay: a window never read (telemetry off) stays bounded; totals count all", () => {
  const monitor = new LoopDelayMonitor(100);
  // A night at 100 ms is 360 000 ticks; the window keeps 5000 values whatever the count.
  for (let i = 0; i < 360_000; i++) monitor.record(i === 200_000 ? 900 : 1);
  assertEquals(monitor.totals.count, 360_000);
  const window = monitor.take();
  assertEquals(window.count, 5000);
  assertEquals(window.maxMs, 900, "the max is kept past the window's bound");
  assertEquals(monitor.take().count, 0);
});
