/**
 * The Mount contract over a serial hand-controller protocol. A protocol adapter (LX200/OnStep,
 * SynScan/NexStar) knows the bytes; this class owns everything the contract adds on top: the
 * connection and poll loop, argument and state checks (409 while parked, a horizon limit checked
 * here because SynScan and NexStar never refuse a low goto), and the parts of status no hand
 * controller reports alike — sidereal time, Alt/Az and time to flip are computed from the site and
 * the reported RA/Dec with lib/astro. Positions cross the contract in J2000 and the wire in the
 * controller's own frame (JNow for LX200/OnStep and NexStar): the conversion happens here and
 * nowhere above. State-changing commands bump a generation counter so a poll that was answered
 * before the command cannot overwrite what the command established.
 */
import {
  assertEquatorial,
  equatorialToHorizontal,
  hourAngleHours,
} from "../../lib/astro/coords.ts";
import { timeToFlipS } from "../../lib/astro/meridian.ts";
import { j2000ToJNow } from "../../lib/astro/precession.ts";
import { fromDeviceFrame, ofDate, toDeviceFrame } from "../mount_frame.ts";
import { lstHours } from "../../lib/astro/time.ts";
import { conflict, DeviceNotConnectedError } from "../../lib/errors.ts";
import type { DeviceInfo, DriverContext } from "../device.ts";
import { Emitter } from "../emitter.ts";
import {
  type EquatorialTarget,
  type GuideDirection,
  type Mount,
  type MountCapabilities,
  type MountStatus,
  type PierSide,
  TRACKING_MODES,
  type TrackingMode,
} from "../mount.ts";
import { SerialLink } from "./link.ts";
import type { MountProtocol } from "./mount_protocol.ts";
import type { SerialMountOptions } from "./options.ts";

const DIRECTIONS: readonly GuideDirection[] = ["north", "south", "east", "west"];
/** Longest pulse the LX200 `:Mg` command encodes (4 digits). */
export const MAX_PULSE_MS = 9999;

export class SerialMount implements Mount {
  readonly kind = "mount" as const;
  readonly info: DeviceInfo;
  readonly capabilities: MountCapabilities;
  #ctx: DriverContext<SerialMountOptions>;
  #protocol: MountProtocol;
  #link: SerialLink;
  #horizonLimitDeg: number;
  #status = new Emitter<MountStatus>();
  #lost = new Emitter<string>();
  #connected = false;
  /** The last position the controller reported, in its own frame. */
  #devicePosition: EquatorialTarget = { raHours: 0, decDeg: 0 };
  #tracking: TrackingMode = "off";
  #slewing = false;
  #parked = false;
  #atHome = false;
  #pierSide: PierSide = "unknown";
  #target: EquatorialTarget | null = null;
  #pulseUntilMs = 0;
  #generation = 0;

  constructor(ctx: DriverContext<SerialMountOptions>, protocol: MountProtocol) {
    this.#ctx = ctx;
    this.#protocol = protocol;
    const options = ctx.options;
    this.#horizonLimitDeg = options.horizonLimitDeg;
    this.capabilities = {
      alignment: options.alignment ?? protocol.defaultAlignment,
      canPark: protocol.canPark,
      canSync: true,
      canPulseGuide: protocol.canPulseGuide,
      trackingRates: protocol.trackingRates,
      maxSlewRateDegPerS: options.slewRateDegPerS,
    };
    this.info = {
      name: `${protocol.description} on ${options.path}`,
      driver: protocol.driver,
      description: protocol.description,
      driverVersion: "1.0.0",
    };
    this.#link = new SerialLink("mount", options, ctx, (reason) => this.#onLost(reason));
  }

