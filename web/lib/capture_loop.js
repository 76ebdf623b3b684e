// @ts-check
/**
 * Taking frames from the phone: one exposure, or a loop that starts the next exposure as soon as
 * the last one is saved, until stopped (a looping preview for framing and focusing by eye). The
 * loop lives here, not in a screen, so it keeps going while the user looks at the frames in the
 * viewer. A failed or aborted exposure ends the loop and says why.
 */
import { signal } from "@preact/signals";
import { messageOf, post } from "./api.js";
import { onEvent } from "./live.js";

/** @typedef {import("./types.js").ExposureParams} ExposureParams */

export const looping = signal(false);
/** Frames taken by the current loop. */
export const loopCount = signal(0);
export const loopError = signal(/** @type {string | null} */ (null));
/** The id of the exposure this phone started last. */
export const lastStarted = signal(/** @type {string | null} */ (null));

/** @type {ExposureParams | null} */
let loopParams = null;
/** @type {(() => void) | null} */
let stopListening = null;

/** @param {ExposureParams} params */
export async function exposeOnce(params) {
  const { frame_id } = await post("/camera/expose", params);
  lastStarted.value = frame_id;
  return frame_id;
}

/** @param {ExposureParams} params */
export async function startLoop(params) {
  loopParams = params;
  loopError.value = null;
  loopCount.value = 0;
  stopListening?.();
  stopListening = onEvent(["camera.frame_ready", "camera.exposure_failed"], (data, _ts, type) => {
    if (!looping.value || data.id !== lastStarted.value && data.frame_id !== lastStarted.value) {
      return;
    }
    if (type === "camera.exposure_failed") {
      loopError.value = data.aborted ? "Loop stopped: the exposure was aborted" : data.reason;
      stopLoop();
      return;
    }
    loopCount.value++;
    next();
  });
  looping.value = true;
  try {
    await exposeOnce(params);
  } catch (err) {
    stopLoop();
    throw err;
  }
}

function next() {
  if (!looping.value || !loopParams) return;
  exposeOnce(loopParams).catch((err) => {
    loopError.value = `Loop stopped: ${messageOf(err)}`;
    stopLoop();
  });
}

export function stopLoop() {
  looping.value = false;
  loopParams = null;
  stopListening?.();
  stopListening = null;
}
