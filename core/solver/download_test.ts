import { join } from "node:path";
import { assert, assertEquals, assertRejects, assertThrows } from "../../tests/_assert.ts";
import { systemClock } from "../../lib/clock.ts";
import { AppError } from "../../lib/errors.ts";
import { EventBus } from "../event_bus.ts";
import { silentLogger } from "../../lib/log.ts";
import { IndexDownloader } from "./download.ts";

const NAME = "index-test-01.fits";

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...d].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A mirror of our own on loopback: serves one file with Range support and, optionally, its checksum. */
async function withMirror(
  body: Uint8Array<ArrayBuffer>,
  checksum: string | null,
  fn: (url: string, ranges: string[], dir: string) => Promise<void>,
) {
  const ranges: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const path = new URL(req.url).pathname;
    if (path === `/${NAME}.sha256`) {
      return checksum === null
        ? new Response("no", { status: 404 })
        : new Response(`${checksum}  ${NAME}\n`);
    }
    if (path !== `/${NAME}`) return new Response("no", { status: 404 });
    const range = req.headers.get("range");
    if (range) {
      ranges.push(range);
      const from = Number(/bytes=(\d+)-/.exec(range)?.[1]);
      if (from >= body.length) return new Response(null, { status: 416 });
      return new Response(body.slice(from), {
        status: 206,
        headers: { "content-range": `bytes ${from}-${body.length - 1}/${body.length}` },
      });
    }
    return new Response(body);
  });
  const dir = await Deno.makeTempDir();
  try {
    await fn(`http://127.0.0.1:${server.addr.port}/`, ranges, dir);
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
}

function downloader(mirrorUrl: string, dir: string) {
  const bus = new EventBus({ clock: systemClock, validate: true });
  const events: { state: string; received_bytes: number; error: string | null }[] = [];
  bus.subscribe((e) => {
    if (e.type === "solver.download_progress") events.push(e.data as (typeof events)[number]);
  });
  const d = new IndexDownloader({
    bus,
    log: silentLogger,
    mirrorUrl,
    indexDir: dir,
    astapDatabaseDir: join(dir, "astap"),
    progressIntervalMs: 0,
  });
  return { d, events };
}

const BODY = new Uint8Array(300_000).map((_, i) => (i * 7919) % 251);

Deno.test("download: a verified file is installed atomically, with progress events", async () => {
  await withMirror(BODY, await sha256Hex(BODY), async (url, ranges, dir) => {
    const { d, events } = downloader(url, dir);
    d.start(NAME);
    await d.settled(NAME);
    assertEquals(await Deno.readFile(join(dir, NAME)), BODY);
    await assertRejects(() => Deno.stat(join(dir, `${NAME}.part`)));
    assertEquals(ranges, []);
    const states = events.map((e) => e.state);
    assert(states.includes("downloading") && states.includes("verifying"), states.join());
    assertEquals(states.at(-1), "installed");
    assertEquals(events.at(-1)?.received_bytes, BODY.length);
  });
});

Deno.test("download: a partial download resumes from its .part with a Range request", async () => {
  await withMirror(BODY, await sha256Hex(BODY), async (url, ranges, dir) => {
    await Deno.writeFile(join(dir, `${NAME}.part`), BODY.slice(0, 123_456));
    const { d, events } = downloader(url, dir);
    d.start(NAME);
    await d.settled(NAME);
    assertEquals(ranges, ["bytes=123456-"]);
    assertEquals(await Deno.readFile(join(dir, NAME)), BODY);
    assertEquals(events.at(-1)?.state, "installed");
  });
});

Deno.test("download: a checksum mismatch installs nothing and drops the part", async () => {
  await withMirror(BODY, "0".repeat(64), async (url, _ranges, dir) => {
    const { d, events } = downloader(url, dir);
    d.start(NAME);
    await d.settled(NAME);
    assertEquals(events.at(-1)?.state, "failed");
    assert(/checksum mismatch/.test(events.at(-1)?.error ?? ""));
    await assertRejects(() => Deno.stat(join(dir, NAME)));
    await assertRejects(() => Deno.stat(join(dir, `${NAME}.part`)));
  });
});

Deno.test("download: without a checksum file the download is installed unverified", async () => {
  await withMirror(BODY, null, async (url, _ranges, dir) => {
    const { d, events } = downloader(url, dir);
    d.start(NAME);
    await d.settled(NAME);
    assertEquals(await Deno.readFile(join(dir, NAME)), BODY);
    assert(!events.some((e) => e.state === "verifying"));
  });
});

Deno.test("download: an unreachable mirror says so; no mirror is 409; bad names are 400", async () => {
  // A port that was just free and is closed again: connection refused, as when offline.
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  const dir = await Deno.makeTempDir();
  try {
    const { d, events } = downloader(`http://127.0.0.1:${port}`, dir);
    d.start(NAME);
    await d.settled(NAME);
    assertEquals(events.at(-1)?.state, "failed");
    assert(
      /cannot reach the index mirror 127\.0\.0\.1:\d+ \(is the box offline\?\)/.test(
        events.at(-1)?.error ?? "",
      ),
      events.at(-1)?.error ?? "",
    );
    await assertRejects(() => Deno.stat(join(dir, NAME)));
    const off = downloader("", dir).d;
    const e409 = assertThrows(() => off.start(NAME), AppError) as AppError;
    assertEquals(e409.status, 409);
    for (const bad of ["../../etc/passwd", "index-x.fits/../y", "hello.txt"]) {
      const e = assertThrows(() => d.start(bad), AppError) as AppError;
      assertEquals(e.status, 400);
      assert(e.message.startsWith("body.database: "));
    }
    assertEquals(d.targetOf("D50_0101.1476"), join(dir, "astap", "d50_0101.1476"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
