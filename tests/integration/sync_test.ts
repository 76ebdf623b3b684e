/**
 * Cloud sync in the running box, against s3rver (a third-party S3 implementation in its own
 * process) and read back with rclone (an S3 client that shares no code with ours): a frame taken
 * by the camera lands under target/night with its metadata and sidecar, byte-identical; a large
 * frame goes multipart; settings are validated and the secret never comes back; the API appears
 * in the OpenAPI document.
 */
import { join } from "node:path";
import { createHash } from "node:crypto";
import { assert, assertEquals } from "../_assert.ts";
import { nightDate } from "../../core/sync/keys.ts";
import { FAST_SYNC_TOML, recordFrame, syncConfig } from "../s3/box.ts";
import { FaultyProxy } from "../s3/faulty_proxy.ts";
import { listStore, readObject, startStore } from "../s3/store.ts";
import { useFastSimulators, withServer } from "./_server.ts";

const md5 = (bytes: Uint8Array) => createHash("md5").update(bytes).digest("hex");
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

Deno.test("sync: a frame from the camera uploads under target/night with metadata, read back identical", async () => {
  await using store = await startStore();
  await withServer(async (t) => {
    await useFastSimulators(t);
    const events = await t.events("sync.*,camera.frame_ready");
    const config = await t.json<Record<string, unknown>>(
      "PUT",
      "/sync/config",
      syncConfig(store.endpoint),
    );
    assertEquals(config.secret_access_key_set, true);
    assertEquals(config.access_key_id, "…"); // "S3RVER" is too short to show any of it
    assert(!JSON.stringify(config).includes("S3RVER"), "credentials echoed back");

    const { frame_id } = await t.json<{ frame_id: string }>("POST", "/camera/expose", {
      duration: 0.2,
      object: "M 42",
    });
    const ready = await events.waitFor("camera.frame_ready", (d) => d.id === frame_id, 15_000);
    const uploaded = await events.waitFor("sync.uploaded", (d) => d.frame_id === frame_id, 20_000);
    const frame = ready.data as { path: string; started_at: string };
    const profile = await t.json<{ site: { longitude: number } }>("GET", "/profiles/active");
    const longitude = profile.site.longitude;
    const night = nightDate(Date.parse(frame.started_at), longitude);
    const key = `box1/M_42/${night}/${frame.path.split("/").pop()}`;
    assertEquals(uploaded.data.key, key);

    const local = await Deno.readFile(join(t.dataDir, frame.path));
    const remote = await readObject(store, key);
    assertEquals(md5(remote), md5(local));
    assertEquals(remote.length, local.length);

    // The sidecar lands once the frame is confirmed.
    await waitFor(
      async () => (await listStore(store)).some((e) => e.Path === `${key}.json`),
      10_000,
    );
    const listing = await listStore(store);
    const object = listing.find((e) => e.Path === key)!;
    assertEquals(object.Metadata?.sha256, sha256(local));
    assertEquals(object.Metadata?.["openskylab-frame-id"], frame_id);
    const sidecar = JSON.parse(new TextDecoder().decode(await readObject(store, `${key}.json`)));
    assertEquals(sidecar.frame.id, frame_id);
    assertEquals(sidecar.frame.object, "M 42");
    assertEquals(sidecar.object.sha256, sha256(local));
    assertEquals(sidecar.night, night);
    assertEquals(sidecar.site.longitude_deg, longitude);

    const queue = await t.json<{ items: { frame_id: string; state: string; metadata: string }[] }>(
      "GET",
      "/sync/queue",
    );
    const item = queue.items.find((i) => i.frame_id === frame_id)!;
    assertEquals([item.state, item.metadata], ["done", "done"]);
    const history = await t.json<{ entries: { kind: string; key: string }[] }>(
      "GET",
      "/sync/history",
    );
    assert(history.entries.some((e) => e.kind === "uploaded" && e.key === key));
    const status = await t.json<{ state: string; online: boolean; queue: { done: number } }>(
      "GET",
      "/sync/status",
    );
    assertEquals(status.online, true);
    // The frame, and the day's database snapshot, taken at once since it was past its time.
    assertEquals(queue.items.filter((i) => i.frame_id !== null).length, 1);
    assert(status.queue.done >= 1);
    assert(!JSON.stringify(status).includes("S3RVER"));
  }, { configToml: FAST_SYNC_TOML });
});