  async connect(_signal?: AbortSignal): Promise<void> {
    if (this.#connected) return;
    this.#link.open();
    try {
      this.info.name = await this.#protocol.handshake(this.#link);
      await this.#pollOnce();
    } catch (err) {
      await this.#link.close();
      throw err;
    }
    this.#connected = true;
    this.#link.startPolling(() => this.#pollOnce());
    this.#emit();
  }

  async disconnect(): Promise<void> {
    this.#connected = false;
    this.#slewing = false;
    await this.#link.close();
    this.#emit();
  }

  status(): MountStatus {
    const nowMs = this.#ctx.clock.now();
    const { latitudeDeg, longitudeDeg } = this.#ctx.site;
    const lst = lstHours(nowMs, longitudeDeg);
    const frame = this.#protocol.frame;
    const position = fromDeviceFrame(this.#devicePosition, frame, nowMs);
    const jnow = ofDate(this.#devicePosition, frame, nowMs);
    const horizontal = equatorialToHorizontal(jnow, lst, latitudeDeg);
    const gem = this.capabilities.alignment === "germanPolar";
    const pierSide = gem ? this.#pierSide : "unknown";
    const flip = gem && !this.#parked
      ? timeToFlipS({
        haHours: hourAngleHours(jnow.raHours, lst),
        pierSide,
        tracking: this.#tracking,
      })
      : null;
    return {
      connected: this.#connected,
      raHours: position.raHours,
      decDeg: position.decDeg,
      altDeg: horizontal.altDeg,
      azDeg: horizontal.azDeg,
      siderealTimeHours: lst,
      tracking: this.#tracking,
      slewing: this.#slewing,
      parked: this.#parked,
      atHome: this.#atHome,
      pulseGuiding: nowMs < this.#pulseUntilMs,
      pierSide,
      timeToFlipS: flip,
      target: this.#target ? { ...this.#target } : null,
    };
  }

  onStatus(listener: (status: MountStatus) => void): () => void {
    return this.#status.on(listener);
  }

  onLost(listener: (reason: string) => void): () => void {
    return this.#lost.on(listener);
  }

  async slewTo(target: EquatorialTarget): Promise<void> {
    assertEquatorial(target, "target");
    this.#assertReady("slew");
    this.#assertAboveHorizon(target);
    this.#generation++;
    const nowMs = this.#ctx.clock.now();
    await this.#protocol.goto(this.#link, toDeviceFrame(target, this.#protocol.frame, nowMs));
    this.#generation++;
    this.#slewing = true;
    this.#target = { raHours: target.raHours, decDeg: target.decDeg };
    this.#pierSide = this.#pierSideOfDate(j2000ToJNow(this.#target, nowMs), nowMs);
    this.#emit();
  }

  async sync(position: EquatorialTarget): Promise<void> {
    assertEquatorial(position, "position");
    this.#assertReady("sync");
    if (this.#slewing) throw conflict("The mount cannot sync while it is slewing");
    this.#generation++;
    const nowMs = this.#ctx.clock.now();
    await this.#protocol.sync(this.#link, toDeviceFrame(position, this.#protocol.frame, nowMs));
    this.#devicePosition = await this.#protocol.readPosition(this.#link);
    this.#generation++;
    this.#emit();
  }

  async park(): Promise<void> {
    if (!this.capabilities.canPark || !this.#protocol.park) {
      throw conflict(`The ${this.#protocol.driver} protocol cannot park`);
    }
    this.#assertConnected();
    this.#generation++;
    await this.#protocol.park(this.#link);
    this.#generation++;
    this.#slewing = true;
    this.#tracking = "off";
    this.#target = null;
    this.#emit();
  }

  async unpark(): Promise<void> {
    this.#assertConnected();
    if (!this.capabilities.canPark || !this.#protocol.unpark) return;
    this.#generation++;
    await this.#protocol.unpark(this.#link);
    await this.#protocol.setTracking(this.#link, "sidereal", this.#ctx.site);
    this.#generation++;
    this.#parked = false;
    this.#tracking = "sidereal";
    this.#emit();
  }

  async setTracking(mode: TrackingMode): Promise<void> {
    if (mode !== "off" && !TRACKING_MODES.includes(mode)) {
      throw new RangeError(
        `mode must be "off" or one of ${TRACKING_MODES.join(", ")}, got ${mode}`,
      );
    }
    if (mode !== "off" && !this.capabilities.trackingRates.includes(mode)) {
      throw new RangeError(
        `the ${this.#protocol.driver} protocol cannot track at the ${mode} rate`,
      );
    }
    this.#assertConnected();
    if (this.#parked) throw conflict("The mount is parked: unpark it before changing tracking");
    this.#generation++;
    await this.#protocol.setTracking(this.#link, mode, this.#ctx.site);
    this.#generation++;
    this.#tracking = mode;
    this.#emit();
  }

  async abort(): Promise<void> {
    this.#assertConnected();
    this.#generation++;
    await this.#protocol.abort(this.#link);
    // Re-read at once: the last poll may be a tenth of a second and several degrees old.
    this.#devicePosition = await this.#protocol.readPosition(this.#link);
    this.#generation++;
    this.#slewing = false;
    this.#target = null;
    this.#pulseUntilMs = 0;
    this.#emit();
  }

  async pulseGuide(direction: GuideDirection, durationMs: number): Promise<void> {
    if (!DIRECTIONS.includes(direction)) {
      throw new RangeError(`direction must be one of ${DIRECTIONS.join(", ")}, got ${direction}`);
    }
    if (!Number.isFinite(durationMs) || durationMs < 1 || durationMs > MAX_PULSE_MS) {
      throw new RangeError(`durationMs must be within [1, ${MAX_PULSE_MS}], got ${durationMs}`);
    }
    if (!this.#protocol.pulseGuide) {
      throw conflict(`The ${this.#protocol.driver} protocol cannot pulse-guide`);
    }
    this.#assertReady("pulse-guide");
    await this.#protocol.pulseGuide(this.#link, direction, Math.round(durationMs));
    this.#pulseUntilMs = this.#ctx.clock.now() + durationMs;
    this.#emit();
  }

  async #pollOnce(): Promise<void> {
    const generation = this.#generation;
    const report = await this.#protocol.poll(this.#link);
    // A command ran while this poll was in the queue: its outcome is newer than the report.
    if (generation !== this.#generation) return;
    const arrived = this.#slewing && !report.slewing;
    this.#devicePosition = { raHours: report.raHours, decDeg: report.decDeg };
    this.#slewing = report.slewing;
    if (report.parked !== undefined) this.#parked = report.parked;
    if (report.atHome !== undefined) this.#atHome = report.atHome;
    if (report.pierSide !== undefined && report.pierSide !== "unknown") {
      this.#pierSide = report.pierSide;
    } else if (this.#pierSide === "unknown") {
      const nowMs = this.#ctx.clock.now();
      const here = ofDate(this.#devicePosition, this.#protocol.frame, nowMs);
      this.#pierSide = this.#pierSideOfDate(here, nowMs);
    }
    if (arrived && this.#target) this.#tracking = "sidereal"; // a goto ends tracking (contract)
    if (report.tracking === false || this.#parked) this.#tracking = "off";
    else if (report.tracking === true && this.#tracking === "off") this.#tracking = "sidereal";
    this.#emit();
  }

  #pierSideOfDate(jnow: EquatorialTarget, nowMs: number): PierSide {
    const ha = hourAngleHours(jnow.raHours, lstHours(nowMs, this.#ctx.site.longitudeDeg));
    return ha >= 0 ? "east" : "west";
  }

  /** `target` is J2000; the horizon is a property of the sky of date. */
  #assertAboveHorizon(target: EquatorialTarget): void {
    const nowMs = this.#ctx.clock.now();
    const jnow = j2000ToJNow(target, nowMs);
    const { altDeg } = equatorialToHorizontal(
      jnow,
      lstHours(nowMs, this.#ctx.site.longitudeDeg),
      this.#ctx.site.latitudeDeg,
    );
    if (altDeg < this.#horizonLimitDeg) {
      throw new RangeError(
        `target is at altitude ${
          altDeg.toFixed(2)
        }°, below the horizon limit of ${this.#horizonLimitDeg}°`,
      );
    }
  }

  #assertConnected(): void {
    if (!this.#connected || !this.#link.isOpen) throw new DeviceNotConnectedError("mount");
  }

  #assertReady(action: string): void {
    this.#assertConnected();
    if (this.#parked) throw conflict(`The mount is parked: unpark it before you ${action}`);
  }

  #onLost(reason: string): void {
    if (!this.#connected) return;
    this.#connected = false;
    this.#slewing = false;
    this.#emit();
    this.#lost.emit(reason);
  }

  #emit(): void {
    this.#status.emit(this.status());
  }
}
