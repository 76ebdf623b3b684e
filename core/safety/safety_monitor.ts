/**
 * Keeps the rig out of the rain. It watches the weather device (observing conditions + safety
 * monitor) and, the moment it turns unsafe — or stays disconnected past a grace period — runs the
 * shutdown procedure: stop imaging (every registered imaging hook: the single-exposure service,
 * later the sequencer and scheduler), stop guiding, park the mount, close the dome. Each step
 * has its own deadline and a failure never stops the next one: a stuck guider must not keep the
 * dome open. It says what it did with `scheduler.safety_alert` and a critical `alert`.
 *
 * When conditions have been safe again for `resumeAfterSafeMs`, it reopens what it closed (the
 * dome only if it was open, the mount only if it parked it) and calls the hooks' `resume` —
 * but only if something was interrupted: a box that was idle stays idle.
 */
import type { Rig } from "../../devices/rig.ts";
import type { Clock } from "../../lib/clock.ts";
import type { EventBus } from "../event_bus.ts";
import type { Logger } from "../../lib/log.ts";

/** Something that images and must stop when it rains (and may resume after). */
export interface ImagingHook {
  name: string;
  /** Stops at once; resolves true when it was doing something worth resuming. */
  stop(reason: string): Promise<boolean>;
  resume(): Promise<void>;
}

export type SafetyState = "safe" | "unsafe" | "waiting_to_resume";

export interface SafetyStatus {
  state: SafetyState;
  safe: boolean;
  reasons: string[];
  /** Unix ms of the last change of verdict. */
  since_ms: number;
  /** When the box will reopen if it stays safe; null otherwise. */
  resume_at_ms: number | null;
  /** What the last shutdown did, step by step. */
  last_actions: string[];
}

export interface SafetyMonitorOptions {
  hub: Rig;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  resumeAfterSafeMs: number;
  weatherLostGraceMs: number;
  /** How often the verdict is re-read even without a status change. */
  pollMs?: number;
  /** Deadline of each shutdown step. */
  stepTimeoutMs?: number;
}

export class SafetyMonitor {
  #o: Required<SafetyMonitorOptions>;
  #hooks: ImagingHook[] = [];
  #state: SafetyState = "safe";
  #reasons: string[] = [];
  #sinceMs: number;
  #safeSinceMs: number | null = null;
  #disconnectedSinceMs: number | null = null;
  #interrupted: ImagingHook[] = [];
  #parkedByUs = false;
  #closedDomeByUs = false;
  #lastActions: string[] = [];
  #busy: Promise<void> = Promise.resolve();
  #timer: ReturnType<typeof setInterval> | null = null;
  #stopHub: (() => void) | null = null;

  constructor(options: SafetyMonitorOptions) {
    this.#o = { pollMs: 5000, stepTimeoutMs: 30_000, ...options };
    this.#sinceMs = options.clock.now();
  }

  register(hook: ImagingHook): void {
    this.#hooks.push(hook);
  }

