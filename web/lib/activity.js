// @ts-check
/**
 * What the box is busy with, app-wide: the sequencer, the scheduler and the live stack. Home
 * shows it, and while any of them runs the screen is kept awake (Screen Wake Lock), so the phone
 * on the tripod keeps showing the night. The sequencer follows `sequencer.progress` (its status
 * with the current instruction, frame n of N and ETA, replayed by the box on connect); the
 * scheduler is read on start, on every resync, on its events and every 15 s while visible (its
 * waits move without events); the live stack follows `livestack.updated`.
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

/**
 * The instruction running now as a line: "capture · frame 2 of 3", "slew", or "–".
 * @param {SequencerStatus} s
 */
export function instructionText(s) {
  const i = s.instruction;
  if (!i) return "–";
  const kind = i.kind.replaceAll("_", " ");
  return i.frames ? `${kind} · frame ${i.frames.n} of ${i.frames.of}` : kind;
}

/** Reads all three (on start and resync; the sequencer's events carry it from then on). */
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

async function refreshScheduler() {
  try {
    scheduler.value = await get("/scheduler/status");
  } catch { /* offline: the header says so; the last state stays */ }
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
    timer = setTimeout(refreshScheduler, 300);
  };
  effect(() => {
    void resync.value;
    refreshActivity();
  });
  onEvent(["sequencer.progress"], (data) => {
    sequencer.value = data;
  });
  onEvent(["scheduler.target_started", "scheduler.safety_alert"], soon);
  onEvent(["livestack.updated"], (data) => {
    livestack.value = data;
  });
  setInterval(() => {
    if (document.visibilityState === "visible") refreshScheduler();
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
