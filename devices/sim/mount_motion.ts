/**
 * The simulated mount's motion model: where its mechanical axes (the encoders, before any sync
 * offset) point, in JNow, as a function of the clock. A resting mount is an anchor position whose
 * RA drifts by the sky's turn minus the tracking rate, so tracking "off" holds the hour angle; a
 * slew is interpolated linearly in hour angle and declination, both axes arriving together after
 * the larger axis angle over the slew rate; guide pulses (mount_guide.ts) add their shift. The
 * pier side follows the axes too: it is set from where a slew will arrive, never by a sync.
 * Nothing runs in the background except a 10 Hz timer while something moves, which settles
 * finished motions and lets the mount push status during slews; `halt` always clears it. The
 * mount (mount.ts) decides what is allowed; this class only moves.
 */
import { type EquatorialCoord, wrapHours, wrapHours12 } from "../../lib/astro/coords.ts";
import { TRACKING_RATE_ARCSEC_PER_S } from "../../lib/astro/meridian.ts";
import { SIDEREAL_RATE_ARCSEC_PER_S } from "../../lib/astro/time.ts";
import type { Clock } from "../../lib/clock.ts";
import {
  type GuideDirection,
  type PierSide,
  TRACKING_MODES,
  type TrackingMode,
  type TrackingRate,
} from "../mount.ts";
import { ARCSEC_PER_HOUR, type GuidePulse, guidePulse, pulseShift } from "./mount_guide.ts";
import type { MountSky } from "./mount_sky.ts";

const TICK_MS = 100;

export type SlewKind = "goto" | "park";

interface Slew {
  kind: SlewKind;
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

export interface MountMotionParams {
  /** Read only by the ticker: every other call is given its instant, so one call sees one time. */
  clock: Clock;
  /** The site's sky: sidereal time for hour angles, and the pier side of a position. */
  sky: MountSky;
  slewRateDegPerS: number;
  /** Where the axes rest at power-on (JNow), and since when. */
  initial: EquatorialCoord;
  initialMs: number;
  /** A slew reached its destination; tracking has already stopped (park) or resumed (goto). */
  onArrived: (kind: SlewKind, destination: EquatorialCoord) => void;
  /** The position changed in a way listeners should hear about (an arrival, a slew tick). */
  onChange: (nowMs: number) => void;
}

/** Throws a RangeError unless `mode` is "off" or a tracking rate the mount offers. */
export function assertTrackingMode(mode: TrackingMode): void {
  if (mode !== "off" && !TRACKING_MODES.includes(mode)) {
    throw new RangeError(
      `setTracking mode must be "off" or one of ${TRACKING_MODES.join(", ")}, got ${
        JSON.stringify(mode)
      }`,
    );
  }
}

export class MountMotion {
  readonly #params: MountMotionParams;
  #tracking: TrackingMode = "off";
  /** The rate tracking resumes at after a goto or unpark. */
  #trackingRate: TrackingRate = "sidereal";
  /** RA at #anchorMs, drifting with the tracking rate; Dec is fixed. */
  #anchorMs: number;
  #anchorRaHours: number;
  #decDeg: number;
  #slew: Slew | null = null;
  /** Mechanical, so it follows the axes (a slew's destination), never a sync. */
  #pierSide: PierSide;
  #pulses: GuidePulse[] = [];
  #ticker: ReturnType<typeof setInterval> | undefined;

  constructor(params: MountMotionParams) {
    this.#params = params;
    this.#anchorMs = params.initialMs;
    this.#anchorRaHours = params.initial.raHours;
    this.#decDeg = params.initial.decDeg;
    this.#pierSide = params.sky.pierSideAt(params.initial, params.initialMs);
  }

  get pierSide(): PierSide {
    return this.#pierSide;
  }

  get tracking(): TrackingMode {
    return this.#tracking;
  }

  /** The kind of slew under way, or null when none is (as of the last settle). */
  get slewKind(): SlewKind | null {
    return this.#slew?.kind ?? null;
  }

  get slewing(): boolean {
    return this.#slew !== null;
  }

  get pulseGuiding(): boolean {
    return this.#pulses.length > 0;
  }

  /**
   * Sets the tracking mode (and, unless "off", the rate a goto resumes at), folding the old
   * rate's drift into the anchor first so the new rate starts from here. Returns whether the
   * mode changed.
   */
  setTracking(mode: TrackingMode, nowMs: number): boolean {
    this.#reanchor(nowMs);
    if (mode !== "off") this.#trackingRate = mode;
    if (mode === this.#tracking) return false;
    this.#tracking = mode;
    return true;
  }

  /** Stops tracking without touching the resume rate; call on a frozen mount (ASCOM Park). */
  stopTracking(): void {
    this.#tracking = "off";
  }

  /** Tracks at sidereal again, as an unparked mount does; call on a frozen mount. */
  resumeSidereal(): void {
    this.#trackingRate = "sidereal";
    this.#tracking = "sidereal";
  }

  /** Where the axes point at `nowMs` (the encoders, before the sync offset), JNow. */
  positionAt(nowMs: number): EquatorialCoord {
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
      const shift = pulseShift(pulse, nowMs);
      raHours += shift.raHours;
      decDeg += shift.decDeg;
    }
    return { raHours: wrapHours(raHours), decDeg: Math.min(90, Math.max(-90, decDeg)) };
  }

