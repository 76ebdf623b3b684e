/**
 * The box as its own process for the browser tests, so a test can kill it with SIGKILL in the
 * middle of a night and start it again on the same port and data directory, as a power cut
 * would. It listens on loopback only (config `server.host`), with the Alpaca bridge on a free
 * port; every wait is bounded.
 */
import { join } from "node:path";
import { wrapDeg180 } from "../../lib/astro/coords.ts";
import { sunEquatorial } from "../../lib/astro/sun.ts";
import { gastHours } from "../../lib/astro/time.ts";
import { freePort } from "../bench/_util.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

export interface Box {
  url: string;
  port: number;
  dir: string;
  dataDir: string;
  /** Starts the process (again); resolves once /health answers. */
  start(): Promise<void>;
  /** SIGKILL: no shutdown, no flush, like a power cut. */
  kill(): Promise<void>;
  /** Stops the process (if running) and removes the directory. */
  dispose(): Promise<void>;
  json<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T>;
  /**
   * The profile's device options changed the way useFastSimulators does for in-process tests,
   * and its site if `fn` changes that too; the box applies the whole profile again.
   */
  patchProfile(
    fn: (
      devices: Record<string, { driver: string; options: Record<string, unknown> }>,
      site: ProfileSite,
    ) => void,
  ): Promise<void>;
}

export interface ProfileSite {
  latitude: number;
  longitude: number;
  elevation: number;
}

/**
 * The longitude (degrees east, [-180, 180)) where the Sun is on the lower meridian at `atMs`:
 * local apparent midnight, the middle of the night at any latitude that has one. A test moves the
 * profile's site there so that "tonight", the sky the mount points at and the stars the camera
 * renders are those of a real night whatever the hour of the real clock, with no clock faked.
 */
export function midnightLongitudeDeg(atMs: number): number {
  return wrapDeg180(15 * (sunEquatorial(atMs).raHours + 12 - gastHours(atMs)));
}

export async function newBox(): Promise<Box> {
  const dir = await Deno.makeTempDir({ prefix: "openskylab-e2e-" });
  const dataDir = join(dir, "data");
  const config = join(dir, "config.toml");
  await Deno.writeTextFile(
    config,
    `[server]\nhost = "127.0.0.1"\n\n[alpaca]\nport = 0\ndiscovery_address = "127.0.0.1"\n`,
  );
  const port = freePort();
  const url = `http://127.0.0.1:${port}`;
  let child: Deno.ChildProcess | null = null;
  const log = await Deno.open(join(dir, "box.log"), { write: true, create: true, append: true });

  const box: Box = {
    url,
    port,
    dir,
    dataDir,
    async start() {
      if (child) throw new Error("the box is already running");
      child = new Deno.Command(Deno.execPath(), {
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
          config,
        ],
        cwd: ROOT,
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      // Keep the box's log beside its data for a failing test to show.
      child.stdout.pipeTo(log.writable, { preventClose: true }).catch(() => {});
      child.stderr.pipeTo(new WritableStream()).catch(() => {});
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        const ok = await fetch(`${url}/api/v1/health`).then(async (r) => {
          await r.body?.cancel();
          return r.ok;
        }, () => false);
        if (ok) return;
        await new Promise((r) => setTimeout(r, 200));
      }
      await box.kill();
      throw new Error(`the box did not answer /health within 60 s (log: ${join(dir, "box.log")})`);
    },
    async kill() {
      if (!child) return;
      const c = child;
      child = null;
      try {
        c.kill("SIGKILL");
      } catch { /* already gone */ }
      await c.status;
    },
    async dispose() {
      await box.kill();
      log.close();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
    async json(method, path, body) {
      const res = await fetch(`${url}/api/v1${path}`, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
      return text === "" ? {} : JSON.parse(text);
    },
    async patchProfile(fn) {
      const active = await box.json<
        Record<string, unknown> & { id: string; devices: Record<string, never>; site: ProfileSite }
      >(
        "GET",
        "/profiles/active",
      );
      const devices = structuredClone(active.devices) as Record<
        string,
        { driver: string; options: Record<string, unknown> }
      >;
      const site = structuredClone(active.site);
      fn(devices, site);
      await box.json("PUT", `/profiles/${active.id}`, {
        name: active.name,
        site,
        optics: active.optics,
        devices,
      });
    },
  };
  return box;
}
