/**
 * PHD2's GuideStep event (phd2.md, Events) as the contract's `GuideStep`. Frame, Time, dx, dy and
 * the raw RA/Dec distances are required: a step without them is not one (null, and the driver
 * logs it). The pulse fields come only when a pulse was sent, each with its direction (East/West,
 * North/South); ErrorCode only when non-zero; RALimited/DecLimited only when true; StarMass, SNR
 * and HFD when PHD2 measured them. Time is taken on the box's clock when the event arrives:
 * PHD2's Timestamp is the guiding computer's clock, which may be another machine's.
 */
import type { GuideStep } from "../guider.ts";
import type { Phd2Event } from "./connection.ts";

export function guideStepOf(event: Phd2Event, atMs: number): GuideStep | null {
  const { Frame, Time, dx, dy, RADistanceRaw, DECDistanceRaw } = event;
  if (
    !isNumber(Frame) || !isNumber(Time) || !isNumber(dx) || !isNumber(dy) ||
    !isNumber(RADistanceRaw) || !isNumber(DECDistanceRaw)
  ) return null;
  const ra = pulse(event.RADuration, event.RADirection, ["east", "west"] as const);
  const dec = pulse(event.DECDuration, event.DECDirection, ["north", "south"] as const);
  return {
    frame: Frame,
    atMs,
    sinceStartS: Time,
    raPx: RADistanceRaw,
    decPx: DECDistanceRaw,
    dxPx: dx,
    dyPx: dy,
    raPulse: ra,
    decPulse: dec,
    snr: isNumber(event.SNR) ? event.SNR : null,
    starMass: isNumber(event.StarMass) ? event.StarMass : null,
    hfdPx: isNumber(event.HFD) ? event.HFD : null,
    errorCode: isNumber(event.ErrorCode) ? event.ErrorCode : 0,
    raLimited: event.RALimited === true,
    decLimited: event.DecLimited === true,
  };
}

function pulse<D extends string>(
  duration: unknown,
  direction: unknown,
  directions: readonly D[],
): { ms: number; direction: D } | null {
  if (!isNumber(duration) || duration <= 0 || typeof direction !== "string") return null;
  const named = directions.find((d) => d === direction.toLowerCase());
  return named === undefined ? null : { ms: duration, direction: named };
}

function isNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}
