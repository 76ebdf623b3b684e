/**
 * HiPS prefetch against a static HiPS tree on loopback: a job downloads exactly the tiles of the
 * disc at each order plus the survey's properties and Allsky, reports progress and its end as
 * events, and afterwards every one of those files is served with the upstream gone. Bad requests
 * are 400s naming the field; a job whose upstream disappears stops with how far it got, and runs
 * to the end when posted again. Then the real thing: the box, as its own process, is killed with
 * SIGKILL in the middle of a job, started again, and finishes the job — every file cached whole.
 */
import { join } from "node:path";
import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { type ChildBox, startChildBox } from "./_child_box.ts";
import { hipsUpstream } from "./_hips_upstream.ts";
import { withServer } from "./_server.ts";

const CENTRE = { raDeg: 83.82, decDeg: -5.39 }; // M 42
// Generous: the box and the loopback upstream share the test's event loop (see hips_test.ts).
const config = (url: string) =>
  `[hips]\nupstream_timeout_s = 30\noffline_retry_s = 0\nprefetch_max_files = 2000\n` +
  `[[hips.surveys]]\nname = "test"\nurls = ["${url}"]\n`;
const request = (radiusDeg: number, maxOrder: number) => ({
  survey: "test",
  ra: CENTRE.raDeg / 15,
  dec: CENTRE.decDeg,
  radius_deg: radiusDeg,
  max_order: maxOrder,
});

interface Job {
  id: string;
  state: string;
  total: number;
  done: number;
  failed: number;
  bytes: number;
  files_per_s: number | null;
  message: string | null;
  request: { min_order: number; max_order: number; format: string };
}

Deno.test("hips prefetch: a disc's tiles at every order, events, then all of them offline", async () => {
  await using upstream = await hipsUpstream({
    centre: CENTRE,
    radiusDeg: 1.5,
    orders: [3, 4, 5, 6],
  });
  await withServer(async (t) => {
    const events = await t.events("hips.*");
    const expect400 = async (body: unknown, field: string) => {
      const res = await t.api("POST", "/hips/prefetch", body);
      const text = await res.text();
      assertEquals(res.status, 400, text);
      assert(text.includes(field), text);
    };
    await expect400({ ...request(1.5, 6), survey: "tycho2" }, "body.survey");
    await expect400({ ...request(1.5, 6), survey: "nope" }, "body.survey");
    await expect400({ ...request(1.5, 6), min_order: 7 }, "body.min_order");
    await expect400({ ...request(0, 6) }, "body.radius_deg");
    await expect400({ ...request(30, 13) }, "body.max_order");
    await expect400({ ...request(1.5, 6), format: "png" }, "body.format");

    const started = performance.now();
    const res = await t.api("POST", "/hips/prefetch", request(1.5, 6));
    assertEquals(res.status, 202);
    const queued = await res.json() as Job;
    assertEquals(queued.request, { ...queued.request, min_order: 3, max_order: 6, format: "jpg" });
    assertEquals(queued.total, 2 + upstream.tiles.size, "properties, Allsky and the disc's tiles");
    const end = await events.waitFor("hips.prefetch_finished", (d) => d.id === queued.id, 60_000);
    const seconds = (performance.now() - started) / 1000;
    const job = end.data as unknown as Job;
    assertEquals([job.state, job.done, job.failed], ["completed", job.total, 0], job.message ?? "");
    assert(events.ofType("hips.prefetch_progress").length >= 2, "progress was reported");
    const bytes = [...upstream.tiles.values()].reduce((s, b) => s + b.length, 0);
    assert(job.bytes > bytes, "the tiles, the Allsky and the properties were downloaded");
    console.log(
      `prefetch from loopback: ${job.total} files (${(job.bytes / 1e6).toFixed(2)} MB) in ` +
        `${seconds.toFixed(2)} s = ${(job.total / seconds).toFixed(0)} files/s ` +
        `(${(job.bytes / 1e6 / seconds).toFixed(1)} MB/s)`,
    );

    await upstream.down();
    for (const [path, expected] of upstream.tiles) {
      const tile = await t.api("GET", `/hips/test/${path}`);
      assertEquals([tile.status, tile.headers.get("x-hips-source")], [200, "cache"], path);
      assertEquals(new Uint8Array(await tile.arrayBuffer()), expected);
    }
    const allsky = await t.api("GET", "/hips/test/Norder3/Allsky.jpg");
    assertEquals(allsky.status, 200);
    await allsky.body?.cancel();
    assertEquals((await t.json<Job>("GET", `/hips/prefetch/${queued.id}`)).state, "completed");
    const list = await t.json<{ jobs: Job[] }>("GET", "/hips/prefetch");
    assertEquals(list.jobs.map((j) => j.id), [queued.id]);
    const cancel = await t.api("POST", `/hips/prefetch/${queued.id}/cancel`);
    assertEquals(cancel.status, 409);
    await cancel.body?.cancel();
  }, { configToml: config(upstream.url) });
});

