/**
 * Issue 14 A.6, through the real server: the file pattern's {seq} is one frame number for every
 * frame the box keeps — single exposures, centring frames, sequence frames — drawn from the
 * database, so it neither restarts after a restart (no more `…_0001-2.fits`) nor repeats between
 * producers; and a light taken right after centring on a named target carries that target's name.
 */
import { basename, join } from "node:path";
import { decodeFits } from "../../lib/fits/mod.ts";
import { assert, assertEquals } from "../_assert.ts";
import { eastTarget, installCentering, truthSolve, useErrorSimulators } from "./_centering.ts";
import { type TestServer, useFastSimulators, withServer } from "./_server.ts";

interface Frame {
  id: string;
  path: string;
  frame_number: number | null;
  object: string | null;
}

const PATTERN = `[storage]\nfile_pattern = "{object}_{frame_type}_{seq}"\n`;

async function expose(t: TestServer, body: Record<string, unknown> = {}): Promise<Frame> {
  const ws = await t.events("camera.frame_ready");
  try {
    const { frame_id } = await t.json<{ frame_id: string }>("POST", "/camera/expose", {
      duration: 0.1,
      ...body,
    });
    return (await ws.waitFor("camera.frame_ready", (d) => d.id === frame_id, 20_000))
      .data as unknown as Frame;
  } finally {
    await ws.close();
  }
}

Deno.test("A.6: frame numbers go on across a restart and are shared by every producer", async () => {
  const dir = await Deno.makeTempDir({ prefix: "openskylab-numbers-" });
  try {
    const before: Frame[] = [];
    await withServer(async (t) => {
      await useErrorSimulators(t);
      installCentering(t, truthSolve(t));
      before.push(await expose(t, { object: "M 42" }));
      before.push(await expose(t, { object: "M 42" }));
      // A centring run keeps its frames too, numbered from the same counter.
      const ws = await t.events("mount.centered");
      const target = await eastTarget(t);
      await t.json("POST", "/mount/center", { ...target, exposure_s: 0.05, settle_s: 0 });
      assertEquals((await ws.waitFor("mount.centered", () => true, 30_000)).data.success, true);
    }, { dir, configToml: PATTERN });
    await withServer(async (t) => {
      await useFastSimulators(t, { sky: "random" });
      const after = await expose(t, { object: "M 42" });
      const { frames } = await t.json<{ frames: Frame[] }>("GET", "/camera/frames?limit=50");
      // The names first: each {seq} once, none renamed to dodge a collision.
      const seqs = frames.map((f) => /_(\d{4,})(-\d+)?\.fits$/.exec(f.path)!);
      for (const [i, m] of seqs.entries()) assert(!m[2], `collision suffix: ${frames[i]!.path}`);
      assertEquals(new Set(seqs.map((m) => m[1])).size, frames.length, "each {seq} once");
      const numbers = frames.map((f) => f.frame_number!).sort((a, b) => a - b);
      assertEquals(numbers, numbers.map((_, i) => i + 1), "1, 2, 3 … with no repeat");
      assert(numbers.length >= 4, `two exposures, the centring frames and one more: ${numbers}`);
      assertEquals(before.map((f) => f.frame_number), [1, 2]);
      assertEquals(after.frame_number, numbers.at(-1));
      const seq = String(after.frame_number).padStart(4, "0");
      assertEquals(basename(after.path), `M_42_LIGHT_${seq}.fits`);
    }, { dir });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("A.6: a light taken right after centring on a named target carries its name", async () => {
  await withServer(async (t) => {
    await useErrorSimulators(t);
    const target = await eastTarget(t);
    installCentering(t, truthSolve(t), undefined, {
      resolveTarget: (name) =>
        Promise.resolve(name === "NGC 1234" ? { name: "NGC 1234", ...target } : null),
    });
    const ws = await t.events("mount.centered");
    await t.json("POST", "/mount/center", { target: "NGC 1234", exposure_s: 0.05, settle_s: 0 });
    assertEquals((await ws.waitFor("mount.centered", () => true, 30_000)).data.success, true);
    const light = await expose(t);
    assertEquals(light.object, "NGC 1234");
    const header = decodeFits(await Deno.readFile(join(t.dataDir, light.path))).header;
    assertEquals(header.get("OBJECT"), "NGC 1234");
    // A dark is not of the target; a light named by its taker keeps the given name.
    assertEquals((await expose(t, { frame_type: "dark" })).object, "dark");
    assertEquals((await expose(t, { object: "test" })).object, "test");
    // Pointed elsewhere, the name no longer applies.
    await t.json("POST", "/mount/goto", { ra: target.ra, dec: target.dec + 20 });
    while ((await t.json<{ slewing: boolean }>("GET", "/mount/status")).slewing) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assertEquals((await expose(t)).object, null);
  });
});