  start(): void {
    this.#stopHub = this.#o.hub.onStatus((kind) => {
      if (kind === "weather") this.check();
    });
    this.#timer = setInterval(() => this.check(), this.#o.pollMs);
    this.check();
  }

  /** Stops watching; waits for a shutdown or resume in progress to finish. */
  async stop(): Promise<void> {
    this.#stopHub?.();
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    await this.#busy;
  }

  status(): SafetyStatus {
    return {
      state: this.#state,
      safe: this.#state !== "unsafe",
      reasons: [...this.#reasons],
      since_ms: this.#sinceMs,
      resume_at_ms: this.#state === "waiting_to_resume" && this.#safeSinceMs !== null
        ? this.#safeSinceMs + this.#o.resumeAfterSafeMs
        : null,
      last_actions: [...this.#lastActions],
    };
  }

  /** Re-reads the verdict and acts on a change. Returns once any resulting action finished. */
  check(): Promise<void> {
    this.#busy = this.#busy.then(() => this.#evaluate()).catch((err) => {
      this.#o.log.error("safety check failed", { error: String(err) });
    });
    return this.#busy;
  }

  /** The imaging-side check: is it safe to start something now? */
  isSafe(): boolean {
    return this.#state === "safe";
  }

  async #evaluate(): Promise<void> {
    const nowMs = this.#o.clock.now();
    const verdict = this.#verdict(nowMs);
    if (!verdict.safe) {
      this.#safeSinceMs = null;
      if (this.#state !== "unsafe") await this.#shutdown(verdict.reasons, nowMs);
      else this.#reasons = verdict.reasons;
      return;
    }
    if (this.#state === "unsafe") {
      this.#state = "waiting_to_resume";
      this.#safeSinceMs = nowMs;
      this.#sinceMs = nowMs;
      this.#o.log.info("conditions are safe again; waiting before resuming", {
        resume_after_s: this.#o.resumeAfterSafeMs / 1000,
      });
    }
    if (
      this.#state === "waiting_to_resume" && this.#safeSinceMs !== null &&
      nowMs - this.#safeSinceMs >= this.#o.resumeAfterSafeMs
    ) {
      await this.#resume(nowMs);
    }
  }

  #verdict(nowMs: number): { safe: boolean; reasons: string[] } {
    const weather = this.#o.hub.peek("weather");
    if (!weather) return { safe: true, reasons: [] }; // no station: the user decides
    const status = weather.status();
    if (!status.connected) {
      this.#disconnectedSinceMs ??= nowMs;
      const lostMs = nowMs - this.#disconnectedSinceMs;
      if (lostMs >= this.#o.weatherLostGraceMs) {
        return {
          safe: false,
          reasons: [`weather station disconnected for ${Math.round(lostMs / 1000)} s`],
        };
      }
      // Within the grace period the last verdict stands.
      return { safe: this.#state !== "unsafe", reasons: this.#reasons };
    }
    this.#disconnectedSinceMs = null;
    return { safe: status.safe, reasons: status.safe ? [] : status.unsafeReasons };
  }

  async #shutdown(reasons: string[], nowMs: number): Promise<void> {
    this.#state = "unsafe";
    this.#reasons = reasons;
    this.#sinceMs = nowMs;
    const actions: string[] = [];
    const text = reasons.join("; ") || "unsafe";
    this.#o.log.warn("conditions unsafe: shutting down", { reasons });
    this.#interrupted = [];
    for (const hook of this.#hooks) {
      await this.#step(actions, `stop ${hook.name}`, async () => {
        if (await hook.stop(`unsafe: ${text}`)) this.#interrupted.push(hook);
      });
    }
    const hub = this.#o.hub;
    const guider = hub.peek("guider");
    if (guider?.status().connected && guider.status().state !== "stopped") {
      await this.#step(actions, "stop guiding", () => hub.device("guider").stopGuiding());
    }
    const mount = hub.peek("mount");
    if (mount?.status().connected && !mount.status().parked) {
      await this.#step(actions, "park mount", async () => {
        await hub.device("mount").park();
        this.#parkedByUs = true;
      });
    }
    const dome = hub.peek("dome");
    const shutter = dome?.status().connected ? dome.status().shutter : null;
    if (shutter === "open" || shutter === "opening") {
      await this.#step(actions, "close dome", async () => {
        await hub.device("dome").closeShutter();
        this.#closedDomeByUs = true;
      });
    }
    this.#lastActions = actions;
    const action = actions.length ? actions.join(", ") : "nothing was running";
    this.#o.bus.publish("scheduler.safety_alert", { safe: false, reasons, action });
    this.#o.bus.publish("alert", {
      level: "critical",
      source: "safety",
      message: `Unsafe conditions (${text}): ${action}`,
      details: { reasons, actions },
    });
  }

  async #resume(nowMs: number): Promise<void> {
    // Safe from here on, so that what resumes is allowed to start.
    this.#state = "safe";
    this.#reasons = [];
    const actions: string[] = [];
    const hub = this.#o.hub;
    if (this.#closedDomeByUs) {
      await this.#step(actions, "open dome", () => hub.device("dome").openShutter());
    }
    if (this.#parkedByUs) {
      await this.#step(actions, "unpark mount", () => hub.device("mount").unpark());
    }
    for (const hook of this.#interrupted) {
      await this.#step(actions, `resume ${hook.name}`, () => hook.resume());
    }
    this.#sinceMs = nowMs;
    this.#safeSinceMs = null;
    this.#parkedByUs = false;
    this.#closedDomeByUs = false;
    this.#interrupted = [];
    this.#lastActions = actions;
    const action = actions.length ? actions.join(", ") : "nothing to resume";
    this.#o.bus.publish("scheduler.safety_alert", { safe: true, reasons: [], action });
    this.#o.bus.publish("alert", {
      level: "info",
      source: "safety",
      message: `Conditions safe again: ${action}`,
    });
  }

  /** Runs one step with its deadline; records "step" or "step FAILED: why" and never throws. */
  async #step(actions: string[], name: string, run: () => Promise<unknown>): Promise<void> {
    const deadline = new AbortController();
    try {
      await Promise.race([
        run(),
        this.#o.clock.sleep(this.#o.stepTimeoutMs, deadline.signal).then(() => {
          throw new Error(`no answer within ${this.#o.stepTimeoutMs / 1000} s`);
        }),
      ]);
      actions.push(name);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      actions.push(`${name} FAILED: ${why}`);
      this.#o.log.error(`safety step failed: ${name}`, { error: why });
      this.#o.bus.publish("alert", {
        level: "critical",
        source: "safety",
        message: `Could not ${name}: ${why}`,
      });
    } finally {
      deadline.abort();
    }
  }
}
