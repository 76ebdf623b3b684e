/**
 * Loading a vendor SDK with Deno.dlopen, with the one error users need when it is absent: which
 * library, from where, the loader's reason, and the option that points at it. A missing SDK is a
 * 503 (the role cannot be filled until it is installed), not a crash. Also the per-device queue
 * every FFI driver uses: the SDKs are not documented as thread-safe per device, and nonblocking
 * calls run on worker threads, so each device lets one call at a time reach its library.
 */
import { AppError, DeviceNotConnectedError } from "../../lib/errors.ts";

export function openLibrary<S extends Deno.ForeignLibraryInterface>(
  what: string,
  path: string,
  symbols: S,
): Deno.DynamicLibrary<S> {
  try {
    return Deno.dlopen(path, symbols);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new AppError(
      503,
      "unavailable",
      `The ${what} could not be loaded from "${path}": ${reason}. Install it, or set the ` +
        `driver option "library" to the full path of the shared library.`,
      { library: path },
    );
  }
}

/**
 * Runs async jobs one after another, in call order; a failed job does not stop the next. A job
 * that fails with DeviceNotConnectedError (the SDK's "device gone" codes) also tells `onGone`,
 * after the caller has seen the error, so the driver drops the connection once, in one place.
 */
export class CallQueue {
  #tail: Promise<unknown> = Promise.resolve();
  readonly #onGone: ((reason: string) => void) | null;

  constructor(onGone: ((reason: string) => void) | null = null) {
    this.#onGone = onGone;
  }

  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(job);
    this.#tail = result.catch(() => {});
    const onGone = this.#onGone;
    if (!onGone) return result;
    return result.catch((err) => {
      if (err instanceof DeviceNotConnectedError) {
        const reason = err.message;
        queueMicrotask(() => onGone(reason));
      }
      throw err;
    });
  }

  /** Resolves once every job queued so far has settled. */
  drained(): Promise<void> {
    return this.#tail.then(() => {});
  }
}
