/**
 * The device hub: fills each role from the active profile with a driver from the registry,
 * connects it, reconnects with backoff when it is lost, and hands out guarded devices — every
 * command with a deadline, every fault an AppError and an alert. Above the hub nothing knows which
 * driver is behind a role. Status changes are forwarded to `onStatus` listeners.
 */
import type { Clock } from "../lib/clock.ts";
import { DeviceNotConnectedError } from "../lib/errors.ts";
import type { AppError } from "../lib/errors.ts";
import type { Logger } from "../lib/log.ts";
import type { ContractOf } from "./contracts.ts";
import type { AnyDevice } from "./contracts.ts";
import { DEVICE_KINDS } from "./device.ts";
import type { DeviceKind, Optics, Site } from "./device.ts";
import { guard } from "./guard.ts";
import { faultsOf } from "./faults.ts";
import type { FaultInjection } from "./faults.ts";
import { checkOptions } from "./driver_catalogue.ts";
import type { DriverEntry, DriverRegistry } from "./registry.ts";
import type {
  RigControl,
  RigEvents,
  RigPlan,
  RoleAssignment,
  RoleState,
  RoleStatus,
  StatusListener,
} from "./rig.ts";

interface Slot {
  kind: DeviceKind;
  driver: string;
  device: AnyDevice;
  guarded: AnyDevice;
  state: RoleState;
  lastError: string | null;
  unsubscribe: (() => void)[];
  retry: AbortController;
}

export interface HubOptions {
  registry: DriverRegistry;
  /** Where device events go: the box's event bus. */
  bus: RigEvents;
  clock: Clock;
  log: Logger;
  /** The box's data directory, handed to drivers (the sim camera caches its star index there). */
  dataDir?: string;
  /** Reconnect backoff: first delay, doubling up to the max. */
  backoffMs?: { initial: number; max: number };
}

export class DeviceHub implements RigControl {
  #opts: HubOptions;
  #slots = new Map<DeviceKind, Slot>();
  #statusListeners = new Set<StatusListener>();
  #plan: RigPlan | null = null;

  constructor(options: HubOptions) {
    this.#opts = options;
  }

  get site(): Site | null {
    return this.#plan?.site ?? null;
  }

  get optics(): Optics | null {
    return this.#plan?.optics ?? null;
  }

