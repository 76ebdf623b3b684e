/**
 * Screen previews rendered ahead: byte for byte the JPEG the preview endpoint renders on request
 * for the whole frame at the screen size (same stretch, same size, same encoder), waited for
 * while they render, kept within their byte budget least recently used first, skipped rather
 * than piled up when frames come faster than they render, rendered after a given promise (a
 * sequence's figures), and a failed render leaving the endpoint to render on request.
 */
import jpeg from "jpeg-js";
import { assert, assertEquals } from "../../tests/_assert.ts";
import { silentLogger } from "../../lib/log.ts";
import { renderStarfield } from "../../tests/fixtures/starfield.ts";
import { frameRegionTask, type KnownFrame } from "../imaging/frame_view.ts";
import type { PreviewFrame } from "../imaging/preview.ts";
import { workerTasks } from "../imaging/worker_tasks.ts";
import type { TaskRunner } from "./frame_figures.ts";
import {
  FramePreviews,
  isScreenPreview,
  MAX_WAITING,
  SCREEN_PREVIEW,
  type ScreenPreview,
} from "./frame_previews.ts";

function starfield(widthPx: number, heightPx: number, seed = 1): PreviewFrame {
  const field = renderStarfield({ widthPx, heightPx, seed, starCount: 30 });
  return { pixels: field.pixels16, widthPx, heightPx, bayerPattern: "RGGB" };
}

/** The worker's own task functions, run on this thread: the same code the pool runs. */
const inline: TaskRunner = {
  run: <T>(task: string, args: unknown) => Promise.resolve(workerTasks[task]!(args) as T),
};

/** Runs each task only when the test lets it, to see what waits and what is skipped. */
function gatedRunner() {
  const started: string[] = [];
  const gates: (() => void)[] = [];
  const runner: TaskRunner = {
    run: <T>(task: string, args: unknown) => {
      started.push(task);
      return new Promise<T>((resolve, reject) => {
        gates.push(() => {
          try {
            resolve(workerTasks[task]!(args) as T);
          } catch (err) {
            reject(err);
          }
        });
      });
    },
  };
  const release = async () => {
    while (gates.length === 0) await new Promise((r) => setTimeout(r, 1));
    gates.shift()!();
  };
  return { runner, started, release };
}

Deno.test("screen preview: the request that gets it is the whole frame, auto, its size and quality", () => {
  const auto = { mode: "auto" };
  assert(isScreenPreview({ maxSizePx: SCREEN_PREVIEW.maxSizePx, stretch: auto }));
  assert(isScreenPreview({ maxSizePx: 1280, quality: 80, stretch: auto }));
  assert(!isScreenPreview({ maxSizePx: 1170, stretch: auto }));
  assert(!isScreenPreview({ maxSizePx: 1280, quality: 92, stretch: auto }));
  assert(!isScreenPreview({ maxSizePx: 1280, stretch: { mode: "manual" } }));
  assert(!isScreenPreview({ maxSizePx: 1280, stretch: auto, region: { x: 0, y: 0, w: 1, h: 1 } }));
});

Deno.test("screen preview: rendered ahead, it is the endpoint's own render of the whole frame", async () => {
  const frame = starfield(3000, 2000);
  const previews = new FramePreviews({ runner: inline, log: silentLogger });
  const ahead = await previews.render("f1", frame);
  assert(ahead, "rendered");
  const known: KnownFrame = { frame, pixelScaleArcsec: null };
  const onRequest = await frameRegionTask({
    path: import.meta.filename!, // the worker keys its cache by the file; the pixels are given
    known,
    maxSizePx: SCREEN_PREVIEW.maxSizePx,
    quality: SCREEN_PREVIEW.quality,
    stretch: { mode: "auto" },
  });
  assertEquals(ahead.jpeg, onRequest.jpeg);
  assertEquals([ahead.widthPx, ahead.heightPx], [onRequest.widthPx, onRequest.heightPx]);
  const decoded = jpeg.decode(ahead.jpeg, { useTArray: true });
  // Bayer: one RGB pixel per 2×2 cell, 1500×1000 cells averaged by 2 to fit 1280.
  assertEquals([decoded.width, decoded.height], [750, 500]);
  assertEquals(await previews.get("f1"), ahead);
  assertEquals(previews.get("unknown"), null);
});

Deno.test("screen preview: a request while it renders waits for it, no second render", async () => {
  const { runner, started, release } = gatedRunner();
  const previews = new FramePreviews({ runner, log: silentLogger });
  const rendered = previews.render("f1", starfield(200, 100));
  const asked = previews.get("f1");
  assert(asked !== null, "a preview under way is found");
  await release();
  const [a, b] = await Promise.all([rendered, asked]);
  assert(a !== null && a === b);
  assertEquals(started, ["previewJpeg"]);
});

