// @ts-check
/**
 * The box's event stream: one WebSocket to /ws whose topics are exactly what the mounted screens
 * and components ask for (`useLatest`, `useEvent`, `useTopics`). When that set changes the app
 * sends `subscribe` / `unsubscribe` on the same socket (routes/ws.ts), so a change of screen opens
 * no socket and loses no event. The latest event of each type is a signal (status events are
 * replayed by the box on connect and on subscribe, so a new screen draws at once). On reconnect and when the page becomes
 * visible again `resync` ticks and every screen re-reads what the socket does not replay. The last
 * status events are kept on the phone, so a page opened while the box is unreachable shows the
 * rig as it last was, and says since when.
 */
import { signal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { token } from "./api.js";

/** @typedef {import("./types.js").EventType} EventType */
/**
 * @template {EventType} T
 * @typedef {{ ts: number, data: import("./types.js").EventPayload<T> }} Stamped
 */

/** "connecting" before the first answer, "live", or "offline" while the box is unreachable. */
export const link = signal(/** @type {"connecting" | "live" | "offline"} */ ("connecting"));
/** Ticks on every reconnect and every return to the page: re-read what may have changed. */
export const resync = signal(0);
/** When the snapshot shown was saved, while it is not live (Unix ms), else null. */
export const snapshotAt = signal(/** @type {number | null} */ (null));

const SNAPSHOT_KEY = "osl.snapshot";
/** Always wanted: the header's link state, alerts and device changes. */
const BASE_TOPICS = ["alert", "device.connected", "device.disconnected"];

/** @type {Map<string, import("@preact/signals").Signal<any>>} */
const latest = new Map();
/** @type {Map<string, Set<(data: any, ts: number) => void>>} */
const listeners = new Map();
/** @type {Map<string, number>} */
const topicCounts = new Map();

/**
 * The latest event of a type as a signal ({ ts, data } or null).
 * @template {EventType} T
 * @param {T} type
 * @returns {import("@preact/signals").Signal<Stamped<T> | null>}
 */
export function latestOf(type) {
  return slot(type);
}

/** The untyped signal behind `latestOf` (the socket fills it from raw JSON). @param {string} type */
function slot(type) {
  let s = latest.get(type);
  if (!s) latest.set(type, s = signal(null));
  return s;
}

/**
 * Adds topics while the caller needs them; returns the function that gives them back.
 * @param {string[]} topics
 */
export function subscribe(topics) {
  for (const t of topics) topicCounts.set(t, (topicCounts.get(t) ?? 0) + 1);
  scheduleReconfigure();
  return () => {
    for (const t of topics) {
      const n = (topicCounts.get(t) ?? 1) - 1;
      if (n <= 0) topicCounts.delete(t);
      else topicCounts.set(t, n);
    }
    scheduleReconfigure();
  };
}

/**
 * Calls `fn` for each event of the types; returns the unsubscribe function.
 * @param {string[]} types
 * @param {(data: any, ts: number, type: string) => void} fn
 */
export function onEvent(types, fn) {
  /** @type {[string, (data: any, ts: number) => void][]} */
  const added = types.map((type) => [type, (data, ts) => fn(data, ts, type)]);
  for (const [type, f] of added) {
    let set = listeners.get(type);
    if (!set) listeners.set(type, set = new Set());
    set.add(f);
  }
  const release = subscribe(types);
  return () => {
    for (const [type, f] of added) listeners.get(type)?.delete(f);
    release();
  };
}

/** Keeps topics subscribed while the component is mounted. @param {string[]} topics */
export function useTopics(...topics) {
  const key = topics.join(",");
  useEffect(() => subscribe(key.split(",").filter(Boolean)), [key]);
}

/**
 * The latest event of a type, subscribed while mounted (re-renders on each one).
 * @template {EventType} T
 * @param {T} type
 * @returns {Stamped<T> | null}
 */
export function useLatest(type) {
  useTopics(type);
  return latestOf(type).value;
}

/**
 * Runs `fn` for each event of the types while mounted (always the latest `fn`).
 * @param {string[]} types
 * @param {(data: any, ts: number, type: string) => void} fn
 */
export function useEvent(types, fn) {
  const ref = useRef(fn);
  ref.current = fn;
  const key = types.join(",");
  useEffect(
    () => onEvent(key.split(","), (data, ts, type) => ref.current(data, ts, type)),
    [key],
  );
}

/** @type {WebSocket | null} */
let socket = null;
/** The topics the box has for the socket: those in its URL, then as subscribed since. */
let socketTopics = new Set(/** @type {string[]} */ ([]));
let retryMs = 1000;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let retryTimer;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let reconfigureTimer;
let everLive = false;
let lastEventAt = 0;
let started = false;

function wantedTopics() {
  return new Set([...BASE_TOPICS, ...topicCounts.keys()]);
}

function scheduleReconfigure() {
  if (!started) return;
  clearTimeout(reconfigureTimer);
  // Screens mount their components in one go: one message for all their topics.
  reconfigureTimer = setTimeout(reconfigure, 60);
}

function reconfigure() {
  if (!socket) return open(); // the first screen said what it wants
  if (socket.readyState !== WebSocket.OPEN) return; // sent from onopen once it is up
  const want = wantedTopics();
  const add = [...want].filter((t) => !socketTopics.has(t));
  const drop = [...socketTopics].filter((t) => !want.has(t));
  // Subscribe first: a topic two screens share is never briefly off between them.
  if (add.length > 0) socket.send(JSON.stringify({ op: "subscribe", topics: add }));
  if (drop.length > 0) socket.send(JSON.stringify({ op: "unsubscribe", topics: drop }));
  socketTopics = want;
}

function open() {
  clearTimeout(retryTimer);
  const want = wantedTopics();
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const params = new URLSearchParams({ topics: [...want].sort().join(",") });
  if (token.value) params.set("token", token.value);
  const ws = new WebSocket(`${scheme}://${location.host}/ws?${params}`);
  socket = ws;
  socketTopics = want;
  ws.onopen = () => {
    const wasDown = link.value !== "live";
    link.value = "live";
    snapshotAt.value = null;
    retryMs = 1000;
    if (wasDown && everLive) resync.value++;
    everLive = true;
    reconfigure(); // topics asked for while it was connecting
  };
  ws.onmessage = (message) => {
    /** @type {{ type: string, ts: number, data: unknown }} */
    let event;
    try {
      event = JSON.parse(message.data);
    } catch {
      return;
    }
    if (event.type === "ws.error") console.warn("ws", event.data);
    if (event.type.startsWith("ws.")) return; // acks and pongs: nothing for the screens
    deliver(event.type, event.data, event.ts);
  };
  ws.onclose = () => {
    if (socket !== ws) return;
    socket = null;
    // The box is unreachable or restarting. Keep showing the last state.
    link.value = "offline";
    snapshotAt.value ??= lastEventAt || savedAt || null;
    retryTimer = setTimeout(open, retryMs);
    retryMs = Math.min(retryMs * 2, 5000);
  };
}

/**
 * @param {string} type
 * @param {unknown} data
 * @param {number} ts
 */
function deliver(type, data, ts) {
  lastEventAt = Date.now();
  slot(type).value = { ts, data };
  for (const fn of listeners.get(type) ?? []) {
    try {
      fn(data, ts);
    } catch (err) {
      console.error(type, err);
    }
  }
  if (type.endsWith(".status") || type === "weather.update" || type.startsWith("guiding.")) {
    snapshot[type] = { ts, data };
    scheduleSave();
  }
}

/** @type {Record<string, { ts: number, data: unknown }>} */
let snapshot = {};
let savedAt = 0;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let saveTimer;

function scheduleSave() {
  if (saveTimer !== undefined) return;
  saveTimer = setTimeout(() => {
    saveTimer = undefined;
    try {
      localStorage.setItem(SNAPSHOT_KEY, JSON.stringify({ at: Date.now(), events: snapshot }));
    } catch { /* storage full or private mode: the live view still works */ }
  }, 3000);
}

function restoreSnapshot() {
  try {
    const saved = JSON.parse(localStorage.getItem(SNAPSHOT_KEY) ?? "null");
    if (!saved?.events) return;
    snapshot = saved.events;
    savedAt = saved.at;
    for (const [type, e] of Object.entries(snapshot)) {
      slot(type).value = e;
    }
  } catch { /* a broken snapshot is only a missed convenience */ }
}

/** Starts the stream (once): restore the snapshot, connect, and reconnect on return. */
export function startLive() {
  if (started) return;
  started = true;
  restoreSnapshot();
  // Opened once the first screen has mounted and said which topics it wants.
  scheduleReconfigure();
  const wake = () => {
    if (document.visibilityState !== "visible") return;
    if (!socket) {
      retryMs = 1000;
      open();
    }
    resync.value++;
  };
  document.addEventListener("visibilitychange", wake);
  addEventListener("online", wake);
  addEventListener("pageshow", (e) => {
    if (/** @type {PageTransitionEvent} */ (e).persisted) wake();
  });
}

/**
 * Runs `load` now, and again on every resync (reconnect, page visible again) and whenever one
 * of `deps` changes.
 * @param {() => unknown} load
 * @param {unknown[]} [deps]
 */
export function useResync(load, deps = []) {
  const tick = resync.value;
  useEffect(() => void load(), [tick, ...deps]);
}
