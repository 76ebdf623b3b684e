/**
 * Every saved frame is analysed: once its file is durable and its row recorded, the star
 * analysis runs (in the imaging worker pool when one is given, else inline) and the median HFR
 * and star count go into the row and into the DTO that `camera.frame_ready` carries. The pixel
 * scale comes from the rig: 206.265 × pixel µm × binning / focal length mm. Analysis is a bonus
 * on a frame that is already safe: if it fails the frame keeps null figures and a warning is
 * logged — it never costs the frame.
 */
import type { RawFrame } from "../../devices/camera.ts";
import type { Rig } from "../../devices/rig.ts";
import { type AnalysisJob, analyzeFrameTask } from "../imaging/stars/analysis_task.ts";
import type { FrameAnalysis } from "../imaging/stars/types.ts";
import type { Logger } from "../../lib/log.ts";
import type { FrameDto } from "../schemas/camera.ts";
import type { FrameRepository } from "../store/frames.ts";

/** The worker pool's `run`, or anything that runs a registered task the same way. */
export interface TaskRunner {
  run<T>(task: string, args: unknown, transfer?: Transferable[]): Promise<T>;
}

export interface AnalyzeSavedFrameInput {
  frame: RawFrame;
  dto: FrameDto;
  hub: Rig;
  frames: FrameRepository;
  log: Logger;
  /** Null: analyse inline on this thread. */
  runner: TaskRunner | null;
}

/** Arcsec per pixel, or null when the focal length or the pixel size is unknown. */
export function pixelScaleArcsec(
  pixelSizeUm: number | null | undefined,
  binning: number,
  focalLengthMm: number | null | undefined,
): number | null {
  if (!pixelSizeUm || !focalLengthMm || !(pixelSizeUm > 0) || !(focalLengthMm > 0)) return null;
  return (206.265 * pixelSizeUm * binning) / focalLengthMm;
}

/** Median HFR (px) and star count of a frame, from the pool when there is one. */
export async function frameFigures(
  frame: RawFrame,
  hub: Rig,
  runner: TaskRunner | null,
): Promise<{ hfr: number | null; stars: number; analysis: FrameAnalysis }> {
  const job: AnalysisJob = {
    frame: {
      pixels: frame.pixels,
      widthPx: frame.widthPx,
      heightPx: frame.heightPx,
      bayerPattern: frame.bayerPattern,
    },
    options: {
      pixelScaleArcsec: pixelScaleArcsec(
        hub.peek("camera")?.capabilities.pixelSizeUm,
        frame.request.binning,
        hub.optics?.focalLengthMm,
      ),
      // The figures are what the row keeps; the star list is not sent back across.
      maxStars: 0,
    },
  };
  // The pixels are cloned to the worker, not transferred: the latest frame keeps them.
  const analysis = runner
    ? await runner.run<FrameAnalysis>("analyzeFrame", job)
    : analyzeFrameTask(job);
  return { hfr: analysis.medianHfrPx, stars: analysis.starCount, analysis };
}

/** Analyses the frame, records the figures, and returns the DTO with them (nulls on failure). */
export async function analyzeSavedFrame(input: AnalyzeSavedFrameInput): Promise<FrameDto> {
  const { frame, dto } = input;
  try {
    const { hfr, stars, analysis: result } = await frameFigures(frame, input.hub, input.runner);
    const figures = { hfr, stars };
    await input.frames.setAnalysis(dto.id, figures);
    input.log.debug("frame analysed", {
      frame_id: dto.id,
      stars: result.starCount,
      hfr_px: result.medianHfrPx,
      hfr_arcsec: result.medianHfrArcsec,
      elapsed_ms: Math.round(result.elapsedMs),
    });
    return { ...dto, ...figures };
  } catch (err) {
    input.log.warn("star analysis failed; the frame is kept without figures", {
      frame_id: dto.id,
      reason: err instanceof Error ? err.message : String(err),
    });
    return dto;
  }
}
