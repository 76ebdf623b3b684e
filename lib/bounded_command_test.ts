/** runBounded on real programs: the exit and both outputs, the deadline, a missing program. */
import { assert, assertEquals, assertRejects } from "../tests/_assert.ts";
import { runBounded } from "./bounded_command.ts";

Deno.test("runBounded: the exit code and both outputs, in the C locale", async () => {
  const out = await runBounded("sh", ["-c", 'echo "$LC_ALL"; echo err >&2; exit 3'], 10_000);
  assertEquals(out, { code: 3, stdout: "C\n", stderr: "err\n" });
});

Deno.test("runBounded: a program past its deadline is stopped, with no exit code", async () => {
  const startedMs = performance.now();
  const out = await runBounded("sleep", ["30"], 200);
  assertEquals(out.code, null);
  assert(performance.now() - startedMs < 20_000, "stopped well before it would have ended");
});

Deno.test("runBounded: a program that is not installed is NotFound", async () => {
  await assertRejects(
    () => runBounded("openskylab-no-such-program", [], 1000),
    Deno.errors.NotFound,
  );
});
