// @ts-check
/**
 * The box's alerts as they arrive (the `alert` event), newest first, kept for the session:
 * home lists them, the header counts the unread warnings and errors.
 */
import { signal } from "@preact/signals";
import { onEvent } from "./live.js";

/** @typedef {import("./types.js").EventPayload<"alert"> & { ts: number }} Alert */

export const alerts = signal(/** @type {Alert[]} */ ([]));
export const unread = signal(0);

export function startAlerts() {
  onEvent(["alert"], (data, ts) => {
    alerts.value = [{ ...data, ts }, ...alerts.value].slice(0, 100);
    if (data.level !== "info") unread.value++;
  });
}

export function markRead() {
  unread.value = 0;
}
