import { assertEquals, assertRejects } from "../tests/_assert.ts";
import { untilAborted } from "./abort.ts";

Deno.test("untilAborted passes the work's value through while the signal is quiet", async () => {
  assertEquals(await untilAborted(Promise.resolve(7), new AbortController().signal), 7);
});

Deno.test("untilAborted rejects with the signal's reason at once, the work still pending", async () => {
  const controller = new AbortController();
  const work = Promise.withResolvers<number>();
  const waiting = untilAborted(work.promise, controller.signal);
  controller.abort(new Error("stopped by the user"));
  await assertRejects(() => waiting, Error, "stopped by the user");
  work.resolve(1);
  const already = new AbortController();
  already.abort(new Error("already stopped"));
  await assertRejects(() => untilAborted(work.promise, already.signal), Error, "already stopped");
});
