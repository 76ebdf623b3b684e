/**
 * Simulated German equatorial mount. It keeps no hidden motion loop: the pointing is a function of
 * the context's clock — an anchor position plus the drift of the tracking rate, a slew linearly
 * interpolated in hour angle and declination (both axes at once, lasting the larger axis angle
 * over the slew rate), and active guide pulses — so `status()` is cheap and exact even on a
 * ManualClock. A 10 Hz timer only runs while something moves, to push status events during slews
 * and to notice arrivals; every timer stops on disconnect. Positions cross the contract in J2000
 * (the API's epoch), but the model runs in JNow, the frame the axes physically turn in: tracking
 * "off" then holds the hour angle exactly, and Alt/Az, hour angle and pier side come straight
 * from JNow at the site's apparent sidereal time, matching core/astro to the arcsecond. The motion
 * model moves the mechanical axes (the encoders); the mount reports them plus a sync offset
 * (mount_sync_offset.ts), as a real mount does: a sync only changes that offset, a goto drives
 * the axes to the target minus it, and everything physical — where the optics really point
 * (`trueSkyPosition`, through the mechanical errors), the pier side, the time to the meridian
 * flip, the park position — follows the axes, never the offset.
 */
import {
  assertEquatorial,
  type EquatorialCoord,
  equatorialToHorizontal,
  type HorizontalCoord,
  horizontalToEquatorial,
  hourAngleHours,
  wrapHours,
  wrapHours12,
} from "../../core/astro/coords.ts";
import {
  pierSideForHourAngle,
  timeToFlipS,
  TRACKING_RATE_ARCSEC_PER_S,
} from "../../core/astro/meridian.ts";
import { j2000ToJNow, jnowToJ2000 } from "../../core/astro/precession.ts";
import { lstHours, SIDEREAL_RATE_ARCSEC_PER_S } from "../../core/astro/time.ts";
import type { Clock } from "../../core/clock.ts";
import { conflict, DeviceNotConnectedError } from "../../core/errors.ts";
import type { Logger } from "../../core/log.ts";
import type { DeviceInfo, DriverContext, Site } from "../device.ts";
import { Emitter } from "../emitter.ts";
import {
  type GuideDirection,
  type Mount,
  type MountCapabilities,
  type MountStatus,
  type PierSide,
  TRACKING_MODES,
  type TrackingMode,
  type TrackingRate,
} from "../mount.ts";
import { SimFaults, type Simulated } from "./faults.ts";
import { trueHaDec } from "./mount_errors.ts";
import {
  mechanicalFromReported,
  NO_SYNC_OFFSET,
  reportedFromMechanical,
  type SyncOffset,
  syncOffsetBetween,
} from "./mount_sync_offset.ts";
import type { SimOpticsLink } from "./optics_link.ts";
import {
  KNOWN_OPTIONS,
  parseSimMountErrors,
  parseSimMountOptions,
  type SimMountErrors,
  type SimMountOptions,
} from "./mount_options.ts";

const GUIDE_DIRECTIONS: readonly GuideDirection[] = ["north", "south", "east", "west"];
/** ASCOM's customary default guide rate: half of sidereal. */
const GUIDE_RATE_ARCSEC_PER_S = 0.5 * SIDEREAL_RATE_ARCSEC_PER_S;
const MAX_PULSE_MS = 60_000;
const TICK_MS = 100;
const ARCSEC_PER_HOUR = 54_000;

interface Slew {
  kind: "goto" | "park";
  startMs: number;
  endMs: number;
  /** Hour angle (JNow) at the start. */
  startHaHours: number;
  deltaHaHours: number;
  startDecDeg: number;
  deltaDecDeg: number;
  /** Where the axes will be at endMs (mechanical, before the sync offset), JNow. */
  destination: EquatorialCoord;
}

