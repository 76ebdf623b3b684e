/**
 * Waiting for a device on the injected clock. Contract commands resolve once accepted, so the
 * automation polls the cheap `status()` until the work is done, under a named deadline: a wait
 * that never ends is a bug. `SLEW_TIMEOUT_MS` is the one deadline of a mount's motion — a goto,
 * an unpark, a park, a turn of the RA axis — for every caller (sequencer, scheduler, centring,
 * polar alignment, the Alpaca bridge's synchronous slew).
 */
import type { Mount } from "../devices/mount.ts";
import type { Clock } from "../lib/clock.ts";
import { DeviceTimeoutError } from "../lib/errors.ts";

/**
 * A whole-sky slew at the slowest goto rate of a hobby mount (~1°/s, both axes at once) takes
 * about 3 minutes; 5 minutes leaves margin without hiding a stuck mount for long.
 */
export const SLEW_TIMEOUT_MS = 5 * 60_000;
export const POLL_MS = 100;

/** Polls `done` every `pollMs` of the clock until true; DeviceTimeoutError after `timeoutMs`. */
export async function pollUntil(
  clock: Clock,
  what: string,
  done: () => boolean,
  timeoutMs: number,
  signal?: AbortSignal,
  pollMs = POLL_MS,
): Promise<void> {
  const deadlineMs = clock.now() + timeoutMs;
  while (!done()) {
    if (clock.now() >= deadlineMs) throw new DeviceTimeoutError(what, timeoutMs);
    await clock.sleep(pollMs, signal);
  }
}

/** Waits until the mount has stopped slewing (after `slewTo`), within SLEW_TIMEOUT_MS. */
export function waitForSlew(
  mount: Pick<Mount, "status">,
  clock: Clock,
  signal?: AbortSignal,
  what = "mount.slewTo",
): Promise<void> {
  return pollUntil(clock, what, () => !mount.status().slewing, SLEW_TIMEOUT_MS, signal);
}

/** Waits until the mount reports `parked` (true after `park`, false after `unpark`). */
export function waitForParked(
  mount: Pick<Mount, "status">,
  parked: boolean,
  clock: Clock,
  signal: AbortSignal,
): Promise<void> {
  const what = parked ? "mount.park" : "mount.unpark";
  return pollUntil(clock, what, () => mount.status().parked === parked, SLEW_TIMEOUT_MS, signal);
}
