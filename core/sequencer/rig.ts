/**
 * The device actions a sequence needs, through the hub's guarded contracts only: select a filter
 * and wait for it, move the focuser by a filter's offset, slew (unparking first) and wait for
 * arrival, cool or warm the camera (through the box's one cooler service, ramped when asked) and
 * wait for the temperature, park. Contract commands resolve
 * when accepted, so each action polls the cheap `status()` on the injected clock until done, with
 * a named deadline: a wait that never ends is a bug.
 */
import type { Rig } from "../../devices/rig.ts";
import { filterNames, slotOfFilter } from "../../devices/filterwheel.ts";
import type { Clock } from "../../lib/clock.ts";
import { DeviceTimeoutError } from "../../lib/errors.ts";
import { pollUntil, waitForParked, waitForSlew } from "../device_wait.ts";
import type { CoolerControl } from "../cooler/cooler_service.ts";

export const FILTER_TIMEOUT_MS = 60_000;
export const FOCUS_TIMEOUT_MS = 120_000;

/** Thrown for a plan the rig cannot carry out (unknown filter): the run pauses with an alert. */
export class RigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RigError";
  }
}

export class RigActions {
  readonly #hub: Rig;
  readonly #clock: Clock;
  readonly #cooler: CoolerControl;

  constructor(hub: Rig, clock: Clock, cooler: CoolerControl) {
    this.#hub = hub;
    this.#clock = clock;
    this.#cooler = cooler;
  }

  /** Polls `done` every 100 ms of the clock until true; DeviceTimeoutError after `timeoutMs`. */
  waitUntil(
    what: string,
    done: () => boolean,
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<void> {
    return pollUntil(this.#clock, what, done, timeoutMs, signal);
  }

  /** The filter currently in the path, or null (no wheel, moving, unknown). */
  currentFilter(): { name: string; offsetSteps: number } | null {
    const status = this.#hub.peek("filterwheel")?.status();
    if (!status?.connected || status.position === null) return null;
    const slot = status.slots[status.position];
    return slot ? { name: slot.name, offsetSteps: slot.focusOffsetSteps } : null;
  }

  /** Puts `name` in the path; resolves with its slot's focus offset and whether it moved. */
  async selectFilter(
    name: string,
    signal: AbortSignal,
  ): Promise<{ offsetSteps: number; moved: boolean }> {
    const wheel = this.#hub.device("filterwheel");
    const status = wheel.status();
    const slot = slotOfFilter(status.slots, name);
    if (slot === null) {
      throw new RigError(
        `the filter wheel has no filter "${name}" (it has ${filterNames(status.slots)})`,
      );
    }
    const offsetSteps = status.slots[slot]?.focusOffsetSteps ?? 0;
    if (status.position === slot && !status.moving) return { offsetSteps, moved: false };
    await wheel.moveTo(slot);
    await this.waitUntil(
      "filterwheel.moveTo",
      () => {
        const s = wheel.status();
        return s.position === slot && !s.moving;
      },
      FILTER_TIMEOUT_MS,
      signal,
    );
    return { offsetSteps, moved: true };
  }

  /** Moves the focuser by `deltaSteps` (a filter's offset change) and waits; no focuser: false. */
  async moveFocuserBy(deltaSteps: number, signal: AbortSignal): Promise<boolean> {
    if (deltaSteps === 0 || this.#hub.peek("focuser") === null) return false;
    const focuser = this.#hub.device("focuser");
    const max = focuser.capabilities.maxPosition;
    const target = Math.min(max, Math.max(0, focuser.status().position + deltaSteps));
    await focuser.moveTo(target);
    await this.waitUntil(
      "focuser.moveTo",
      () => !focuser.status().moving,
      FOCUS_TIMEOUT_MS,
      signal,
    );
    return true;
  }

  focuserTemperatureC(): number | null {
    const status = this.#hub.peek("focuser")?.status();
    return status?.connected ? status.temperatureC : null;
  }

  /** Slews to J2000 coordinates (the mount contract's), unparking first; waits. */
  async slewTo(raHours: number, decDeg: number, signal: AbortSignal): Promise<void> {
    const mount = this.#hub.device("mount");
    if (mount.status().parked) {
      await mount.unpark();
      await waitForParked(mount, false, this.#clock, signal);
    }
    await mount.slewTo({ raHours, decDeg });
    await waitForSlew(mount, this.#clock, signal);
  }

  async park(signal: AbortSignal): Promise<void> {
    const mount = this.#hub.device("mount");
    if (mount.status().parked) return;
    await mount.park();
    await waitForParked(mount, true, this.#clock, signal);
  }

  /**
   * Sets the cooler (ramping the set point at `rampCPerMin` when given) and waits until the sensor
   * is within 1 °C of the target and the ramp has reached it (a sensor that follows closely is
   * within 1 °C a step early); resolves false when the timeout passes first (the caller alerts
   * and carries on: a warm frame beats no frame), and a ramp still under way then carries on.
   * A ramp someone else replaced is not waited for: only the sensor is.
   */
  async coolTo(
    targetC: number,
    timeoutMs: number,
    signal: AbortSignal,
    rampCPerMin: number | null = null,
  ): Promise<boolean> {
    const camera = this.#hub.device("camera");
    await this.#cooler.set({ enabled: true, targetC, rampCPerMin });
    try {
      await this.waitUntil(
        "camera cooler",
        () => {
          const ramp = this.#cooler.ramp();
          if (ramp !== null && ramp.goal_c === targetC && !ramp.then_off) return false;
          const t = camera.status().cooler.tempC;
          return t !== null && Math.abs(t - targetC) <= 1;
        },
        timeoutMs,
        signal,
      );
      return true;
    } catch (err) {
      if (err instanceof DeviceTimeoutError) return false;
      throw err;
    }
  }

  /**
   * Raises the sensor to `targetC` gently, then switches the cooler off: with a rate, the cooler
   * service's warm-up ramp; without, the target at once and a wait for the sensor. Resolves false
   * when the sensor did not get there within the timeout (the cooler is switched off anyway).
   */
  async warmUp(
    targetC: number,
    timeoutMs: number,
    signal: AbortSignal,
    rampCPerMin: number | null = null,
  ): Promise<boolean> {
    if (rampCPerMin === null) {
      const reached = await this.coolTo(targetC, timeoutMs, signal);
      await this.#cooler.set({ enabled: false, targetC });
      return reached;
    }
    const camera = this.#hub.device("camera");
    await this.#cooler.set({ enabled: false, targetC, rampCPerMin });
    const timer = new AbortController();
    const outcome = await Promise.race([
      this.#cooler.waitDone(signal),
      this.#clock.sleep(timeoutMs, AbortSignal.any([signal, timer.signal]))
        .then(() => "timeout" as const),
    ]).finally(() => timer.abort());
    const status = camera.status().cooler;
    if (outcome === "timeout" || status.enabled) {
      // Too slow, or another request took the cooler over: it goes off now as asked.
      await this.#cooler.set({ enabled: false, targetC });
      return false;
    }
    return status.tempC !== null && status.tempC >= targetC - 1;
  }
}