Deno.test("hips prefetch: an upstream that goes away fails the job; posted again, it finishes", async () => {
  await using upstream = await hipsUpstream({
    centre: CENTRE,
    radiusDeg: 1.5,
    orders: [3, 4, 5, 6, 7],
  });
  await withServer(async (t) => {
    // Properties not cached and the upstream down: the job cannot even be planned.
    await upstream.down();
    const res = await t.api("POST", "/hips/prefetch", request(1.5, 7));
    assertEquals(res.status, 504);
    assertMatch((await res.json()).error.code, /upstream_unavailable/);
    await upstream.up();

    const events = await t.events("hips.*");
    upstream.mode = "slow";
    upstream.slowMs = 100;
    const first = await t.json<Job>("POST", "/hips/prefetch", request(1.5, 7));
    const deadline = Date.now() + 60_000;
    while ((await t.json<Job>("GET", `/hips/prefetch/${first.id}`)).done < 8) {
      assert(Date.now() < deadline, "the job made no progress");
      await new Promise((r) => setTimeout(r, 50));
    }
    await upstream.down();
    const failed = (await events.waitFor("hips.prefetch_finished", (d) => d.id === first.id))
      .data as unknown as Job;
    assertEquals(failed.state, "failed");
    assertMatch(failed.message ?? "", /cannot be reached.*files on the box — start it again/);
    assert(failed.done >= 8 && failed.done < failed.total);

    upstream.mode = "ok";
    await upstream.up();
    const second = await t.json<Job>("POST", "/hips/prefetch", request(1.5, 7));
    const done = (await events.waitFor("hips.prefetch_finished", (d) => d.id === second.id, 60_000))
      .data as unknown as Job;
    assertEquals([done.state, done.done, done.failed], ["completed", done.total, 0]);
    // The second run fetched only what the first had not.
    assert(done.bytes < [...upstream.tiles.values()].reduce((s, b) => s + b.length, 0));
  }, { configToml: config(upstream.url) });
});

