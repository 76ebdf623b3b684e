/**
 * `meridian_flip`: before each light frame of its block, if a German mount must flip before the
 * frame (and its download) would end, waits until the mount is past the flip limit (plus
 * `minutes_after`), flips by re-slewing to the target — the mount then takes the other pier
 * side — re-centres, resumes guiding and settles. The flip turns the optics over, so the cone
 * error now points the other way: it re-centres whenever centring is possible, not only when the
 * plan centred at the start.
 */
import { MERIDIAN_FLIP_FIELDS } from "../../schemas/sequence_parts.ts";
import { centerOn } from "./center.ts";
import { defineKind, type ParamsOf, type RunEnv } from "./kind.ts";

/** Readout margin: the frame must be downloaded before the tube reaches the pier. */
const DOWNLOAD_MARGIN_S = 10;

type Params = ParamsOf<"meridian_flip", typeof MERIDIAN_FLIP_FIELDS>;

export const meridianFlip = defineKind({
  kind: "meridian_flip",
  summary: "Flips a German mount when the meridian comes before a light frame would end",
  fields: MERIDIAN_FLIP_FIELDS,
  replay: true,
  run(p, env) {
    env.watch({
      async beforeFrame(frame, e) {
        if (frame.frameType === "light") await flipIfDue(p, e, frame.exposureS);
      },
    });
    return Promise.resolve();
  },
});

async function flipIfDue(p: Params, env: RunEnv, exposureS: number): Promise<void> {
  const { hub, clock } = env.ctx;
  const mount = hub.peek("mount");
  const target = env.target;
  if (mount === null || !target || target.raHours === null || target.decDeg === null) return;
  const status = mount.status();
  if (!status.connected || mount.capabilities.alignment !== "germanPolar") return;
  const dueS = status.timeToFlipS;
  if (dueS === null || dueS > exposureS + DOWNLOAD_MARGIN_S) return;
  const waitS = dueS + p.minutes_after * 60;
  env.describe(`waiting ${Math.round(waitS)} s for the meridian flip`);
  const guiding = env.session.guiding;
  if (guiding) await hub.device("guider").stopGuiding();
  env.session.guiding = null;
  await clock.sleep(waitS * 1000, env.signal);
  const startMs = clock.now();
  const sideBefore = mount.status().pierSide;
  env.describe(`meridian flip: re-slewing to ${target.name}`);
  await env.rig.slewTo(target.raHours, target.decDeg, env.signal);
  const sideAfter = hub.device("mount").status().pierSide;
  if (sideAfter === sideBefore) {
    env.alert("warning", `The meridian flip left the mount on the ${sideAfter} side of the pier`);
  } else {
    env.alert("info", `Meridian flip done: pier side ${sideBefore} → ${sideAfter}`);
  }
  if (p.recenter && env.ctx.hooks.centerOnTarget) await centerOn(env, target);
  if (guiding && p.resume_guiding) {
    env.describe("resuming guiding after the flip");
    await hub.device("guider").startGuiding(guiding.settle, env.signal);
    env.session.guiding = guiding;
  }
  if (p.settle_s > 0) await clock.sleep(p.settle_s * 1000, env.signal);
  env.measure("meridian_flip", clock.now() - startMs);
}
