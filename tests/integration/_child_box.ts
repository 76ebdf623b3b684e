/**
 * A real `openskylab serve` in its own process, for tests that kill it (SIGKILL mid-upload,
 * mid-prefetch) and start it again over the same data: resolves once /health answers.
 */
import { freePort } from "../bench/_util.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

export interface ChildBox {
  child: Deno.ChildProcess;
  url: string;
}

export async function startChildBox(dataDir: string, configPath: string): Promise<ChildBox> {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "main.ts",
      "serve",
      "--port",
      String(port),
      "--data-dir",
      dataDir,
      "--config",
      configPath,
    ],
    cwd: ROOT,
    stdout: "null",
    stderr: "null",
  }).spawn();
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const ok = await fetch(`${url}/api/v1/health`).then(async (r) => {
      await r.body?.cancel();
      return r.ok;
    }, () => false);
    if (ok) return { child, url };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGKILL");
  await child.status;
  throw new Error("the box did not answer /health within 30 s");
}
