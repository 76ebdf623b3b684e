/**
 * Centre on target as a service: one run at a time, started from `POST /mount/center` or by the
 * sequencer (`runAndWait`), watched through `status()` and the `mount.centering` /
 * `mount.centered` events, stopped by `stop()` or the caller's AbortSignal — which stops the slew,
 * the exposure and the solve job. A run that ends without reaching the tolerance leaves the mount
 * where it is and raises an alert saying why. The loop itself is loop.ts; the rig is rig.ts.
 */
import type { Rig } from "../../devices/rig.ts";
import type { Clock } from "../../lib/clock.ts";
import { AppError, conflict } from "../../lib/errors.ts";
import type { EventBus } from "../event_bus.ts";
import type { Logger } from "../../lib/log.ts";
import type { PointingService } from "../pointing/pointing_service.ts";
import type { CenterBody, CenteringStatusDto, CenterOptions } from "../schemas/centering.ts";
import type { FrameSink } from "../frames/frame_sink.ts";
import { attemptDto, centeredDto, idleStatus } from "./dto.ts";
import { runCentering } from "./loop.ts";
import {
  checkRequest,
  type NamedTarget,
  resolveCenterBody,
  type ResolveTarget,
} from "./request.ts";
import { rigPorts } from "./rig.ts";
import type { AttemptRecord, CenteringOutcome, CenteringSolveFn } from "./types.ts";

export interface CenteringServiceOptions {
  hub: Rig;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  /** Keeps the frames; told the target once centred, so the lights that follow carry its name. */
  sink: FrameSink;
  pointing: Pick<PointingService, "demandFor">;
  solve: CenteringSolveFn;
  cameraDefaults: { gain: number; offset: number };
  /** Catalog lookup for a request that names its target; absent: names are refused. */
  resolveTarget?: ResolveTarget;
  /**
   * What else holds the camera or the mount right now (polar alignment, a sequence, an
   * exposure), or null: the endpoint refuses to start over it. The sequencer's own runs skip it.
   */
  otherOwner?: () => string | null;
  /** Why no solve can work on this box (nothing installed), or null; checked before each run. */
  solverMissing?: () => Promise<string | null>;
  /** What the sequencer's runs use where its call gives nothing. */
  sequenceDefaults?: Partial<CenterOptions>;
}

const DEFAULTS: CenterOptions = {
  tolerance_arcsec: 30,
  max_attempts: 5,
  exposure_s: 5,
  binning: 2,
  settle_s: 2,
};

interface Run {
  id: string;
  controller: AbortController;
  done: Promise<CenteringOutcome>;
}

export class CenteringService {
  readonly #o: CenteringServiceOptions;
  #status: CenteringStatusDto = idleStatus();
  #run: Run | null = null;

  constructor(options: CenteringServiceOptions) {
    this.#o = options;
  }

