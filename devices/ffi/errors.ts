/**
 * ZWO SDK return codes turned into the errors the rest of the box understands. Each SDK has its
 * own enum, so each gets a name table; the mapping then goes by meaning: a closed or unplugged
 * device is a 503 DeviceNotConnectedError (the hub reconnects), an SDK timeout is a 504, "busy"
 * codes are 409 conflicts, a value the device refused is a 400, and everything else is a 502
 * device fault. Every message names the call and the SDK's own code name, so a log line is
 * enough to look the failure up in ZWO's documentation.
 */
import { AppError, conflict, DeviceNotConnectedError } from "../../lib/errors.ts";

export type ZwoSdkName = "ASI" | "EAF" | "EFW";

export const ASI_ERROR_NAMES = [
  "ASI_SUCCESS",
  "ASI_ERROR_INVALID_INDEX",
  "ASI_ERROR_INVALID_ID",
  "ASI_ERROR_INVALID_CONTROL_TYPE",
  "ASI_ERROR_CAMERA_CLOSED",
  "ASI_ERROR_CAMERA_REMOVED",
  "ASI_ERROR_INVALID_PATH",
  "ASI_ERROR_INVALID_FILEFORMAT",
  "ASI_ERROR_INVALID_SIZE",
  "ASI_ERROR_INVALID_IMGTYPE",
  "ASI_ERROR_OUTOF_BOUNDARY",
  "ASI_ERROR_TIMEOUT",
  "ASI_ERROR_INVALID_SEQUENCE",
  "ASI_ERROR_BUFFER_TOO_SMALL",
  "ASI_ERROR_VIDEO_MODE_ACTIVE",
  "ASI_ERROR_EXPOSURE_IN_PROGRESS",
  "ASI_ERROR_GENERAL_ERROR",
  "ASI_ERROR_INVALID_MODE",
] as const;

/** EAF_ERROR_CODE and EFW_ERROR_CODE share their order; only the prefix differs. */
const MOTOR_ERROR_SUFFIXES = [
  "SUCCESS",
  "ERROR_INVALID_INDEX",
  "ERROR_INVALID_ID",
  "ERROR_INVALID_VALUE",
  "ERROR_REMOVED",
  "ERROR_MOVING",
  "ERROR_ERROR_STATE",
  "ERROR_GENERAL_ERROR",
  "ERROR_NOT_SUPPORTED",
  "ERROR_CLOSED",
] as const;

export const ASI_SUCCESS = 0;
export const ASI_ERROR_CAMERA_REMOVED = 5;
export const ASI_ERROR_GENERAL_ERROR = 16;
export const EAF_ERROR_GENERAL_ERROR = 7;
export const EFW_ERROR_GENERAL_ERROR = 7;

/** The SDK's name for a return code, e.g. "ASI_ERROR_CAMERA_REMOVED". */
export function sdkCodeName(sdk: ZwoSdkName, code: number): string {
  const name = sdk === "ASI" ? ASI_ERROR_NAMES[code] : MOTOR_ERROR_SUFFIXES[code];
  if (name === undefined) return `${sdk}_ERROR_UNKNOWN`;
  return sdk === "ASI" ? name : `${sdk}_${name}`;
}

const NOT_CONNECTED = new Set([
  "ASI_ERROR_INVALID_ID",
  "ASI_ERROR_CAMERA_CLOSED",
  "ASI_ERROR_CAMERA_REMOVED",
  "EAF_ERROR_INVALID_ID",
  "EAF_ERROR_REMOVED",
  "EAF_ERROR_CLOSED",
  "EFW_ERROR_INVALID_ID",
  "EFW_ERROR_REMOVED",
  "EFW_ERROR_CLOSED",
]);
const BUSY = new Set([
  "ASI_ERROR_EXPOSURE_IN_PROGRESS",
  "ASI_ERROR_VIDEO_MODE_ACTIVE",
  "EAF_ERROR_MOVING",
  "EFW_ERROR_MOVING",
]);
const REFUSED_VALUE = new Set([
  "ASI_ERROR_INVALID_SIZE",
  "ASI_ERROR_INVALID_IMGTYPE",
  "ASI_ERROR_OUTOF_BOUNDARY",
  "EAF_ERROR_INVALID_VALUE",
  "EFW_ERROR_INVALID_VALUE",
]);

/** What a code means for the connection: lost codes make the driver report onLost. */
export function isLostCode(sdk: ZwoSdkName, code: number): boolean {
  return NOT_CONNECTED.has(sdkCodeName(sdk, code));
}

/** A non-zero SDK return code as the error callers see (see the module doc for the mapping). */
export function sdkError(
  sdk: ZwoSdkName,
  role: string,
  call: string,
  code: number,
): AppError {
  const name = sdkCodeName(sdk, code);
  const what = `${call} returned ${name} (${code})`;
  const details = { sdk_call: call, sdk_code: code, sdk_error: name };
  if (NOT_CONNECTED.has(name)) {
    return new DeviceNotConnectedError(role, `is not connected: ${what}`);
  }
  if (name === "ASI_ERROR_TIMEOUT") {
    return new AppError(504, "device_timeout", `The ${role} timed out: ${what}`, details);
  }
  if (BUSY.has(name)) return conflict(`The ${role} is busy: ${what}`, details);
  if (REFUSED_VALUE.has(name)) {
    return new AppError(400, "validation_failed", `The ${role} refused the value: ${what}`, {
      ...details,
    });
  }
  return new AppError(502, "device_fault", `The ${role} failed: ${what}`, details);
}