Deno.test("sync: a 60 MB frame goes up in 5 MiB parts and reads back identical", async () => {
  await using store = await startStore();
  await using proxy = new FaultyProxy(store.port); // forwards everything; counts the calls
  await withServer(async (t) => {
    const frame = await recordFrame(t.server.services.frames, t.dataDir, {
      id: "big-1",
      object: "NGC 7000",
      widthPx: 5500,
      heightPx: 5500,
      startedAt: "2026-01-05T21:00:00.000Z",
    });
    assert(frame.bytes > 60_000_000, `${frame.bytes} bytes`);
    const events = await t.events("sync.*");
    await t.json("PUT", "/sync/config", syncConfig(proxy.endpoint));
    const uploaded = await events.waitFor("sync.uploaded", (d) => d.frame_id === "big-1", 120_000);
    const key = String(uploaded.data.key);
    assertEquals(key, "box1/NGC_7000/2026-01-05/big-1.fits");
    const parts = Math.ceil(frame.bytes / (5 * 1024 * 1024));
    const onKey = (method: string, q: string) =>
      proxy.seen((r) => r.method === method && r.path === `/frames/${key}` && r.query.has(q))
        .length;
    assertEquals(onKey("POST", "uploads"), 1);
    assertEquals(onKey("PUT", "partNumber"), parts);
    assertEquals(onKey("POST", "uploadId"), 1);
    const local = await Deno.readFile(join(t.dataDir, frame.path));
    assertEquals(md5(await readObject(store, key)), md5(local));
  }, { configToml: FAST_SYNC_TOML });
});

Deno.test("sync: settings are validated with the field named; the API is in the OpenAPI document", async () => {
  await withServer(async (t) => {
    const bad = async (body: Record<string, unknown>, field: string) => {
      const res = await t.api("PUT", "/sync/config", body);
      const text = await res.text();
      assertEquals(res.status, 400, text);
      assert(text.includes(field), `400 should name ${field}: ${text}`);
    };
    const good = syncConfig("http://127.0.0.1:9");
    await bad({ ...good, endpoint: "ftp://nas/" }, "endpoint");
    await bad({ ...good, bucket: "-x" }, "bucket");
    await bad({ ...good, bandwidth_limit_bytes_per_s: 100 }, "bandwidth_limit_bytes_per_s");
    await bad({ ...good, part_size_mb: 2 }, "part_size_mb");
    await bad({ ...good, prefix: "a/../b" }, "prefix");
    await bad({ ...good, backup: { time_local: "25:00" } }, "time_local");
    await bad({ ...good, frame_types: ["selfie"] }, "frame_types");
    const { secret_access_key: _, ...noSecret } = good;
    await bad(noSecret, "secret_access_key");
    // Disabled, it may be saved without credentials; the secret, once set, is kept when left out.
    await t.json("PUT", "/sync/config", { ...noSecret, enabled: false });
    await t.json("PUT", "/sync/config", { ...good, enabled: false });
    const kept = await t.json<{ secret_access_key_set: boolean }>("PUT", "/sync/config", {
      ...noSecret,
      enabled: false,
    });
    assertEquals(kept.secret_access_key_set, true);
    const file = await Deno.stat(join(t.dataDir, "sync.json"));
    assertEquals((file.mode ?? 0) & 0o777, 0o600);
    const status = await t.json<{ state: string }>("GET", "/sync/status");
    assertEquals(status.state, "disabled");
    // Actions: retry without a body retries all failed items (none here); bad input is a 400.
    const retried = await t.api("POST", "/sync/retry");
    assertEquals([retried.status, (await retried.json()).retried], [200, 0]);
    await t.json("POST", "/sync/pause");
    await t.json("POST", "/sync/resume");
    // Each answer is read to its end: an unread body is a leaked resource.
    const statusOf = async (method: string, path: string, body?: unknown) => {
      const res = await t.api(method, path, body);
      await res.arrayBuffer();
      return res.status;
    };
    assertEquals(await statusOf("POST", "/sync/retry", { ids: ["x"] }), 400);
    assertEquals(await statusOf("GET", "/sync/queue?limit=0"), 400);
    assertEquals(await statusOf("GET", "/sync/queue?state=lost"), 400);
    assertEquals(await statusOf("POST", "/sync/restore", { key: "" }), 400);
    const doc = await (await fetch(`${t.server.url}/api/v1/openapi.json`)).json();
    for (
      const path of [
        "/sync/config",
        "/sync/status",
        "/sync/queue",
        "/sync/history",
        "/sync/backup",
        "/sync/restore",
      ]
    ) {
      assert(
        doc.paths[`/api/v1${path}`] !== undefined,
        `${path} missing from the OpenAPI document`,
      );
    }
  }, { configToml: FAST_SYNC_TOML });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