Deno.test("screen preview: frames faster than renders skip the oldest waiting, never the newest", async () => {
  const { runner, started, release } = gatedRunner();
  const previews = new FramePreviews({ runner, log: silentLogger });
  const results = [previews.render("f1", starfield(200, 100, 1))];
  while (started.length === 0) await new Promise((r) => setTimeout(r, 1));
  for (const id of ["f2", "f3", "f4"]) results.push(previews.render(id, starfield(200, 100)));
  // f1 renders; MAX_WAITING wait; the others before them were skipped.
  assertEquals(MAX_WAITING, 1);
  assertEquals(previews.stats.waiting, 1);
  assertEquals(await results[1], null, "f2 skipped");
  assertEquals(await results[2], null, "f3 skipped");
  await release();
  await release();
  assert((await results[0]) !== null && (await results[3]) !== null);
  assertEquals(started, ["previewJpeg", "previewJpeg"]);
  assertEquals(previews.get("f2"), null, "a skipped frame is rendered on request instead");
  assertEquals(previews.stats.kept, 2);
});

Deno.test("screen preview: after a promise (a sequence's figures), the render waits for it", async () => {
  const { runner, started, release } = gatedRunner();
  const previews = new FramePreviews({ runner, log: silentLogger });
  const figures = Promise.withResolvers<void>();
  const rendered = previews.render("f1", starfield(200, 100), figures.promise);
  await new Promise((r) => setTimeout(r, 20));
  assertEquals(started, [], "nothing rendered before the figures");
  figures.resolve();
  await release();
  assert((await rendered) !== null);
});

Deno.test("screen preview: kept within the byte budget, least recently used dropped first", () => {
  const preview = (bytes: number): ScreenPreview => ({
    jpeg: new Uint8Array(bytes),
    widthPx: 1,
    heightPx: 1,
  });
  const previews = new FramePreviews({ runner: inline, log: silentLogger, maxBytes: 300 });
  previews.keep("a", preview(100));
  previews.keep("b", preview(100));
  previews.keep("c", preview(100));
  void previews.get("a"); // a is used: b is now the least recently used
  previews.keep("d", preview(100));
  assertEquals(previews.stats, { kept: 3, bytes: 300, waiting: 0 });
  assertEquals(previews.get("b"), null);
  assert(previews.get("a") && previews.get("c") && previews.get("d"));
  previews.keep("huge", preview(301));
  assertEquals(previews.get("huge"), null, "one larger than the whole budget is not kept");
  previews.keep("d", preview(50));
  assertEquals(previews.stats.bytes, 250, "kept again: counted once");
});

Deno.test("screen preview: a render that fails leaves it to the endpoint, with a warning", async () => {
  const warnings: string[] = [];
  const log = { ...silentLogger, warn: (message: string) => void warnings.push(message) };
  const failing: TaskRunner = { run: () => Promise.reject(new Error("worker crashed")) };
  const previews = new FramePreviews({ runner: failing, log });
  assertEquals(await previews.render("f1", starfield(200, 100)), null);
  assertEquals(previews.get("f1"), null);
  assertEquals(warnings.length, 1);
  await previews.close();
  assertEquals(await previews.render("f2", starfield(200, 100)), null, "closed: none rendered");
});

Deno.test("screen preview: the phone asks for it at the size the box renders ahead", async () => {
  // web/lib/api.js runs in the browser only (it reads location at load): read its constants.
  const api = await Deno.readTextFile(new URL("../../web/lib/api.js", import.meta.url));
  const px = /export const SCREEN_PREVIEW_PX = (\d+);/.exec(api)?.[1];
  assertEquals(Number(px), SCREEN_PREVIEW.maxSizePx);
  assert(
    api.includes("export const SCREEN_PREVIEW_QUERY = `max_px=${SCREEN_PREVIEW_PX}&stretch=auto`"),
    "the phone's query is the whole frame, auto stretch, default quality",
  );
});

Deno.test("screen preview: hidden by an exposure at least twice as long as the last render", async () => {
  const slow: TaskRunner = {
    run: async <T>(task: string, args: unknown) => {
      await new Promise((r) => setTimeout(r, 100));
      return workerTasks[task]!(args) as T;
    },
  };
  const previews = new FramePreviews({ runner: slow, log: silentLogger });
  assert(previews.hiddenBy(0), "not timed yet: rendered");
  assert(await previews.render("f1", starfield(200, 100)));
  assert(!previews.hiddenBy(150), "a 150 ms exposure does not hide a render of ≥ 100 ms");
  assert(previews.hiddenBy(60_000));
});
