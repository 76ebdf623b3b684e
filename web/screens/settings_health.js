// @ts-check
/**
 * Settings' "Box health" card: the box's telemetry as the `telemetry.update` event brings it every
 * 10 s (first from GET /telemetry) — CPU temperature, Raspberry Pi under-voltage and throttling,
 * memory, the data disk and whether imaging may start, Wi-Fi, the box's own process and how
 * responsive it is. A box without the telemetry group (404) says so.
 */
import { html } from "htm/preact";
import { Card, Empty, Pill, Stats } from "../components/ui.js";
import { ApiError } from "../lib/api.js";
import { useGet } from "../lib/data.js";
import { duration, NONE, num, size } from "../lib/format.js";
import { useLatest } from "../lib/live.js";

/** @typedef {import("../lib/types.js").Telemetry} Telemetry */

const FLAG_TEXT = /** @type {const} */ ({
  under_voltage: "under-voltage",
  arm_freq_capped: "frequency capped",
  throttled: "throttled",
  soft_temp_limit: "soft temperature limit",
});

/** @param {Telemetry["throttling"]["now"]} flags */
function raised(flags) {
  return /** @type {(keyof typeof FLAG_TEXT)[]} */ (Object.keys(FLAG_TEXT))
    .filter((f) => flags[f] === true).map((f) => FLAG_TEXT[f]);
}

/** @param {Telemetry["throttling"]} t */
function flagsOf(t) {
  const now = raised(t.now);
  return { now, before: raised(t.since_boot).filter((f) => !now.includes(f)) };
}

/** @param {Telemetry["throttling"]} t */
function power(t) {
  if (t.source === null) return NONE;
  const { now, before } = flagsOf(t);
  return now.length ? "trouble" : before.length ? "dipped" : "good";
}

export function Health() {
  const loaded = useGet("/telemetry");
  const live = useLatest("telemetry.update")?.data;
  /** @type {Telemetry | null} */
  const t = live ?? /** @type {Telemetry | null} */ (loaded.data);
  const absent = loaded.error instanceof ApiError && loaded.error.status === 404;
  const flags = t ? flagsOf(t.throttling) : { now: [], before: [] };
  const state = !t
    ? null
    : !t.imaging.allowed || t.throttling.now.under_voltage
    ? "bad"
    : t.disk.state !== "ok" || raised(t.throttling.now).length
    ? "warn"
    : "ok";
  return html`<${Card} title="Box health" actions=${
    state && html`<${Pill} state=${state}>${state === "ok" ? "healthy" : "attention"}<//>`
  }>
    ${absent && html`<${Empty}>This firmware reports no telemetry.<//>`}
    ${
    t && html`
      ${!t.imaging.allowed &&
        html`<p class="err" role="alert">Imaging stopped: ${t.imaging.reason}</p>`}
      <${Stats} label="Box health" rows=${[
        ["CPU", num(t.cpu.temperature_c, 1, "°C")],
        ["Load", num(t.cpu.load_1m, 2)],
        ["Power", power(t.throttling)],
        ["Memory used", num(t.memory.used_percent, 0, "%")],
        ["Disk free", size(t.disk.free_bytes)],
        ["Wi-Fi", t.wifi === null ? "none" : num(t.wifi.signal_dbm, 0, "dBm")],
        ["App memory", size(t.process.rss_bytes)],
        ["App delay", num(t.event_loop.delay_p99_ms, 0, "ms")],
        ["Machine up", duration(t.uptime_s)],
      ]} />
      ${(flags.now.length > 0 || flags.before.length > 0) &&
        html`<p class="small">${flags.now.length > 0 ? `Now: ${flags.now.join(", ")}. ` : ""}${
          flags.before.length > 0 ? `Since the machine started: ${flags.before.join(", ")}.` : ""
        } Check the power supply and cooling.</p>`}
      ${t.disk.state !== "ok" && t.imaging.allowed &&
        html`<p class="small">The data disk is nearly full: imaging stops below ${
          size(t.disk.reserve_bytes)
        } free.</p>`}
    `
  }
  <//>`;
}
