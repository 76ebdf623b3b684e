/**
 * Live stacking end to end over real sockets: a server with the simulated camera (small frames,
 * short exposures), started through the API; four lights are taken and each must be stacked or
 * rejected with a reason, the preview must be a JPEG, reset must clear everything, and the stack
 * must come back after a restart of the server on the same data directory. A mono camera behind
 * a filter wheel stacks each filter on its own, as NINA's live stack does (one stack per target
 * and filter), and the status says so filter by filter.
 */
import { join } from "node:path";
import { startServer } from "../../cli/server.ts";
import type { RunningServer } from "../../cli/server.ts";
import { loadConfig } from "../../core/config.ts";
import { LogSink } from "../../lib/log.ts";
import { assert, assertEquals } from "../_assert.ts";

async function boot(dir: string): Promise<RunningServer> {
  const logs = new LogSink({ consoleLevel: "silent" });
  const config = await loadConfig(join(dir, "config.toml"), logs.logger("config"));
  return await startServer({
    config,
    port: 0,
    hostname: "127.0.0.1",
    dataDir: join(dir, "data"),
    logs,
    validateEvents: true,
    alpacaPort: 0,
    alpacaDiscoveryPort: null,
  });
}

function client(server: RunningServer) {
  return async <T = Record<string, unknown>>(method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}/api/v1${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
    return JSON.parse(text) as T;
  };
}

interface Status {
  state: string;
  frames_stacked: number;
  frames_rejected: number;
  rejections: Record<string, number>;
  total_exposure_s: number;
  preview_url: string | null;
  queued: number;
  processing: boolean;
  width: number | null;
  last_frame: { result: string; reason: string | null; message: string | null } | null;
}

/**
 * Polls until `check` holds. The deadlines (60 s) only guard against a hang: the first light of a
 * server waits for the simulated sky to be built from the installed index files, which takes
 * seconds on a busy machine and more with the larger Tycho-2 packages.
 */
async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

