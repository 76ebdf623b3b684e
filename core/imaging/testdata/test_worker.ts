/**
 * A worker entry for the pool's tests: the production registry plus tasks that misbehave on
 * purpose (spin the CPU, throw, crash the worker), which must never be reachable in the box.
 */
import { serveTasks } from "../worker_protocol.ts";
import { workerTasks } from "../worker_tasks.ts";

function spin(args: { ms: number }): { startedMs: number; endedMs: number } {
  const startedMs = performance.timeOrigin + performance.now();
  let endedMs = startedMs;
  while (endedMs - startedMs < args.ms) endedMs = performance.timeOrigin + performance.now();
  return { startedMs, endedMs };
}

serveTasks({
  ...workerTasks,
  "test.spin": spin,
  "test.sum": (args: { values: Float64Array }) => {
    let sum = 0;
    for (const v of args.values) sum += v;
    return { sum, doubled: args.values.map((v) => v * 2) };
  },
  "test.fail": (args: { message: string }) => {
    throw new RangeError(args.message);
  },
  "test.crash": () => {
    // Thrown outside the message handler: the worker's uncaught error, as a real crash is.
    setTimeout(() => {
      throw new Error("simulated worker crash");
    }, 0);
    return new Promise(() => {});
  },
});
