/**
 * The sequence's non-exposure steps: prepare (cool down), go to a target (slew, rotate, centre,
 * start guiding), the meridian flip (wait past the limit, re-slew so the pier side changes,
 * re-centre, resume guiding, settle), dither with settle, and finish (stop guiding, warm up,
 * park). Failures that only cost quality — a settle that fails, a cooler that is slow, centring
 * without a solver — raise an alert and the run goes on; failures that make frames impossible
 * propagate, and the engine pauses safely.
 */
import type { SettleParams } from "../../devices/guider.ts";
import type { Sequence, SequenceTarget } from "../schemas/sequence.ts";
import type { SequencerContext } from "./context.ts";
import { errorText } from "./context.ts";
import type { Overheads } from "./overheads.ts";
import type { RigActions } from "./rig.ts";

/** What a step may use of the running sequence. */
export interface StepEnv {
  ctx: SequencerContext;
  rig: RigActions;
  sequence: Sequence;
  overheads: Overheads;
  signal: AbortSignal;
  alert(level: "info" | "warning" | "error", message: string): void;
  describe(text: string): void;
  /** True once this run started guiding (so it stops it at the end). */
  guiding: { started: boolean };
}

export function settleOf(s: { pixels: number; time_s: number; timeout_s: number }): SettleParams {
  return { pixels: s.pixels, timeS: s.time_s, timeoutS: s.timeout_s };
}

export async function prepare(env: StepEnv): Promise<void> {
  const cool = env.sequence.options.cool_down;
  if (!cool || env.ctx.hub.peek("camera") === null) return;
  env.describe(`cooling the camera to ${cool.target_c} °C`);
  const reached = await env.rig.coolTo(cool.target_c, cool.timeout_s * 1000, env.signal);
  if (!reached) {
    env.alert(
      "warning",
      `The camera did not reach ${cool.target_c} °C within ${cool.timeout_s} s; imaging anyway`,
    );
  }
}

export async function gotoTarget(env: StepEnv, target: SequenceTarget): Promise<void> {
  const { options } = env.sequence;
  const { hub } = env.ctx;
  if (
    options.slew && hub.peek("mount") !== null && target.ra !== undefined &&
    target.dec !== undefined
  ) {
    env.describe(`slewing to ${target.name}`);
    if (env.guiding.started) await hub.device("guider").stopGuiding();
    await env.rig.slewTo(target.ra, target.dec, env.signal);
  }
  if (target.rotation_deg !== undefined && hub.peek("rotator") !== null) {
    env.describe(`rotating to ${target.rotation_deg}°`);
    const rotator = hub.device("rotator");
    await rotator.moveTo(target.rotation_deg);
    await env.rig.waitUntil(
      "rotator.moveTo",
      () => !rotator.status().moving,
      5 * 60_000,
      env.signal,
    );
  }
  if (options.center_on_target) await center(env, target);
  if (options.guiding.enabled) {
    env.describe("starting guiding");
    await hub.device("guider").startGuiding(settleOf(options.guiding.settle), env.signal);
    env.guiding.started = true;
  }
}

async function center(env: StepEnv, target: SequenceTarget): Promise<void> {
  const hook = env.ctx.hooks.centerOnTarget;
  if (!hook) {
    env.alert(
      "warning",
      `Centring on ${target.name} was requested but no plate solver is available`,
    );
    return;
  }
  if (target.ra === undefined || target.dec === undefined) return;
  env.describe(`centring on ${target.name}`);
  try {
    await hook({ raHours: target.ra, decDeg: target.dec, name: target.name }, env.signal);
  } catch (err) {
    if (env.signal.aborted) throw err;
    // Off-centre frames are still frames: the centring service has said why; carry on.
    env.alert(
      "warning",
      `Centring on ${target.name} failed (${errorText(err)}); imaging where the mount points`,
    );
  }
}

/**
 * Before an exposure of `exposureS`: if the mount must flip before it would end, wait until the
 * mount is past the flip limit (plus the configured margin), then flip by re-slewing to the
 * target — a German mount then takes the other pier side — and re-centre, resume guiding, settle.
 */
