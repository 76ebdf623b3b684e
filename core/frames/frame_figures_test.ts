/**
 * The wiring of star analysis into saving: the pixel scale formula, figures (HFR, FWHM, stars,
 * eccentricity) recorded and returned on success, and a failing analysis that leaves the frame
 * with null figures, the reason and a warning instead of an error.
 */
import { assert, assertAlmostEquals, assertEquals } from "../../tests/_assert.ts";
import { renderStarfield } from "../../tests/fixtures/starfield.ts";
import type { RawFrame } from "../../devices/camera.ts";
import type { DeviceHub } from "../../devices/hub.ts";
import type { Logger } from "../../lib/log.ts";
import type { FrameDto } from "../schemas/camera.ts";
import type { FrameRepository } from "../store/frames.ts";
import { analyzeSavedFrame, pixelScaleArcsec } from "./frame_figures.ts";

Deno.test("pixel scale: 206.265 × µm × binning / mm, null when unknown", () => {
  assertAlmostEquals(pixelScaleArcsec(3.76, 1, 800)!, 0.96945, 1e-5);
  assertAlmostEquals(pixelScaleArcsec(3.76, 2, 800)!, 1.9389, 1e-4);
  assertEquals(pixelScaleArcsec(null, 1, 800), null);
  assertEquals(pixelScaleArcsec(3.76, 1, 0), null);
});

function setup() {
  const field = renderStarfield({ widthPx: 400, heightPx: 300, seed: 2, starCount: 25 });
  const frame = {
    pixels: field.pixels16,
    widthPx: 400,
    heightPx: 300,
    bayerPattern: null,
    request: { durationS: 10, gain: 100, offset: 10, binning: 1, frameType: "light" },
    startedAtMs: 0,
    sensorTempC: null,
  } satisfies RawFrame;
  const dto = { id: "f1", hfr: null, stars: null } as unknown as FrameDto;
  const recorded: unknown[] = [];
  const warnings: string[] = [];
  const frames = {
    setAnalysis: (id: string, figures: unknown) =>
      Promise.resolve(void recorded.push([id, figures])),
  } as unknown as FrameRepository;
  const hub = {
    peek: () => ({ capabilities: { pixelSizeUm: 3.76 } }),
    optics: { focalLengthMm: 800, apertureMm: 100 },
  } as unknown as DeviceHub;
  const log = { debug() {}, warn: (m: string) => warnings.push(m) } as unknown as Logger;
  return { field, frame, dto, recorded, warnings, frames, hub, log };
}

Deno.test("analysed inline: figures recorded and returned, pixel scale from the rig", async () => {
  const s = setup();
  let options: { pixelScaleArcsec?: number | null } = {};
  const runner = {
    run<T>(task: string, args: unknown): Promise<T> {
      assertEquals(task, "analyzeFrame");
      options = (args as { options: typeof options }).options;
      return import("../imaging/stars/analysis_task.ts").then((m) =>
        m.analyzeFrameTask(args as Parameters<typeof m.analyzeFrameTask>[0]) as T
      );
    },
  };
  for (const r of [null, runner]) {
    const { figures: out, error } = await analyzeSavedFrame({ ...s, runner: r });
    assertEquals(error, null);
    assert(out.stars! >= 20 && out.stars! <= 25, `stars ${out.stars}`);
    assert(Math.abs(out.hfr! / s.field.hfrPx - 1) < 0.05, `hfr ${out.hfr}`);
    // A Gaussian's FWHM is about twice its HFR; these stars are round.
    assert(out.fwhm! > 1.6 * out.hfr! && out.fwhm! < 2.4 * out.hfr!, `fwhm ${out.fwhm}`);
    assert(out.eccentricity! >= 0 && out.eccentricity! < 0.5, `ecc ${out.eccentricity}`);
  }
  assertAlmostEquals(options.pixelScaleArcsec!, 0.96945, 1e-5);
  assertEquals(s.recorded.length, 2);
});

Deno.test("a failing analysis keeps the frame with null figures and warns", async () => {
  const s = setup();
  const runner = { run: () => Promise.reject(new Error("worker crashed")) };
  const { figures: out, error } = await analyzeSavedFrame({ ...s, runner });
  assertEquals([out.hfr, out.fwhm, out.stars, out.eccentricity], [null, null, null, null]);
  assertEquals(error, "star analysis failed: worker crashed");
  assertEquals(s.recorded.length, 0);
  assertEquals(s.warnings.length, 1);
});
