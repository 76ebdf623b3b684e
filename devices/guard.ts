/**
 * Wraps a driver so that every command has a deadline and every failure becomes an AppError the
 * HTTP layer can answer with — 504 when the device did not answer, 502 when it reported a fault —
 * and the hub hears about it (to raise an alert). Reads (`capabilities`, `info`, `onStatus`) pass
 * straight through, evaluated on the driver itself (getters included), so a driver whose
 * capabilities are computed keeps working behind the guard. The wrapped object still satisfies
 * the same contract.
 *
 * The long commands of lanes.ts (an exposure) answer their caller's abort at once, whether or not
 * the driver lets go: a wedged driver must not keep the caller (and the device) taken until the
 * deadline. What the driver still does for that call is "abandoned": its late result is thrown
 * away, never handed to anyone. The guard keeps the device's status honest about it — accepted-
 * but-not-begun reads as begun, abandoned work reads as free — and makes the next call of that
 * command wait while the device is still busy with the abandoned one, so the two can never be
 * mixed up (an old frame delivered as the new one). Other commands that take a signal (connect, a
 * dither) end when the driver lets go, as before.
 */
import { AppError, deviceFault, DeviceTimeoutError } from "../lib/errors.ts";
import type { DeviceKind } from "./device.ts";
import { type LaneRules, laneRules } from "./lanes.ts";
import { deadlineFor } from "./timeouts.ts";

// `status` is not passed through: the guard's callers see it through the lanes' view.
const PASS_THROUGH = new Set(["onStatus", "onLost", "onGuideStep", "kind", "info", "capabilities"]);
/** How often a call waiting for an abandoned one looks at the device's status again. */
const ABANDONED_POLL_MS = 25;
/** Abandoned calls remembered per command; a driver that never settles must not grow a list. */
const MAX_ABANDONED = 16;

export type FaultListener = (what: string, error: AppError) => void;

export interface GuardHooks {
  /** The guard's view of the status changed (a call accepted, abandoned or ended). */
  onChange?: () => void;
  /** An abandoned call ended after its caller had gone; its result was discarded. */
  onAbandonedSettled?: (what: string, outcome: "resolved" | "rejected", afterMs: number) => void;
}

interface LiveCall {
  args: unknown[];
  /** The driver has been called (it may still be waiting for an abandoned call before that). */
  started: boolean;
  /** The device's status has shown this call under way. */
  begun: boolean;
}

/** The calls of one command on one device: the ones callers wait for, and the abandoned ones. */
class Lane {
  readonly live = new Set<LiveCall>();
  readonly abandoned = new Set<Promise<unknown>>();

  constructor(readonly rules: LaneRules | null, readonly readStatus: () => unknown) {}

  /** Whether the device says it is working; a device without a status never is. */
  busy(status: unknown): boolean {
    return status !== undefined && this.rules !== null && this.rules.busy(status);
  }

  abandon(work: Promise<unknown>, what: string, hooks: GuardHooks): void {
    const startedMs = performance.now();
    this.abandoned.add(work);
    if (this.abandoned.size > MAX_ABANDONED) {
      this.abandoned.delete(this.abandoned.values().next().value!);
    }
    const settled = (outcome: "resolved" | "rejected") => {
      if (!this.abandoned.delete(work)) return;
      hooks.onAbandonedSettled?.(what, outcome, performance.now() - startedMs);
      hooks.onChange?.();
    };
    work.then(() => settled("resolved"), () => settled("rejected"));
  }

  /** The status as the guard's callers must see it (see lanes.ts). */
  view(status: unknown): unknown {
    const rules = this.rules;
    if (!rules) return status;
    if (status === undefined) return status;
    if (this.live.size > 0) {
      const busy = rules.busy(status);
      for (const call of this.live) if (busy && call.started) call.begun = true;
      const waiting = [...this.live].find((call) => !call.begun);
      return waiting ? rules.accepted(status, waiting.args) : status;
    }
    return this.abandoned.size > 0 && rules.busy(status) ? rules.released(status) : status;
  }

  /**
   * Resolves once no abandoned call can still be using the device: at once when there is none or
   * the device says it is idle, else when they have ended or the device goes idle.
   */
  async untilFree(): Promise<void> {
    while (this.abandoned.size > 0 && this.busy(this.readStatus())) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.allSettled([...this.abandoned]),
        new Promise((resolve) => timer = setTimeout(resolve, ABANDONED_POLL_MS)),
      ]);
      clearTimeout(timer);
    }
  }
}

