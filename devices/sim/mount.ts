/**
 * Simulated German equatorial mount: the contract-facing shell, which decides what is allowed
 * when (connected, parked, slewing) and owns what the contract reports. The pointing is a function
 * of the context's clock (mount_motion.ts, with guide pulses in mount_guide.ts), so `status()` is
 * cheap and exact even on a ManualClock, and the only timer runs while something moves. Positions
 * cross the contract in J2000, but the axes turn in JNow; mount_sky.ts turns them into Alt/Az,
 * pier side and the true optical pointing at the site's sidereal time. As on a real mount, a sync
 * changes only the reported offset (mount_sync_offset.ts), a goto drives the axes to the target
 * minus it, and everything physical (the optics, pier side, flip time, park) follows the axes.
 */
import { assertEquatorial, type EquatorialCoord } from "../../lib/astro/coords.ts";
import { j2000ToJNow } from "../../lib/astro/precession.ts";
import type { Clock } from "../../lib/clock.ts";
import { conflict, DeviceNotConnectedError } from "../../lib/errors.ts";
import type { Logger } from "../../lib/log.ts";
import type { DeviceInfo, DriverContext, Site } from "../device.ts";
import { Emitter } from "../emitter.ts";
import {
  type GuideDirection,
  type Mount,
  type MountCapabilities,
  type MountStatus,
  TRACKING_MODES,
  type TrackingMode,
} from "../mount.ts";
import { SimFaults, type Simulated } from "./faults.ts";
import { ARCSEC_PER_HOUR, assertGuidePulse } from "./mount_guide.ts";
import { assertTrackingMode, MountMotion } from "./mount_motion.ts";
import {
  parseSimMountErrors,
  type SimMountErrors,
  type SimMountOptions,
  type SimMountSetup,
  simMountSetup,
} from "./mount_options.ts";
import { MountSky } from "./mount_sky.ts";
import {
  mechanicalFromReported,
  NO_SYNC_OFFSET,
  type SyncOffset,
  syncOffsetBetween,
} from "./mount_sync_offset.ts";
import type { SimOpticsLink } from "./optics_link.ts";

export class SimMount implements Mount, Simulated {
  readonly kind = "mount" as const;
  readonly info: DeviceInfo = {
    name: "Simulated EQ mount",
    driver: "sim",
    description:
      "Software German equatorial mount: finite-rate slews, tracking, park, sync and pulse guiding",
    driverVersion: "1.0.0",
  };
  readonly capabilities: MountCapabilities;
  readonly faults = new SimFaults((reason) => this.#lose(reason));

  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #site: Site;
  readonly #options: SimMountSetup;
  readonly #sky: MountSky;
  readonly #motion: MountMotion;
  readonly #statusEmitter = new Emitter<MountStatus>();
  readonly #lostEmitter = new Emitter<string>();

  #connected = false;
  #parked = false;
  #target: EquatorialCoord | null = null;
  /** Mechanical errors; mutable so a test can play a user turning the polar-alignment knobs. */
  #errors: SimMountErrors;
  /**
   * Reported minus mechanical position, set by sync. Like a real mount's alignment it belongs to
   * the powered mount, not to a session: park, unpark, a disconnect or a lost connection keep it
   * (the axes do not move either); only a new driver instance (a profile (re)load) starts at zero.
   */
  #syncOffset: SyncOffset = NO_SYNC_OFFSET;

  /** `optics`: the registry's light path, through which a simulated camera sees the true pointing. */
  constructor(ctx: DriverContext<SimMountOptions>, optics: SimOpticsLink | null = null) {
    this.#clock = ctx.clock;
    this.#log = ctx.log.child("sim.mount");
    this.#site = ctx.site;
    this.#options = simMountSetup(ctx.options, ctx.site);
    this.#errors = { ...this.#options.errors };
    this.capabilities = {
      alignment: this.#options.alignment,
      canPark: true,
      canSync: true,
      canPulseGuide: true,
      trackingRates: TRACKING_MODES,
      maxSlewRateDegPerS: this.#options.slewRateDegPerS,
    };
    this.#sky = new MountSky(ctx.site, this.#options);
    // Power on where the mount was left: at the park position, not parked, not tracking.
    const nowMs = this.#clock.now();
    const park = this.#sky.parkPositionAt(nowMs);
    this.#motion = new MountMotion({
      clock: this.#clock,
      sky: this.#sky,
      slewRateDegPerS: this.#options.slewRateDegPerS,
      initial: park,
      initialMs: nowMs,
      onArrived: (kind, destination) => {
        if (kind === "park") {
          this.#parked = true;
          this.#log.info("parked");
        } else {
          this.#log.info("arrived", { axesJNow: destination });
        }
      },
      onChange: (atMs) => this.#emitSnapshot(atMs),
    });
    optics?.attachMount(() => {
      const truth = this.trueSkyPosition();
      return { raDeg: truth.raHours * 15, decDeg: truth.decDeg, pierSide: this.#motion.pierSide };
    });
  }

