/**
 * Waiting on work that cannot itself be cancelled (a plate solve in a child process, a frame's
 * star analysis in the worker pool) without letting it hold up an abort: the caller stops waiting
 * the moment its signal fires, and the work runs to its own end unobserved.
 */

/** `work`'s outcome, or the signal's reason as soon as it aborts (at once if it already has). */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