export function guard<T extends object>(
  kind: DeviceKind,
  device: T,
  onFault: FaultListener,
  hooks: GuardHooks = {},
): T {
  const lanes = new Map<string, Lane>();
  const readStatus = () => (device as { status?: () => unknown }).status?.call(device);
  const laneOf = (method: string) => {
    let lane = lanes.get(method);
    if (!lane) lanes.set(method, lane = new Lane(laneRules(kind, method), readStatus));
    return lane;
  };
  return new Proxy(device, {
    get(target, prop) {
      // The driver itself is the receiver: a getter (an INDI driver's `capabilities` reads its
      // property cache through `this.vector(…)`) must see its own methods and #private fields,
      // not this proxy's guarded wrappers, which would hand it promises instead of values.
      const value = Reflect.get(target, prop, target);
      if (prop === "status" && typeof value === "function") {
        return () => {
          let status = value.call(target);
          for (const lane of lanes.values()) status = lane.view(status);
          return status;
        };
      }
      if (typeof prop !== "string" || PASS_THROUGH.has(prop) || typeof value !== "function") {
        return typeof value === "function" ? value.bind(target) : value;
      }
      const command: Command = {
        kind,
        method: prop,
        target,
        fn: value as (...a: unknown[]) => unknown,
        onFault,
        hooks,
      };
      return (...args: unknown[]) => runGuarded(command, laneOf(prop), args);
    },
  });
}

interface Command {
  kind: DeviceKind;
  method: string;
  target: object;
  fn: (...args: unknown[]) => unknown;
  onFault: FaultListener;
  hooks: GuardHooks;
}

async function runGuarded(c: Command, lane: Lane, args: unknown[]): Promise<unknown> {
  const deadline = deadlineFor(c.kind, c.method);
  const what = `${c.kind}.${c.method}`;
  const timeoutMs = typeof deadline.ms === "number" ? deadline.ms : deadline.ms(args);
  const timer = new AbortController();
  const callerSignal = deadline.signalArg === undefined
    ? undefined
    : args[deadline.signalArg] as AbortSignal | undefined;
  if (deadline.signalArg !== undefined) {
    const signals = callerSignal ? [callerSignal, timer.signal] : [timer.signal];
    args = [...args];
    args[deadline.signalArg] = AbortSignal.any(signals);
  }
  let handle: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    handle = setTimeout(() => {
      const error = new DeviceTimeoutError(what, timeoutMs);
      timer.abort(error);
      reject(error);
    }, timeoutMs);
  });
  // For a long command the caller's abort answers the caller now, whatever the driver does with
  // it; other commands (connect, a dither) end when the driver lets go, as their callers expect.
  const tracked = lane.rules !== null;
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    if (callerSignal && tracked) onAbort = () => reject(callerSignal.reason);
  });
  aborted.catch(() => {});
  if (callerSignal?.aborted) onAbort();
  else callerSignal?.addEventListener("abort", onAbort, { once: true });
  const call: LiveCall = { args, started: false, begun: false };
  let work: Promise<unknown> | null = null;
  let settled = false;
  // Taken before the first await, so a status read right after the call sees the device taken;
  // given back (and what the driver still does abandoned) the moment the caller aborts.
  const release = () => {
    if (!lane.live.delete(call)) return;
    if (work !== null && !settled) lane.abandon(work, what, c.hooks);
    c.hooks.onChange?.();
  };
  if (tracked && !callerSignal?.aborted) {
    lane.live.add(call);
    c.hooks.onChange?.();
    callerSignal?.addEventListener("abort", release, { once: true });
  }
  let unwatch = () => {};
  try {
    callerSignal?.throwIfAborted();
    await Promise.race([lane.untilFree(), aborted, expired]);
    callerSignal?.throwIfAborted();
    call.started = true;
    work = Promise.resolve().then(() => c.fn.apply(c.target, args));
    work.then(() => settled = true, () => settled = true);
    if (tracked) unwatch = watchBegun(c.target, lane, call);
    return await Promise.race([work, aborted, expired]);
  } catch (err) {
    // The caller's own abort is not a device fault: pass its reason through untouched.
    if (callerSignal?.aborted && err === callerSignal.reason) throw err;
    const error = toAppError(what, err);
    // Misuse and state conflicts are the caller's problem, not the device's: no alert for those.
    if (error.status >= 500) c.onFault(what, error);
    throw error;
  } finally {
    clearTimeout(handle);
    unwatch();
    callerSignal?.removeEventListener("abort", release);
    callerSignal?.removeEventListener("abort", onAbort);
    // Ended by its deadline while the driver still works: that work is abandoned too.
    release();
  }
}

/**
 * Marks the call begun as soon as the device's status shows it working, so the end of the call
 * (status idle again) never reads as "accepted, not begun".
 */
function watchBegun(target: object, lane: Lane, call: LiveCall): () => void {
  const device = target as { onStatus?: (listener: (status: unknown) => void) => () => void };
  const check = (status: unknown) => {
    if (lane.busy(status)) call.begun = true;
  };
  check(lane.readStatus());
  return typeof device.onStatus === "function" ? device.onStatus.call(target, check) : () => {};
}

function toAppError(what: string, err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof RangeError || err instanceof TypeError) {
    return new AppError(400, "validation_failed", err.message);
  }
  return deviceFault(what, err);
}