Deno.test("live stack: start, four lights, preview, restart, reset", async () => {
  const dir = await Deno.makeTempDir({ prefix: "openskylab-livestack-" });
  let server: RunningServer | null = await boot(dir);
  try {
    let api = client(server);
    const active = await api<{ id: string; devices: Record<string, unknown> }>(
      "GET",
      "/profiles/active",
    );
    await api("PUT", `/profiles/${active.id}`, {
      ...active,
      devices: {
        ...active.devices,
        camera: { driver: "sim", options: { widthPx: 800, heightPx: 600, readoutMs: 20 } },
      },
    });
    const bad = await fetch(`${server.url}/api/v1/camera/livestack/start`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ kappa: -1 }),
    });
    assertEquals(bad.status, 400);
    assert((await bad.text()).includes("kappa"));
    const started = await api<Status>("POST", "/camera/livestack/start", { min_stars: 5 });
    assertEquals(started.state, "running");
    assertEquals(started.preview_url, null);

    // A dark is not a light: it must not be stacked.
    const expose = async (body: unknown) => {
      // The previous frame may still be being saved (409) for a moment after it was counted.
      await waitUntil(
        async () => {
          const res = await fetch(`${server!.url}/api/v1/camera/expose`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(body),
          });
          await res.body?.cancel();
          if (res.status !== 202 && res.status !== 409) throw new Error(`expose → ${res.status}`);
          return res.status === 202;
        },
        60_000,
        "the camera to accept an exposure",
      );
    };
    await expose({ duration: 0.2, frame_type: "dark" });
    for (let k = 0; k < 4; k++) {
      await expose({ duration: 1, frame_type: "light", object: "M 13" });
      await waitUntil(
        async () => {
          const s = await api<Status>("GET", "/camera/livestack");
          return s.frames_stacked + s.frames_rejected === k + 1;
        },
        60_000,
        `light ${k + 1} to be stacked`,
      );
    }
    const status = await api<Status>("GET", "/camera/livestack");
    assertEquals(status.frames_stacked + status.frames_rejected, 4);
    for (const [reason, n] of Object.entries(status.rejections)) {
      assert(n > 0 && reason.length > 0);
    }
    assert(status.frames_stacked >= 2, `stacked ${JSON.stringify(status)}`);
    assertEquals(status.total_exposure_s, status.frames_stacked);
    assertEquals(status.width, 800);
    assert(status.preview_url !== null);
    const preview = await fetch(`${server.url}${status.preview_url}`);
    assertEquals(preview.headers.get("content-type"), "image/jpeg");
    assertEquals([...new Uint8Array(await preview.arrayBuffer()).slice(0, 2)], [0xff, 0xd8]);

    // Restart on the same data directory: the stack and its counters come back.
    await server.shutdown();
    server = await boot(dir);
    api = client(server);
    const restored = await api<Status>("GET", "/camera/livestack");
    assertEquals(restored.frames_stacked, status.frames_stacked);
    assertEquals(restored.frames_rejected, status.frames_rejected);
    assertEquals(restored.total_exposure_s, status.total_exposure_s);
    assertEquals(restored.state, "running");
    const again = await fetch(`${server.url}/api/v1/camera/livestack/preview`);
    assertEquals(again.status, 200);
    await again.body?.cancel();

    const stopped = await api<Status>("POST", "/camera/livestack/stop");
    assertEquals(stopped.state, "stopped");
    const reset = await api<Status & { discarded: number }>("POST", "/camera/livestack/reset");
    assertEquals([reset.frames_stacked, reset.frames_rejected, reset.total_exposure_s], [0, 0, 0]);
    assertEquals(reset.preview_url, null);
    const gone = await fetch(`${server.url}/api/v1/camera/livestack/preview`);
    assertEquals(gone.status, 404);
    await gone.body?.cancel();
  } finally {
    await server?.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("live stack: a one-shot-colour camera stacks in colour", async () => {
  const dir = await Deno.makeTempDir({ prefix: "openskylab-livestack-osc-" });
  const server = await boot(dir);
  try {
    const api = client(server);
    const active = await api<{ id: string; devices: Record<string, unknown> }>(
      "GET",
      "/profiles/active",
    );
    await api("PUT", `/profiles/${active.id}`, {
      ...active,
      devices: {
        ...active.devices,
        camera: {
          driver: "sim",
          // 2.5″ seeing at 1.46″/px puts σ 0.73 px stars on the mosaic, which must not be
          // rejected as trailed. A random star field: the true sky where the parked mount points
          // changes with the hour, and a sparse one fails min_stars.
          options: { model: "color", widthPx: 800, heightPx: 600, readoutMs: 20, sky: "random" },
        },
      },
    });
    await api("POST", "/camera/livestack/start", { min_stars: 5 });
    for (let k = 0; k < 3; k++) {
      await waitUntil(
        async () => {
          const res = await fetch(`${server.url}/api/v1/camera/expose`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ duration: 1, frame_type: "light", object: "M 27" }),
          });
          await res.body?.cancel();
          return res.status === 202;
        },
        60_000,
        "the camera to accept an exposure",
      );
      await waitUntil(
        async () => {
          const s = await api<Status>("GET", "/camera/livestack");
          return s.frames_stacked + s.frames_rejected === k + 1;
        },
        60_000,
        `colour light ${k + 1} to be stacked`,
      );
    }
    const status = await api<Status & { color: boolean | null }>("GET", "/camera/livestack");
    assert(status.frames_stacked >= 2, `stacked ${JSON.stringify(status)}`);
    assertEquals(status.rejections.trailed ?? 0, 0, `rejections ${JSON.stringify(status)}`);
    assertEquals(status.color, true);
    // The saved accumulator is a 3-plane cube: the stack really is in colour.
    const files = [...Deno.readDirSync(join(dir, "data", "livestack"))].map((e) => e.name);
    const cube = files.find((f) => /^accumulator-\d+\.fits$/.test(f));
    assert(cube, `an accumulator file in ${files}`);
    const { decodeFits } = await import("../../lib/fits/mod.ts");
    const fits = decodeFits(await Deno.readFile(join(dir, "data", "livestack", cube)));
    assert(fits.planes >= 3, `planes ${fits.planes}`);
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});

interface Stack {
  filter: string | null;
  frames_stacked: number;
  frames_rejected: number;
  total_exposure_s: number;
  width: number | null;
  preview_url: string | null;
}

