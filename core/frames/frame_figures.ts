/**
 * The star figures of a frame — median HFR and FWHM (px), star count, eccentricity of the median
 * star shape — measured in the imaging worker pool when one is given, else inline. The pixel
 * scale comes from the rig: 206.265 × pixel µm × binning / focal length mm. For a saved frame the
 * figures are recorded in its row once measured; analysis is a bonus on a frame that is already
 * safe, so a failure leaves the frame with null figures and a warning — it never costs the frame.
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
  run<T>(
    task: string,
    args: unknown,
    transfer?: Transferable[],
    opts?: { urgent?: boolean },
  ): Promise<T>;
}

/** The figures a frame row and `camera.frame_analyzed` carry. */
export type FrameFigures = Pick<FrameDto, "hfr" | "fwhm" | "stars" | "eccentricity">;

export const NO_FIGURES: FrameFigures = { hfr: null, fwhm: null, stars: null, eccentricity: null };

/** Arcsec per pixel, or null when the focal length or the pixel size is unknown. */
export function pixelScaleArcsec(
  pixelSizeUm: number | null | undefined,
  binning: number,
  focalLengthMm: number | null | undefined,
): number | null {
  if (!pixelSizeUm || !focalLengthMm || !(pixelSizeUm > 0) || !(focalLengthMm > 0)) return null;
  return (206.265 * pixelSizeUm * binning) / focalLengthMm;
}

/** The star figures of a frame (and the whole analysis), from the pool when there is one. */
export async function frameFigures(
  frame: RawFrame,
  hub: Rig,
  runner: TaskRunner | null,
): Promise<
  FrameFigures & { stars: number; analysis: FrameAnalysis; pixelScaleArcsec: number | null }
> {
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
  return {
    hfr: analysis.medianHfrPx,
    fwhm: analysis.medianFwhmPx,
    stars: analysis.starCount,
    eccentricity: analysis.medianEccentricity,
    analysis,
    pixelScaleArcsec: job.options?.pixelScaleArcsec ?? null,
  };
}

/** A saved frame's whole analysis (its star list left out) and the pixel scale it used. */
export interface MeasuredFrame {
  analysis: FrameAnalysis;
  pixelScaleArcsec: number | null;
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

/** Measures a saved frame and records its figures; null figures and the reason on failure. */
export async function analyzeSavedFrame(
  input: AnalyzeSavedFrameInput,
): Promise<{ figures: FrameFigures; error: string | null; measured: MeasuredFrame | null }> {
  const { frame, dto } = input;
  try {
    const { analysis, pixelScaleArcsec, ...figures } = await frameFigures(
      frame,
      input.hub,
      input.runner,
    );
    await input.frames.setAnalysis(dto.id, figures);
    input.log.debug("frame analysed", {
      frame_id: dto.id,
      stars: analysis.starCount,
      hfr_px: analysis.medianHfrPx,
      hfr_arcsec: analysis.medianHfrArcsec,
      elapsed_ms: Math.round(analysis.elapsedMs),
    });
    return { figures, error: null, measured: { analysis, pixelScaleArcsec } };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    input.log.warn("star analysis failed; the frame is kept without figures", {
      frame_id: dto.id,
      reason,
    });
    return { figures: NO_FIGURES, error: `star analysis failed: ${reason}`, measured: null };
  }
}
