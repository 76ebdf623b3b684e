/**
 * Mount over INDI's standard telescope properties (indi.md): a goto sets ON_COORD_SET to TRACK
 * and sends RA and Dec together on EQUATORIAL_EOD_COORD, which stays Busy while slewing; a sync
 * does the same with SYNC. Park, abort, tracking (TELESCOPE_TRACK_STATE / _MODE) and timed
 * guide pulses map one to one. The contract's J2000 goes out converted to JNow for
 * EQUATORIAL_EOD_COORD, or as it is when the driver defines J2000's EQUATORIAL_COORD
 * (mount_status.ts picks); the site is pushed to GEOGRAPHIC_COORD on connect so the mount's sky
 * (pier side, horizon) is the box's. Targets below the horizon are refused here, because many
 * INDI mounts would slew into the ground.
 */
import {
  angularSeparationDeg,
  assertEquatorial,
  equatorialToHorizontal,
} from "../../lib/astro/coords.ts";
import { j2000ToJNow } from "../../lib/astro/precession.ts";
import { conflict } from "../../lib/errors.ts";
import type { DriverContext } from "../device.ts";
import type {
  EquatorialTarget,
  GuideDirection,
  Mount,
  MountCapabilities,
  MountStatus,
  TrackingMode,
} from "../mount.ts";
import { toDeviceFrame } from "../mount_frame.ts";
import type { IndiClient } from "./client.ts";
import { IndiDevice } from "./indi_device.ts";
import type { IndiOptions } from "./options.ts";
import {
  coordinateProperty,
  EOD,
  J2000_COORD,
  mountCapabilities,
  mountStatus,
  siderealTimeHours,
  TRACK_MEMBER,
} from "./mount_status.ts";
import { numberValue, switchOn } from "./properties.ts";

/** A sync must land within an arcminute, like a goto. */
const SYNC_TOLERANCE_DEG = 1 / 60;
const GUIDE: Record<GuideDirection, [string, string]> = {
  north: ["TELESCOPE_TIMED_GUIDE_NS", "TIMED_GUIDE_N"],
  south: ["TELESCOPE_TIMED_GUIDE_NS", "TIMED_GUIDE_S"],
  east: ["TELESCOPE_TIMED_GUIDE_WE", "TIMED_GUIDE_E"],
  west: ["TELESCOPE_TIMED_GUIDE_WE", "TIMED_GUIDE_W"],
};

export class IndiMount extends IndiDevice<MountStatus> implements Mount {
  readonly kind = "mount" as const;
  protected readonly requiredProperties = ["ON_COORD_SET"] as const;
  #target: EquatorialTarget | null = null;

  constructor(ctx: DriverContext<IndiOptions>) {
    super(ctx, "INDI mount");
  }

  get capabilities(): MountCapabilities {
    return mountCapabilities((name) => this.vector(name));
  }

  protected snapshot(connected: boolean): MountStatus {
    return mountStatus(
      (n) => this.vector(n),
      this.ctx.site,
      this.ctx.clock.now(),
      connected,
      this.#target,
    );
  }

  protected override async onSessionReady(client: IndiClient): Promise<void> {
    if (!this.vector(EOD) && !this.vector(J2000_COORD)) {
      throw new Error(
        `INDI device "${this.options.device}" defines neither ${EOD} nor ${J2000_COORD}`,
      );
    }
    const geo = this.vector("GEOGRAPHIC_COORD");
    if (!geo) return;
    const { latitudeDeg, longitudeDeg, elevationM } = this.ctx.site;
    const longEastDeg = ((longitudeDeg % 360) + 360) % 360; // INDI longitudes run 0..360 east
    const same = Math.abs(numberValue(geo, "LAT", NaN) - latitudeDeg) < 1e-6 &&
      Math.abs(numberValue(geo, "LONG", NaN) - longEastDeg) < 1e-6;
    if (same) return;
    const device = this.options.device;
    await client.command(
      () =>
        client.sendNumbers(device, "GEOGRAPHIC_COORD", {
          LAT: latitudeDeg,
          LONG: longEastDeg,
          ELEV: elevationM,
        }),
      device,
      "GEOGRAPHIC_COORD",
      5000,
    );
  }

