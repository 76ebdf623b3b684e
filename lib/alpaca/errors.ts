/**
 * ASCOM error numbers and the two-way mapping between them and our AppErrors, shared by the
 * Alpaca server (routes/alpaca) and the Alpaca client drivers (devices/alpaca). Our contracts
 * speak HTTP-like statuses (400 bad value, 409 state conflict, 503 not connected, 504 timeout);
 * Alpaca speaks ErrorNumber inside an HTTP 200 (AlpacaErrors.cs of ASCOMLibrary). A round trip
 * through both directions must land on the same status, so the contract suites pass through it.
 */
import { AppError, DeviceNotConnectedError } from "../errors.ts";

export const ASCOM = {
  notImplemented: 0x400,
  invalidValue: 0x401,
  valueNotSet: 0x402,
  notConnected: 0x407,
  invalidWhileParked: 0x408,
  invalidWhileSlaved: 0x409,
  invalidOperation: 0x40b,
  actionNotImplemented: 0x40c,
  unspecified: 0x4ff,
  /** Driver-specific range starts here: the device reported a fault. */
  deviceFault: 0x500,
  /** Driver-specific: the device did not answer within its deadline. */
  deviceTimeout: 0x501,
} as const;

/** An ASCOM-level failure: answered as HTTP 200 with ErrorNumber/ErrorMessage. */
export class AlpacaError extends Error {
  readonly errorNumber: number;

  constructor(errorNumber: number, message: string) {
    super(message);
    this.name = "AlpacaError";
    this.errorNumber = errorNumber;
  }
}

export function notImplemented(member: string): AlpacaError {
  return new AlpacaError(ASCOM.notImplemented, `${member} is not implemented by this device`);
}

export function invalidValue(message: string): AlpacaError {
  return new AlpacaError(ASCOM.invalidValue, message);
}

/**
 * What a failure thrown by a contract becomes on the wire. `parked` says whether the device was
 * parked when a 409 came back, since ASCOM has its own number for "invalid while parked".
 */
export function toAlpacaError(err: unknown, parked = false): AlpacaError {
  if (err instanceof AlpacaError) return err;
  if (err instanceof RangeError || err instanceof TypeError) {
    return new AlpacaError(ASCOM.invalidValue, err.message);
  }
  if (err instanceof AppError) {
    switch (err.status) {
      case 400:
        return new AlpacaError(ASCOM.invalidValue, err.message);
      case 409:
        return new AlpacaError(
          parked ? ASCOM.invalidWhileParked : ASCOM.invalidOperation,
          err.message,
        );
      case 501:
        return new AlpacaError(ASCOM.notImplemented, err.message);
      case 503:
        return new AlpacaError(ASCOM.notConnected, err.message);
      case 504:
        return new AlpacaError(ASCOM.deviceTimeout, err.message);
    }
  }
  const message = err instanceof Error ? err.message : String(err);
  return new AlpacaError(ASCOM.deviceFault, message);
}

/** What an ErrorNumber from a remote Alpaca device becomes behind our contracts. */
export function fromAlpacaError(errorNumber: number, message: string, what: string): Error {
  const text = message || `${what} failed with ASCOM error 0x${errorNumber.toString(16)}`;
  switch (errorNumber) {
    case ASCOM.invalidValue:
      return new RangeError(text);
    case ASCOM.notConnected:
      return new DeviceNotConnectedError(what.split(".")[0] ?? what, `is not connected: ${text}`);
    case ASCOM.valueNotSet:
    case ASCOM.invalidWhileParked:
    case ASCOM.invalidWhileSlaved:
    case ASCOM.invalidOperation:
      return new AppError(409, "conflict", text);
    case ASCOM.notImplemented:
    case ASCOM.actionNotImplemented:
      return new AppError(501, "not_implemented", text);
    case ASCOM.deviceTimeout:
      return new AppError(504, "device_timeout", text);
    default:
      return new Error(`${what}: ${text} (ASCOM error 0x${errorNumber.toString(16)})`);
  }
}