  /** Stops every motion where it is: the current pointing becomes the resting anchor. */
  freeze(nowMs: number): void {
    const here = this.positionAt(nowMs);
    this.#slew = null;
    this.#pulses = [];
    this.#anchorMs = nowMs;
    this.#anchorRaHours = here.raHours;
    this.#decDeg = here.decDeg;
  }

  /** Freezes and stops the ticker; returns whether anything was moving. */
  abort(nowMs: number): boolean {
    const wasMoving = this.#slew !== null || this.#pulses.length > 0;
    this.freeze(nowMs);
    this.#stopTickerIfIdle();
    return wasMoving;
  }

  /** Halts all motion in place and clears the timer, whatever was under way (a disconnect). */
  halt(nowMs: number): void {
    this.freeze(nowMs);
    clearInterval(this.#ticker);
    this.#ticker = undefined;
  }

  /**
   * Plans a slew from the (frozen) current position. Both axes move together and arrive together;
   * the hour-angle axis takes the short way round. The destination's hour angle depends on the
   * arrival time, which depends on the distance: two refinements converge far below an
   * arcsecond, because the sky moves 15″/s while the mount moves degrees per second. Points the
   * pier side where the axes will arrive and returns the arrival time.
   */
  startSlew(
    kind: SlewKind,
    nowMs: number,
    destinationAt: (atMs: number) => EquatorialCoord,
  ): number {
    const startHaHours = wrapHours12(this.#lstHours(nowMs) - this.#anchorRaHours);
    const plan = (atMs: number) => {
      const destination = destinationAt(atMs);
      const deltaHaHours = wrapHours12(this.#lstHours(atMs) - destination.raHours - startHaHours);
      const deltaDecDeg = destination.decDeg - this.#decDeg;
      const durationS = Math.max(Math.abs(deltaHaHours) * 15, Math.abs(deltaDecDeg)) /
        this.#params.slewRateDegPerS;
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
    this.#pierSide = this.#params.sky.pierSideAt(step.destination, step.endMs);
    this.#startTicker();
    return step.endMs;
  }

  /** Starts a guide pulse (arguments checked by `assertGuidePulse`) on top of any running. */
  pulse(direction: GuideDirection, durationMs: number, nowMs: number): void {
    this.#pulses.push(guidePulse(direction, durationMs, nowMs));
    this.#startTicker();
  }

  /** Completes whatever motion has run its course by `nowMs`, reporting each completion. */
  settle(nowMs: number): void {
    const slew = this.#slew;
    if (slew && nowMs >= slew.endMs) {
      this.#slew = null;
      // Snap to the exact destination, so arrival is exact whatever the tick timing was.
      this.#anchorMs = slew.endMs;
      this.#anchorRaHours = slew.destination.raHours;
      this.#decDeg = slew.destination.decDeg;
      if (slew.kind === "park") this.#tracking = "off";
      else if (this.#tracking === "off") this.#tracking = this.#trackingRate;
      this.#params.onArrived(slew.kind, slew.destination);
      this.#reanchor(nowMs);
      this.#params.onChange(nowMs);
    }
    const finished = this.#pulses.filter((pulse) => nowMs >= pulse.endMs);
    if (finished.length > 0) {
      this.#pulses = this.#pulses.filter((pulse) => nowMs < pulse.endMs);
      for (const pulse of finished) {
        const shift = pulseShift(pulse, pulse.endMs);
        this.#anchorRaHours = wrapHours(this.#anchorRaHours + shift.raHours);
        this.#decDeg = Math.min(90, Math.max(-90, this.#decDeg + shift.decDeg));
      }
      this.#params.onChange(nowMs);
    }
    this.#stopTickerIfIdle();
  }

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

  /** Re-bases the resting drift at `nowMs` without stopping pulses. */
  #reanchor(nowMs: number): void {
    if (this.#slew) return;
    this.#anchorRaHours = this.#restingRaHours(nowMs);
    this.#anchorMs = nowMs;
  }

  #lstHours(nowMs: number): number {
    return this.#params.sky.lstHours(nowMs);
  }

  #startTicker(): void {
    if (this.#ticker !== undefined) return;
    this.#ticker = setInterval(() => {
      const nowMs = this.#params.clock.now();
      this.settle(nowMs);
      if (this.#slew) this.#params.onChange(nowMs);
    }, TICK_MS);
  }

  #stopTickerIfIdle(): void {
    if (this.#ticker === undefined || this.#slew || this.#pulses.length > 0) return;
    clearInterval(this.#ticker);
    this.#ticker = undefined;
  }
}
