/**
 * The camera's cooler as the box drives it, for every caller (the API, the sequencer's cool_down
 * and warm_up, the scheduler's startup and shutdown): a set point at once, or ramped. A sensor
 * cooled or warmed in one step can frost or stress its thermoelectric cooler, so, as NINA and
 * ASIAIR do, a ramp moves the set point from the sensor's temperature towards the goal at a rate
 * (°C per minute), one step every `stepMs` of the injected clock, on the box: the phone may sleep.
 * A warm-up (cooler off with a ramp) raises the set point to the goal, waits for the sensor to
 * follow (within 1 °C, or the cooler nearly idle, or `settleTimeoutMs`), then switches the cooler
 * off. A ramp ends early, leaving the set point where it is, when a new cooler request comes, when
 * the camera disconnects, when a step fails, or when someone else (a desktop program through the
 * Alpaca bridge) set the cooler meanwhile; the last three raise an alert. Every change of the ramp
 * is told to `onChange` listeners, so the camera's status event shows it.
 */
import type { Rig } from "../../devices/rig.ts";
import type { Clock } from "../../lib/clock.ts";
import { conflict } from "../../lib/errors.ts";
import type { Logger } from "../../lib/log.ts";
import type { EventBus } from "../event_bus.ts";
import type { CoolerRampDto } from "../schemas/cooler.ts";

export interface CoolerRequest {
  enabled: boolean;
  targetC: number;
  /** Ramp the set point at this rate; absent or null: set it at once. */
  rampCPerMin?: number | null;
}

export type RampOutcome = "done" | "cancelled";

/** What the sequencer and scheduler need of the cooler. */
export interface CoolerControl {
  /** Applies a request (cancelling any ramp); resolves once the first set point is accepted. */
  set(request: CoolerRequest): Promise<void>;
  /** Resolves when the current ramp ends ("done" at once when none runs). */
  waitDone(signal?: AbortSignal): Promise<RampOutcome>;
  /** The ramp under way, or null. */
  ramp(): CoolerRampDto | null;
}

export interface CoolerServiceOptions {
  hub: Rig;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  /** How often a ramp moves the set point. */
  stepMs?: number;
  /** The longest a warm-up waits for the sensor before switching the cooler off anyway. */
  settleTimeoutMs?: number;
}

interface Ramp {
  goalC: number;
  rateCPerMin: number;
  thenOff: boolean;
  direction: "cooling" | "warming";
  state: "ramping" | "settling";
  setpointC: number;
  startedAtMs: number;
  controller: AbortController;
  done: PromiseWithResolvers<RampOutcome>;
}

/** Within this of the goal the sensor has followed a warm-up. */
const FOLLOWED_C = 1;
/** At or below this cooler power the sensor is as warm as the cooler lets it: switching off is safe. */
const IDLE_POWER_PCT = 5;

export class CoolerService implements CoolerControl {
  readonly #o: Required<CoolerServiceOptions>;
  readonly #listeners = new Set<() => void>();
  #ramp: Ramp | null = null;
  /** Cooler commands run one after another, so a late ramp step cannot undo a newer request. */
  #queue: Promise<unknown> = Promise.resolve();
  /** Counts requests, so one overtaken while its first step was sent does not start its ramp. */
  #requests = 0;
  #stopBus: (() => void) | null = null;

  constructor(options: CoolerServiceOptions) {
    this.#o = { stepMs: 10_000, settleTimeoutMs: 10 * 60_000, ...options };
  }

