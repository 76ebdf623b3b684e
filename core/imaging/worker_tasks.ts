/**
 * The registry of work the imaging workers can do: task name → a pure function of one argument
 * (plain data and typed arrays, as structured clone carries them) returning its result or a
 * promise of it. Typed arrays in the result are transferred back, not copied. To add a task,
 * import its function and add one line below; call it with `services.imaging.run("name", args)`.
 */
import type { WorkerTask } from "./worker_protocol.ts";
import { fitsPreviewTask, frameHistogramTask, previewJpegTask } from "./preview_tasks.ts";
import { livestackTasks } from "../livestack/livestack_tasks.ts";
import { analyzeFrameTask } from "./stars/analysis_task.ts";
import { frameHistogramFileTask, frameRegionTask, frameStarsTask } from "./frame_view.ts";

export const workerTasks: Record<string, WorkerTask> = {
  /** PreviewJob → Uint8Array JPEG of a raw frame (see preview_tasks.ts). */
  previewJpeg: previewJpegTask,
  /** FitsJob { fits (transferred), options } → Uint8Array JPEG of a FITS file's first image. */
  fitsPreviewJpeg: fitsPreviewTask,
  /** HistogramJob → ImageHistogram (per-channel counts, median, MAD). */
  frameHistogram: frameHistogramTask,
  /** AnalysisJob { frame (cloned), options } → FrameAnalysis (see stars/analysis_task.ts). */
  analyzeFrame: analyzeFrameTask,
  /** RegionJob { path, region?, maxSizePx, stretch } → RegionResult (JPEG of a saved frame). */
  frameRegion: frameRegionTask,
  /** StarsJob { path } → FrameAnalysis with the stars of a saved frame, or null (colour). */
  frameStars: frameStarsTask,
  /** HistogramFileJob { path, bins } → ImageHistogram of a saved frame. */
  frameHistogramFile: frameHistogramFileTask,
  /** Live stacking: decode, analyse, register, accumulate, preview (see livestack_tasks.ts). */
  ...livestackTasks,
};
