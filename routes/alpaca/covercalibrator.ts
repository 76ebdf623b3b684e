/**
 * Alpaca CoverCalibrator (ICoverCalibratorV2) over our FlatPanel contract. A part the panel lacks
 * reads NotPresent and its commands answer 0x400, as ASCOM asks; Brightness 0 turns the light off.
 */
import { invalidValue, notImplemented } from "../../lib/alpaca/errors.ts";
import type { CalibratorState, CoverState, FlatPanel } from "../../devices/flatpanel.ts";
import type { DeviceType, Member, MemberContext } from "./device_type.ts";

export const COVER_STATES: CoverState[] = [
  "notPresent",
  "closed",
  "moving",
  "open",
  "unknown",
  "error",
];
export const CALIBRATOR_STATES: CalibratorState[] = [
  "notPresent",
  "off",
  "notReady",
  "ready",
  "unknown",
  "error",
];

export function coverCalibratorType(): DeviceType<"flatpanel"> {
  const yes = (read: (p: FlatPanel) => unknown): Member<FlatPanel> => (ctx) => read(ctx.device());
  const cover = (ctx: MemberContext<FlatPanel>, member: string) => {
    const p = ctx.device();
    if (!p.capabilities.hasCover) throw notImplemented(`${member}: there is no cover`);
    return p;
  };
  return {
    type: "covercalibrator",
    deviceType: "CoverCalibrator",
    kind: "flatpanel",
    interfaceVersion: 2,
    deviceState: (p) => ({
      Brightness: p.status().brightness,
      CalibratorState: CALIBRATOR_STATES.indexOf(p.status().calibrator),
      CoverState: COVER_STATES.indexOf(p.status().cover),
      CalibratorChanging: p.status().calibrator === "notReady",
      CoverMoving: p.status().cover === "moving",
    }),
    get: {
      coverstate: yes((p) => COVER_STATES.indexOf(p.status().cover)),
      calibratorstate: yes((p) => CALIBRATOR_STATES.indexOf(p.status().calibrator)),
      brightness: yes((p) => p.status().brightness),
      maxbrightness: yes((p) => p.capabilities.hasLight ? p.capabilities.maxBrightness : 0),
      calibratorchanging: yes((p) => p.status().calibrator === "notReady"),
      covermoving: yes((p) => p.status().cover === "moving"),
    },
    put: {
      opencover: async (ctx) => await cover(ctx, "OpenCover").openCover(),
      closecover: async (ctx) => await cover(ctx, "CloseCover").closeCover(),
      haltcover: async (ctx) => await cover(ctx, "HaltCover").haltCover(),
      calibratoron: async (ctx) => {
        const brightness = ctx.params.int("Brightness");
        const p = ctx.device();
        if (!p.capabilities.hasLight) throw notImplemented("CalibratorOn: there is no light");
        const max = p.capabilities.maxBrightness;
        if (brightness < 0 || brightness > max) {
          throw invalidValue(`Brightness ${brightness} is not in 0..${max}`);
        }
        await (brightness === 0 ? p.lightOff() : p.lightOn(brightness));
      },
      calibratoroff: async (ctx) => {
        const p = ctx.device();
        if (!p.capabilities.hasLight) throw notImplemented("CalibratorOff: there is no light");
        await p.lightOff();
      },
    },
  };
}