  async connect(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    await this.faults.check("connect");
    signal?.throwIfAborted();
    if (this.#connected) return;
    this.#connected = true;
    this.#log.info("connected", { site: this.#site, options: this.#options });
    this.#emitStatus();
  }

  async disconnect(): Promise<void> {
    await this.faults.check("disconnect");
    if (!this.#connected) return;
    this.#stopEverything();
    this.#log.info("disconnected");
    this.#emitStatus();
  }

  status(): MountStatus {
    const nowMs = this.#clock.now();
    this.#motion.settle(nowMs);
    return this.#snapshot(nowMs);
  }

  onStatus(listener: (status: MountStatus) => void): () => void {
    return this.#statusEmitter.on(listener);
  }

  onLost(listener: (reason: string) => void): () => void {
    return this.#lostEmitter.on(listener);
  }

  async slewTo(target: EquatorialCoord): Promise<void> {
    await this.faults.check("slewTo");
    this.#assertConnected();
    assertEquatorial(target, "slewTo target");
    if (this.#parked) throw conflict("mount is parked: unpark it before slewTo");
    // A park is often the safety response to rain: a stray goto must not cancel it.
    if (this.#motion.slewKind === "park") {
      throw conflict("mount is parking: wait, or abort the park first");
    }
    const nowMs = this.#clock.now();
    this.#motion.settle(nowMs);
    const altDeg = this.#sky.horizontalAt(j2000ToJNow(target, nowMs), nowMs).altDeg;
    if (altDeg < this.#options.horizonLimitDeg) {
      throw new RangeError(
        `slewTo target RA ${target.raHours.toFixed(4)} h, Dec ${target.decDeg.toFixed(3)}° is at ` +
          `altitude ${altDeg.toFixed(2)}°, below the horizon limit of ` +
          `${this.#options.horizonLimitDeg}°`,
      );
    }
    const requested = { raHours: target.raHours, decDeg: target.decDeg };
    this.#motion.freeze(nowMs);
    // The axes go where the mount will report the target: the target minus the sync offset.
    const offset = this.#syncOffset;
    const endMs = this.#motion.startSlew(
      "goto",
      nowMs,
      (atMs) => mechanicalFromReported(j2000ToJNow(requested, atMs), offset),
    );
    this.#target = requested;
    this.#log.info("slewing", { target: requested, arriveInMs: endMs - nowMs });
    this.#emitStatus();
  }

  async sync(position: EquatorialCoord): Promise<void> {
    await this.faults.check("sync");
    this.#assertConnected();
    assertEquatorial(position, "sync position");
    if (this.#parked) throw conflict("mount is parked: unpark it before sync");
    const nowMs = this.#clock.now();
    this.#motion.settle(nowMs);
    if (this.#motion.slewing) {
      throw conflict("mount is slewing: wait for it to arrive or abort before sync");
    }
    this.#motion.freeze(nowMs);
    // A sync corrects what the mount reports, never where the axes are: the optics, the pier side
    // and the time to flip stay as they were, as on a real mount.
    this.#syncOffset = syncOffsetBetween(
      j2000ToJNow(position, nowMs),
      this.#motion.positionAt(nowMs),
    );
    this.#log.info("synced", {
      position,
      offsetHaArcsec: this.#syncOffset.haHours * ARCSEC_PER_HOUR,
      offsetDecArcsec: this.#syncOffset.decDeg * 3600,
    });
    this.#emitStatus();
  }

