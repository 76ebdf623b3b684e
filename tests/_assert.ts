/**
 * The few assertions the tests use. @std/assert lives on JSR, which these machines cannot reach,
 * so node:assert does the comparing and these names keep the tests reading like Deno's.
 */
import assertNode from "node:assert/strict";

export function assert(condition: unknown, message?: string): asserts condition {
  assertNode.ok(condition, message);
}

export function assertEquals<T>(actual: T, expected: T, message?: string): void {
  assertNode.deepStrictEqual(actual, expected, message);
}

export function assertNotEquals<T>(actual: T, expected: T, message?: string): void {
  assertNode.notDeepStrictEqual(actual, expected, message);
}

export function assertAlmostEquals(
  actual: number,
  expected: number,
  tolerance: number,
  message?: string,
): void {
  if (!(Math.abs(actual - expected) <= tolerance)) {
    throw new assertNode.AssertionError({
      message: message ?? `expected ${actual} to be within ${tolerance} of ${expected}`,
      actual,
      expected,
    });
  }
}

export function assertMatch(actual: string, pattern: RegExp, message?: string): void {
  assertNode.match(actual, pattern, message);
}

export async function assertRejects(
  fn: () => Promise<unknown>,
  // deno-lint-ignore no-explicit-any
  ErrorClass?: new (...args: any[]) => Error,
  includes?: string,
): Promise<Error> {
  try {
    await fn();
  } catch (err) {
    if (ErrorClass && !(err instanceof ErrorClass)) {
      throw new assertNode.AssertionError({ message: `expected ${ErrorClass.name}, got ${err}` });
    }
    if (includes && !(err as Error).message.includes(includes)) {
      throw new assertNode.AssertionError({
        message: `expected message to include "${includes}", got "${(err as Error).message}"`,
      });
    }
    return err as Error;
  }
  throw new assertNode.AssertionError({ message: "expected the function to reject" });
}

export function assertThrows(
  fn: () => unknown,
  // deno-lint-ignore no-explicit-any
  ErrorClass?: new (...args: any[]) => Error,
  includes?: string,
): Error {
  try {
    fn();
  } catch (err) {
    if (ErrorClass && !(err instanceof ErrorClass)) {
      throw new assertNode.AssertionError({ message: `expected ${ErrorClass.name}, got ${err}` });
    }
    if (includes && !(err as Error).message.includes(includes)) {
      throw new assertNode.AssertionError({
        message: `expected message to include "${includes}", got "${(err as Error).message}"`,
      });
    }
    return err as Error;
  }
  throw new assertNode.AssertionError({ message: "expected the function to throw" });
}

/**
 * The least time a test waits for something before calling it hung. Tests give deadlines sized
 * for an idle machine ("the slew shows within 2.5 s"); on a busy one — other suites running, two
 * cores shared — the same thing can take several times as long without anything being wrong, so
 * the polling helpers never give up sooner than this. A deadline guards against a hang; it is
 * not a speed test (those are benchmarks). A minute: the first simulated light of a run builds its
 * sky from the installed Tycho-2 files, which took over 15 s on a machine running four suites.
 */
export const MIN_DEADLINE_MS = 60_000;
