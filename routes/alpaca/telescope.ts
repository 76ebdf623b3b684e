/**
 * Alpaca Telescope (ITelescopeV4) over our Mount contract. We declare EquatorialSystem 2 (J2000),
 * the frame of our API and of the contract, so nothing is converted here. The bridge keeps what
 * ASCOM has and our contract has not: the Target RA/Dec and the tracking rate chosen while
 * tracking is off. Members the contract cannot do (MoveAxis, alt/az slews, SetPark …) answer 0x400 after
 * their parameters have been checked, as ConformU expects.
 */
import { AlpacaError, ASCOM, invalidValue, notImplemented } from "../../lib/alpaca/errors.ts";
import { hourAngleHours } from "../../lib/astro/coords.ts";
import { pierSideForHourAngle } from "../../lib/astro/meridian.ts";
import { j2000ToJNow } from "../../lib/astro/precession.ts";
import type { EquatorialTarget, GuideDirection, Mount, TrackingRate } from "../../devices/mount.ts";
import { TRACKING_MODES } from "../../devices/mount.ts";
import { waitForSlew } from "../../core/device_wait.ts";
import type { DeviceType, Member, MemberContext } from "./device_type.ts";

type Ctx = MemberContext<Mount>;
const ALIGNMENT = { altAz: 0, polar: 1, germanPolar: 2 } as const;
const PIER = { east: 0, west: 1, unknown: -1 } as const;
const DIRECTIONS: GuideDirection[] = ["north", "south", "east", "west"];