  /** Replaces the rig: disconnects every current driver, then builds and connects the new one. */
  async apply(plan: RigPlan): Promise<void> {
    await this.close();
    this.#plan = plan;
    await Promise.all(DEVICE_KINDS.map(async (kind) => {
      const assignment = plan.roles[kind];
      if (assignment) await this.#assign(kind, assignment, plan);
    }));
    await Promise.all([...this.#slots.values()].map((slot) => this.#connect(slot)));
  }

  /** The guarded device in `kind`'s role; 503 when unassigned or not connected. */
  device<K extends DeviceKind>(kind: K): ContractOf[K] {
    const slot = this.#slots.get(kind);
    if (!slot) throw new DeviceNotConnectedError(kind, "has no driver in the active profile");
    if (slot.state !== "connected") {
      throw new DeviceNotConnectedError(kind, `is ${slot.state}`);
    }
    return slot.guarded as ContractOf[K];
  }

  /**
   * The device in the role whatever its state (for status reads), or null when unassigned. It is
   * the guarded device, so its status agrees with what a command would find (see guard.ts).
   */
  peek<K extends DeviceKind>(kind: K): ContractOf[K] | null {
    return (this.#slots.get(kind)?.guarded as ContractOf[K] | undefined) ?? null;
  }

  /** The unguarded driver object (tests reach a simulator's own controls through it). */
  driverObject(kind: DeviceKind): AnyDevice | null {
    return this.#slots.get(kind)?.device ?? null;
  }

  faults(kind: DeviceKind): FaultInjection | null {
    return faultsOf(this.#slots.get(kind)?.device);
  }

  roles(): RoleStatus[] {
    return DEVICE_KINDS.map((kind) => {
      const slot = this.#slots.get(kind);
      return {
        role: kind,
        driver: slot?.driver ?? null,
        name: slot?.device.info.name ?? null,
        state: slot?.state ?? "unassigned",
        last_error: slot?.lastError ?? null,
        simulated: slot?.driver === "sim",
      };
    });
  }

  onStatus(listener: StatusListener): () => void {
    this.#statusListeners.add(listener);
    return () => this.#statusListeners.delete(listener);
  }

  async connect(kind: DeviceKind): Promise<void> {
    const slot = this.#slots.get(kind);
    if (!slot) throw new DeviceNotConnectedError(kind, "has no driver in the active profile");
    if (slot.state === "connected") return;
    slot.retry.abort();
    slot.retry = new AbortController();
    await this.#connect(slot, true);
  }

  async disconnect(kind: DeviceKind): Promise<void> {
    const slot = this.#slots.get(kind);
    if (!slot) return;
    slot.retry.abort();
    if (slot.state === "disconnected") return;
    slot.state = "disconnected";
    await slot.guarded.disconnect().catch((err) =>
      this.#opts.log.warn("disconnect failed", { kind, err: String(err) })
    );
    this.#publishDisconnected(slot, "disconnected on request", true);
  }

  /** Disconnects everything; the hub can be applied again afterwards. */
  async close(): Promise<void> {
    const slots = [...this.#slots.values()];
    this.#slots.clear();
    await Promise.all(slots.map(async (slot) => {
      slot.retry.abort();
      for (const stop of slot.unsubscribe) stop();
      if (slot.state === "connected") {
        await slot.guarded.disconnect().catch(() => {});
        this.#publishDisconnected(slot, "rig closed", true);
      }
    }));
  }

  async #assign(kind: DeviceKind, assignment: RoleAssignment, plan: RigPlan): Promise<void> {
    const entry = (this.#opts.registry[kind] as Record<string, DriverEntry<DeviceKind>>)[
      assignment.driver
    ];
    if (!entry) {
      this.#alert("error", kind, `no driver "${assignment.driver}" for the ${kind} role`);
      return;
    }
    const checked = checkOptions(
      { id: assignment.driver, ...entry },
      assignment.options,
      "ignore",
    );
    if (!checked.ok) {
      const problems = checked.issues.map((i) => `${i.field}: ${i.reason}`).join("; ");
      this.#alert(
        "error",
        kind,
        `the ${kind} driver "${assignment.driver}" refused its options: ${problems}`,
        { issues: checked.issues },
      );
      return;
    }
    if (checked.ignoredKeys.length > 0) {
      // Saved by an older firmware (a save now refuses them): the role still fills.
      this.#alert(
        "warning",
        kind,
        `the ${kind} driver "${assignment.driver}" ignores unknown options ` +
          `${checked.ignoredKeys.join(", ")}; edit the profile to remove them`,
        { ignored: checked.ignoredKeys },
      );
    }
    const log = this.#opts.log.child(kind);
    let device: AnyDevice;
    try {
      device = await entry.create({
        clock: this.#opts.clock,
        log,
        site: plan.site,
        optics: plan.optics,
        options: checked.options,
        dataDir: this.#opts.dataDir,
      });
    } catch (err) {
      this.#alert("error", kind, `the ${kind} driver "${assignment.driver}" could not be built`, {
        error: String(err instanceof Error ? err.message : err),
      });
      return;
    }
    const changed = () => {
      for (const listener of this.#statusListeners) listener(kind, slot.guarded);
    };
    const slot: Slot = {
      kind,
      driver: assignment.driver,
      device,
      guarded: guard(kind, device, (what, error) => this.#onFault(slot, what, error), {
        onChange: changed,
        onAbandonedSettled: (what, outcome, afterMs) =>
          log.warn("a command given up on by its caller ended late; its result was discarded", {
            command: what,
            outcome,
            after_ms: Math.round(afterMs),
          }),
      }),
      state: "disconnected",
      lastError: null,
      unsubscribe: [],
      retry: new AbortController(),
    };
    slot.unsubscribe.push(
      (device.onStatus as (l: () => void) => () => void)(changed),
      device.onLost((reason) => this.#onLost(slot, reason)),
    );
    this.#slots.set(kind, slot);
  }

  async #connect(slot: Slot, rethrow = false): Promise<void> {
    slot.state = "connecting";
    try {
      await slot.guarded.connect(slot.retry.signal);
      slot.state = "connected";
      slot.lastError = null;
      this.#opts.bus.publish("device.connected", {
        role: slot.kind,
        driver: slot.driver,
        name: slot.device.info.name,
      });
      this.#opts.log.info("device connected", { role: slot.kind, driver: slot.driver });
    } catch (err) {
      slot.lastError = err instanceof Error ? err.message : String(err);
      if (rethrow) {
        slot.state = "disconnected";
        throw err;
      }
      this.#reconnectLoop(slot);
    }
  }

  #onLost(slot: Slot, reason: string): void {
    if (this.#slots.get(slot.kind) !== slot || slot.state !== "connected") return;
    slot.lastError = reason;
    this.#publishDisconnected(slot, reason, false);
    this.#alert("error", slot.kind, `The ${slot.kind} was lost: ${reason}. Reconnecting.`);
    this.#reconnectLoop(slot);
  }

  #reconnectLoop(slot: Slot): void {
    slot.state = "reconnecting";
    const { initial, max } = this.#opts.backoffMs ?? { initial: 1000, max: 60_000 };
    const signal = slot.retry.signal;
    const run = async () => {
      let delayMs = initial;
      while (!signal.aborted && this.#slots.get(slot.kind) === slot) {
        await this.#opts.clock.sleep(delayMs, signal).catch(() => {});
        if (signal.aborted) return;
        try {
          await slot.guarded.connect(signal);
          if (signal.aborted) {
            // Stopped while the driver was still connecting. After close() or disconnect(), let
            // go of it; after connect(), that call owns the attempt and announces it.
            if (this.#slots.get(slot.kind) !== slot || slot.state === "disconnected") {
              await slot.guarded.disconnect().catch(() => {});
            }
            return;
          }
          slot.state = "connected";
          slot.lastError = null;
          this.#opts.bus.publish("device.connected", {
            role: slot.kind,
            driver: slot.driver,
            name: slot.device.info.name,
          });
          this.#alert("info", slot.kind, `The ${slot.kind} is connected again.`);
          return;
        } catch (err) {
          slot.lastError = err instanceof Error ? err.message : String(err);
          delayMs = Math.min(max, delayMs * 2);
        }
      }
    };
    run();
  }

  #onFault(slot: Slot, what: string, error: AppError): void {
    slot.lastError = error.message;
    const level = error.status === 504 ? "error" : "warning";
    this.#alert(level, slot.kind, error.message, { command: what, code: error.code });
  }

  #publishDisconnected(slot: Slot, reason: string, expected: boolean): void {
    this.#opts.bus.publish("device.disconnected", {
      role: slot.kind,
      driver: slot.driver,
      name: slot.device.info.name,
      reason,
      expected,
    });
  }

  #alert(
    level: "info" | "warning" | "error" | "critical",
    kind: DeviceKind,
    message: string,
    details?: unknown,
  ): void {
    this.#opts.log[level === "warning" ? "warn" : level === "critical" ? "error" : level](message, {
      role: kind,
    });
    this.#opts.bus.publish("alert", { level, source: `device.${kind}`, message, details });
  }
}
