/**
 * Alpaca Focuser (IFocuserV4) over our Focuser contract: an absolute focuser in steps. Temperature
 * compensation is not part of the contract, so TempComp reads false and setting it true is 0x400.
 */
import { invalidValue, notImplemented } from "../../lib/alpaca/errors.ts";
import type { Focuser } from "../../devices/focuser.ts";
import type { DeviceType, Member } from "./device_type.ts";

export function focuserType(): DeviceType<"focuser"> {
  const yes = (read: (f: Focuser) => unknown): Member<Focuser> => (ctx) => read(ctx.device());
  return {
    type: "focuser",
    deviceType: "Focuser",
    kind: "focuser",
    interfaceVersion: 4,
    deviceState: (f) => ({
      IsMoving: f.status().moving,
      Position: f.status().position,
      ...(f.status().temperatureC === null ? {} : { Temperature: f.status().temperatureC }),
    }),
    get: {
      absolute: yes(() => true),
      ismoving: yes((f) => f.status().moving),
      maxstep: yes((f) => f.capabilities.maxPosition),
      maxincrement: yes((f) => f.capabilities.maxIncrement),
      position: yes((f) => f.status().position),
      stepsize: yes((f) => f.capabilities.stepSizeUm ?? nope("StepSize")),
      tempcomp: yes(() => false),
      tempcompavailable: yes(() => false),
      temperature: yes((f) => f.status().temperatureC ?? nope("Temperature")),
    },
    put: {
      move: async (ctx) => {
        const position = ctx.params.int("Position");
        const f = ctx.device();
        if (position < 0 || position > f.capabilities.maxPosition) {
          throw invalidValue(`Position ${position} is not in 0..${f.capabilities.maxPosition}`);
        }
        await f.moveTo(position);
      },
      halt: async (ctx) => await ctx.device().halt(),
      tempcomp: (ctx) => {
        const on = ctx.params.bool("TempComp");
        ctx.device();
        if (on) nope("TempComp");
      },
    },
  };
}

function nope(member: string): never {
  throw notImplemented(member);
}
