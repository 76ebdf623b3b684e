/**
 * The polar-alignment routine. Measuring: three frames, each exposed through the hub's camera,
 * saved like any frame and plate-solved, with the RA axis turned by `rotation_deg` between them
 * (a goto to the same declination of date and a shifted hour angle, so only the RA axis moves);
 * their plane gives the mount's axis and the first error. Adjusting: expose and solve again and
 * again while the user turns the knobs, each solve updating the axis (three_point.ts) and
 * publishing `polar_alignment.error_computed`, until stopped. One run at a time.
 */
import { untilAborted } from "../../lib/abort.ts";
import type { Rig } from "../../devices/rig.ts";
import { wrapHours, wrapHours12 } from "../../lib/astro/coords.ts";
import { j2000ToJNow, jnowToJ2000 } from "../../lib/astro/precession.ts";
import { resolveRequest } from "../camera/exposure_service.ts";
import type { Clock } from "../../lib/clock.ts";
import { AppError, conflict } from "../../lib/errors.ts";
import type { EventBus } from "../event_bus.ts";
import type { Logger } from "../../lib/log.ts";
import type { PolarErrorDto, PolarStartBody, PolarStatusDto } from "../schemas/polar_alignment.ts";
import type { FrameSink } from "../frames/frame_sink.ts";
import { waitForSlew } from "../device_wait.ts";
import {
  adjustedAxis,
  axisFromPointings,
  earthFixedVector,
  type PolarError,
  polarError,
  trackedPointing,
  type Vec3,
} from "./three_point.ts";
import type { SolveFn } from "./types.ts";

const MAX_ABS_DEC_DEG = 80;
/** Pause after a failed solve while adjusting, so a cloud does not spin the loop. */
const RETRY_MS = 1000;

export interface PolarAlignmentOptions {
  hub: Rig;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  /** Where the frames are kept (their number and name come from it). */
  sink: FrameSink;
  solve: SolveFn;
  cameraDefaults: { gain: number; offset: number };
  /** Who else holds the rig (core/rig_owner.ts), or null when polar alignment may start. */
  otherOwner?: () => string | null;
}

interface Measurement {
  vector: Vec3;
  atMs: number;
  tracking: boolean;
}

export class PolarAlignmentService {
  readonly #o: PolarAlignmentOptions;
  #status: PolarStatusDto = idleStatus();
  #controller: AbortController | null = null;
  #run: Promise<void> | null = null;

  constructor(options: PolarAlignmentOptions) {
    this.#o = options;
  }

