/**
 * Taking and keeping frames: the imaging worker pool (previews, star analysis, stacking), the frame
 * sink every producer saves through, the notice of a frame file rewritten after it was recorded,
 * single exposures, the calibration library and live stacking.
 * Workers start on first use, so a box that renders no preview pays nothing for them.
 */
import { CalibrationService } from "../../core/calibration/calibration_service.ts";
import { ExposureService } from "../../core/camera/exposure_service.ts";
import { FramePreviews } from "../../core/frames/frame_previews.ts";
import { FrameFileChanges } from "../../core/frames/file_changes.ts";
import { FrameSink } from "../../core/frames/frame_sink.ts";
import { WorkerPool } from "../../core/imaging/worker_pool.ts";
import { libraryCalibration } from "../../core/livestack/calibration_hook.ts";
import { LivestackService } from "../../core/livestack/livestack_service.ts";
import { CalibrationRepository } from "../../core/store/calibration.ts";
import { FrameRepository } from "../../core/store/frames.ts";
import type { Rig } from "../../devices/rig.ts";
import { type BoxContext, CAMERA_DEFAULTS } from "./context.ts";

/** What imaging asks before it starts a frame (the disk guard: 507 below its reserve). */
export interface ImagingGates {
  mayStartExposure?: () => void;
}

export function composeImaging(ctx: BoxContext, hub: Rig, gates: ImagingGates = {}) {
  const { config, dataDir, clock, logs, bus, db } = ctx;
  const frames = new FrameRepository(db);
  const frameFiles = new FrameFileChanges();
  const imaging = new WorkerPool();
  const framePreviews = new FramePreviews({ runner: imaging, log: logs.logger("frames") });
  const frameSink = new FrameSink({
    hub,
    bus,
    log: logs.logger("frames"),
    db,
    dataDir,
    filePattern: config.storage.file_pattern,
    // Star analysis of each saved frame runs in the imaging pool.
    analysis: imaging,
    // The screen preview of each frame a person takes is ready before the phone asks for it.
    previews: framePreviews,
  });
  const exposures = new ExposureService({
    hub,
    bus,
    clock,
    log: logs.logger("camera"),
    sink: frameSink,
    defaults: CAMERA_DEFAULTS,
    mayStart: gates.mayStartExposure,
  });
  const calibration = new CalibrationService({
    repo: new CalibrationRepository(db),
    frames,
    bus,
    clock,
    log: logs.logger("calibration"),
    dataDir,
    exposures,
  });
  const livestack = new LivestackService({
    bus,
    clock,
    log: logs.logger("livestack"),
    dataDir,
    runner: imaging,
    calibrate: libraryCalibration(calibration, logs.logger("livestack")),
  });
  return {
    frames,
    frameFiles,
    imaging,
    frameSink,
    framePreviews,
    exposures,
    calibration,
    livestack,
  };
}