Deno.test("hips prefetch: a queued job and a running one are cancelled; the next job goes on", async () => {
  await using upstream = await hipsUpstream({
    centre: CENTRE,
    radiusDeg: 1.5,
    orders: [3, 4, 5, 6, 7],
  });
  // Every file takes a second: a job of this disc takes tens of seconds with 4 in flight.
  upstream.mode = "slow";
  upstream.slowMs = 1000;
  await withServer(async (t) => {
    const events = await t.events("hips.*");
    const [a, b, c] = [
      await t.json<Job>("POST", "/hips/prefetch", request(1.5, 7)),
      await t.json<Job>("POST", "/hips/prefetch", request(1.5, 7)),
      await t.json<Job>("POST", "/hips/prefetch", request(1.5, 7)),
    ];
    const cancel = async (id: string) => {
      const res = await t.api("POST", `/hips/prefetch/${id}/cancel`);
      assertEquals(res.status, 200);
      return await res.json() as Job;
    };
    // c waits behind a and b: cancelled where it stands, never run.
    const cancelledC = await cancel(c.id);
    assertEquals([cancelledC.state, cancelledC.done, cancelledC.message], [
      "cancelled",
      0,
      "cancelled before it ran",
    ]);

    await events.waitFor("hips.prefetch_progress", (d) => d.id === a.id && d.state === "running");
    const cancelledA = await cancel(a.id);
    assertEquals(cancelledA.state, "cancelled");
    assertMatch(cancelledA.message ?? "", /^cancelled with \d+ of \d+ files on the box$/);
    // The answer came at a's end, not at the end of b, which the box takes up next.
    const bNow = await t.json<Job>("GET", `/hips/prefetch/${b.id}`);
    assert(["queued", "running"].includes(bNow.state), `b is ${bNow.state}`);
    await events.waitFor(
      "hips.prefetch_progress",
      (d) => d.id === b.id && d.state === "running",
      30_000,
    );
    assertEquals((await cancel(b.id)).state, "cancelled");

    for (const id of [a.id, b.id, c.id]) {
      const end = await events.waitFor("hips.prefetch_finished", (d) => d.id === id);
      assertEquals((end.data as unknown as Job).state, "cancelled");
      assertEquals(
        events.ofType("hips.prefetch_finished").filter((e) => (e.data as unknown as Job).id === id)
          .length,
        1,
        "one end per job",
      );
    }
    const again = await t.api("POST", `/hips/prefetch/${a.id}/cancel`);
    assertEquals(again.status, 409);
    await again.body?.cancel();
    const { jobs } = await t.json<{ jobs: Job[] }>("GET", "/hips/prefetch");
    assertEquals(jobs.map((j) => j.state), ["cancelled", "cancelled", "cancelled"]);
    assertEquals(
      (await t.json<{ prefetch: { running: Job | null; queued: number } }>(
        "GET",
        "/hips/status",
      )).prefetch,
      { running: null, queued: 0 },
    );
  }, { configToml: config(upstream.url) });
});

type Box = ChildBox;
const startBox = startChildBox;

async function job(box: Box, id: string): Promise<Job> {
  const res = await fetch(`${box.url}/api/v1/hips/prefetch/${id}`);
  return await res.json();
}

async function until(box: Box, id: string, done: (j: Job) => boolean, ms: number): Promise<Job> {
  const deadline = Date.now() + ms;
  while (true) {
    const j = await job(box, id);
    if (done(j)) return j;
    if (Date.now() > deadline) throw new Error(`job ${id} is ${JSON.stringify(j)} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

Deno.test("hips prefetch: killed with SIGKILL mid-job, the box finishes the job when it starts again", async () => {
  await using upstream = await hipsUpstream({
    centre: CENTRE,
    radiusDeg: 1.5,
    orders: [3, 4, 5, 6],
  });
  upstream.mode = "slow";
  upstream.slowMs = 40;
  const dir = await Deno.makeTempDir({ prefix: "openskylab-hips-kill-" });
  const configPath = join(dir, "config.toml");
  await Deno.writeTextFile(configPath, config(upstream.url));
  const dataDir = join(dir, "data");
  let box = await startBox(dataDir, configPath);
  try {
    const res = await fetch(`${box.url}/api/v1/hips/prefetch`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(request(1.5, 6)),
    });
    assertEquals(res.status, 202);
    const { id, total } = await res.json() as Job;
    const before = await until(box, id, (j) => j.done >= 20, 60_000);
    assert(before.done < total, "killed in the middle");
    box.child.kill("SIGKILL");
    await box.child.status;

    upstream.mode = "ok";
    box = await startBox(dataDir, configPath);
    const after = await until(
      box,
      id,
      (j) => j.state !== "queued" && j.state !== "running",
      60_000,
    );
    assertEquals(
      [after.state, after.done, after.failed],
      ["completed", total, 0],
      after.message ?? "",
    );

    // Every file is whole in the cache: served with the upstream gone, byte for byte.
    await upstream.down();
    for (const [path, expected] of upstream.tiles) {
      const tile = await fetch(`${box.url}/api/v1/hips/test/${path}`);
      assertEquals(tile.headers.get("x-hips-source"), "cache", path);
      assertEquals(new Uint8Array(await tile.arrayBuffer()), expected);
    }
  } finally {
    box.child.kill("SIGTERM");
    await box.child.status;
    await Deno.remove(dir, { recursive: true });
  }
});