  status(): PolarStatusDto {
    return structuredClone(this.#status);
  }

  /** Starts a run; 409 when one is under way, 503 when the mount or camera is absent. */
  start(params: PolarStartBody): void {
    if (this.#run) throw conflict("polar alignment is already running: stop it first");
    const other = this.#o.otherOwner?.();
    if (other) throw conflict(`cannot start polar alignment now: ${other}`);
    const site = this.#o.hub.site;
    if (!site) throw new AppError(503, "unavailable", "no profile applied: no site");
    // Both devices are checked now so the client gets its 503 rather than a failed run.
    const mount = this.#o.hub.device("mount");
    this.#o.hub.device("camera");
    // Near the pole the RA turn sweeps a circle too small to fit an axis to.
    const status = mount.status();
    const decDeg = status.decDeg;
    const haHours = wrapHours12(status.siderealTimeHours - status.raHours);
    if (Math.abs(decDeg) > MAX_ABS_DEC_DEG) {
      throw conflict(
        `the telescope points at Dec ${decDeg.toFixed(1)}°: point it at least ` +
          `${90 - MAX_ABS_DEC_DEG}° from the pole first (anywhere else in the sky will do)`,
      );
    }
    const direction = params.direction ?? (haHours < 0 ? "east" : "west");
    // A German mount flipping mid-measurement turns its declination axis over, and errors such
    // as the declination index (ID) change sign: the three pointings would leave their circle.
    const finalHaHours = haHours + (direction === "west" ? 2 : -2) * params.rotation_deg / 15;
    if (
      mount.capabilities.alignment === "germanPolar" &&
      (Math.sign(haHours) !== Math.sign(finalHaHours) || Math.abs(finalHaHours) > 12)
    ) {
      throw conflict(
        `turning ${direction} by 2 × ${params.rotation_deg}° from hour angle ` +
          `${haHours.toFixed(2)} h crosses the meridian and would flip the mount: turn the ` +
          "other way or start further from the meridian",
      );
    }
    const runParams = { ...params, direction };
    this.#status = {
      ...idleStatus(),
      phase: "measuring",
      rotation_deg: params.rotation_deg,
      exposure_s: params.exposure_s,
      direction,
    };
    const controller = new AbortController();
    this.#controller = controller;
    const run = this.#routine(runParams, site, controller.signal).catch((err) => {
      if (controller.signal.aborted) return;
      const message = err instanceof Error ? err.message : String(err);
      this.#status = { ...this.#status, phase: "failed", message };
      this.#o.log.warn("polar alignment failed", { reason: message });
    }).finally(() => {
      if (this.#run === run) {
        this.#run = null;
        this.#controller = null;
      }
    });
    this.#run = run;
  }

  /** Stops the run (the mount stays where it is); false when none was running. */
  async stop(): Promise<boolean> {
    const run = this.#run;
    if (!run) return false;
    this.#controller?.abort(new AppError(409, "conflict", "polar alignment stopped"));
    await run;
    this.#status = { ...this.#status, phase: "stopped" };
    return true;
  }

  async close(): Promise<void> {
    await this.stop();
  }

  async #routine(
    params: PolarStartBody & { direction: "east" | "west" },
    site: { latitudeDeg: number; longitudeDeg: number },
    signal: AbortSignal,
  ): Promise<void> {
    const measurements: Measurement[] = [];
    for (let k = 0; k < 3; k++) {
      if (k > 0) await this.#turnRaAxis(params, signal);
      measurements.push(await this.#measure(params.exposure_s, site.longitudeDeg, signal, true));
    }
    const [a, b, c] = measurements as [Measurement, Measurement, Measurement];
    let axis = axisFromPointings([a.vector, b.vector, c.vector], site.latitudeDeg);
    const first = this.#publish(polarError(axis, site.latitudeDeg));
    this.#status = { ...this.#status, phase: "adjusting", initial_error: first };
    let last = c;
    while (!signal.aborted) {
      let next: Measurement;
      try {
        next = await this.#measure(params.exposure_s, site.longitudeDeg, signal, false);
      } catch (err) {
        if (signal.aborted) throw err;
        this.#status = { ...this.#status, message: err instanceof Error ? err.message : `${err}` };
        await this.#o.clock.sleep(RETRY_MS, signal);
        continue;
      }
      const before = last.tracking
        ? trackedPointing(last.vector, axis, (next.atMs - last.atMs) / 1000)
        : last.vector;
      axis = adjustedAxis(axis, before, next.vector, site.latitudeDeg);
      this.#publish(polarError(axis, site.latitudeDeg));
      this.#status = { ...this.#status, updates: this.#status.updates + 1, message: null };
      last = next;
    }
  }

  /** Turns only the RA axis: same declination of date, hour angle shifted by the rotation. */
  async #turnRaAxis(
    params: { rotation_deg: number; direction: "east" | "west" },
    signal: AbortSignal,
  ): Promise<void> {
    const mount = this.#o.hub.device("mount");
    const status = mount.status();
    const nowMs = this.#o.clock.now();
    // The RA axis turns about the pole of date: the turn is computed there, and the contract's
    // J2000 position is taken there and back (sky geometry, not a driver's epoch).
    const here = j2000ToJNow({ raHours: status.raHours, decDeg: status.decDeg }, nowMs);
    // Turning west raises the hour angle, i.e. lowers the RA the mount points at.
    const sign = params.direction === "west" ? -1 : 1;
    const next = {
      raHours: wrapHours(here.raHours + sign * params.rotation_deg / 15),
      decDeg: here.decDeg,
    };
    await mount.slewTo(jnowToJ2000(next, nowMs));
    await waitForSlew(mount, this.#o.clock, signal, "the RA turn");
  }

  /** Exposes, saves and solves one frame; the pointing is dated at mid-exposure. */
  async #measure(
    exposureS: number,
    longitudeDeg: number,
    signal: AbortSignal,
    keep: boolean,
  ): Promise<Measurement> {
    const camera = this.#o.hub.device("camera");
    const mount = this.#o.hub.device("mount");
    const request = resolveRequest(camera, { duration: exposureS }, this.#o.cameraDefaults);
    const frame = await camera.expose(request, signal);
    const { dto } = await this.#o.sink.save(frame, { object: "polar alignment" });
    signal.throwIfAborted();
    const status = mount.status();
    const solved = await untilAborted(
      this.#o.solve(this.#o.sink.pathOf(dto), {
        raHours: status.raHours,
        decDeg: status.decDeg,
      }),
      signal,
    );
    const atMs = frame.startedAtMs + request.durationS * 500;
    if (keep) {
      const point = {
        ra: solved.raHours,
        dec: solved.decDeg,
        frame_path: dto.path,
        taken_at: new Date(atMs).toISOString(),
      };
      this.#status = { ...this.#status, points: [...this.#status.points, point] };
    }
    return {
      vector: earthFixedVector(solved, atMs, longitudeDeg),
      atMs,
      tracking: status.tracking !== "off",
    };
  }

  #publish(error: PolarError): PolarErrorDto {
    const dto: PolarErrorDto = {
      alt_error_arcmin: error.altErrorArcmin,
      az_error_arcmin: error.azErrorArcmin,
      total_error_arcmin: error.totalErrorArcmin,
      alt_direction: error.altDirection,
      az_direction: error.azDirection,
    };
    this.#status = { ...this.#status, error: dto };
    this.#o.bus.publish("polar_alignment.error_computed", dto);
    return dto;
  }
}

function idleStatus(): PolarStatusDto {
  return {
    phase: "idle",
    rotation_deg: null,
    exposure_s: null,
    direction: null,
    points: [],
    initial_error: null,
    error: null,
    updates: 0,
    message: null,
  };
}
