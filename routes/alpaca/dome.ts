/**
 * Alpaca Dome (IDomeV3) over our Dome contract. Shutter altitude and azimuth sync are not in the
 * contract (0x400); Park, FindHome and AbortSlew map one to one.
 */
import { invalidValue, notImplemented } from "../../lib/alpaca/errors.ts";
import type { Dome, ShutterState } from "../../devices/dome.ts";
import type { DeviceType, Member, MemberContext } from "./device_type.ts";

export const SHUTTER_STATES: ShutterState[] = ["open", "closed", "opening", "closing", "error"];

export function domeType(): DeviceType<"dome"> {
  const yes = (read: (d: Dome) => unknown): Member<Dome> => (ctx) => read(ctx.device());
  const can = (ctx: MemberContext<Dome>, flag: keyof Dome["capabilities"], member: string) => {
    const d = ctx.device();
    if (!d.capabilities[flag]) throw notImplemented(member);
    return d;
  };
  const no = (member: string, key?: string): Member<Dome> => (ctx) => {
    if (key) ctx.params.number(key);
    ctx.device();
    throw notImplemented(member);
  };
  return {
    type: "dome",
    deviceType: "Dome",
    kind: "dome",
    interfaceVersion: 3,
    parked: (d) => d.status().parked,
    deviceState: (d) => ({
      AtHome: d.status().atHome,
      AtPark: d.status().parked,
      Azimuth: d.status().azimuthDeg,
      ShutterStatus: SHUTTER_STATES.indexOf(d.status().shutter),
      Slewing: d.status().slewing,
    }),
    get: {
      shutterstatus: yes((d) => SHUTTER_STATES.indexOf(d.status().shutter)),
      azimuth: yes((d) => d.status().azimuthDeg),
      altitude: no("Altitude"),
      athome: yes((d) => d.status().atHome),
      atpark: yes((d) => d.status().parked),
      slewing: yes((d) => d.status().slewing),
      slaved: yes((d) => d.status().slaved),
      canfindhome: yes(() => true),
      canpark: yes((d) => d.capabilities.canPark),
      cansetazimuth: yes((d) => d.capabilities.canSetAzimuth),
      cansetshutter: yes((d) => d.capabilities.canSetShutter),
      canslave: yes((d) => d.capabilities.canSlave),
      cansetaltitude: yes(() => false),
      cansetpark: yes(() => false),
      cansyncazimuth: yes(() => false),
    },
    put: {
      openshutter: async (ctx) => await can(ctx, "canSetShutter", "OpenShutter").openShutter(),
      closeshutter: async (ctx) => await can(ctx, "canSetShutter", "CloseShutter").closeShutter(),
      slewtoazimuth: async (ctx) => {
        const azimuthDeg = ctx.params.number("Azimuth");
        const d = can(ctx, "canSetAzimuth", "SlewToAzimuth");
        if (!(azimuthDeg >= 0 && azimuthDeg < 360)) {
          throw invalidValue(`Azimuth ${azimuthDeg}° is not in [0, 360)`);
        }
        await d.slewToAzimuth(azimuthDeg);
      },
      park: async (ctx) => await can(ctx, "canPark", "Park").park(),
      findhome: async (ctx) => await ctx.device().findHome(),
      abortslew: async (ctx) => await ctx.device().abort(),
      slaved: async (ctx) => {
        const on = ctx.params.bool("Slaved");
        const d = ctx.device();
        if (on && !d.capabilities.canSlave) throw notImplemented("Slaved");
        await d.setSlaved(on);
      },
      slewtoaltitude: no("SlewToAltitude", "Altitude"),
      synctoazimuth: no("SyncToAzimuth", "Azimuth"),
      setpark: no("SetPark"),
    },
  };
}
