/**
 * The sky-side physics behind every simulated hand controller: a two-axis mount that slews at a
 * finite rate (each axis at most `slewRateDegPerS`, both at once), tracks at the chosen rate (off
 * means the hour angle stays put and RA grows with sidereal time), parks at the celestial pole,
 * syncs, and refuses a goto below its horizon. Positions are of date (JNow: the true equator and
 * equinox of now), because that is the sky a mount's axes turn in and what LX200, OnStep and
 * NexStar controllers speak; a controller that speaks J2000 (SynScan) converts on its wire. The
 * model advances lazily to the wall clock whenever it is read, so it needs no timer.
 */
import { equatorialToHorizontal, wrapHours, wrapHours12 } from "../../../lib/astro/coords.ts";
import { TRACKING_RATE_ARCSEC_PER_S } from "../../../lib/astro/meridian.ts";
import { lstHours, SIDEREAL_RATE_ARCSEC_PER_S } from "../../../lib/astro/time.ts";
import type { Site } from "../../../devices/device.ts";
import type { PierSide, TrackingMode } from "../../../devices/mount.ts";

export interface Position {
  raHours: number;
  decDeg: number;
}

export class MountModel {
  slewRateDegPerS: number;
  horizonLimitDeg = 0;
  position: Position;
  tracking: TrackingMode = "sidereal";
  parked = false;
  parking = false;
  pierSide: PierSide = "west";
  #site: Site;
  #target: Position | null = null;
  #lastMs: number;

  constructor(site: Site, slewRateDegPerS = 60) {
    this.#site = site;
    this.slewRateDegPerS = slewRateDegPerS;
    this.#lastMs = Date.now();
    // Start an hour east of the meridian at Dec 30°, tracking.
    this.position = { raHours: wrapHours(this.lst() + 1), decDeg: 30 };
  }

  lst(): number {
    return lstHours(Date.now(), this.#site.longitudeDeg);
  }

  get slewing(): boolean {
    this.update();
    return this.#target !== null;
  }

  altitudeDeg(position: Position): number {
    return equatorialToHorizontal(position, this.lst(), this.#site.latitudeDeg).altDeg;
  }

  /** Starts a goto: 0 started, 1 below the horizon, 4 parked. */
  goto(target: Position): number {
    this.update();
    if (this.parked) return 4;
    if (this.altitudeDeg(target) < this.horizonLimitDeg) return 1;
    this.#target = { ...target };
    this.pierSide = wrapHours12(this.lst() - target.raHours) >= 0 ? "east" : "west";
    return 0;
  }

  sync(position: Position): void {
    this.update();
    this.position = { ...position };
  }

  abort(): void {
    this.update();
    this.#target = null;
    this.parking = false;
  }

  park(): void {
    this.update();
    this.parking = true;
    this.#target = { raHours: this.lst(), decDeg: this.#site.latitudeDeg >= 0 ? 90 : -90 };
  }

  unpark(): void {
    this.update();
    this.parked = false;
  }

  setTracking(mode: TrackingMode): void {
    this.update();
    this.tracking = mode;
  }

  /** Applies a guide pulse at half sidereal rate, all at once. */
  guide(direction: "n" | "s" | "e" | "w", durationMs: number): void {
    this.update();
    const deg = 0.5 * SIDEREAL_RATE_ARCSEC_PER_S / 3600 * durationMs / 1000;
    if (direction === "n") this.position.decDeg = Math.min(90, this.position.decDeg + deg);
    if (direction === "s") this.position.decDeg = Math.max(-90, this.position.decDeg - deg);
    if (direction === "e") this.position.raHours = wrapHours(this.position.raHours + deg / 15);
    if (direction === "w") this.position.raHours = wrapHours(this.position.raHours - deg / 15);
  }

  /** Advances slew and tracking to now. */
  update(): void {
    const nowMs = Date.now();
    const dtS = (nowMs - this.#lastMs) / 1000;
    this.#lastMs = nowMs;
    if (dtS <= 0) return;
    const target = this.#target;
    if (target) {
      const stepDeg = this.slewRateDegPerS * dtS;
      const raGapDeg = wrapHours12(target.raHours - this.position.raHours) * 15;
      const decGapDeg = target.decDeg - this.position.decDeg;
      if (Math.abs(raGapDeg) <= stepDeg && Math.abs(decGapDeg) <= stepDeg) {
        this.position = { ...target };
        this.#target = null;
        if (this.parking) {
          this.parking = false;
          this.parked = true;
          this.tracking = "off";
        } else {
          this.tracking = "sidereal";
        }
      } else {
        this.position = {
          raHours: wrapHours(
            this.position.raHours +
              Math.sign(raGapDeg) * Math.min(stepDeg, Math.abs(raGapDeg)) / 15,
          ),
          decDeg: this.position.decDeg +
            Math.sign(decGapDeg) * Math.min(stepDeg, Math.abs(decGapDeg)),
        };
      }
      return;
    }
    // With the drive off the pointing keeps its hour angle, so RA grows at the sidereal rate;
    // a slower drive (lunar, solar) lets RA grow by the difference.
    const driveArcsecPerS = this.tracking === "off" ? 0 : TRACKING_RATE_ARCSEC_PER_S[this.tracking];
    const raDriftHours = (SIDEREAL_RATE_ARCSEC_PER_S - driveArcsecPerS) * dtS / 54_000;
    if (this.parked || raDriftHours !== 0) {
      this.position.raHours = this.parked
        ? this.lst()
        : wrapHours(this.position.raHours + raDriftHours);
    }
  }
}