  #refuseParked(what: string): void {
    if (this.status().parked) throw conflict(`The mount is parked: unpark it before ${what}`);
  }

  async slewTo(target: EquatorialTarget): Promise<void> {
    this.session();
    assertEquatorial(target, "target");
    this.#refuseParked("a goto");
    const nowMs = this.ctx.clock.now();
    const lst = siderealTimeHours((n) => this.vector(n), this.ctx.site, nowMs);
    const sky = j2000ToJNow(target, nowMs);
    const { altDeg } = equatorialToHorizontal(sky, lst, this.ctx.site.latitudeDeg);
    if (altDeg < 0) {
      throw new RangeError(`target is below the horizon (altitude ${altDeg.toFixed(1)}°)`);
    }
    await this.serial(async () => {
      await this.#coordSet("TRACK");
      const coords = coordinateProperty((n) => this.vector(n));
      const before = this.vector(coords.name)?.revision ?? 0;
      this.#target = { raHours: target.raHours, decDeg: target.decDeg };
      const sent = toDeviceFrame(target, coords.frame, this.ctx.clock.now());
      await this.session().sendNumbers(this.options.device, coords.name, {
        RA: sent.raHours,
        DEC: sent.decDeg,
      });
      // Resolve once the mount reports the slew (Busy); an old periodic Ok is not an answer.
      const v = await this.waitState(
        coords.name,
        (v) => v.revision > before && (v.state === "Busy" || v.state === "Alert"),
        5000,
        "the slew to start",
      );
      if (v.state === "Alert") {
        this.#target = null;
        throw new Error(
          `${this.options.device} refused the goto${v.message ? `: ${v.message}` : ""}`,
        );
      }
    });
  }

  async sync(position: EquatorialTarget): Promise<void> {
    this.session();
    assertEquatorial(position, "position");
    if (!this.capabilities.canSync) throw conflict(`${this.options.device} cannot sync`);
    this.#refuseParked("a sync");
    await this.serial(async () => {
      await this.#coordSet("SYNC");
      try {
        const coords = coordinateProperty((n) => this.vector(n));
        const before = this.vector(coords.name)?.revision ?? 0;
        const sent = toDeviceFrame(position, coords.frame, this.ctx.clock.now());
        await this.session().sendNumbers(this.options.device, coords.name, {
          RA: sent.raHours,
          DEC: sent.decDeg,
        });
        await this.waitState(
          coords.name,
          (v) =>
            v.revision > before && (v.state === "Alert" ||
              angularSeparationDeg({
                  raHours: numberValue(v, "RA", NaN),
                  decDeg: numberValue(v, "DEC", NaN),
                }, sent) <
                SYNC_TOLERANCE_DEG),
          5000,
          "the sync to take",
        );
      } finally {
        await this.#coordSet("TRACK");
      }
    });
  }

  async park(): Promise<void> {
    this.session();
    if (!this.capabilities.canPark) throw conflict(`${this.options.device} cannot park`);
    await this.serial(async () => {
      this.#target = null;
      await this.start(
        "TELESCOPE_PARK",
        (c, d) => c.sendSwitches(d, "TELESCOPE_PARK", { PARK: true }),
      );
    });
  }

  async unpark(): Promise<void> {
    this.session();
    if (!this.capabilities.canPark) return;
    await this.serial(async () => {
      await this.complete(
        "TELESCOPE_PARK",
        (c, d) => c.sendSwitches(d, "TELESCOPE_PARK", { UNPARK: true }),
      );
      await this.#setTracking("sidereal");
    });
  }

  async setTracking(mode: TrackingMode): Promise<void> {
    this.session();
    if (mode !== "off" && !this.capabilities.trackingRates.includes(mode)) {
      throw new RangeError(
        `mode must be "off" or one of ${this.capabilities.trackingRates.join(", ")}, got ${mode}`,
      );
    }
    this.#refuseParked("changing tracking");
    await this.serial(() => this.#setTracking(mode));
  }

  async #setTracking(mode: TrackingMode): Promise<void> {
    const onOff = "TELESCOPE_TRACK_STATE";
    if (mode === "off") {
      if (this.vector(onOff)) {
        await this.start(onOff, (c, d) => c.sendSwitches(d, onOff, { TRACK_OFF: true }));
      }
      return;
    }
    const member = TRACK_MEMBER[mode];
    const modes = this.vector("TELESCOPE_TRACK_MODE");
    if (modes && !switchOn(modes, member)) {
      await this.complete(
        "TELESCOPE_TRACK_MODE",
        (c, d) => c.sendSwitches(d, "TELESCOPE_TRACK_MODE", { [member]: true }),
      );
    }
    if (this.vector(onOff) && !switchOn(this.vector(onOff), "TRACK_ON")) {
      // libindi keeps TELESCOPE_TRACK_STATE Busy while tracking: the first answer is the result.
      await this.start(onOff, (c, d) => c.sendSwitches(d, onOff, { TRACK_ON: true }));
    }
  }

  async abort(): Promise<void> {
    this.session();
    await this.serial(async () => {
      this.#target = null;
      await this.start(
        "TELESCOPE_ABORT_MOTION",
        (c, d) => c.sendSwitches(d, "TELESCOPE_ABORT_MOTION", { ABORT: true }),
      );
    });
  }

  async pulseGuide(direction: GuideDirection, durationMs: number): Promise<void> {
    this.session();
    const axis = GUIDE[direction];
    if (!axis) {
      throw new RangeError(`direction must be north, south, east or west, got ${direction}`);
    }
    if (!Number.isFinite(durationMs) || durationMs <= 0) {
      throw new RangeError(`durationMs must be a positive number, got ${durationMs}`);
    }
    if (!this.capabilities.canPulseGuide) {
      throw conflict(`${this.options.device} cannot pulse-guide`);
    }
    this.#refuseParked("guiding");
    const [property, member] = axis;
    await this.serial(() =>
      this.start(property, (c, d) => c.sendNumbers(d, property, { [member]: durationMs }))
    );
  }

  async #coordSet(member: "TRACK" | "SYNC"): Promise<void> {
    if (switchOn(this.vector("ON_COORD_SET"), member)) return;
    await this.complete(
      "ON_COORD_SET",
      (c, d) => c.sendSwitches(d, "ON_COORD_SET", { [member]: true }),
    );
  }
}
