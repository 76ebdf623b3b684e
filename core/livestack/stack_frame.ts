/**
 * One frame through the live stack: read the FITS, calibrate (the injected hook), analyse the
 * stars, apply the quality gates, register onto the reference (the first accepted frame becomes
 * it), warp and accumulate. The heavy steps run as worker tasks through a `TaskRunner` (the
 * worker pool, or inline when there is none); this module only sequences them and turns each
 * failure into a rejection with its reason. It never touches the service's state: it returns
 * what changed.
 */
import { join } from "node:path";
import type { MonoImage } from "../imaging/image.ts";
import type { Registration, RegistrationRefusal } from "../imaging/register/register.ts";
import { IDENTITY } from "../imaging/register/transform.ts";
import type { AccumulatorState } from "../imaging/stack/accumulator.ts";
import type { FrameAnalysis, Star } from "../imaging/stars/types.ts";
import type { FrameDto } from "../schemas/camera.ts";
import type { LivestackFrameDto, LivestackOptions } from "../schemas/livestack.ts";
import type { AccumulateJob, AccumulateResult } from "./livestack_tasks.ts";
import { stateBuffers } from "./livestack_tasks.ts";
import { type Rejection, residualGate, starGates } from "./quality_gates.ts";

/** Runs a named worker task; the WorkerPool has this shape, and so does the inline runner. */
export interface TaskRunner {
  run<T>(task: string, args: unknown, transfer?: Transferable[]): Promise<T>;
}

/**
 * Calibrates a light before it is stacked (dark subtraction, flat division) when masters match
 * it. `meta` is the frame's record (camera settings, filter, temperature, exposure). It may
 * return the same image when nothing matches; the default is exactly that.
 */
export type CalibrateHook = (image: MonoImage, meta: FrameDto) => Promise<MonoImage>;

export interface Reference {
  frameId: string;
  path: string;
  widthPx: number;
  heightPx: number;
  /** The brightest stars, enough for registration. */
  stars: Star[];
}

export interface StackContext {
  runner: TaskRunner;
  calibrate: CalibrateHook;
  options: LivestackOptions;
  dataDir: string;
  state: AccumulatorState | null;
  reference: Reference | null;
  hfrHistoryPx: readonly number[];
  previewMaxPx: number;
}

export type FrameOutcome =
  | { kind: "rejected"; frame: LivestackFrameDto }
  | {
    kind: "stacked";
    frame: LivestackFrameDto;
    result: AccumulateResult;
    /** Set when this frame became the reference. */
    reference: Reference | null;
  };

/** Stars kept from the reference for registration (the brightest; the rest add nothing). */
const REFERENCE_STARS = 500;

export async function stackFrame(dto: FrameDto, ctx: StackContext): Promise<FrameOutcome> {
  const started = performance.now();
  const figures = (analysis: FrameAnalysis | null, registration: Registration | null) => ({
    frame_id: dto.id,
    path: dto.path,
    stars: analysis?.starCount ?? null,
    hfr_px: analysis?.medianHfrPx ?? null,
    fwhm_px: analysis?.medianFwhmPx ?? null,
    eccentricity: analysis?.medianEccentricity ?? null,
    background_adu: analysis?.backgroundAdu ?? null,
    registration: registration && {
      shift_x_px: registration.shiftXPx,
      shift_y_px: registration.shiftYPx,
      rotation_deg: registration.rotationDeg,
      scale: registration.scale,
      mirrored: registration.mirrored,
      matched_stars: registration.matchedStars,
      rms_px: registration.rmsPx,
    },
    elapsed_ms: performance.now() - started,
  });
  const reject = (
    rejection: Rejection,
    analysis: FrameAnalysis | null = null,
    registration: Registration | null = null,
  ): FrameOutcome => ({
    kind: "rejected",
    frame: {
      ...figures(analysis, registration),
      result: "rejected",
      reason: rejection.reason,
      message: rejection.message,
    },
  });

  let image: MonoImage;
  try {
    const bytes = await Deno.readFile(join(ctx.dataDir, dto.path));
    image = await ctx.runner.run<MonoImage>("livestackDecode", { fits: bytes }, [bytes.buffer]);
    image = await ctx.calibrate(image, dto);
  } catch (err) {
    return reject({
      reason: "unreadable",
      message: `cannot read ${dto.path}: ${(err as Error).message}`,
    });
  }
  const colour = image.bayerPattern !== null && image.bayerPattern !== undefined;
  if (ctx.state && (ctx.state.mean.length === 3) !== colour) {
    return reject({
      reason: "mismatch",
      message: `a ${colour ? "colour" : "mono"} frame cannot join a ${
        ctx.state.mean.length === 3 ? "colour" : "mono"
      } stack`,
    });
  }
  const analysed = await ctx.runner.run<{ analysis: FrameAnalysis; image: MonoImage }>(
    "livestackAnalyze",
    { image, options: {} },
    [image.pixels.buffer as ArrayBuffer],
  );
  const { analysis } = analysed;
  image = analysed.image;
  const gate = starGates(analysis, ctx.options, ctx.hfrHistoryPx);
  if (gate) return reject(gate, analysis);

  let registration: Registration | null = null;
  let reference: Reference | null = null;
  if (ctx.reference) {
    const result = await ctx.runner.run<Registration | RegistrationRefusal>("livestackRegister", {
      frameStars: analysis.stars,
      refStars: ctx.reference.stars,
      options: { model: ctx.options.model },
    });
    if (result.transform === null) {
      return reject({ reason: "registration_failed", message: result.reason }, analysis);
    }
    registration = result;
    const residual = residualGate(result.rmsPx, ctx.options.max_residual_px);
    if (residual) return reject(residual, analysis, registration);
  } else {
    reference = {
      frameId: dto.id,
      path: dto.path,
      widthPx: image.widthPx,
      heightPx: image.heightPx,
      stars: [...analysis.stars].sort((a, b) => b.flux - a.flux).slice(0, REFERENCE_STARS),
    };
  }
  const job: AccumulateJob = {
    state: ctx.state,
    image,
    transform: registration?.transform ?? IDENTITY,
    debayer: ctx.options.debayer,
    interpolation: ctx.options.interpolation,
    accumulator: { rejection: ctx.options.rejection, kappa: ctx.options.kappa },
    noiseFloorAdu: analysis.noiseAdu,
    previewMaxPx: ctx.previewMaxPx,
  };
  const result = await ctx.runner.run<AccumulateResult>("livestackAccumulate", job, [
    ...stateBuffers(ctx.state),
    image.pixels.buffer as ArrayBuffer,
  ]);
  return {
    kind: "stacked",
    frame: {
      ...figures(analysis, registration),
      result: reference ? "reference" : "stacked",
      reason: null,
      message: null,
    },
    result,
    reference,
  };
}
