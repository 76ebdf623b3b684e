// @ts-check
/**
 * What the box is busy with, app-wide: the sequencer, the scheduler and the live stack. Home
 * shows it, and while any of them runs the screen is kept awake (Screen Wake Lock), so the phone
 * on the tripod keeps showing the night. Read on start, on every resync, on their events, and
 * every 15 s while visible (progress and ETA move without events).
 */
import { computed, effect, signal } from "@preact/signals";
import { get } from "./api.js";
import { onEvent, resync } from "./live.js";

/** @typedef {import("./types.js").SequencerStatus} SequencerStatus */
/** @typedef {import("./types.js").SchedulerStatus} SchedulerStatus */
/** @typedef {import("./types.js").LivestackStatus} LivestackStatus */

export const sequencer = signal(/** @type {SequencerStatus | null} */ (null));
export const scheduler = signal(/** @type {SchedulerStatus | null} */ (null));
export const livestack = signal(/** @type {LivestackStatus | null} */ (null));

export const busy = computed(() =>
  sequencer.value?.state === "running" || scheduler.value?.state === "running" ||
  livestack.value?.state === "running"
);

export async function refreshActivity() {
  const [seq, sch, ls] = await Promise.allSettled([
    get("/sequencer/status"),
    get("/scheduler/status"),
    get("/camera/livestack"),
  ]);
  if (seq.status === "fulfilled") sequencer.value = seq.value;
  if (sch.status === "fulfilled") scheduler.value = sch.value;
  if (ls.status === "fulfilled") livestack.value = ls.value;
}

/** @type {WakeLockSentinel | null} */
let lock = null;

/** @param {boolean} want */
async function holdWakeLock(want) {
  if (!("wakeLock" in navigator)) return;
  if (want && !lock && document.visibilityState === "visible") {
    try {
      lock = await navigator.wakeLock.request("screen");
      lock.addEventListener("release", () => {
        lock = null;
      });
    } catch { /* refused (battery saver, not visible): the screen may sleep */ }
  } else if (!want && lock) {
    await lock.release().catch(() => {});
    lock = null;
  }
}

/** The wake lock's state, for the header and the tests. */
export const awake = signal(false);

export function startActivity() {
  let timer = /** @type {ReturnType<typeof setTimeout> | undefined} */ (undefined);
  const soon = () => {
    clearTimeout(timer);
    timer = setTimeout(refreshActivity, 300);
  };
  effect(() => {
    void resync.value;
    refreshActivity();
  });
  onEvent(
    [
      "sequencer.step_changed",
      "sequencer.frame_saved",
      "scheduler.target_started",
      "scheduler.safety_alert",
    ],
    soon,
  );
  onEvent(["livestack.updated"], (data) => {
    livestack.value = data;
  });
  setInterval(() => {
    if (document.visibilityState === "visible") refreshActivity();
  }, 15_000);
  effect(() => {
    const want = busy.value;
    holdWakeLock(want).then(() => {
      awake.value = lock !== null;
    });
  });
  document.addEventListener("visibilitychange", () => {
    // The browser releases the lock when the page hides; take it again on return.
    holdWakeLock(busy.value).then(() => {
      awake.value = lock !== null;
    });
  });
}