interface Pulse {
  startMs: number;
  endMs: number;
  raRateHoursPerMs: number;
  decRateDegPerMs: number;
}

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
  readonly #options: SimMountOptions;
  readonly #statusEmitter = new Emitter<MountStatus>();
  readonly #lostEmitter = new Emitter<string>();

  #connected = false;
  #parked = false;
  #tracking: TrackingMode = "off";
  /** The rate tracking resumes at after a goto or unpark. */
  #trackingRate: TrackingRate = "sidereal";
  #pierSide: PierSide = "unknown";
  #target: EquatorialCoord | null = null;
  /**
   * Resting position in JNow, the frame the axes physically turn in (so tracking "off" holds the
   * hour angle exactly): RA at #anchorMs, drifting with the tracking rate; Dec is fixed.
   */
  #anchorMs: number;
  #anchorRaHours: number;
  #decDeg: number;
  #slew: Slew | null = null;
  #pulses: Pulse[] = [];
  #ticker: ReturnType<typeof setInterval> | undefined;
  /** Mechanical errors; mutable so a test can play a user turning the polar-alignment knobs. */
  #errors: SimMountErrors;
  /**
   * Reported minus mechanical position, set by sync. Like a real mount's alignment it belongs to
   * the powered mount, not to a session: park, unpark, a disconnect or a lost connection keep it
   * (the axes do not move either); only a new driver instance (a profile (re)load) starts at zero.
   */
  #syncOffset: SyncOffset = NO_SYNC_OFFSET;

  /** `optics`: the registry's light path, through which a simulated camera sees the true pointing. */
  constructor(ctx: DriverContext, optics: SimOpticsLink | null = null) {
    this.#clock = ctx.clock;
    this.#log = ctx.log.child("sim.mount");
    this.#site = ctx.site;
    this.#options = parseSimMountOptions(ctx.options, ctx.site);
    this.#errors = { ...this.#options.errors };
    const unknown = Object.keys(ctx.options).filter((key) => !KNOWN_OPTIONS.includes(key));
    if (unknown.length > 0) {
      this.#log.warn("ignoring unknown sim mount options", { unknown, known: KNOWN_OPTIONS });
    }
    this.capabilities = {
      alignment: this.#options.alignment,
      epoch: "J2000",
      canPark: true,
      canSync: true,
      canPulseGuide: true,
      trackingRates: TRACKING_MODES,
      maxSlewRateDegPerS: this.#options.slewRateDegPerS,
    };
    // Power on where the mount was left: at the park position, not parked, not tracking.
    const nowMs = this.#clock.now();
    const park = this.#parkPositionAt(nowMs);
    this.#anchorMs = nowMs;
    this.#anchorRaHours = park.raHours;
    this.#decDeg = park.decDeg;
    this.#pierSide = this.#pierSideAt(park, nowMs);
    optics?.attachMount(() => {
      const truth = this.trueSkyPosition();
      return { raDeg: truth.raHours * 15, decDeg: truth.decDeg, pierSide: this.#pierSide };
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
    this.#settle(nowMs);
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
    if (this.#slew?.kind === "park") {
      throw conflict("mount is parking: wait, or abort the park first");
    }
    const nowMs = this.#clock.now();
    this.#settle(nowMs);
    const altDeg = this.#horizontalAt(j2000ToJNow(target, nowMs), nowMs).altDeg;
    if (altDeg < this.#options.horizonLimitDeg) {
      throw new RangeError(
        `slewTo target RA ${target.raHours.toFixed(4)} h, Dec ${target.decDeg.toFixed(3)}° is at ` +
          `altitude ${altDeg.toFixed(2)}°, below the horizon limit of ` +
          `${this.#options.horizonLimitDeg}°`,
      );
    }
    const requested = { raHours: target.raHours, decDeg: target.decDeg };
    this.#freeze(nowMs);
    // The axes go where the mount will report the target: the target minus the sync offset.
    const offset = this.#syncOffset;
    this.#startSlew(
      "goto",
      nowMs,
      (atMs) => mechanicalFromReported(j2000ToJNow(requested, atMs), offset),
    );
    this.#target = requested;
    this.#log.info("slewing", { target: requested, arriveInMs: this.#slew!.endMs - nowMs });
    this.#emitStatus();
  }

  async sync(position: EquatorialCoord): Promise<void> {
    await this.faults.check("sync");
    this.#assertConnected();
    assertEquatorial(position, "sync position");
    if (this.#parked) throw conflict("mount is parked: unpark it before sync");
    const nowMs = this.#clock.now();
    this.#settle(nowMs);
    if (this.#slew) throw conflict("mount is slewing: wait for it to arrive or abort before sync");
    this.#freeze(nowMs);
    // A sync corrects what the mount reports, never where the axes are: the optics, the pier side
    // and the time to flip stay as they were, as on a real mount.
    this.#syncOffset = syncOffsetBetween(j2000ToJNow(position, nowMs), this.#positionAt(nowMs));
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
    this.#settle(nowMs);
    if (this.#parked || this.#slew?.kind === "park") return;
    this.#freeze(nowMs);
    // Parking stops tracking at once (ASCOM Park), so the park position is fixed in Alt/Az.
    this.#tracking = "off";
    this.#target = null;
    this.#startSlew("park", nowMs, (atMs) => this.#parkPositionAt(atMs));
    this.#log.info("parking", { arriveInMs: this.#slew!.endMs - nowMs });
    this.#emitStatus();
  }

  async unpark(): Promise<void> {
    await this.faults.check("unpark");
    this.#assertConnected();
    const nowMs = this.#clock.now();
    this.#settle(nowMs);
    // Unparking while the park slew is under way cancels it where it is.
    if (!this.#parked && this.#slew?.kind !== "park") return;
    this.#freeze(nowMs);
    this.#parked = false;
    this.#trackingRate = "sidereal";
    this.#tracking = "sidereal";
    this.#log.info("unparked");
    this.#emitStatus();
  }

  async setTracking(mode: TrackingMode): Promise<void> {
    await this.faults.check("setTracking");
    this.#assertConnected();
    if (mode !== "off" && !TRACKING_MODES.includes(mode)) {
      throw new RangeError(
        `setTracking mode must be "off" or one of ${TRACKING_MODES.join(", ")}, got ${
          JSON.stringify(mode)
        }`,
      );
    }
    if (this.#parked && mode !== "off") {
      throw conflict(`mount is parked: unpark it before setting tracking to ${mode}`);
    }
    const nowMs = this.#clock.now();
    this.#settle(nowMs);
    // Fold the old rate's drift into the anchor so the new rate starts from here.
    this.#reanchor(nowMs);
    if (mode !== "off") this.#trackingRate = mode;
    if (mode === this.#tracking) return;
    this.#tracking = mode;
    this.#log.info("tracking", { mode });
    this.#emitStatus();
  }

  async abort(): Promise<void> {
    await this.faults.check("abort");
    this.#assertConnected();
    const nowMs = this.#clock.now();
    this.#settle(nowMs);
    const wasMoving = this.#slew !== null || this.#pulses.length > 0;
    this.#freeze(nowMs);
    this.#target = null;
    this.#stopTickerIfIdle();
    if (wasMoving) this.#log.info("aborted");
    this.#emitStatus();
  }

  async pulseGuide(direction: GuideDirection, durationMs: number): Promise<void> {
    await this.faults.check("pulseGuide");
    this.#assertConnected();
    if (!GUIDE_DIRECTIONS.includes(direction)) {
      throw new RangeError(
        `pulseGuide direction must be one of ${GUIDE_DIRECTIONS.join(", ")}, got ${
          JSON.stringify(direction)
        }`,
      );
    }
    if (
      typeof durationMs !== "number" || !Number.isFinite(durationMs) || durationMs <= 0 ||
      durationMs > MAX_PULSE_MS
    ) {
      throw new RangeError(
        `pulseGuide durationMs must be within (0, ${MAX_PULSE_MS}], got ${durationMs}`,
      );
    }
    if (this.#parked) throw conflict("mount is parked: unpark it before pulseGuide");
    const nowMs = this.#clock.now();
    this.#settle(nowMs);
    if (this.#slew) throw conflict("mount is slewing: pulseGuide is refused during a slew");
    const rateArcsecPerMs = GUIDE_RATE_ARCSEC_PER_S / 1000;
    // ASCOM GuideDirections: north = +Dec, south = −Dec, east = +RA, west = −RA.
    const sign = direction === "north" || direction === "east" ? 1 : -1;
    const alongRa = direction === "east" || direction === "west";
    this.#pulses.push({
      startMs: nowMs,
      endMs: nowMs + durationMs,
      raRateHoursPerMs: alongRa ? sign * rateArcsecPerMs / ARCSEC_PER_HOUR : 0,
      decRateDegPerMs: alongRa ? 0 : sign * rateArcsecPerMs / 3600,
    });
    this.#startTicker();
    this.#emitStatus();
  }

  /**
   * Where the optical axis really points now (J2000), mechanical errors included: the truth a
   * plate solve would find, which `status()` never shows. Simulator-only, for tests and for
   * rendering the true sky.
   */
  trueSkyPosition(): EquatorialCoord {
    const nowMs = this.#clock.now();
    this.#settle(nowMs);
    const jnow = this.#positionAt(nowMs);
    const lst = this.#lstHours(nowMs);
    const truth = trueHaDec(
      { haHours: wrapHours12(lst - jnow.raHours), decDeg: jnow.decDeg, pierSide: this.#pierSide },
      this.#errors,
      this.#site.latitudeDeg,
    );
    return jnowToJ2000({ raHours: wrapHours(lst - truth.haHours), decDeg: truth.decDeg }, nowMs);
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

  // ---- motion model ---------------------------------------------------------------------------

  /** RA drift of a resting mount, hours per ms: the sky turns, the RA axis follows at r. */
  #driftHoursPerMs(): number {
    const rateArcsecPerS = this.#tracking === "off"
      ? 0
      : TRACKING_RATE_ARCSEC_PER_S[this.#tracking];
    return (SIDEREAL_RATE_ARCSEC_PER_S - rateArcsecPerS) / ARCSEC_PER_HOUR / 1000;
  }

  #restingRaHours(nowMs: number): number {
    return wrapHours(this.#anchorRaHours + this.#driftHoursPerMs() * (nowMs - this.#anchorMs));
  }

  /** Where the axes point at `nowMs` (the encoders, before the sync offset), JNow. */
  #positionAt(nowMs: number): EquatorialCoord {
    const slew = this.#slew;
    if (slew) {
      const span = slew.endMs - slew.startMs;
      const fraction = span <= 0 ? 1 : Math.min(1, Math.max(0, (nowMs - slew.startMs) / span));
      const haHours = slew.startHaHours + fraction * slew.deltaHaHours;
      return {
        raHours: wrapHours(this.#lstHours(nowMs) - haHours),
        decDeg: slew.startDecDeg + fraction * slew.deltaDecDeg,
      };
    }
    let raHours = this.#restingRaHours(nowMs);
    let decDeg = this.#decDeg;
    for (const pulse of this.#pulses) {
      const elapsedMs = Math.min(nowMs, pulse.endMs) - pulse.startMs;
      raHours += pulse.raRateHoursPerMs * elapsedMs;
      decDeg += pulse.decRateDegPerMs * elapsedMs;
    }
    return { raHours: wrapHours(raHours), decDeg: Math.min(90, Math.max(-90, decDeg)) };
  }

  /** Re-bases the resting drift at `nowMs` without stopping pulses. */
  #reanchor(nowMs: number): void {
    if (this.#slew) return;
    this.#anchorRaHours = this.#restingRaHours(nowMs);
    this.#anchorMs = nowMs;
  }

  /** Stops every motion where it is: the current pointing becomes the resting anchor. */
  #freeze(nowMs: number): void {
    const here = this.#positionAt(nowMs);
    this.#slew = null;
    this.#pulses = [];
    this.#anchorMs = nowMs;
    this.#anchorRaHours = here.raHours;
    this.#decDeg = here.decDeg;
  }

  /**
   * Plans a slew from the (frozen) current position. Both axes move together and arrive together;
   * the hour-angle axis takes the short way round. The destination's hour angle depends on the
   * arrival time, which depends on the distance: two refinements converge far below an
   * arcsecond, because the sky moves 15″/s while the mount moves degrees per second.
   */
  #startSlew(kind: Slew["kind"], nowMs: number, destinationAt: (atMs: number) => EquatorialCoord) {
    const startHaHours = wrapHours12(this.#lstHours(nowMs) - this.#anchorRaHours);
    const plan = (atMs: number) => {
      const destination = destinationAt(atMs);
      const deltaHaHours = wrapHours12(this.#lstHours(atMs) - destination.raHours - startHaHours);
      const deltaDecDeg = destination.decDeg - this.#decDeg;
      const durationS = Math.max(Math.abs(deltaHaHours) * 15, Math.abs(deltaDecDeg)) /
        this.#options.slewRateDegPerS;
      return { destination, deltaHaHours, deltaDecDeg, endMs: nowMs + durationS * 1000 };
    };
    let step = plan(nowMs);
    for (let i = 0; i < 2; i++) step = plan(step.endMs);
    this.#slew = {
      kind,
      startMs: nowMs,
      endMs: step.endMs,
      startHaHours,
      deltaHaHours: step.deltaHaHours,
      startDecDeg: this.#decDeg,
      deltaDecDeg: step.deltaDecDeg,
      destination: step.destination,
    };
    this.#pierSide = this.#pierSideAt(step.destination, step.endMs);
    this.#startTicker();
  }

  /** Completes whatever motion has run its course by `nowMs`, emitting for each completion. */
  #settle(nowMs: number): void {
    const slew = this.#slew;
    if (slew && nowMs >= slew.endMs) {
      this.#slew = null;
      // Snap to the exact destination, so arrival is exact whatever the tick timing was.
      this.#anchorMs = slew.endMs;
      this.#anchorRaHours = slew.destination.raHours;
      this.#decDeg = slew.destination.decDeg;
      if (slew.kind === "park") {
        this.#parked = true;
        this.#tracking = "off";
        this.#log.info("parked");
      } else {
        if (this.#tracking === "off") this.#tracking = this.#trackingRate;
        this.#log.info("arrived", { axesJNow: slew.destination });
      }
      this.#reanchor(nowMs);
      this.#emitSnapshot(nowMs);
    }
    const finished = this.#pulses.filter((pulse) => nowMs >= pulse.endMs);
    if (finished.length > 0) {
      this.#pulses = this.#pulses.filter((pulse) => nowMs < pulse.endMs);
      for (const pulse of finished) {
        const spanMs = pulse.endMs - pulse.startMs;
        this.#anchorRaHours = wrapHours(this.#anchorRaHours + pulse.raRateHoursPerMs * spanMs);
        this.#decDeg = Math.min(90, Math.max(-90, this.#decDeg + pulse.decRateDegPerMs * spanMs));
      }
      this.#emitSnapshot(nowMs);
    }
    this.#stopTickerIfIdle();
  }

  // ---- sky ------------------------------------------------------------------------------------

  #lstHours(nowMs: number): number {
    return lstHours(nowMs, this.#site.longitudeDeg);
  }

  #horizontalAt(jnow: EquatorialCoord, nowMs: number): HorizontalCoord {
    return equatorialToHorizontal(jnow, this.#lstHours(nowMs), this.#site.latitudeDeg);
  }

  /** The park position (fixed in Alt/Az) as a JNow position at `atMs`. */
  #parkPositionAt(atMs: number): EquatorialCoord {
    const park = { altDeg: this.#options.parkAltDeg, azDeg: this.#options.parkAzDeg };
    return horizontalToEquatorial(park, this.#lstHours(atMs), this.#site.latitudeDeg);
  }

  /** The pier side of axes at `jnow` (mechanical: a sync offset never flips the mount). */
  #pierSideAt(jnow: EquatorialCoord, atMs: number): PierSide {
    if (this.#options.alignment !== "germanPolar") return "unknown";
    return pierSideForHourAngle(hourAngleHours(jnow.raHours, this.#lstHours(atMs)));
  }

  #snapshot(nowMs: number): MountStatus {
    const mechanical = this.#positionAt(nowMs);
    const jnow = reportedFromMechanical(mechanical, this.#syncOffset);
    const position = jnowToJ2000(jnow, nowMs);
    const siderealTimeHours = this.#lstHours(nowMs);
    // Parked and never synced, the mount reports its configured park Alt/Az verbatim rather than
    // a value that went through two frame conversions (which would read e.g. 359.9999999° instead
    // of 0°); after a sync the report is offset from the axes, so Alt/Az must follow RA/Dec.
    const unsynced = this.#syncOffset === NO_SYNC_OFFSET;
    const horizontal = this.#parked && unsynced
      ? { altDeg: this.#options.parkAltDeg, azDeg: this.#options.parkAzDeg }
      : this.#horizontalAt(jnow, nowMs);
    const slewing = this.#slew !== null;
    return {
      connected: this.#connected,
      raHours: position.raHours,
      decDeg: position.decDeg,
      altDeg: horizontal.altDeg,
      azDeg: horizontal.azDeg,
      siderealTimeHours,
      tracking: this.#tracking,
      slewing,
      parked: this.#parked,
      // The simulator has no separate home sensor; home is never reported.
      atHome: false,
      pulseGuiding: this.#pulses.length > 0,
      pierSide: this.#pierSide,
      // The flip is mechanical: the counterweight meets the pier at an axis angle, not a sky one.
      timeToFlipS: slewing || this.#options.alignment !== "germanPolar" ? null : timeToFlipS({
        haHours: hourAngleHours(mechanical.raHours, siderealTimeHours),
        pierSide: this.#pierSide,
        tracking: this.#tracking,
        flipLimitDeg: this.#options.flipLimitDeg,
      }),
      target: this.#target ? { ...this.#target } : null,
    };
  }

  // ---- plumbing -------------------------------------------------------------------------------

  #assertConnected(): void {
    if (!this.#connected) throw new DeviceNotConnectedError("mount");
  }

  #emitStatus(): void {
    this.#emitSnapshot(this.#clock.now());
  }

  #emitSnapshot(nowMs: number): void {
    if (this.#statusEmitter.size > 0) this.#statusEmitter.emit(this.#snapshot(nowMs));
  }

  #startTicker(): void {
    if (this.#ticker !== undefined) return;
    this.#ticker = setInterval(() => {
      const nowMs = this.#clock.now();
      this.#settle(nowMs);
      if (this.#slew) this.#emitSnapshot(nowMs);
    }, TICK_MS);
  }

  #stopTickerIfIdle(): void {
    if (this.#ticker === undefined || this.#slew || this.#pulses.length > 0) return;
    clearInterval(this.#ticker);
    this.#ticker = undefined;
  }

  /** Halts all motion in place, stops every timer and marks the mount disconnected. */
  #stopEverything(): void {
    this.#freeze(this.#clock.now());
    clearInterval(this.#ticker);
    this.#ticker = undefined;
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