  status(): CenteringStatusDto {
    return structuredClone(this.#status);
  }

  /** True while a run is under way. */
  get busy(): boolean {
    return this.#run !== null;
  }

  /** Starts a run for the endpoint; 409 when anything owns the rig, 503 without mount/camera. */
  async start(body: CenterBody): Promise<CenteringStatusDto> {
    this.#refuseIfRunning();
    const other = this.#o.otherOwner?.();
    if (other) throw conflict(`cannot centre now: ${other}`);
    const target = await resolveCenterBody(body, this.#o.resolveTarget);
    const missing = await this.#o.solverMissing?.();
    if (missing) throw new AppError(503, "unavailable", missing);
    // The lookups awaited: another start may have slipped in.
    this.#refuseIfRunning();
    this.#begin(target, { ...DEFAULTS, ...body });
    return this.status();
  }

  /**
   * Centres on `target` (J2000) and resolves once within tolerance; rejects with the reason when
   * it could not, or with the signal's reason when aborted (the sequencer's hook).
   */
  async runAndWait(
    target: { raHours: number; decDeg: number; name?: string },
    options: Partial<CenterOptions>,
    signal: AbortSignal,
  ): Promise<void> {
    signal.throwIfAborted();
    const missing = await this.#o.solverMissing?.();
    if (missing) throw new Error(missing);
    this.#refuseIfRunning();
    const run = this.#begin(
      { name: target.name ?? null, ra: target.raHours, dec: target.decDeg },
      { ...DEFAULTS, ...this.#o.sequenceDefaults, ...options },
    );
    const onAbort = () => run.controller.abort(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      const outcome = await run.done;
      signal.throwIfAborted();
      if (!outcome.success) throw new Error(`centring failed: ${outcome.reason}`);
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  }

  /** Stops the run (slew, exposure and solve); false when none was running. */
  async stop(): Promise<boolean> {
    const run = this.#run;
    if (!run) return false;
    run.controller.abort(new AppError(409, "conflict", "centring stopped"));
    await run.done;
    return true;
  }

  async close(): Promise<void> {
    await this.stop();
  }

  #refuseIfRunning(): void {
    if (this.#run) throw conflict("centring is already running: stop it first");
  }

  #begin(target: NamedTarget, options: CenterOptions): Run {
    const { hub } = this.#o;
    // Both devices are checked now, so the caller gets its 503 rather than a failed run.
    const mount = hub.device("mount");
    const camera = hub.device("camera");
    checkRequest(
      mount,
      camera,
      target,
      options,
      this.#o.cameraDefaults,
      hub.site,
      this.#o.clock.now(),
    );
    const id = crypto.randomUUID();
    const controller = new AbortController();
    this.#status = {
      ...idleStatus(),
      run_id: id,
      state: "slewing",
      target,
      tolerance_arcsec: options.tolerance_arcsec,
      max_attempts: options.max_attempts,
      started_at: new Date(this.#o.clock.now()).toISOString(),
    };
    const ports = rigPorts(
      this.#o,
      {
        exposureS: options.exposure_s,
        binning: options.binning,
        gain: options.gain,
        settleS: options.settle_s,
        object: `centring ${target.name ?? "target"}`,
      },
      (state) => this.#status = { ...this.#status, state },
    );
    this.#o.log.info("centring", { target, options });
    const done = runCentering(
      ports,
      {
        target: { raHours: target.ra, decDeg: target.dec },
        toleranceArcsec: options.tolerance_arcsec,
        maxAttempts: options.max_attempts,
      },
      controller.signal,
      (record) => this.#attempt(id, target, options.max_attempts, record),
      (message) => this.#o.log.warn(message),
    ).catch(async (err): Promise<CenteringOutcome> => {
      const attempts = this.#status.attempts.length;
      const lastError = this.#status.attempts.at(-1)?.error_arcsec ?? null;
      if (controller.signal.aborted) {
        await this.#stopSlew();
        const why = controller.signal.reason;
        const reason = why instanceof Error ? why.message : "stopped";
        return { success: false, attempts, finalErrorArcsec: lastError, reason };
      }
      const reason = err instanceof Error ? err.message : String(err);
      return { success: false, attempts, finalErrorArcsec: lastError, reason };
    }).then((outcome) => {
      try {
        this.#finish(id, target, options, outcome, controller.signal.aborted);
      } catch (err) {
        // Nobody awaits a run started from the endpoint: a failure here must not go unhandled.
        this.#o.log.error("centring could not report its end", { err: String(err) });
      }
      return outcome;
    }).finally(() => {
      if (this.#run?.id === id) this.#run = null;
    });
    const run = { id, controller, done };
    this.#run = run;
    return run;
  }

  #attempt(id: string, target: NamedTarget, maxAttempts: number, r: AttemptRecord): void {
    const dto = attemptDto(id, target, maxAttempts, r);
    this.#status = { ...this.#status, attempts: [...this.#status.attempts, dto] };
    this.#o.log.info("centring attempt", {
      attempt: r.attempt,
      error_arcsec: r.errorArcsec,
      correction: r.correction,
      failure: r.failure,
    });
    this.#o.bus.publish("mount.centering", dto);
  }

  #finish(
    id: string,
    target: NamedTarget,
    options: CenterOptions,
    outcome: CenteringOutcome,
    aborted: boolean,
  ): void {
    const state = outcome.success ? "succeeded" : aborted ? "aborted" : "failed";
    this.#status = {
      ...this.#status,
      state,
      final_error_arcsec: outcome.finalErrorArcsec,
      reason: outcome.reason,
      finished_at: new Date(this.#o.clock.now()).toISOString(),
    };
    const dto = centeredDto(id, target, options, outcome, state, this.#status.attempts.length);
    // The frames that follow show this target: they carry its name while the mount stays there.
    if (outcome.success && target.name) {
      this.#o.sink.aimedAt({ name: target.name, raHours: target.ra, decDeg: target.dec });
    }
    this.#o.bus.publish("mount.centered", dto);
    if (state === "failed") {
      const name = target.name ?? `RA ${target.ra.toFixed(4)} h, Dec ${target.dec.toFixed(3)}°`;
      this.#o.log.warn("centring failed", { target, reason: outcome.reason });
      this.#o.bus.publish("alert", {
        level: "warning",
        source: "centering",
        message: `Centring on ${name} failed: ${outcome.reason}. The mount was left where it is.`,
        details: { run_id: id, final_error_arcsec: outcome.finalErrorArcsec },
      });
    }
  }

  /** Leaves no slew running after a stop; a mount that cannot say is left alone. */
  async #stopSlew(): Promise<void> {
    const mount = this.#o.hub.peek("mount");
    try {
      if (mount?.status().slewing) await mount.abort();
    } catch (err) {
      this.#o.log.warn("could not stop the slew after centring was stopped", { err: String(err) });
    }
  }
}
