/**
 * A plate solution reaches the store: a light frame of the sky-true simulator is uploaded, then
 * solved by the box's real solver (astrometry.net with the Tycho-2 index), which writes the WCS
 * into the frame's header; the object in the store is replaced by the solved file at the same key
 * (the history says so) and the sidecar is sent again with the solution and the new checksum —
 * read back with rclone. Skipped, saying why, where solve-field or the index files are missing.
 */
import { join } from "node:path";
import { createHash } from "node:crypto";
import { wrapHours } from "../../lib/astro/coords.ts";
import type { SimMount } from "../../devices/sim/mount.ts";
import { assert, assertEquals, MIN_DEADLINE_MS } from "../_assert.ts";
import { FAST_SYNC_TOML, syncConfig } from "../s3/box.ts";
import { listStore, readObject, startStore } from "../s3/store.ts";
import { HAVE_SOLVER, useSkyTrueProfile } from "./_sky_rig.ts";
import { withServer } from "./_server.ts";

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

async function until(what: string, ok: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

Deno.test({
  name:
    "sync: a frame solved after its upload is replaced in the store, its sidecar with the solution" +
    (HAVE_SOLVER ? "" : " (skipped: needs solve-field and the Tycho-2 index files)"),
  ignore: !HAVE_SOLVER,
  fn: async () => {
    await using store = await startStore();
    await withServer(async (t) => {
      await useSkyTrueProfile(t, { slewRateDegPerS: 120 });
      const mount = t.server.services.hub.device("mount") as unknown as SimMount;
      const target = { ra: wrapHours(mount.status().siderealTimeHours + 1.5), dec: 50 };
      await t.json("POST", "/mount/unpark");
      await t.json("POST", "/mount/goto", target);
      await until(
        "the slew",
        async () => !(await t.json<{ slewing: boolean }>("GET", "/mount/status")).slewing,
        MIN_DEADLINE_MS,
      );
      const events = await t.events("sync.*,camera.frame_ready,solver.result");
      await t.json(
        "PUT",
        "/sync/config",
        syncConfig(store.endpoint, { backup: { enabled: false } }),
      );
      const { frame_id } = await t.json<{ frame_id: string }>("POST", "/camera/expose", {
        duration: 1,
        frame_type: "light",
        object: "Solve me",
      });
      const ready = await events.waitFor(
        "camera.frame_ready",
        (d) => d.id === frame_id,
        MIN_DEADLINE_MS,
      );
      const uploaded = await events.waitFor(
        "sync.uploaded",
        (d) => d.frame_id === frame_id,
        MIN_DEADLINE_MS,
      );
      const sidecarKey = `${uploaded.data.key}.json`;
      await until(
        "the first sidecar",
        async () => (await readObject(store, sidecarKey)).length > 0,
        MIN_DEADLINE_MS,
      );
      const first = JSON.parse(new TextDecoder().decode(await readObject(store, sidecarKey)));
      assertEquals(first.solution, null);

      const { id } = await t.json<{ id: string }>("POST", "/solver/solve", {
        image_path: ready.data.path,
        ra_hint: target.ra,
        dec_hint: target.dec,
      });
      const solved = await events.waitFor("solver.result", (d) => d.id === id, 180_000);
      assertEquals(solved.data.status, "solved", String(solved.data.error));
      // The solved file (its header now holds the WCS) replaces the unsolved one at the same key.
      const replaced = await events.waitFor(
        "sync.uploaded",
        (d) => d.frame_id === frame_id && d.replaced === true,
        MIN_DEADLINE_MS,
      );
      assertEquals(replaced.data.key, uploaded.data.key);
      const local = await Deno.readFile(join(t.dataDir, ready.data.path as string));
      assert(new TextDecoder().decode(local.subarray(0, 2880 * 4)).includes("RA---TAN"));
      assert(sha256(local) !== uploaded.data.sha256, "the solve rewrote the file");
      assertEquals(replaced.data.sha256, sha256(local));
      const remote = await readObject(store, String(uploaded.data.key));
      assertEquals([remote.length, sha256(remote)], [local.length, sha256(local)]);
      const listing = (await listStore(store)).filter((e) => e.Path.includes("Solve_me"));
      assertEquals(listing.map((e) => e.Path), [String(uploaded.data.key), sidecarKey]);
      const history = await t.json<{ entries: { kind: string; key: string }[] }>(
        "GET",
        "/sync/history?limit=100",
      );
      const mine = history.entries.filter((e) => e.key === uploaded.data.key).map((e) => e.kind);
      assertEquals(mine.slice(0, 2), ["replaced", "file_changed"]); // newest first

      let sidecar: {
        solution: { raDeg: number; decDeg: number; pixelScaleArcsec: number } | null;
        object: { sha256: string };
      } = { solution: null, object: { sha256: "" } };
      await until("the sidecar with the solution", async () => {
        sidecar = JSON.parse(new TextDecoder().decode(await readObject(store, sidecarKey)));
        return sidecar.solution !== null && sidecar.object.sha256 === sha256(local);
      }, MIN_DEADLINE_MS);
      assert(Math.abs(sidecar.solution!.raDeg / 15 - Number(solved.data.ra)) < 1e-9);
      assert(Math.abs(sidecar.solution!.decDeg - Number(solved.data.dec)) < 1e-9);
      assertEquals(sidecar.solution!.pixelScaleArcsec, solved.data.pixel_scale);
    }, { configToml: FAST_SYNC_TOML });
  },
});