  async park(): Promise<void> {
    await this.faults.check("park");
    this.#assertConnected();
    const nowMs = this.#clock.now();
    this.#motion.settle(nowMs);
    if (this.#parked || this.#motion.slewKind === "park") return;
    this.#motion.freeze(nowMs);
    // Parking stops tracking at once (ASCOM Park), so the park position is fixed in Alt/Az.
    this.#motion.stopTracking();
    this.#target = null;
    const endMs = this.#motion.startSlew("park", nowMs, (atMs) => this.#sky.parkPositionAt(atMs));
    this.#log.info("parking", { arriveInMs: endMs - nowMs });
    this.#emitStatus();
  }

  async unpark(): Promise<void> {
    await this.faults.check("unpark");
    this.#assertConnected();
    const nowMs = this.#clock.now();
    this.#motion.settle(nowMs);
    // Unparking while the park slew is under way cancels it where it is.
    if (!this.#parked && this.#motion.slewKind !== "park") return;
    this.#motion.freeze(nowMs);
    this.#parked = false;
    this.#motion.resumeSidereal();
    this.#log.info("unparked");
    this.#emitStatus();
  }

  async setTracking(mode: TrackingMode): Promise<void> {
    await this.faults.check("setTracking");
    this.#assertConnected();
    assertTrackingMode(mode);
    if (this.#parked && mode !== "off") {
      throw conflict(`mount is parked: unpark it before setting tracking to ${mode}`);
    }
    const nowMs = this.#clock.now();
    this.#motion.settle(nowMs);
    if (!this.#motion.setTracking(mode, nowMs)) return;
    this.#log.info("tracking", { mode });
    this.#emitStatus();
  }

  async abort(): Promise<void> {
    await this.faults.check("abort");
    this.#assertConnected();
    const nowMs = this.#clock.now();
    this.#motion.settle(nowMs);
    const wasMoving = this.#motion.abort(nowMs);
    this.#target = null;
    if (wasMoving) this.#log.info("aborted");
    this.#emitStatus();
  }

  async pulseGuide(direction: GuideDirection, durationMs: number): Promise<void> {
    await this.faults.check("pulseGuide");
    this.#assertConnected();
    assertGuidePulse(direction, durationMs);
    if (this.#parked) throw conflict("mount is parked: unpark it before pulseGuide");
    const nowMs = this.#clock.now();
    this.#motion.settle(nowMs);
    if (this.#motion.slewing) {
      throw conflict("mount is slewing: pulseGuide is refused during a slew");
    }
    this.#motion.pulse(direction, durationMs, nowMs);
    this.#emitStatus();
  }

  /**
   * Where the optical axis really points now (J2000), mechanical errors included: the truth a
   * plate solve would find, which `status()` never shows. Simulator-only, for tests and for
   * rendering the true sky.
   */
  trueSkyPosition(): EquatorialCoord {
    const nowMs = this.#clock.now();
    this.#motion.settle(nowMs);
    const mechanical = this.#motion.positionAt(nowMs);
    return this.#sky.truePosition(mechanical, this.#motion.pierSide, this.#errors, nowMs);
  }

  /** Reported minus mechanical position on each axis (JNow), as the last sync left it. */
  get syncOffset(): SyncOffset {
    return { ...this.#syncOffset };
  }

  /** The current mechanical errors. */
  get errors(): SimMountErrors {
    return { ...this.#errors };
  }

  /**
   * Changes some of the mechanical errors (same names and ranges as the driver options), as a
   * user turning the altitude and azimuth knobs would. Throws a RangeError for a bad value.
   */
  setErrors(changes: Partial<SimMountErrors>): void {
    this.#errors = parseSimMountErrors({ ...this.#errors, ...changes });
    this.#log.info("mechanical errors changed", { errors: this.#errors });
  }

  // ---- plumbing -------------------------------------------------------------------------------

  #snapshot(nowMs: number): MountStatus {
    return this.#sky.status({
      connected: this.#connected,
      mechanical: this.#motion.positionAt(nowMs),
      syncOffset: this.#syncOffset,
      tracking: this.#motion.tracking,
      slewing: this.#motion.slewing,
      parked: this.#parked,
      pulseGuiding: this.#motion.pulseGuiding,
      pierSide: this.#motion.pierSide,
      target: this.#target,
    }, nowMs);
  }

  #assertConnected(): void {
    if (!this.#connected) throw new DeviceNotConnectedError("mount");
  }

  #emitStatus(): void {
    this.#emitSnapshot(this.#clock.now());
  }

  #emitSnapshot(nowMs: number): void {
    if (this.#statusEmitter.size > 0) this.#statusEmitter.emit(this.#snapshot(nowMs));
  }

  /** Halts all motion in place, stops every timer and marks the mount disconnected. */
  #stopEverything(): void {
    this.#motion.halt(this.#clock.now());
    this.#connected = false;
  }

  #lose(reason: string): void {
    if (!this.#connected) return;
    this.#stopEverything();
    this.#log.warn("connection lost", { reason });
    this.#lostEmitter.emit(reason);
    this.#emitStatus();
  }
}
