/**
 * What the viewer's requests cost the imaging workers: a frame's figures come from the frame
 * sink's own analysis when it made one (no second analysis of the frame), from the workers
 * otherwise; the screen preview comes from what was rendered ahead, and a screen preview
 * rendered on request is kept for the next one. A file removed by hand still answers 404 first.
 */
import { join } from "node:path";
import { assert, assertEquals, assertRejects } from "../../tests/_assert.ts";
import { silentLogger } from "../../lib/log.ts";
import { encodeFits } from "../../lib/fits/mod.ts";
import { renderStarfield } from "../../tests/fixtures/starfield.ts";
import type { MeasuredFrame, TaskRunner } from "../frames/frame_figures.ts";
import { FramePreviews, SCREEN_PREVIEW } from "../frames/frame_previews.ts";
import { workerTasks } from "../imaging/worker_tasks.ts";
import { forgetCachedFrame } from "../imaging/frame_view.ts";
import type { FrameDto } from "../schemas/camera.ts";
import { SavedFrames } from "./saved_frames.ts";

const W = 320;
const H = 240;

async function setup() {
  const dataDir = await Deno.makeTempDir({ prefix: "openskylab-saved-frames-" });
  const field = renderStarfield({ widthPx: W, heightPx: H, seed: 3, starCount: 20 });
  await Deno.mkdir(join(dataDir, "frames"));
  await Deno.writeFile(
    join(dataDir, "frames/f1.fits"),
    encodeFits({ pixels: field.pixels16, widthPx: W, heightPx: H }, []),
  );
  const dto = { id: "f1", path: "frames/f1.fits", width: W, height: H } as FrameDto;
  const frames = {
    get: (id: string) =>
      id === "f1" ? Promise.resolve(dto) : Promise.reject(new Error(`no frame ${id}`)),
  };
  const tasks: string[] = [];
  // The worker's own task functions, on this thread, counted.
  const imaging: TaskRunner = {
    run: async <T>(task: string, args: unknown) => {
      tasks.push(task);
      return await (workerTasks[task]!(args) as Promise<T>);
    },
  };
  return { dataDir, frames, imaging, tasks, pixels: field.pixels16 };
}

Deno.test("saved frames: the figures of a frame the sink measured need no worker", async () => {
  const s = await setup();
  try {
    forgetCachedFrame();
    const fromWorker = await new SavedFrames(s).figures("f1");
    assertEquals(s.tasks, ["frameStars"], "no analysis kept: the workers measure it");
    assert(fromWorker.analysis && fromWorker.analysis.starCount > 0);
    const measured: MeasuredFrame = {
      analysis: { ...fromWorker.analysis, stars: [] },
      pixelScaleArcsec: 1.5,
    };
    s.tasks.length = 0;
    const saved = new SavedFrames({
      ...s,
      measured: (id) => id === "f1" ? Promise.resolve(measured) : null,
    });
    const kept = await saved.figures("f1");
    assertEquals(s.tasks, [], "the sink's analysis, no second one");
    assertEquals(kept.analysis, measured.analysis);
    assertEquals(kept.pixelScaleArcsec, 1.5);
    assertEquals(kept.dto.id, "f1");
    // The sink skipped it (null): the workers again.
    const skipped = new SavedFrames({ ...s, measured: () => Promise.resolve(null) });
    await skipped.figures("f1");
    assertEquals(s.tasks, ["frameStars"]);
    // A file removed by hand is a 404 before anything else.
    await Deno.remove(join(s.dataDir, "frames/f1.fits"));
    await assertRejects(() => saved.figures("f1"), Error, "missing from the data directory");
  } finally {
    forgetCachedFrame();
    await Deno.remove(s.dataDir, { recursive: true });
  }
});

Deno.test("saved frames: the screen preview is the one rendered ahead, or kept once rendered", async () => {
  const s = await setup();
  try {
    forgetCachedFrame();
    const previews = new FramePreviews({ runner: s.imaging, log: silentLogger });
    const saved = new SavedFrames({ ...s, previews });
    const screen = {
      maxSizePx: SCREEN_PREVIEW.maxSizePx,
      quality: SCREEN_PREVIEW.quality,
      stretch: { mode: "auto" as const },
    };
    // Not rendered ahead (a frame from before a restart): rendered from the file, then kept.
    const first = await saved.region("f1", screen);
    assertEquals(s.tasks, ["frameRegion"]);
    assertEquals(first.region, { x: 0, y: 0, w: W, h: H });
    const again = await saved.region("f1", screen);
    assertEquals(s.tasks, ["frameRegion"], "the second look is the kept preview");
    assertEquals(again.jpeg, first.jpeg);
    assertEquals([again.widthPx, again.heightPx, again.frameWidthPx], [W, H, W]);
    // Another size, a region or a manual stretch is rendered every time.
    await saved.region("f1", { ...screen, maxSizePx: 200 });
    await saved.region("f1", { ...screen, region: { x: 0, y: 0, w: 10, h: 10 } });
    assertEquals(s.tasks, ["frameRegion", "frameRegion", "frameRegion"]);
    assertEquals(previews.stats.kept, 1);
  } finally {
    forgetCachedFrame();
    await Deno.remove(s.dataDir, { recursive: true });
  }
});
