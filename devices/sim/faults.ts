/**
 * The fault switchboard every simulator offers (the contract's optional `faults` capability,
 * devices/faults.ts): a command can be made to hang, throw, or drop the connection.
 */

import type { FaultInjection, FaultMode } from "../faults.ts";

export class SimFaults implements FaultInjection {
  #byMethod = new Map<string, FaultMode>();
  #onDisconnect: (reason: string) => void;

  constructor(onDisconnect: (reason: string) => void) {
    this.#onDisconnect = onDisconnect;
  }

  /** Sets (or with null clears) the fault for a method name; "*" matches every command. */
  set(method: string, mode: FaultMode | null): void {
    if (mode === null) this.#byMethod.delete(method);
    else this.#byMethod.set(method, mode);
  }

  clear(): void {
    this.#byMethod.clear();
  }

  list(): Record<string, FaultMode> {
    return Object.fromEntries(this.#byMethod);
  }

  /** Called at the top of each simulated command. Hangs forever, throws, or returns. */
  async check(method: string): Promise<void> {
    const mode = this.#byMethod.get(method) ?? this.#byMethod.get("*");
    if (!mode) return;
    if (mode === "hang") return await new Promise<never>(() => {});
    if (mode === "disconnect") {
      this.#onDisconnect(`simulated cable pull during ${method}`);
      throw new Error(`connection lost during ${method} (simulated)`);
    }
    throw new Error(`simulated failure in ${method}`);
  }
}

/** Implemented by every simulator: its switchboard is the contract's `faults` capability. */
export interface Simulated {
  readonly faults: SimFaults;
}

/** True for a device carrying a simulator's switchboard (tests reach it through the driver). */
export function isSimulated(device: unknown): device is Simulated {
  return typeof device === "object" && device !== null && "faults" in device &&
    (device as { faults: unknown }).faults instanceof SimFaults;
}
