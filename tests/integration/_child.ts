/**
 * `openskylab serve` as its own process for the tests that need a real one (signals, crashes):
 * started on port 0, so the system picks a free port and no test assumes one is free, and the
 * port read back from the line serve prints once it listens. stdout and stderr are drained all
 * along (a full pipe would stall the child) and handed over when the process ends. The caller's
 * config should set `[alpaca] port = 0` for the same reason.
 */

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

export interface ServeChild {
  child: Deno.ChildProcess;
  url: string;
  /** Resolves when the process has ended, with everything it wrote. */
  finished: Promise<{ code: number; signal: Deno.Signal | null; stdout: string; stderr: string }>;
}

async function drain(stream: ReadableStream<Uint8Array>, onText: (all: string) => void) {
  const decoder = new TextDecoder();
  let all = "";
  for await (const chunk of stream) {
    all += decoder.decode(chunk, { stream: true });
    onText(all);
  }
  return all + decoder.decode();
}

/** Starts `serve --port 0 …args` and resolves once it listens (or throws with what it said). */
export async function spawnServe(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<ServeChild> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "serve", "--port", "0", ...args],
    env,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const listening = Promise.withResolvers<number>();
  const stdout = drain(child.stdout, (all) => {
    const m = /listening on http:\/\/localhost:(\d+)\//.exec(all);
    if (m) listening.resolve(Number(m[1]));
  });
  const stderr = drain(child.stderr, () => {});
  const finished = (async () => {
    const status = await child.status;
    return { code: status.code, signal: status.signal, stdout: await stdout, stderr: await stderr };
  })();
  const timer = setTimeout(
    () => listening.reject(new Error(`serve did not listen within ${timeoutMs} ms`)),
    timeoutMs,
  );
  const ended = finished.then((f) => {
    throw new Error(`serve exited with ${f.code} before listening: ${f.stderr}`);
  });
  try {
    const port = await Promise.race([listening.promise, ended]);
    return { child, url: `http://127.0.0.1:${port}`, finished };
  } catch (err) {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
    await finished;
    throw err;
  } finally {
    clearTimeout(timer);
    ended.catch(() => {});
  }
}
