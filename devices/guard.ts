/**
 * Wraps a driver so that every command has a deadline and every failure becomes an AppError the
 * HTTP layer can answer with — 504 when the device did not answer, 502 when it reported a fault —
 * and the hub hears about it (to raise an alert). Reads (`status`, `capabilities`, `info`) pass
 * straight through, evaluated on the driver itself (getters included), so a driver whose
 * capabilities are computed keeps working behind the guard. The wrapped object still satisfies
 * the same contract.
 */
import { AppError, deviceFault, DeviceTimeoutError } from "../lib/errors.ts";
import type { DeviceKind } from "./device.ts";
import { deadlineFor } from "./timeouts.ts";

const PASS_THROUGH = new Set([
  "status",
  "onStatus",
  "onLost",
  "onGuideStep",
  "kind",
  "info",
  "capabilities",
]);

export type FaultListener = (what: string, error: AppError) => void;

export function guard<T extends object>(kind: DeviceKind, device: T, onFault: FaultListener): T {
  return new Proxy(device, {
    get(target, prop) {
      // The driver itself is the receiver: a getter (an INDI driver's `capabilities` reads its
      // property cache through `this.vector(…)`) must see its own methods and #private fields,
      // not this proxy's guarded wrappers, which would hand it promises instead of values.
      const value = Reflect.get(target, prop, target);
      if (typeof prop !== "string" || PASS_THROUGH.has(prop) || typeof value !== "function") {
        return typeof value === "function" ? value.bind(target) : value;
      }
      return (...args: unknown[]) =>
        runGuarded(kind, prop, target, value as (...a: unknown[]) => unknown, args, onFault);
    },
  });
}

async function runGuarded(
  kind: DeviceKind,
  method: string,
  target: object,
  fn: (...args: unknown[]) => unknown,
  args: unknown[],
  onFault: FaultListener,
): Promise<unknown> {
  const deadline = deadlineFor(kind, method);
  const what = `${kind}.${method}`;
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
  try {
    return await Promise.race([Promise.resolve().then(() => fn.apply(target, args)), expired]);
  } catch (err) {
    // The caller's own abort is not a device fault: pass its reason through untouched.
    if (callerSignal?.aborted && err === callerSignal.reason) throw err;
    const error = toAppError(what, err);
    // Misuse and state conflicts are the caller's problem, not the device's: no alert for those.
    if (error.status >= 500) onFault(what, error);
    throw error;
  } finally {
    clearTimeout(handle);
  }
}

function toAppError(what: string, err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof RangeError || err instanceof TypeError) {
    return new AppError(400, "validation_failed", err.message);
  }
  return deviceFault(what, err);
}
