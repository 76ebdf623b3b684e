/** The log ring that /api/v1/logs reads: bounded, oldest first, filters by level and time. */
import { assertEquals } from "../tests/_assert.ts";
import { LogSink } from "./log.ts";

Deno.test("log ring: a night of entries keeps the newest `capacity`, oldest first", () => {
  let nowMs = 0;
  const sink = new LogSink({ capacity: 100, consoleLevel: "silent", now: () => nowMs });
  const log = sink.logger("soak");
  for (let i = 0; i < 10_050; i++) {
    nowMs = i;
    log.info(`entry ${i}`, { i });
  }
  const kept = sink.query();
  assertEquals(kept.length, 100);
  assertEquals(kept[0]!.message, "entry 9950");
  assertEquals(kept.at(-1)!.message, "entry 10049");
  assertEquals(kept.map((e) => e.ts), Array.from({ length: 100 }, (_, i) => 9950 + i));
});

Deno.test("log ring: level, time and limit filters on a wrapped ring", () => {
  let nowMs = 0;
  const sink = new LogSink({ capacity: 10, consoleLevel: "silent", now: () => nowMs });
  const log = sink.logger("soak");
  for (let i = 0; i < 25; i++) {
    nowMs = i;
    if (i % 5 === 0) log.warn(`warn ${i}`);
    else log.debug(`debug ${i}`);
  }
  assertEquals(sink.query({ minLevel: "warn" }).map((e) => e.message), ["warn 15", "warn 20"]);
  assertEquals(sink.query({ sinceMs: 22 }).map((e) => e.ts), [22, 23, 24]);
  assertEquals(sink.query({ untilMs: 16, limit: 2 }).map((e) => e.ts), [15, 16]);
});
