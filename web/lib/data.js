// @ts-check
/**
 * Reading the box from a screen: `useGet("/mount/status")` gives { data, error, loading, reload }
 * and reads again on every resync (reconnect, page visible again) and whenever the path changes.
 * The last answer stays on screen while a new one loads, so nothing jumps.
 */
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { get } from "./api.js";
import { resync } from "./live.js";

/**
 * @template T
 * @typedef {{ data: T | null, error: unknown, loading: boolean, reload: () => Promise<void>,
 *   set: (value: T) => void }} Loaded
 */

/**
 * @template T
 * @param {string | null} path null: nothing to read yet
 * @param {{ intervalMs?: number }} [options] read again every interval while visible
 * @returns {Loaded<T>}
 */
export function useGet(path, options = {}) {
  const [data, setData] = useState(/** @type {T | null} */ (null));
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [loading, setLoading] = useState(path !== null);
  const current = useRef(path);
  current.current = path;
  const reload = useCallback(async () => {
    if (path === null) return;
    setLoading(true);
    try {
      const value = await get(path);
      if (current.current !== path) return;
      setData(value);
      setError(null);
    } catch (err) {
      if (current.current === path) setError(err);
    } finally {
      if (current.current === path) setLoading(false);
    }
  }, [path]);
  const tick = resync.value;
  useEffect(() => void reload(), [reload, tick]);
  useEffect(() => {
    if (!options.intervalMs) return;
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") reload();
    }, options.intervalMs);
    return () => clearInterval(timer);
  }, [reload, options.intervalMs]);
  return { data, error, loading, reload, set: setData };
}