export function telescopeType(): DeviceType<"mount"> {
  let target: EquatorialTarget | null = null;
  let chosenRate: TrackingRate = "sidereal";

  const position = (m: Mount) => m.status();
  const notParked = (m: Mount, what: string) => {
    if (m.status().parked) {
      throw new AlpacaError(ASCOM.invalidWhileParked, `${what}: the mount is parked`);
    }
    return m;
  };
  const coords = (ctx: Ctx, raKey: string, decKey: string): EquatorialTarget => {
    const raHours = ctx.params.number(raKey);
    const decDeg = ctx.params.number(decKey);
    checkRa(raHours, raKey);
    checkDec(decDeg, decKey);
    return { raHours, decDeg };
  };
  const slew = async (ctx: Ctx, goal: EquatorialTarget, wait: boolean) => {
    const m = notParked(ctx.device(), "slew");
    target = goal;
    await m.slewTo(goal);
    if (!wait) return;
    // A synchronous SlewToCoordinates answers when the mount stops, or with a timeout error.
    await waitForSlew(m, ctx.source.clock);
  };
  const sync = async (ctx: Ctx, at: EquatorialTarget) => {
    const m = notParked(ctx.device(), "sync");
    if (!m.capabilities.canSync) throw notImplemented("SyncToCoordinates");
    target = at;
    await m.sync(at);
  };
  const storedTarget = () => {
    if (!target) throw new AlpacaError(ASCOM.valueNotSet, "the target has not been set");
    return target;
  };
  const axis = (ctx: Ctx) => {
    const n = ctx.params.int("Axis");
    if (n < 0 || n > 2) throw invalidValue(`Axis ${n} is not 0, 1 or 2`);
    return n;
  };
  const no = (member: string, ...keys: string[]): Member<Mount> => (ctx) => {
    for (const key of keys) ctx.params.string(key);
    throw notImplemented(member);
  };
  const site = (ctx: Ctx) => {
    ctx.device();
    const s = ctx.source.site();
    if (!s) throw new AlpacaError(ASCOM.valueNotSet, "the profile has no site");
    return s;
  };
  const optics = (ctx: Ctx) => {
    ctx.device();
    const o = ctx.source.optics();
    if (!o) throw new AlpacaError(ASCOM.valueNotSet, "the profile has no optics");
    return o;
  };
  const yes = (read: (m: Mount) => unknown): Member<Mount> => (ctx) => read(ctx.device());

  return {
    type: "telescope",
    deviceType: "Telescope",
    kind: "mount",
    interfaceVersion: 4,
    parked: (m) => m.status().parked,
    deviceState: (m, nowMs) => {
      const s = m.status();
      return {
        Altitude: s.altDeg,
        AtHome: s.atHome,
        AtPark: s.parked,
        Azimuth: s.azDeg,
        Declination: s.decDeg,
        IsPulseGuiding: s.pulseGuiding,
        RightAscension: s.raHours,
        SideOfPier: PIER[s.pierSide],
        SiderealTime: s.siderealTimeHours,
        Slewing: s.slewing,
        Tracking: s.tracking !== "off",
        UTCDate: new Date(nowMs).toISOString(),
      };
    },
    get: {
      alignmentmode: yes((m) => ALIGNMENT[m.capabilities.alignment]),
      altitude: yes((m) => m.status().altDeg),
      azimuth: yes((m) => m.status().azDeg),
      rightascension: yes((m) => position(m).raHours),
      declination: yes((m) => position(m).decDeg),
      siderealtime: yes((m) => m.status().siderealTimeHours),
      slewing: yes((m) => m.status().slewing),
      tracking: yes((m) => m.status().tracking !== "off"),
      trackingrate: yes((m) => {
        const mode = m.status().tracking;
        return TRACKING_MODES.indexOf(mode === "off" ? chosenRate : mode);
      }),
      trackingrates: yes((m) => m.capabilities.trackingRates.map((r) => TRACKING_MODES.indexOf(r))),
      atpark: yes((m) => m.status().parked),
      athome: yes((m) => m.status().atHome),
      ispulseguiding: yes((m) => m.status().pulseGuiding),
      sideofpier: yes((m) => PIER[m.status().pierSide]),
      utcdate: (ctx) => (ctx.device(), new Date(ctx.source.clock.now()).toISOString()),
      equatorialsystem: yes(() => 2),
      canfindhome: yes(() => false),
      canpark: yes((m) => m.capabilities.canPark),
      canunpark: yes((m) => m.capabilities.canPark),
      cansetpark: yes(() => false),
      canpulseguide: yes((m) => m.capabilities.canPulseGuide),
      cansetguiderates: yes(() => false),
      cansetdeclinationrate: yes(() => false),
      cansetrightascensionrate: yes(() => false),
      cansetpierside: yes(() => false),
      cansettracking: yes(() => true),
      canslew: yes(() => true),
      canslewasync: yes(() => true),
      canslewaltaz: yes(() => false),
      canslewaltazasync: yes(() => false),
      cansync: yes((m) => m.capabilities.canSync),
      cansyncaltaz: yes(() => false),
      canmoveaxis: (ctx) => (axis(ctx), ctx.device(), false),
      axisrates: (ctx) => (axis(ctx), ctx.device(), []),
      declinationrate: yes(() => 0),
      rightascensionrate: yes(() => 0),
      doesrefraction: (ctx) => (ctx.device(), notImplementedRead("DoesRefraction")),
      guideratedeclination: (ctx) => (ctx.device(), notImplementedRead("GuideRateDeclination")),
      guideraterightascension: (ctx) => (ctx.device(), notImplementedRead("GuideRateRA")),
      sitelatitude: (ctx) => site(ctx).latitudeDeg,
      sitelongitude: (ctx) => site(ctx).longitudeDeg,
      siteelevation: (ctx) => site(ctx).elevationM,
      aperturediameter: (ctx) => optics(ctx).apertureMm / 1000,
      aperturearea: (ctx) => Math.PI * (optics(ctx).apertureMm / 2000) ** 2,
      focallength: (ctx) => optics(ctx).focalLengthMm / 1000,
      slewsettletime: yes(() => 0),
      targetrightascension: (ctx) => (ctx.device(), storedTarget().raHours),
      targetdeclination: (ctx) => (ctx.device(), storedTarget().decDeg),
      destinationsideofpier: (ctx) => {
        const goal = coords(ctx, "RightAscension", "Declination");
        const m = ctx.device();
        if (m.capabilities.alignment !== "germanPolar") return PIER.unknown;
        // The pier side follows the hour angle, which is of date (geometry, not a conversion).
        const jnow = j2000ToJNow(goal, ctx.source.clock.now());
        return PIER[
          pierSideForHourAngle(hourAngleHours(jnow.raHours, m.status().siderealTimeHours))
        ];
      },
    },
    put: {
      slewtocoordinatesasync: (ctx) =>
        slew(ctx, coords(ctx, "RightAscension", "Declination"), false),
      slewtocoordinates: (ctx) => slew(ctx, coords(ctx, "RightAscension", "Declination"), true),
      slewtotargetasync: (ctx) => (ctx.device(), slew(ctx, storedTarget(), false)),
      slewtotarget: (ctx) => (ctx.device(), slew(ctx, storedTarget(), true)),
      synctocoordinates: (ctx) => sync(ctx, coords(ctx, "RightAscension", "Declination")),
      synctotarget: (ctx) => (ctx.device(), sync(ctx, storedTarget())),
      targetrightascension: (ctx) => {
        const raHours = ctx.params.number("TargetRightAscension");
        checkRa(raHours, "TargetRightAscension");
        ctx.device();
        target = { raHours, decDeg: target?.decDeg ?? 0 };
      },
      targetdeclination: (ctx) => {
        const decDeg = ctx.params.number("TargetDeclination");
        checkDec(decDeg, "TargetDeclination");
        ctx.device();
        target = { raHours: target?.raHours ?? 0, decDeg };
      },
      park: async (ctx) => {
        const m = ctx.device();
        if (!m.capabilities.canPark) throw notImplemented("Park");
        target = null;
        await m.park();
      },
      unpark: async (ctx) => {
        const m = ctx.device();
        if (!m.capabilities.canPark) throw notImplemented("Unpark");
        await m.unpark();
      },
      abortslew: async (ctx) => {
        const m = notParked(ctx.device(), "AbortSlew");
        target = null;
        await m.abort();
      },
      tracking: async (ctx) => {
        const on = ctx.params.bool("Tracking");
        const m = ctx.device();
        if (on) notParked(m, "Tracking");
        await m.setTracking(on ? chosenRate : "off");
      },
      trackingrate: async (ctx) => {
        const index = ctx.params.int("TrackingRate");
        const m = ctx.device();
        const rate = TRACKING_MODES[index];
        if (!rate || !m.capabilities.trackingRates.includes(rate)) {
          throw invalidValue(`TrackingRate ${index} is not one of TrackingRates`);
        }
        chosenRate = rate;
        if (m.status().tracking !== "off") await m.setTracking(rate);
      },
      pulseguide: async (ctx) => {
        const direction = ctx.params.int("Direction");
        const durationMs = ctx.params.int("Duration");
        const m = notParked(ctx.device(), "PulseGuide");
        if (!m.capabilities.canPulseGuide) throw notImplemented("PulseGuide");
        const named = DIRECTIONS[direction];
        if (!named) throw invalidValue(`Direction ${direction} is not 0..3`);
        if (durationMs < 0) throw invalidValue(`Duration ${durationMs} ms is negative`);
        await m.pulseGuide(named, durationMs);
      },
      moveaxis: (ctx) => {
        axis(ctx);
        ctx.params.number("Rate");
        ctx.device();
        throw notImplemented("MoveAxis");
      },
      findhome: (ctx) => (ctx.device(), notImplementedRead("FindHome")),
      setpark: (ctx) => (ctx.device(), notImplementedRead("SetPark")),
      slewtoaltaz: no("SlewToAltAz", "Azimuth", "Altitude"),
      slewtoaltazasync: no("SlewToAltAzAsync", "Azimuth", "Altitude"),
      synctoaltaz: no("SyncToAltAz", "Azimuth", "Altitude"),
      sideofpier: no("SideOfPier (set)", "SideOfPier"),
      utcdate: no("UTCDate (set)", "UTCDate"),
      declinationrate: no("DeclinationRate (set)", "DeclinationRate"),
      rightascensionrate: no("RightAscensionRate (set)", "RightAscensionRate"),
      guideratedeclination: no("GuideRateDeclination (set)", "GuideRateDeclination"),
      guideraterightascension: no("GuideRateRightAscension (set)", "GuideRateRightAscension"),
      doesrefraction: no("DoesRefraction (set)", "DoesRefraction"),
      sitelatitude: no("SiteLatitude (set): the profile owns the site", "SiteLatitude"),
      sitelongitude: no("SiteLongitude (set): the profile owns the site", "SiteLongitude"),
      siteelevation: no("SiteElevation (set): the profile owns the site", "SiteElevation"),
      slewsettletime: no("SlewSettleTime (set)", "SlewSettleTime"),
    },
  };
}

function notImplementedRead(member: string): never {
  throw notImplemented(member);
}

function checkRa(raHours: number, name: string): void {
  if (!(raHours >= 0 && raHours < 24)) throw invalidValue(`${name} ${raHours} h is not in [0, 24)`);
}

function checkDec(decDeg: number, name: string): void {
  if (!(decDeg >= -90 && decDeg <= 90)) {
    throw invalidValue(`${name} ${decDeg}° is not in [-90, 90]`);
  }
}
