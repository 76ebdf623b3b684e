/**
 * One ASI exposure, start to frame: set the binned ROI (RAW16), gain, offset and exposure time,
 * start, poll ASIGetExpStatus on a timer until SUCCESS or FAILED, then download. Every SDK call
 * goes through the device's queue and is a nonblocking FFI call, so the event loop keeps running
 * while the camera integrates and while megabytes cross the USB link. Polls are sparse while
 * the shutter is open (the clock says when it closes) and dense near the end. An abort stops
 * the exposure at once; a camera that never reports the end fails with a named timeout.
 */
import type { Clock } from "../../lib/clock.ts";
import { AppError, DeviceTimeoutError } from "../../lib/errors.ts";
import type { BayerPattern, ExposureRequest, ExposureState, RawFrame } from "../camera.ts";
import { AsiControl, AsiExposureStatus, AsiImageType, type AsiSdk } from "./asi_sdk.ts";

/** Longest gap between status polls while the shutter is open. */
const MAX_POLL_GAP_MS = 1000;

export interface RunningExposure {
  request: ExposureRequest;
  /** Unix ms; set when ASIStartExposure returned. */
  startedAtMs: number;
  state: ExposureState;
  stop: AbortController;
}

export interface ExposureContext {
  sdk: AsiSdk;
  cameraId: number;
  clock: Clock;
  /** Runs one SDK call through the device's queue (and notices a lost camera). */
  call<T>(job: () => Promise<T>): Promise<T>;
  maxWidthPx: number;
  maxHeightPx: number;
  exposureMinUs: number;
  hasOffset: boolean;
  bayerPattern: BayerPattern | null;
  pollIntervalMs: number;
  /** How long after the shutter closes the camera may take to report SUCCESS. */
  readoutTimeoutMs: number;
  sensorTempC(): number | null;
  changed(): void;
}

/** The ROI the SDK accepts for a full frame at `binning`: width a multiple of 8, height of 2. */
export function binnedSize(
  maxWidthPx: number,
  maxHeightPx: number,
  binning: number,
): { widthPx: number; heightPx: number } {
  const widthPx = Math.floor(Math.floor(maxWidthPx / binning) / 8) * 8;
  const heightPx = Math.floor(Math.floor(maxHeightPx / binning) / 2) * 2;
  return { widthPx, heightPx };
}

export async function runExposure(
  ctx: ExposureContext,
  run: RunningExposure,
  signal: AbortSignal,
): Promise<RawFrame> {
  const { sdk, cameraId: id } = ctx;
  const request = run.request;
  const { widthPx, heightPx } = binnedSize(ctx.maxWidthPx, ctx.maxHeightPx, request.binning);
  await ctx.call(() => sdk.setRoi(id, widthPx, heightPx, request.binning, AsiImageType.RAW16));
  await ctx.call(() => sdk.setControl(id, AsiControl.GAIN, request.gain));
  if (ctx.hasOffset) await ctx.call(() => sdk.setControl(id, AsiControl.OFFSET, request.offset));
  const exposureUs = Math.max(ctx.exposureMinUs, Math.round(request.durationS * 1e6));
  await ctx.call(() => sdk.setControl(id, AsiControl.EXPOSURE, exposureUs));
  signal.throwIfAborted();
  // isDark only matters with a mechanical shutter, which then stays closed.
  const isDark = request.frameType === "dark" || request.frameType === "bias";
  await ctx.call(() => sdk.startExposure(id, isDark));
  run.startedAtMs = ctx.clock.now();
  run.state = "exposing";
  ctx.changed();
  try {
    await waitForEnd(ctx, run, signal);
  } catch (err) {
    // Best effort: the camera may be the thing that failed.
    await ctx.call(() => sdk.stopExposure(id)).catch(() => {});
    throw err;
  }
  run.state = "downloading";
  ctx.changed();
  const bytes = new Uint8Array(widthPx * heightPx * 2);
  await ctx.call(() => sdk.download(id, bytes));
  // A download cannot be interrupted; an abort that came during it still discards the frame.
  signal.throwIfAborted();
  return {
    // RAW16 arrives little-endian, the host order on every platform the SDK ships for.
    pixels: new Uint16Array(bytes.buffer, 0, widthPx * heightPx),
    widthPx,
    heightPx,
    bayerPattern: request.binning === 1 ? ctx.bayerPattern : null,
    request: { ...request },
    startedAtMs: run.startedAtMs,
    sensorTempC: ctx.sensorTempC(),
  };
}

async function waitForEnd(
  ctx: ExposureContext,
  run: RunningExposure,
  signal: AbortSignal,
): Promise<void> {
  const durationMs = run.request.durationS * 1000;
  const closesAtMs = run.startedAtMs + durationMs;
  const deadlineMs = closesAtMs + ctx.readoutTimeoutMs;
  while (true) {
    const untilCloseMs = closesAtMs - ctx.clock.now();
    const sleepMs = untilCloseMs > 2 * ctx.pollIntervalMs
      ? Math.min(MAX_POLL_GAP_MS, untilCloseMs - ctx.pollIntervalMs)
      : ctx.pollIntervalMs;
    await ctx.clock.sleep(sleepMs, signal);
    const status = await ctx.call(() => ctx.sdk.exposureStatus(ctx.cameraId));
    if (status === AsiExposureStatus.SUCCESS) return;
    if (status !== AsiExposureStatus.WORKING) {
      const name = status === AsiExposureStatus.FAILED ? "ASI_EXP_FAILED" : "ASI_EXP_IDLE";
      throw new AppError(
        502,
        "device_fault",
        `The camera exposure failed: ASIGetExpStatus reported ${name} (${status})`,
        { sdk_call: "ASIGetExpStatus", exposure_status: status },
      );
    }
    const nowMs = ctx.clock.now();
    if (run.state === "exposing" && nowMs >= closesAtMs) {
      run.state = "reading";
      ctx.changed();
    }
    if (nowMs > deadlineMs) throw new DeviceTimeoutError("camera readout", ctx.readoutTimeoutMs);
  }
}
