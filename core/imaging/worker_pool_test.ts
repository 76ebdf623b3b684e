import assert from "node:assert/strict";
import { WorkerPool, WorkerTaskError, WorkerTaskTimeoutError } from "./worker_pool.ts";

const TEST_WORKER = new URL("./testdata/test_worker.ts", import.meta.url);

type Span = { startedMs: number; endedMs: number };

async function withPool(
  size: number,
  fn: (pool: WorkerPool) => Promise<void>,
  // Only against a hang: a worker's first task loads its modules, slow on a busy machine.
  taskTimeoutMs = 120_000,
): Promise<void> {
  const pool = new WorkerPool({ size, workerUrl: TEST_WORKER, taskTimeoutMs });
  try {
    await fn(pool);
  } finally {
    pool.close();
  }
}

Deno.test("worker pool: two CPU-bound tasks on two workers run at the same time", async () => {
  await withPool(2, async (pool) => {
    // Warm both workers so module loading is not part of the measured spans.
    await Promise.all([pool.run("test.spin", { ms: 1 }), pool.run("test.spin", { ms: 1 })]);
    assert.equal(pool.stats.alive, 2);
    const [a, b] = await Promise.all([
      pool.run<Span>("test.spin", { ms: 400 }),
      pool.run<Span>("test.spin", { ms: 400 }),
    ]);
    const overlapMs = Math.min(a.endedMs, b.endedMs) - Math.max(a.startedMs, b.startedMs);
    // Serial execution gives an overlap of ≤ 0; parallel ones overlap (by most of 400 ms on an
    // idle machine, by less when other processes hold the cores: any overlap is the proof).
    assert.ok(overlapMs > 0, `spans overlap by ${overlapMs.toFixed(0)} ms`);
  });
});

Deno.test("worker pool: one worker runs queued tasks in FIFO order", async () => {
  await withPool(1, async (pool) => {
    const order: number[] = [];
    await Promise.all(
      [0, 1, 2, 3, 4].map((i) => pool.run("test.spin", { ms: 5 }).then(() => order.push(i))),
    );
    assert.deepEqual(order, [0, 1, 2, 3, 4]);
    assert.equal(pool.stats.started, 1);
  });
});

Deno.test("worker pool: urgent tasks go ahead of queued background tasks, not of running ones", async () => {
  await withPool(1, async (pool) => {
    const order: string[] = [];
    const run = (name: string, urgent: boolean) =>
      pool.run("test.spin", { ms: 5 }, [], { urgent }).then(() => order.push(name));
    // "running" is taken by the worker at once; the rest wait in the queue.
    await Promise.all([
      run("running", false),
      run("background 1", false),
      run("background 2", false),
      run("urgent 1", true),
      run("urgent 2", true),
      run("background 3", false),
    ]);
    assert.deepEqual(order, [
      "running",
      "urgent 1",
      "urgent 2",
      "background 1",
      "background 2",
      "background 3",
    ]);
  });
});

Deno.test("worker pool: transferred buffers are detached in the caller, results come back", async () => {
  await withPool(1, async (pool) => {
    const values = Float64Array.from({ length: 1000 }, (_, i) => i);
    const result = await pool.run<{ sum: number; doubled: Float64Array }>(
      "test.sum",
      { values },
      [values.buffer],
    );
    assert.equal(values.byteLength, 0, "the caller's buffer moved to the worker");
    assert.equal(result.sum, 999 * 1000 / 2);
    assert.ok(result.doubled instanceof Float64Array);
    assert.equal(result.doubled[999], 1998);
  });
});

Deno.test("worker pool: a task's error arrives with the task name, error name and message", async () => {
  await withPool(1, async (pool) => {
    await assert.rejects(
      pool.run("test.fail", { message: "exposure must be > 0" }),
      (err: unknown) => {
        assert.ok(err instanceof WorkerTaskError);
        assert.equal(err.task, "test.fail");
        assert.equal(err.errorName, "RangeError");
        assert.match(err.message, /"test\.fail" failed: RangeError: exposure must be > 0/);
        return true;
      },
    );
    await assert.rejects(pool.run("no.such.task", {}), /unknown worker task "no\.such\.task"/);
    // Arguments that cannot be cloned fail the task, not the worker.
    await assert.rejects(pool.run("test.sum", { values: () => 1 }), WorkerTaskError);
    assert.equal((await pool.run<{ sum: number }>("test.sum", { values: [1, 2] })).sum, 3);
    assert.equal(pool.stats.started, 1, "errors do not cost the worker");
  });
});

Deno.test("worker pool: a task past its deadline is stopped and its worker replaced", async () => {
  await withPool(1, async (pool) => {
    const started = performance.now();
    await assert.rejects(
      pool.run("test.spin", { ms: 10_000 }, [], { timeoutMs: 300 }),
      (err: unknown) => err instanceof WorkerTaskTimeoutError && /300 ms/.test(err.message),
    );
    const elapsedMs = performance.now() - started;
    // Ended by the 300 ms deadline, well before the task's own 10 s.
    assert.ok(elapsedMs < 5000, `timed out after ${elapsedMs.toFixed(0)} ms`);
    const after = await pool.run<Span>("test.spin", { ms: 1 });
    assert.ok(after.endedMs >= after.startedMs);
    assert.equal(pool.stats.started, 2, "a fresh worker took over");
  });
});

Deno.test("worker pool: a crashed worker fails its task and is replaced", async () => {
  await withPool(1, async (pool) => {
    await assert.rejects(
      pool.run("test.crash", {}),
      /worker crashed while running task "test\.crash"/,
    );
    assert.equal(pool.stats.alive, 0);
    assert.equal((await pool.run<{ sum: number }>("test.sum", { values: [2, 3] })).sum, 5);
    assert.equal(pool.stats.started, 2);
  });
});

Deno.test("worker pool: close rejects running and queued tasks and terminates the workers", async () => {
  const pool = new WorkerPool({ size: 1, workerUrl: TEST_WORKER });
  const running = pool.run("test.spin", { ms: 10_000 });
  const queued = pool.run("test.spin", { ms: 1 });
  await new Promise((r) => setTimeout(r, 50));
  pool.close();
  await assert.rejects(running, /closed before task "test\.spin" ended/);
  await assert.rejects(queued, /closed/);
  await assert.rejects(pool.run("test.spin", { ms: 1 }), /worker pool is closed/);
  assert.equal(pool.stats.alive, 0);
  pool.close();
});

Deno.test("worker pool: default size leaves one core for the control loop", () => {
  const pool = new WorkerPool();
  assert.equal(pool.size, Math.max(1, navigator.hardwareConcurrency - 1));
  pool.close();
  assert.throws(() => new WorkerPool({ size: 0 }), /positive integer/);
});

Deno.test("worker pool: a night of tasks runs on the same workers (none re-spawned)", async () => {
  await withPool(2, async (pool) => {
    for (let round = 0; round < 100; round++) {
      await Promise.all([
        pool.run("test.sum", { values: new Float64Array(1000) }),
        pool.run("test.sum", { values: new Float64Array(1000) }),
        pool.run("test.fail", { message: "a task's own error keeps its worker" }).catch(() => {}),
      ]);
    }
    assert.deepEqual(pool.stats, { alive: 2, started: 2, queued: 0, busy: 0 });
  });
});
