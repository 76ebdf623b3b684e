/**
 * Imaging stops cleanly before the disk is full, on a real full disk: the box runs as its own
 * process in a private mount namespace whose data directory is a 64 MiB tmpfs (reserve 16 MiB,
 * warning below 24 MiB). The test fills that disk with a ballast file (through /proc/<pid>/root,
 * the box's own view of its mounts) and checks what a user sees: the alerts, a 507 for a new
 * exposure and a 409 for a new sequence, a running sequence paused after its current frame with
 * its checkpoint, and — once the ballast is deleted — imaging allowed again and the sequence
 * resumed by itself, with every frame on disk recorded and none cut short.
 *
 * Needs root and util-linux's unshare (mount namespaces); skipped elsewhere.
 */
import { join } from "node:path";
import { freePort } from "../bench/_util.ts";
import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { EventRecorder } from "./_server.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const MIB = 1024 * 1024;

const CAN_UNSHARE = (() => {
  try {
    return Deno.uid() === 0 &&
      new Deno.Command("unshare", { args: ["-m", "true"], stdout: "null", stderr: "null" })
        .outputSync().success;
  } catch {
    return false;
  }
})();

interface Box {
  child: Deno.ChildProcess;
  url: string;
  /** The data directory as the test reaches it: inside the box's mount namespace. */
  data: string;
}

async function startBox(dir: string): Promise<Box> {
  const dataDir = join(dir, "data");
  await Deno.mkdir(dataDir);
  const config = join(dir, "config.toml");
  await Deno.writeTextFile(
    config,
    "[telemetry]\nsample_interval_s = 1\ndisk_warn_mb = 24\ndisk_reserve_mb = 16\n",
  );
  const port = freePort();
  // A private mount namespace: the tmpfs exists only for the box and goes away with it.
  const child = new Deno.Command("unshare", {
    args: [
      "-m",
      "--propagation",
      "private",
      "sh",
      "-c",
      'mount -t tmpfs -o size=64m tmpfs "$1" && exec "$2" run -A main.ts serve --port "$3" ' +
      '--data-dir "$1" --config "$4"',
      "sh",
      dataDir,
      Deno.execPath(),
      String(port),
      config,
    ],
    cwd: ROOT,
    stdout: "null",
    stderr: "null",
  }).spawn();
  const url = `http://127.0.0.1:${port}`;
  // A child deno compiling the box on a busy machine: bounded, but generously.
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const ok = await fetch(`${url}/api/v1/health`).then(async (r) => {
      await r.body?.cancel();
      return r.ok;
    }, () => false);
    if (ok) return { child, url, data: `/proc/${child.pid}/root${dataDir}` };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGKILL");
  await child.status;
  throw new Error("the box did not answer /health within 60 s");
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

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

type Telemetry = {
  disk: { free_bytes: number; state: string };
  imaging: { allowed: boolean; paused_sequence: boolean };
};

/** Writes a ballast file that leaves `leaveBytes` free on the box's data disk. */
async function fill(box: Box, leaveBytes: number): Promise<void> {
  const now = (await call<Telemetry>(box, "GET", "/telemetry")).json;
  const size = Math.max(0, now.disk.free_bytes - leaveBytes);
  const file = await Deno.open(join(box.data, "ballast"), { write: true, create: true });
  try {
    const chunk = new Uint8Array(MIB).fill(0x55);
    for (let written = 0; written < size;) {
      const n = Math.min(chunk.length, size - written);
      await file.write(chunk.subarray(0, n));
      written += n;
    }
    await file.sync();
  } finally {
    file.close();
  }
}

async function* walk(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* walk(path);
    else yield path;
  }
}

