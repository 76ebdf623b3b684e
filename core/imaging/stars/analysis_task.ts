/**
 * Star analysis as a worker task: a raw 16-bit frame (mono or Bayer) and the options in, the
 * frame's figures out. The frame's pixels arrive cloned (the caller keeps its copy for previews)
 * and become the Float32 image the analyser works on here, off the event loop.
 */
import type { BayerPattern } from "../../../devices/camera.ts";
import { analyzeFrame } from "./analyze.ts";
import type { AnalysisOptions, FrameAnalysis } from "./types.ts";

export interface AnalysisJob {
  frame: {
    pixels: Uint16Array;
    widthPx: number;
    heightPx: number;
    bayerPattern: BayerPattern | null;
  };
  options?: AnalysisOptions;
}

export function analyzeFrameTask(job: AnalysisJob): FrameAnalysis {
  const { pixels, widthPx, heightPx, bayerPattern } = job.frame;
  if (pixels.length !== widthPx * heightPx) {
    throw new RangeError(
      `frame of ${widthPx}×${heightPx} needs ${widthPx * heightPx} pixels, got ${pixels.length}`,
    );
  }
  const image = { widthPx, heightPx, pixels: Float32Array.from(pixels), bayerPattern };
  return analyzeFrame(image, job.options);
}