  start(): void {
    this.#stopBus ??= this.#o.bus.subscribe((event) => {
      if (event.type === "device.disconnected" && event.data.role === "camera") {
        this.#cancel("the camera disconnected", "warning");
      }
    });
  }

  stop(): void {
    this.#stopBus?.();
    this.#stopBus = null;
    this.#cancel(null);
  }

  /** The ramp as the camera's status shows it, or null. */
  ramp(): CoolerRampDto | null {
    const r = this.#ramp;
    if (!r) return null;
    const leftC = Math.abs(r.goalC - r.setpointC);
    return {
      state: r.state,
      direction: r.direction,
      goal_c: r.goalC,
      setpoint_c: r.setpointC,
      rate_c_per_min: r.rateCPerMin,
      then_off: r.thenOff,
      started_at: new Date(r.startedAtMs).toISOString(),
      eta_s: Math.round((leftC / r.rateCPerMin) * 60),
    };
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async set(request: CoolerRequest): Promise<void> {
    const turn = ++this.#requests;
    this.#cancel(null);
    const camera = this.#o.hub.device("camera");
    if (!camera.capabilities.hasCooler) throw conflict("This camera has no cooler");
    const { enabled, targetC } = request;
    const rate = request.rampCPerMin ?? null;
    const cooler = camera.status().cooler;
    const fromC = cooler.tempC;
    const stepC = rate === null ? 0 : (rate * this.#o.stepMs) / 60_000;
    // Nothing to ramp: no rate, no reading to start from, already there, or (a warm-up) the
    // cooler is off already or the sensor is as warm as asked.
    const direct = rate === null || fromC === null || Math.abs(targetC - fromC) <= stepC ||
      (!enabled && (!cooler.enabled || fromC >= targetC));
    if (direct) {
      return await this.#command(null, () => camera.setCooler(enabled, targetC));
    }
    const direction = targetC < fromC ? "cooling" : "warming";
    const ramp: Ramp = {
      goalC: targetC,
      rateCPerMin: rate,
      thenOff: !enabled,
      direction,
      state: "ramping",
      setpointC: stepToward(fromC, targetC, stepC),
      startedAtMs: this.#o.clock.now(),
      controller: new AbortController(),
      done: Promise.withResolvers<RampOutcome>(),
    };
    // The first step is sent before answering, so a refusal reaches the caller.
    await this.#command(null, () => camera.setCooler(true, ramp.setpointC));
    if (turn !== this.#requests) return; // a newer request came meanwhile: it wins
    this.#ramp = ramp;
    this.#o.log.info("cooler ramp started", {
      from_c: fromC,
      goal_c: targetC,
      rate_c_per_min: rate,
      then_off: ramp.thenOff,
    });
    this.#changed();
    void this.#run(ramp, stepC);
  }

  waitDone(signal?: AbortSignal): Promise<RampOutcome> {
    const ramp = this.#ramp;
    if (!ramp) return Promise.resolve("done");
    if (!signal) return ramp.done.promise;
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const onAbort = () => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      ramp.done.promise.then((outcome) => {
        signal.removeEventListener("abort", onAbort);
        resolve(outcome);
      });
    });
  }

  async #run(ramp: Ramp, stepC: number): Promise<void> {
    const { signal } = ramp.controller;
    const settleUntilMs = () => this.#o.clock.now() + this.#o.settleTimeoutMs;
    let settleDeadlineMs = Infinity;
    try {
      while (true) {
        await this.#o.clock.sleep(this.#o.stepMs, signal);
        const camera = this.#o.hub.device("camera");
        const cooler = camera.status().cooler;
        // A set point other than ours (beyond a camera's rounding and one step of lag): someone
        // else drives the cooler now, and two drivers fighting is worse than either.
        if (
          !cooler.enabled ||
          (cooler.targetC !== null && Math.abs(cooler.targetC - ramp.setpointC) > stepC + 0.75)
        ) {
          return this.#end(ramp, "cancelled", "the cooler was set by someone else", "warning");
        }
        if (ramp.state === "ramping") {
          const next = stepToward(ramp.setpointC, ramp.goalC, stepC);
          await this.#command(signal, () => camera.setCooler(true, next));
          ramp.setpointC = next;
          if (next === ramp.goalC) {
            if (!ramp.thenOff) return this.#end(ramp, "done", null);
            ramp.state = "settling";
            settleDeadlineMs = settleUntilMs();
          }
          this.#changed();
          continue;
        }
        const tempC = cooler.tempC ?? ramp.goalC;
        const followed = Math.abs(tempC - ramp.goalC) <= FOLLOWED_C ||
          cooler.powerPct <= IDLE_POWER_PCT;
        if (followed || this.#o.clock.now() >= settleDeadlineMs) {
          if (!followed) {
            this.#o.log.warn("the sensor did not follow the warm-up; switching the cooler off", {
              temp_c: tempC,
              goal_c: ramp.goalC,
            });
          }
          await this.#command(signal, () => camera.setCooler(false, ramp.goalC));
          return this.#end(ramp, "done", null);
        }
      }
    } catch (err) {
      if (signal.aborted) return; // cancelled: #cancel ended it
      const reason = err instanceof Error ? err.message : String(err);
      this.#end(ramp, "cancelled", `a step failed: ${reason}`, "error");
    }
  }

  /** Runs a cooler command in turn; skipped when `signal` was aborted while it waited. */
  #command(signal: AbortSignal | null, send: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(() => {
      signal?.throwIfAborted();
      return send();
    });
    this.#queue = run.catch(() => {});
    return run;
  }

  #cancel(why: string | null, level: "warning" | "error" = "warning"): void {
    const ramp = this.#ramp;
    if (!ramp) return;
    ramp.controller.abort();
    this.#end(ramp, "cancelled", why, level);
  }

  #end(
    ramp: Ramp,
    outcome: RampOutcome,
    why: string | null,
    level: "warning" | "error" = "warning",
  ): void {
    if (this.#ramp !== ramp) return;
    this.#ramp = null;
    ramp.controller.abort();
    ramp.done.resolve(outcome);
    if (why !== null) {
      const message = `The cooler ramp to ${ramp.goalC} °C stopped at a set point of ` +
        `${ramp.setpointC} °C: ${why}`;
      this.#o.log.warn(message);
      this.#o.bus.publish("alert", { level, source: "camera.cooler", message });
    } else {
      this.#o.log.info("cooler ramp ended", { outcome, setpoint_c: ramp.setpointC });
    }
    this.#changed();
  }

  #changed(): void {
    for (const listener of this.#listeners) {
      try {
        listener();
      } catch (err) {
        this.#o.log.error("cooler ramp listener failed", { error: String(err) });
      }
    }
  }
}

/** One step from `fromC` towards `goalC`, to 0.01 °C, never past the goal. */
function stepToward(fromC: number, goalC: number, stepC: number): number {
  const left = goalC - fromC;
  if (Math.abs(left) <= stepC) return goalC;
  return Math.round((fromC + Math.sign(left) * stepC) * 100) / 100;
}