Deno.test({
  name: "disk guard on a real full disk: 507 and 409 below the reserve, a sequence paused, resumed",
  ignore: !CAN_UNSHARE,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "openskylab-disk-" });
    let box: Box | null = null;
    let ws: EventRecorder | null = null;
    try {
      box = await startBox(dir);
      const active = (await call<{ id: string; devices: object }>(box, "GET", "/profiles/active"))
        .json;
      const devices = {
        ...active.devices,
        camera: {
          driver: "sim",
          options: { widthPx: 320, heightPx: 240, readoutMs: 50, sky: "random" },
        },
        filterwheel: { driver: "sim", options: { secondsPerSlot: 0.05 } },
      };
      assertEquals(
        (await call(box, "PUT", `/profiles/${active.id}`, { ...active, devices })).status,
        200,
      );
      ws = new EventRecorder(
        `${
          box.url.replace("http", "ws")
        }/ws?topics=alert,sequencer.*,camera.frame_ready,camera.exposure_failed`,
      );
      await ws.opened;
      const start = await call<Telemetry>(box, "GET", "/telemetry");
      assertEquals(start.json.disk.state, "ok");
      assert(
        start.json.disk.free_bytes > 40 * MIB,
        `${start.json.disk.free_bytes} free on the tmpfs`,
      );

      // Below the reserve: an exposure is refused with 507 and a sequence with 409.
      await fill(box, 12 * MIB);
      await ws.waitFor("alert", (d) => d.source === "telemetry" && d.level === "critical");
      const refused = await call<{ error: { code: string; message: string } }>(
        box,
        "POST",
        "/camera/expose",
        { duration: 0.1 },
      );
      assertEquals(refused.status, 507);
      assertEquals(refused.json.error.code, "insufficient_storage");
      assertMatch(refused.json.error.message, /reserve/);
      const seq = await call<{ id: string }>(box, "POST", "/sequences", {
        name: "until the disk fills",
        targets: [{
          name: "M 42",
          ra: 5.588,
          dec: -5.39,
          groups: [{ filter: "L", exposure_s: 0.3, count: 40 }],
        }],
        options: { slew: false },
      });
      assertEquals(seq.status, 201);
      const blocked = await call<{ error: { message: string } }>(box, "POST", "/sequencer/start", {
        sequence_id: seq.json.id,
      });
      assertEquals(blocked.status, 409);
      assertMatch(blocked.json.error.message, /data disk/);

      // Space freed: the exposure goes through.
      await Deno.remove(join(box.data, "ballast"));
      await ws.waitFor("alert", (d) => d.source === "telemetry" && d.level === "info");
      const taken = await call<{ frame_id: string }>(box, "POST", "/camera/expose", {
        duration: 0.1,
      });
      assertEquals(taken.status, 202);
      await ws.waitFor("camera.frame_ready", (d) => d.id === taken.json.frame_id);

      // A running sequence meets a full disk: it pauses after its frame, checkpoint kept …
      assertEquals(
        (await call(box, "POST", "/sequencer/start", { sequence_id: seq.json.id })).status,
        202,
      );
      await until(
        "two sequence frames",
        () => Promise.resolve(ws!.ofType("sequencer.frame_saved").length >= 2),
      );
      await fill(box, 12 * MIB);
      await until(
        "the sequence paused",
        async () =>
          (await call<{ state: string }>(box!, "GET", "/sequencer/status")).json.state === "paused",
      );
      const status = (await call<{ paused_reason: string }>(box, "GET", "/sequencer/status")).json;
      assertMatch(status.paused_reason, /data disk has .* free, below its 16\.0 MiB reserve/);
      const paused = (await call<Telemetry>(box, "GET", "/telemetry")).json;
      assertEquals([paused.imaging.allowed, paused.imaging.paused_sequence], [false, true]);
      const checkpoint = (await call<{ frames_done: number }>(box, "GET", "/sequencer/checkpoint"))
        .json;
      const framesAtPause = ws.ofType("sequencer.frame_saved").length;
      assertEquals(checkpoint.frames_done, framesAtPause);
      await new Promise((r) => setTimeout(r, 1500));
      assertEquals(
        ws.ofType("sequencer.frame_saved").length,
        framesAtPause,
        "no frame while paused",
      );

      // … and resumes by itself once space is freed.
      await Deno.remove(join(box.data, "ballast"));
      await until(
        "the sequence running again",
        () => Promise.resolve(ws!.ofType("sequencer.frame_saved").length > framesAtPause),
      );
      assertEquals(ws.ofType("camera.exposure_failed").length, 0);
      assertEquals((await call(box, "POST", "/sequencer/abort")).status, 200);

      // Every frame file on the disk is whole and was recorded (its event follows its row).
      const recorded = new Set(
        [...ws.ofType("camera.frame_ready"), ...ws.ofType("sequencer.frame_saved")]
          .map((e) => e.data.id as string),
      );
      const files: string[] = [];
      for await (const path of walk(join(box.data, "frames"))) files.push(path);
      assertEquals(files.filter((f) => f.endsWith(".tmp")), []);
      assertEquals(files.length, recorded.size);
      for (const path of files) {
        const size = (await Deno.stat(path)).size;
        assertEquals(size % 2880, 0, `${path} is whole FITS blocks`);
      }
    } finally {
      await ws?.close();
      if (box) {
        box.child.kill("SIGTERM");
        await box.child.status;
      }
      await Deno.remove(dir, { recursive: true });
    }
  },
});
