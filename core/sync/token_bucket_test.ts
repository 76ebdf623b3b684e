/** The token bucket on a manual clock: the long-run rate, the burst, a rate change, abort. */
import { assert, assertEquals, assertRejects } from "../../tests/_assert.ts";
import { ManualClock } from "../../lib/clock.ts";
import { TokenBucket } from "./token_bucket.ts";

Deno.test("token bucket: 100 chunks at 1 MB/s take 6.4 s of clock time, within one burst", async () => {
  const clock = new ManualClock(0);
  const bucket = new TokenBucket(clock, 1_000_000);
  let sent = 0;
  let doneAtMs = -1;
  const sender = (async () => {
    for (let i = 0; i < 100; i++) {
      await bucket.take(65_536);
      sent += 65_536;
    }
    doneAtMs = clock.now();
  })();
  // Step the clock; at every instant the bytes sent must stay within rate × t + burst.
  for (let t = 0; t < 8000; t += 50) {
    assert(sent <= 1_000_000 * (t / 1000) + 250_000 + 65_536, `${sent} bytes by ${t} ms`);
    await clock.advance(50);
  }
  await sender;
  assertEquals(sent, 6_553_600);
  // 6.55 MB at 1 MB/s, less what the first burst let through at once.
  assert(doneAtMs >= 6_200 && doneAtMs <= 6_700, `finished at ${doneAtMs} ms`);
});

Deno.test("token bucket: unlimited never waits; a lower rate applies to the next chunk", async () => {
  const clock = new ManualClock(0);
  const bucket = new TokenBucket(clock, null);
  await bucket.take(1e9);
  bucket.setRate(100_000);
  const started = clock.now();
  const taking = bucket.take(200_000);
  await clock.advance(5000);
  await taking;
  // 200 kB at 100 kB/s with an empty bucket: about 2 s of clock time.
  assert(clock.now() - started >= 1500);
});

Deno.test("token bucket: an abort ends the wait; a bad rate is a RangeError", async () => {
  const clock = new ManualClock(0);
  const bucket = new TokenBucket(clock, 1000);
  const controller = new AbortController();
  const taking = bucket.take(1_000_000, controller.signal);
  controller.abort(new Error("stop"));
  await assertRejects(() => taking, Error, "stop");
  let threw = false;
  try {
    bucket.setRate(0);
  } catch (err) {
    threw = err instanceof RangeError;
  }
  assert(threw);
});
