/**
 * Fault injection, an optional capability of every device contract: a driver that offers it
 * (today every simulator) lets a test, or the API for such a driver, make a command hang, throw,
 * or drop the connection, so the guard, the alerts and the error responses are proven against
 * misbehaving hardware without any. A driver without it simply has no `faults` member.
 */

export const FAULT_MODES = ["hang", "throw", "disconnect"] as const;
export type FaultMode = typeof FAULT_MODES[number];

export interface FaultInjection {
  /** Sets (or with null clears) the fault for a method name; "*" matches every command. */
  set(method: string, mode: FaultMode | null): void;
  clear(): void;
  /** The faults set, by method name. */
  list(): Record<string, FaultMode>;
}

/** The device's fault switchboard when it offers one. */
export function faultsOf(device: unknown): FaultInjection | null {
  if (typeof device !== "object" || device === null || !("faults" in device)) return null;
  const faults = (device as { faults: unknown }).faults;
  return typeof faults === "object" && faults !== null && "set" in faults && "list" in faults
    ? faults as FaultInjection
    : null;
}
