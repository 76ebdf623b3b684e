/**
 * The named deadline of every command of every contract. A command that has not settled by its
 * deadline fails with DeviceTimeoutError (504) and the hub raises an alert: no Busy lasts
 * forever. Commands that resolve on completion compute their deadline from their arguments and
 * receive an AbortSignal that fires when it passes, so the driver stops the work too.
 */
import type { ExposureRequest } from "./camera.ts";
import type { DeviceKind } from "./device.ts";
import type { SettleParams } from "./guider.ts";

export interface CommandDeadline {
  /** Milliseconds, fixed or from the call's arguments. */
  ms: number | ((args: unknown[]) => number);
  /** Index of the AbortSignal parameter, when the command takes one. */
  signalArg?: number;
}

/** Connecting may open a serial port or a TCP session and read a whole property tree. */
export const CONNECT_TIMEOUT_MS = 20_000;
export const DISCONNECT_TIMEOUT_MS = 5_000;
/** An ordinary command: the device only has to accept it. */
export const COMMAND_TIMEOUT_MS = 10_000;
/** Readout and download after the shutter closes (a slow USB 2 camera at full frame). */
export const DOWNLOAD_TIMEOUT_MS = 60_000;

const settleDeadline = (settle: unknown) => ((settle as SettleParams).timeoutS + 30) * 1000;
/** A first start may calibrate before it settles; PHD2 calibrations take minutes. */
const CALIBRATION_ALLOWANCE_MS = 5 * 60_000;

export const DEADLINES: Partial<Record<DeviceKind, Record<string, CommandDeadline>>> = {
  camera: {
    expose: {
      ms: (args) => (args[0] as ExposureRequest).durationS * 1000 + DOWNLOAD_TIMEOUT_MS,
      signalArg: 1,
    },
  },
  guider: {
    startGuiding: {
      ms: (args) => settleDeadline(args[0]) + CALIBRATION_ALLOWANCE_MS,
      signalArg: 1,
    },
    dither: { ms: (args) => settleDeadline(args[1]), signalArg: 2 },
  },
};

export function deadlineFor(kind: DeviceKind, method: string): CommandDeadline {
  if (method === "connect") return { ms: CONNECT_TIMEOUT_MS, signalArg: 0 };
  if (method === "disconnect") return { ms: DISCONNECT_TIMEOUT_MS };
  return DEADLINES[kind]?.[method] ?? { ms: COMMAND_TIMEOUT_MS };
}
