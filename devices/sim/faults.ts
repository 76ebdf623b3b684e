/**
 * Fault injection shared by every simulator: a test (or the API, for simulators only) can make
 * any command hang, throw, or answer garbage, so the guard, the alerts and the error responses
 * are proven against misbehaving hardware without any.
 */

export const FAULT_MODES = ["hang", "throw", "disconnect"] as const;
export type FaultMode = typeof FAULT_MODES[number];

export class SimFaults {
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

/** Implemented by every simulator so the hub and the API can reach its fault switchboard. */
export interface Simulated {
  readonly faults: SimFaults;
}

export function isSimulated(device: unknown): device is Simulated {
  return typeof device === "object" && device !== null && "faults" in device &&
    (device as { faults: unknown }).faults instanceof SimFaults;
}