export async function meridianFlipIfDue(
  env: StepEnv,
  target: SequenceTarget,
  exposureS: number,
): Promise<boolean> {
  const flip = env.sequence.options.meridian_flip;
  const { hub, clock } = env.ctx;
  const mount = hub.peek("mount");
  if (!flip.enabled || !env.sequence.options.slew || mount === null) return false;
  if (target.ra === undefined || target.dec === undefined) return false;
  const status = mount.status();
  if (!status.connected || mount.capabilities.alignment !== "germanPolar") return false;
  // A margin for the download: the frame must be read out before the tube reaches the pier.
  const dueS = status.timeToFlipS;
  if (dueS === null || dueS > exposureS + 10) return false;
  const waitS = dueS + flip.minutes_after * 60;
  env.describe(`waiting ${Math.round(waitS)} s for the meridian flip`);
  if (env.guiding.started) await hub.device("guider").stopGuiding();
  await clock.sleep(waitS * 1000, env.signal);
  const sideBefore = mount.status().pierSide;
  env.describe(`meridian flip: re-slewing to ${target.name}`);
  await env.rig.slewTo(target.ra, target.dec, env.signal);
  const sideAfter = hub.device("mount").status().pierSide;
  if (sideAfter === sideBefore) {
    env.alert("warning", `The meridian flip left the mount on the ${sideAfter} side of the pier`);
  } else {
    env.alert("info", `Meridian flip done: pier side ${sideBefore} → ${sideAfter}`);
  }
  // The flip turns the optics over, so the cone error (CH) now points the other way: re-centre
  // whenever centring is possible, not only when the sequence asked to centre at the start.
  if (flip.recenter && (env.ctx.hooks.centerOnTarget || env.sequence.options.center_on_target)) {
    await center(env, target);
  }
  if (env.guiding.started && flip.resume_guiding) {
    env.describe("resuming guiding after the flip");
    await hub.device("guider").startGuiding(
      settleOf(env.sequence.options.guiding.settle),
      env.signal,
    );
  }
  if (flip.settle_s > 0) await clock.sleep(flip.settle_s * 1000, env.signal);
  return true;
}

/** Dithers through the guider and waits for the settle; a failed settle only raises an alert. */
export async function dither(env: StepEnv): Promise<void> {
  const options = env.sequence.options.dither;
  if (!options) return;
  const guider = env.ctx.hub.peek("guider");
  const state = guider?.status();
  if (!guider || !state?.connected || state.state !== "guiding") {
    env.alert(
      "warning",
      `Dither skipped: the guider is ${state?.connected ? state.state : "not connected"}`,
    );
    return;
  }
  env.describe(`dithering ${options.pixels} px`);
  const startMs = env.ctx.clock.now();
  try {
    await env.ctx.hub.device("guider").dither(options.pixels, settleOf(options.settle), env.signal);
  } catch (err) {
    if (env.signal.aborted) throw err;
    env.alert("warning", `Dither did not settle: ${errorText(err)}; continuing`);
  } finally {
    env.overheads.add("dither", env.ctx.clock.now() - startMs);
  }
}

/** Every end-of-run step is tried, whatever the others did: a failed park must not leave the camera cold. */
export async function finish(env: StepEnv): Promise<void> {
  const { options } = env.sequence;
  const { hub } = env.ctx;
  const attempt = async (what: string, step: () => Promise<unknown>) => {
    try {
      await step();
    } catch (err) {
      if (env.signal.aborted) throw err;
      env.alert("error", `${what} failed at the end of the sequence: ${errorText(err)}`);
    }
  };
  if (env.guiding.started) {
    await attempt("Stopping guiding", () => hub.device("guider").stopGuiding());
    env.guiding.started = false;
  }
  const warm = options.warm_up;
  if (warm && hub.peek("camera") !== null) {
    env.describe(`warming the camera to ${warm.target_c} °C`);
    await attempt("Warming the camera", async () => {
      if (!await env.rig.warmUp(warm.target_c, warm.timeout_s * 1000, env.signal)) {
        env.alert(
          "warning",
          `The camera did not reach ${warm.target_c} °C before the cooler was switched off`,
        );
      }
    });
  }
  if (options.park_at_end && hub.peek("mount") !== null) {
    env.describe("parking the mount");
    await attempt("Parking the mount", () => env.rig.park(env.signal));
  }
}
