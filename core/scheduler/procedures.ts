/**
 * The start and end of an automated night, through the hub's contracts only. Startup: unpark,
 * cool the camera, open the dome (guiding starts with each block, after its slew). Shutdown: stop
 * guiding, park, close the dome, warm the camera. Each shutdown step is tried whatever the others
 * did — a stuck guider must not keep the dome open — and each wait has a deadline. A role the
 * profile does not have is skipped, not an error.
 */
import type { Rig } from "../../devices/rig.ts";
import type { Clock } from "../../lib/clock.ts";
import type { SchedulerPlan } from "../schemas/scheduler.ts";
import { errorText } from "../sequencer/context.ts";
import { RigActions } from "../sequencer/rig.ts";
import { waitForParked } from "../device_wait.ts";
import type { CoolerControl } from "../cooler/cooler_service.ts";

export const SHUTTER_TIMEOUT_MS = 5 * 60_000;

export interface ProcedureEnv {
  hub: Rig;
  clock: Clock;
  /** The box's cooler service: the same ramps as the API and the sequencer. */
  cooler: CoolerControl;
  signal: AbortSignal;
  /** Says what is being done (status message). */
  describe(text: string): void;
  /** A step that failed but did not stop the procedure. */
  warn(message: string): void;
}

/** Startup; a failure to unpark or open the dome throws (imaging would be pointless). */
export async function startup(plan: SchedulerPlan, env: ProcedureEnv): Promise<void> {
  const { hub, signal } = env;
  const rig = new RigActions(hub, env.clock, env.cooler);
  const o = plan.startup;
  if (o.unpark && hub.peek("mount") !== null) {
    const mount = hub.device("mount");
    if (mount.status().parked) {
      env.describe("unparking the mount");
      await mount.unpark();
      await waitForParked(mount, false, env.clock, signal);
    }
  }
  if (o.open_dome && hub.peek("dome") !== null) {
    const dome = hub.device("dome");
    if (dome.status().shutter !== "open") {
      env.describe("opening the dome");
      await dome.openShutter();
      await rig.waitUntil(
        "dome.openShutter",
        () => dome.status().shutter === "open",
        SHUTTER_TIMEOUT_MS,
        signal,
      );
    }
  }
  if (o.cool_to_c !== null && hub.peek("camera") !== null) {
    env.describe(`cooling the camera to ${o.cool_to_c} °C`);
    const cooled = await rig.coolTo(
      o.cool_to_c,
      o.cool_timeout_s * 1000,
      signal,
      o.cool_ramp_c_per_min,
    );
    if (!cooled) {
      env.warn(
        `The camera did not reach ${o.cool_to_c} °C in ${o.cool_timeout_s} s; imaging anyway`,
      );
    }
  }
}

/** Shutdown; every step is attempted and failures are reported, never thrown. */
export async function shutdown(
  plan: SchedulerPlan,
  env: ProcedureEnv,
  only?: { park: boolean; stopGuiding: boolean },
): Promise<string[]> {
  const { hub, signal } = env;
  const rig = new RigActions(hub, env.clock, env.cooler);
  const o = only
    ? { ...plan.shutdown, close_dome: false, warm_to_c: null, park: only.park }
    : plan.shutdown;
  const done: string[] = [];
  const attempt = async (what: string, step: () => Promise<unknown>) => {
    env.describe(what);
    try {
      await step();
      done.push(what);
    } catch (err) {
      env.warn(`Shutdown: ${what} failed: ${errorText(err)}`);
      done.push(`${what} FAILED`);
    }
  };
  const guider = hub.peek("guider")?.status();
  if ((only?.stopGuiding ?? o.stop_guiding) && guider?.connected && guider.state !== "stopped") {
    await attempt("stopping guiding", () => hub.device("guider").stopGuiding());
  }
  if (o.park && hub.peek("mount")?.status().connected) {
    await attempt("parking the mount", () => rig.park(signal));
  }
  const shutter = hub.peek("dome")?.status();
  if (o.close_dome && shutter?.connected && shutter.shutter !== "closed") {
    await attempt("closing the dome", async () => {
      const dome = hub.device("dome");
      await dome.closeShutter();
      await rig.waitUntil(
        "dome.closeShutter",
        () => dome.status().shutter === "closed",
        SHUTTER_TIMEOUT_MS,
        signal,
      );
    });
  }
  const warm = o.warm_to_c;
  if (warm !== null && hub.peek("camera")?.status().connected) {
    await attempt(`warming the camera to ${warm} °C`, async () => {
      if (!await rig.warmUp(warm, o.warm_timeout_s * 1000, signal, o.warm_ramp_c_per_min)) {
        env.warn(`The camera did not reach ${warm} °C before its cooler was switched off`);
      }
    });
  }
  return done;
}
