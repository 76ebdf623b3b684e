/**
 * What the simulated mount's axes mean on its site's sky. The motion model (mount_motion.ts)
 * knows only where the axes point in JNow; this turns that into what the mount reports — J2000
 * through the sync offset, Alt/Az at the site's apparent sidereal time, the pier side and the
 * time to the meridian flip, both mechanical — and into where the optics truly point through the
 * mechanical errors. It also places the park position, fixed in Alt/Az, on the moving sky. All
 * pure given the instant, so the mount can ask at any time without side effects.
 */
import {
  type EquatorialCoord,
  equatorialToHorizontal,
  type HorizontalCoord,
  horizontalToEquatorial,
  hourAngleHours,
  wrapHours,
  wrapHours12,
} from "../../lib/astro/coords.ts";
import { pierSideForHourAngle, timeToFlipS } from "../../lib/astro/meridian.ts";
import { jnowToJ2000 } from "../../lib/astro/precession.ts";
import { lstHours } from "../../lib/astro/time.ts";
import type { Site } from "../device.ts";
import type { MountStatus, PierSide, TrackingMode } from "../mount.ts";
import { trueHaDec } from "./mount_errors.ts";
import type { SimMountErrors, SimMountSetup } from "./mount_options.ts";
import { NO_SYNC_OFFSET, reportedFromMechanical, type SyncOffset } from "./mount_sync_offset.ts";

/** Everything the status report depends on besides the site, at one instant. */
export interface MountState {
  connected: boolean;
  /** Where the axes point (the encoders, before the sync offset), JNow. */
  mechanical: EquatorialCoord;
  syncOffset: SyncOffset;
  tracking: TrackingMode;
  slewing: boolean;
  parked: boolean;
  pulseGuiding: boolean;
  pierSide: PierSide;
  target: EquatorialCoord | null;
}

export class MountSky {
  readonly #site: Site;
  readonly #options: SimMountSetup;

  constructor(site: Site, options: SimMountSetup) {
    this.#site = site;
    this.#options = options;
  }

  lstHours(atMs: number): number {
    return lstHours(atMs, this.#site.longitudeDeg);
  }

  horizontalAt(jnow: EquatorialCoord, atMs: number): HorizontalCoord {
    return equatorialToHorizontal(jnow, this.lstHours(atMs), this.#site.latitudeDeg);
  }

  /** The park position (fixed in Alt/Az) as a JNow position at `atMs`. */
  parkPositionAt(atMs: number): EquatorialCoord {
    const park = { altDeg: this.#options.parkAltDeg, azDeg: this.#options.parkAzDeg };
    return horizontalToEquatorial(park, this.lstHours(atMs), this.#site.latitudeDeg);
  }

  /** The pier side of axes at `jnow` (mechanical: a sync offset never flips the mount). */
  pierSideAt(jnow: EquatorialCoord, atMs: number): PierSide {
    if (this.#options.alignment !== "germanPolar") return "unknown";
    return pierSideForHourAngle(hourAngleHours(jnow.raHours, this.lstHours(atMs)));
  }

  /**
   * Where the optical axis really points (J2000) when the axes are at `mechanical` (JNow) on
   * `pierSide`, with the mechanical errors `errors`: the truth a plate solve would find.
   */
  truePosition(
    mechanical: EquatorialCoord,
    pierSide: PierSide,
    errors: SimMountErrors,
    nowMs: number,
  ): EquatorialCoord {
    const lst = this.lstHours(nowMs);
    const truth = trueHaDec(
      { haHours: wrapHours12(lst - mechanical.raHours), decDeg: mechanical.decDeg, pierSide },
      errors,
      this.#site.latitudeDeg,
    );
    return jnowToJ2000({ raHours: wrapHours(lst - truth.haHours), decDeg: truth.decDeg }, nowMs);
  }

  /** The mount's status report for `state` at `nowMs`. */
  status(state: MountState, nowMs: number): MountStatus {
    const jnow = reportedFromMechanical(state.mechanical, state.syncOffset);
    const position = jnowToJ2000(jnow, nowMs);
    const siderealTimeHours = this.lstHours(nowMs);
    // Parked and never synced, the mount reports its configured park Alt/Az verbatim rather than
    // a value that went through two frame conversions (which would read e.g. 359.9999999° instead
    // of 0°); after a sync the report is offset from the axes, so Alt/Az must follow RA/Dec.
    const unsynced = state.syncOffset === NO_SYNC_OFFSET;
    const horizontal = state.parked && unsynced
      ? { altDeg: this.#options.parkAltDeg, azDeg: this.#options.parkAzDeg }
      : this.horizontalAt(jnow, nowMs);
    return {
      connected: state.connected,
      raHours: position.raHours,
      decDeg: position.decDeg,
      altDeg: horizontal.altDeg,
      azDeg: horizontal.azDeg,
      siderealTimeHours,
      tracking: state.tracking,
      slewing: state.slewing,
      parked: state.parked,
      // The simulator has no separate home sensor; home is never reported.
      atHome: false,
      pulseGuiding: state.pulseGuiding,
      pierSide: state.pierSide,
      // The flip is mechanical: the counterweight meets the pier at an axis angle, not a sky one.
      timeToFlipS: state.slewing || this.#options.alignment !== "germanPolar" ? null : timeToFlipS({
        haHours: hourAngleHours(state.mechanical.raHours, siderealTimeHours),
        pierSide: state.pierSide,
        tracking: state.tracking,
        flipLimitDeg: this.#options.flipLimitDeg,
      }),
      target: state.target ? { ...state.target } : null,
    };
  }
}
