/**
 * The real crash test: the box runs as its own process, takes a sequence of 2 filters × 4 frames,
 * is killed with SIGKILL in the middle of the 4th exposure, is started again on the same data
 * dir, reports the interrupted run at GET /sequencer/checkpoint, and resumes it. Afterwards the
 * frames on disk and in the database are exactly the plan: 8 files, 8 rows, 4 per filter, no
 * temporary file, none twice. Bounded: every wait has a deadline and the whole test < 60 s.
 */
import { join } from "node:path";
import { assertEquals } from "../_assert.ts";
import { openDatabase } from "../../core/store/db.ts";
import { EventRecorder } from "./_server.ts";
import { spawnServe } from "./_child.ts";

interface Box {
  child: Deno.ChildProcess;
  url: string;
}

async function startBox(dataDir: string, config: string): Promise<Box> {
  // On port 0, Alpaca's too: no port needs to be free (see _child.ts).
  try {
    await Deno.stat(config);
  } catch {
    await Deno.writeTextFile(config, "[alpaca]\nport = 0\n");
  }
  const { child, url } = await spawnServe(["--data-dir", dataDir, "--config", config]);
  return { child, url };
}

async function call<T = Record<string, unknown>>(
  box: Box,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: T }> {
  const res = await fetch(`${box.url}/api/v1${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : {}) as T };
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function* walk(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* walk(path);
    else yield path;
  }
}

Deno.test("sequencer crash test: kill -9 mid-exposure, restart, resume: exactly the plan", async () => {
  const dir = await Deno.makeTempDir({ prefix: "openskylab-crash-" });
  const dataDir = join(dir, "data");
  const config = join(dir, "config.toml");
  let box: Box | null = null;
  let ws: EventRecorder | null = null;
  try {
    box = await startBox(dataDir, config);
    const active = (await call<Record<string, unknown> & { id: string; devices: object }>(
      box,
      "GET",
      "/profiles/active",
    )).json;
    const devices = {
      ...active.devices,
      camera: { driver: "sim", options: { widthPx: 320, heightPx: 240, readoutMs: 100 } },
      filterwheel: { driver: "sim", options: { secondsPerSlot: 0.05 } },
      focuser: { driver: "sim", options: { speedStepsPerS: 20000 } },
    };
    const put = await call(box, "PUT", `/profiles/${active.id}`, { ...active, devices });
    assertEquals(put.status, 200, JSON.stringify(put.json));
    const created = await call<{ id: string }>(box, "POST", "/sequences", {
      name: "crash test",
      targets: [{
        name: "M 42",
        ra: 5.588,
        dec: -5.39,
        groups: [
          { filter: "R", exposure_s: 1, count: 4 },
          { filter: "G", exposure_s: 1, count: 4 },
        ],
      }],
      options: { slew: false },
    });
    assertEquals(created.status, 201, JSON.stringify(created.json));
    const sequenceId = created.json.id;

    ws = new EventRecorder(`${box.url.replace("http", "ws")}/ws?topics=sequencer.*`);
    await ws.opened;
    const started = await call(box, "POST", "/sequencer/start", { sequence_id: sequenceId });
    assertEquals(started.status, 202, JSON.stringify(started.json));
    await ws.waitFor("sequencer.frame_saved", (d) => d.frame_index === 2, 20_000);
    // Kill it while the 4th frame is being exposed: its shutter is open, nothing of it saved.
    const b = box;
    await until("the 4th exposure", async () => {
      const cam = await call<{ exposure: { state: string } }>(b, "GET", "/camera/status");
      return cam.json.exposure.state === "exposing";
    }, 5000);
    await ws.close();
    ws = null;
    box.child.kill("SIGKILL");
    assertEquals((await box.child.status).signal, "SIGKILL");
    box = null;

    box = await startBox(dataDir, config);
    const checkpoint = await call<
      {
        sequence_id: string;
        frames_done: number;
        frames_planned: number;
        state: string;
        next: Record<string, number>;
      }
    >(
      box,
      "GET",
      "/sequencer/checkpoint",
    );
    assertEquals(checkpoint.status, 200);
    assertEquals(checkpoint.json.sequence_id, sequenceId);
    assertEquals(checkpoint.json.state, "interrupted");
    assertEquals(checkpoint.json.frames_done, 3);
    assertEquals(checkpoint.json.frames_planned, 8);
    assertEquals(checkpoint.json.next, {
      target_index: 0,
      loop_index: 0,
      group_index: 0,
      frame_index: 3,
    });

    const resumed = await call(box, "POST", "/sequencer/start", {
      sequence_id: sequenceId,
      resume: true,
    });
    assertEquals(resumed.status, 202, JSON.stringify(resumed.json));
    const b2 = box;
    await until("the resumed run to complete", async () => {
      const status = await call<{ state: string }>(b2, "GET", "/sequencer/status");
      return status.json.state === "completed";
    }, 30_000);
    assertEquals((await call(box, "GET", "/sequencer/checkpoint")).status, 404);
    box.child.kill("SIGTERM");
    await box.child.status;
    box = null;

    const files = await Array.fromAsync(walk(join(dataDir, "frames")));
    assertEquals(files.filter((f) => f.includes(".tmp-")), [], "no temporary file is left");
    const fits = files.filter((f) => f.endsWith(".fits"));
    assertEquals(fits.length, 8, fits.join("\n"));
    const db = await openDatabase(dataDir);
    try {
      const rows = await db.kysely.selectFrom("frames").selectAll().where(
        "sequence_id",
        "=",
        sequenceId,
      ).execute();
      assertEquals(rows.length, 8);
      assertEquals(new Set(rows.map((r) => r.path)).size, 8, "no frame twice");
      assertEquals(rows.filter((r) => r.filter === "R").length, 4);
      assertEquals(rows.filter((r) => r.filter === "G").length, 4);
      assertEquals(new Set(rows.map((r) => join(dataDir, r.path))), new Set(fits));
      const run = await db.kysely.selectFrom("sequence_runs").selectAll().execute();
      assertEquals(run.map((r) => [r.state, r.frames_done]), [["completed", 8]]);
    } finally {
      await db.close();
    }
  } finally {
    await ws?.close();
    if (box) {
      box.child.kill("SIGKILL");
      await box.child.status;
    }
    await Deno.remove(dir, { recursive: true });
  }
});
