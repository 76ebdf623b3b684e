/**
 * Alpaca Rotator (IRotatorV4) over our Rotator contract: Position is the synced sky angle,
 * MechanicalPosition the raw one; Move is relative, MoveAbsolute and MoveMechanical absolute.
 */
import { invalidValue, notImplemented } from "../../lib/alpaca/errors.ts";
import type { Rotator } from "../../devices/rotator.ts";
import type { DeviceType, Member, MemberContext } from "./device_type.ts";

export function rotatorType(): DeviceType<"rotator"> {
  const yes = (read: (r: Rotator) => unknown): Member<Rotator> => (ctx) => read(ctx.device());
  const angle = (ctx: MemberContext<Rotator>, key: string) => {
    const deg = ctx.params.number(key);
    if (!(deg >= 0 && deg < 360)) throw invalidValue(`${key} ${deg}° is not in [0, 360)`);
    return deg;
  };
  return {
    type: "rotator",
    deviceType: "Rotator",
    kind: "rotator",
    interfaceVersion: 4,
    deviceState: (r) => ({
      IsMoving: r.status().moving,
      MechanicalPosition: r.status().mechanicalPositionDeg,
      Position: r.status().positionDeg,
    }),
    get: {
      canreverse: yes((r) => r.capabilities.canReverse),
      ismoving: yes((r) => r.status().moving),
      position: yes((r) => r.status().positionDeg),
      mechanicalposition: yes((r) => r.status().mechanicalPositionDeg),
      targetposition: yes((r) => r.status().targetPositionDeg),
      reverse: yes((r) => r.status().reversed),
      stepsize: yes((r) => r.capabilities.stepSizeDeg),
    },
    put: {
      move: async (ctx) => {
        const deltaDeg = ctx.params.number("Position");
        const r = ctx.device();
        if (!Number.isFinite(deltaDeg)) throw invalidValue(`Position ${deltaDeg}`);
        await r.moveTo((((r.status().positionDeg + deltaDeg) % 360) + 360) % 360);
      },
      moveabsolute: async (ctx) => {
        const deg = angle(ctx, "Position");
        await ctx.device().moveTo(deg);
      },
      movemechanical: async (ctx) => {
        const deg = angle(ctx, "Position");
        await ctx.device().moveMechanical(deg);
      },
      sync: async (ctx) => {
        const deg = angle(ctx, "Position");
        await ctx.device().sync(deg);
      },
      reverse: async (ctx) => {
        const on = ctx.params.bool("Reverse");
        const r = ctx.device();
        if (!r.capabilities.canReverse) throw notImplemented("Reverse");
        await r.setReversed(on);
      },
      halt: async (ctx) => await ctx.device().halt(),
    },
  };
}
