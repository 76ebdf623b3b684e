// @ts-check
/**
 * Cooling at a set rate. The box's cooler command takes only a target, and a sensor cooled or
 * warmed in one step can frost or crack; so the phone moves the target towards the goal one
 * step a minute (the rate the user chose) from the current temperature. It runs here while the
 * app is open and says so; sequences use the box's own cool-down, which needs no phone.
 */
import { signal } from "@preact/signals";
import { get, messageOf, post } from "./api.js";

export const ramp = signal(
  /** @type {{ goalC: number, rateCPerMin: number, currentTargetC: number } | null} */ (null),
);
export const rampError = signal(/** @type {string | null} */ (null));

/** @type {ReturnType<typeof setInterval> | undefined} */
let timer;

/**
 * @param {number} goalC
 * @param {number} rateCPerMin
 */
export async function startRamp(goalC, rateCPerMin) {
  stopRamp();
  rampError.value = null;
  const status = await get("/camera/status");
  const fromC = status.cooler.temp_c ?? goalC;
  const step = async () => {
    const state = ramp.value;
    if (!state) return;
    const left = state.goalC - state.currentTargetC;
    const move = Math.sign(left) * Math.min(Math.abs(left), state.rateCPerMin);
    const target = Math.round((state.currentTargetC + move) * 10) / 10;
    try {
      await post("/camera/cooler", { enabled: true, target_c: target });
      ramp.value = { ...state, currentTargetC: target };
      if (target === state.goalC) stopRamp(true);
    } catch (err) {
      rampError.value = messageOf(err);
      stopRamp();
    }
  };
  ramp.value = { goalC, rateCPerMin, currentTargetC: fromC };
  await step();
  timer = setInterval(step, 60_000);
}

/** @param {boolean} [reached] keep the last state for display when the goal was reached */
export function stopRamp(reached = false) {
  clearInterval(timer);
  timer = undefined;
  if (!reached) ramp.value = null;
  else ramp.value = null;
}
