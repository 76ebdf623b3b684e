/**
 * What every contract suite shares: the harness shape a driver's test file supplies (and a test DriverContext for it), the case
 * registrar (create → optionally connect → body → dispose in finally, with named skips), a
 * deadline poller, and the few assertions the contracts use (an argument rejection may be a
 * RangeError/TypeError or an AppError 400, because a wrapped driver turns one into the other).
 */
import assert from "node:assert/strict";
import type { Clock } from "../../lib/clock.ts";
import { AppError } from "../../lib/errors.ts";
import { silentLogger } from "../../lib/log.ts";
import type { z } from "zod";
import { MIN_DEADLINE_MS } from "../_assert.ts";
import type { DriverContext } from "../../devices/device.ts";
import { parseOptions } from "../../devices/driver_catalogue.ts";

export interface ContractHarness<D> {
  /** A new, not yet connected driver, configured to be fast (sims) or aimed at a live peer. */
  create(): Promise<D>;
  /** Disconnects and frees it. Runs in `finally`, so it must cope with a half-broken device. */
  dispose(device: D): Promise<void>;
  /** Cases this driver cannot run: case name → why. */
  skip?: Partial<Record<string, string>>;
  /** Budget for a commanded change to show in status(), ms (default 2500). */
  motionTimeoutMs?: number;
}

export const DEFAULT_MOTION_TIMEOUT_MS = 2500;

/** The DriverContext a harness hands its factory: a test site and optics, a silent log. */
export function harnessContext<O = Record<string, unknown>>(
  clock: Clock,
  options: O = {} as O,
): DriverContext<O> {
  return {
    clock,
    log: silentLogger,
    site: { latitudeDeg: 48.1, longitudeDeg: 11.6, elevationM: 520 },
    optics: { focalLengthMm: 800, apertureMm: 130 },
    options,
  };
}

/**
 * `harnessContext` for one driver: the given options parsed by its schema, as the hub parses a
 * profile's, so a bad one is a RangeError naming it.
 */
export function contextFor<S extends z.ZodType>(schema: S) {
  return (clock: Clock, options: Record<string, unknown> = {}): DriverContext<z.output<S>> =>
    harnessContext(clock, parseOptions(schema, options, "driver"));
}

/** The parts of a device the registrar itself uses. */
interface Connectable {
  connect(signal?: AbortSignal): Promise<void>;
}

export interface CaseOptions {
  /** Connect before the body runs (default true). */
  connect?: boolean;
}

/** Registers one `Deno.test` named `<kind> contract [<driver>]: <case>`. */
export function contractCase<D extends Connectable>(
  kind: string,
  driverName: string,
  harness: ContractHarness<D>,
  caseName: string,
  body: (device: D, timeoutMs: number) => Promise<void>,
  options: CaseOptions = {},
): void {
  const skipReason = harness.skip?.[caseName];
  Deno.test({
    name: `${kind} contract [${driverName}]: ${caseName}${
      skipReason ? ` (skipped: ${skipReason})` : ""
    }`,
    ignore: skipReason !== undefined,
    async fn() {
      const device = await harness.create();
      try {
        if (options.connect ?? true) await device.connect();
        await body(device, harness.motionTimeoutMs ?? DEFAULT_MOTION_TIMEOUT_MS);
      } finally {
        await harness.dispose(device);
      }
    },
  });
}

/**
 * Polls `predicate` until true, or throws naming `what` once `timeoutMs` has passed — never
 * sooner than MIN_DEADLINE_MS, so a busy machine is not mistaken for a hang.
 */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
  pollMs = 10,
): Promise<void> {
  const deadlineMs = Date.now() + Math.max(timeoutMs, MIN_DEADLINE_MS);
  while (true) {
    if (await predicate()) return;
    if (Date.now() >= deadlineMs) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await delay(pollMs);
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** True for the errors a driver may use to refuse a bad argument. */
export function isArgumentError(err: unknown): boolean {
  return err instanceof RangeError || err instanceof TypeError ||
    (err instanceof AppError && err.status === 400);
}

/** Asserts that `call` rejects because an argument was invalid. */
export async function assertRejectsArgument(
  call: () => Promise<unknown>,
  what: string,
): Promise<void> {
  const err = await settleError(call);
  assert.ok(err !== undefined, `${what} was accepted`);
  assert.ok(isArgumentError(err), `${what}: expected RangeError or a 400, got ${String(err)}`);
}

/** Asserts that `call` rejects with an AppError of `status` (409 conflict, 503 …). */
export async function assertRejectsStatus(
  call: () => Promise<unknown>,
  status: number,
  what: string,
): Promise<void> {
  const err = await settleError(call);
  assert.ok(err !== undefined, `${what} was accepted`);
  assert.ok(
    err instanceof AppError && err.status === status,
    `${what}: expected an AppError ${status}, got ${String(err)}`,
  );
}

/** A command while disconnected must fail, not hang; a 503 is expected but any Error will do. */
export async function assertRejectsDisconnected(
  call: () => Promise<unknown>,
  what: string,
): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<string>((resolve) => timer = setTimeout(() => resolve("hung"), 2000));
  const outcome = await Promise.race([settleError(call).then((err) => err ?? "resolved"), hung]);
  clearTimeout(timer); // a pending 2 s timer would trip the test's leak sanitizer
  assert.ok(outcome instanceof Error, `${what} while disconnected: ${String(outcome)}`);
}

async function settleError(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
    return undefined;
  } catch (err) {
    return err;
  }
}

/** Records every status a device emits, so a case can assert on the stream afterwards. */
export function recordStatuses<S>(
  device: { onStatus(listener: (status: S) => void): () => void },
): { statuses: S[]; stop: () => void } {
  const statuses: S[] = [];
  const stop = device.onStatus((status) => statuses.push(status));
  return { statuses, stop };
}

/** Smallest difference between two angles, degrees in [0, 180]. */
export function angleGapDeg(aDeg: number, bDeg: number): number {
  const gapDeg = Math.abs((((aDeg - bDeg) % 360) + 540) % 360 - 180);
  return gapDeg;
}

/**
 * The case every suite opens with: the device starts disconnected, connects (and says so on its
 * status stream), and disconnects. `whileConnected` adds a kind's own checks on the fresh link.
 */
export async function assertConnectCycle<S extends { connected: boolean }>(
  device: {
    kind: string;
    status(): S;
    onStatus(listener: (status: S) => void): () => void;
    connect(): Promise<void>;
    disconnect(): Promise<void>;
  },
  kind: string,
  timeoutMs: number,
  whileConnected: (status: S) => void = () => {},
): Promise<void> {
  assert.equal(device.kind, kind);
  assert.equal(device.status().connected, false);
  const { statuses, stop } = recordStatuses(device);
  await device.connect();
  assert.equal(device.status().connected, true);
  whileConnected(device.status());
  await waitFor(() => statuses.some((s) => s.connected), timeoutMs, "onStatus after connect");
  await device.disconnect();
  assert.equal(device.status().connected, false);
  stop();
}
