/**
 * `capture`: takes `count` frames with the filter in the path. Before each frame the block's
 * stop conditions and triggers run (pause, limits, autofocus, the meridian flip); each frame is
 * exposed through the camera contract (gain and offset default to the box's, clamped to the
 * camera), saved through the frame sink with the run's checkpoint in one transaction (the sink
 * announces it at once), and once the sink has measured it `sequencer.frame_saved` carries its
 * HFR and star count and the triggers that follow a frame run (dither, HFR-based autofocus). A
 * resumed run continues at the frame it stopped at.
 */
import { untilAborted } from "../../../lib/abort.ts";
import type { CameraCapabilities, ExposureRequest } from "../../../devices/camera.ts";
import { EXPOSURE_FIELDS } from "../../schemas/sequence_parts.ts";
import { defineKind, type Issue, type ParamsOf, type RunEnv } from "./kind.ts";

type Params = ParamsOf<"capture", typeof EXPOSURE_FIELDS>;

export const capture = defineKind({
  kind: "capture",
  summary: "Takes `count` frames of `exposure_s` with the filter in the path",
  fields: EXPOSURE_FIELDS,
  frames: (p) => p.count,
  check(p, ctx): Issue[] {
    const camera = ctx.hub.peek("camera");
    if (!camera?.status().connected) return [];
    const caps = camera.capabilities;
    const limits: [keyof Params & string, number | undefined, number, number][] = [
      ["exposure_s", p.exposure_s, caps.exposureMinS, caps.exposureMaxS],
      ["gain", p.gain, caps.gainMin, caps.gainMax],
      ["offset", p.offset, caps.offsetMin, caps.offsetMax],
      ["binning", p.binning, 1, caps.maxBinning],
    ];
    return limits.flatMap(([field, value, min, max]) =>
      value !== undefined && (value < min || value > max)
        ? [{ field, reason: `${value} is outside this camera's ${min}..${max}` }]
        : []
    );
  },
  estimateS(p, est) {
    const perFrameS = p.exposure_s + est.meanS("download") + est.perFrameS();
    return Math.max(0, p.count - est.progress) * perFrameS;
  },
  describe(p, env) {
    const round = env.round && env.round.of > 1
      ? ` (round ${env.round.index + 1}/${env.round.of})`
      : "";
    const what = `${p.count} × ${p.exposure_s} s ${env.session.filter?.name ?? ""}${round}`;
    return (env.target ? `${env.target.name}: ${what}` : what).replace(/\s+/g, " ").trim();
  },
  async run(p, env) {
    for (let i = env.progress; i < p.count; i++) await oneFrame(p, env);
  },
});

async function oneFrame(p: Params, env: RunEnv): Promise<void> {
  const { ctx } = env;
  const frameInfo = { exposureS: p.exposure_s, frameType: p.frame_type };
  await env.beforeFrame(frameInfo);
  const { index, of } = env.frameNumber();
  env.describe(`exposing frame ${index + 1} of ${of}`);
  const camera = ctx.hub.device("camera");
  const request = exposureRequest(p, camera.capabilities, ctx.defaults);
  const startMs = ctx.clock.now();
  const raw = await camera.expose(request, env.signal);
  env.measure("download", ctx.clock.now() - startMs - request.durationS * 1000);
  // camera.frame_ready is out (the sink announced the frame); its figures decide the triggers.
  const saved = await env.saveFrame(raw);
  const analysed = await untilAborted(saved.analyzed, env.signal);
  ctx.bus.publish("sequencer.frame_saved", {
    ...analysed,
    sequence_id: env.sequenceId,
    frame_index: index,
  });
  await env.afterFrame({ ...frameInfo, hfr: analysed.hfr });
}

/** The group's settings; gain and offset default to the box's, clamped to this camera. */
function exposureRequest(
  p: Params,
  caps: CameraCapabilities,
  defaults: { gain: number; offset: number },
): ExposureRequest {
  const clamp = (v: number, min: number, max: number) => Math.min(max, Math.max(min, v));
  return {
    // A bias is the shortest exposure the camera can take.
    durationS: p.frame_type === "bias" ? Math.max(p.exposure_s, caps.exposureMinS) : p.exposure_s,
    gain: p.gain ?? clamp(defaults.gain, caps.gainMin, caps.gainMax),
    offset: p.offset ?? clamp(defaults.offset, caps.offsetMin, caps.offsetMax),
    binning: p.binning,
    frameType: p.frame_type,
  };
}