Deno.test("live stack: L, R, L, R through a filter wheel make two stacks, never one", async () => {
  const dir = await Deno.makeTempDir({ prefix: "openskylab-livestack-filters-" });
  let server: RunningServer | null = await boot(dir);
  try {
    let api = client(server);
    const active = await api<{ id: string; devices: Record<string, unknown> }>(
      "GET",
      "/profiles/active",
    );
    await api("PUT", `/profiles/${active.id}`, {
      ...active,
      devices: {
        ...active.devices,
        camera: { driver: "sim", options: { widthPx: 800, heightPx: 600, readoutMs: 20 } },
        filterwheel: { driver: "sim", options: { secondsPerSlot: 0.01 } },
      },
    });
    await api("POST", "/camera/livestack/start", { min_stars: 5 });
    const filters = ["L", "R", "L", "R"];
    for (const [k, name] of filters.entries()) {
      await api("POST", "/filterwheel/move", { name });
      await waitUntil(
        async () => {
          const wheel = await api<{ name: string | null; moving: boolean }>(
            "GET",
            "/filterwheel/status",
          );
          return wheel.name === name && !wheel.moving;
        },
        60_000,
        `the wheel to reach ${name}`,
      );
      await waitUntil(
        async () => {
          const res = await fetch(`${server!.url}/api/v1/camera/expose`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ duration: 1, frame_type: "light", object: "M 13" }),
          });
          await res.body?.cancel();
          return res.status === 202;
        },
        60_000,
        "the camera to accept an exposure",
      );
      await waitUntil(
        async () => {
          const s = await api<Status>("GET", "/camera/livestack");
          // Not processing: the frame's stack is saved, not only counted.
          return s.frames_stacked + s.frames_rejected === k + 1 && !s.processing;
        },
        // Generous: a deadline for a hang, not a speed test (the machine may be busy).
        60_000,
        `light ${k + 1} (${name}) to be stacked`,
      );
    }
    const status = await api<Status & { filter: string | null; stacks: Stack[] }>(
      "GET",
      "/camera/livestack",
    );
    assertEquals(status.stacks.map((s) => s.filter), ["L", "R"], JSON.stringify(status));
    for (const stack of status.stacks) {
      assertEquals(stack.frames_stacked + stack.frames_rejected, 2, JSON.stringify(stack));
      assert(stack.frames_stacked >= 1, JSON.stringify(stack));
      assertEquals(stack.total_exposure_s, stack.frames_stacked);
      assertEquals(stack.width, 800);
      assert(stack.preview_url?.includes(`filter=${stack.filter}`), stack.preview_url ?? "null");
      const jpeg = await fetch(`${server.url}${stack.preview_url}`);
      assertEquals(jpeg.headers.get("content-type"), "image/jpeg");
      await jpeg.body?.cancel();
    }
    // The totals add the filters up; the top level shows the stack of the last frame's filter.
    const sum = (f: (s: Stack) => number) => status.stacks.reduce((n, s) => n + f(s), 0);
    assertEquals(status.frames_stacked, sum((s) => s.frames_stacked));
    assertEquals(status.total_exposure_s, sum((s) => s.total_exposure_s));
    assertEquals(status.filter, "R");
    assertEquals(status.preview_url, status.stacks[1]!.preview_url);
    // Each accumulator on disk holds only its own filter's frames.
    const { decodeStack } = await import("../../core/imaging/stack/stack_fits.ts");
    const saved = [...Deno.readDirSync(join(dir, "data", "livestack"))]
      .filter((e) => /^accumulator-\d+\.fits$/.test(e.name));
    assertEquals(saved.length, 2, saved.map((e) => e.name).join());
    const frames = saved.map((e) =>
      decodeStack(Deno.readFileSync(join(dir, "data", "livestack", e.name))).frames
    ).sort();
    assertEquals(frames, status.stacks.map((s) => s.frames_stacked).sort());

    // A restart brings both stacks back, each with its own counters.
    await server.shutdown();
    server = await boot(dir);
    api = client(server);
    const restored = await api<Status & { filter: string | null; stacks: Stack[] }>(
      "GET",
      "/camera/livestack",
    );
    assertEquals(
      restored.stacks.map((s) => [s.filter, s.frames_stacked, s.frames_rejected]),
      status.stacks.map((s) => [s.filter, s.frames_stacked, s.frames_rejected]),
    );
    assertEquals(restored.filter, "R");
    const reset = await api<Status & { stacks: Stack[] }>("POST", "/camera/livestack/reset");
    assertEquals(reset.stacks, []);
  } finally {
    await server?.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
