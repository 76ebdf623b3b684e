// @ts-check
/**
 * Home: the whole box at a glance. What is running (sequence or plan, progress, ETA), the mount
 * (position, tracking, pier side, time to the meridian flip), the camera and its cooler, guiding
 * with its RMS trend, the last frame with its HFR and star count, safety, the devices, alerts.
 * Each card links to the screen that acts on it.
 */
import { html } from "htm/preact";
import { Action, Card, Empty, Pill, Progress, Row, Stats } from "../components/ui.js";
import { FrameImage } from "../components/frame_image.js";
import { Sparkline } from "../components/sparkline.js";
import { post, screenPreviewUrl } from "../lib/api.js";
import { busy, instructionText, livestack, scheduler, sequencer } from "../lib/activity.js";
import { alerts, markRead } from "../lib/alerts.js";
import { useGet } from "../lib/data.js";
import { clock, clockSeconds, dec, duration, num, ra } from "../lib/format.js";
import { useGuideHistory } from "../lib/history.js";
import { link, useEvent, useLatest } from "../lib/live.js";
import { href } from "../lib/router.js";

function Activity() {
  const seq = sequencer.value;
  const plan = scheduler.value;
  const ls = livestack.value;
  const seqActive = seq && ["running", "paused", "interrupted"].includes(seq.state);
  const planActive = plan && ["running", "paused", "waiting"].includes(plan.state);
  return html`<${Card} title="Running" actions=${
    busy.value && html`<${Pill} state="ok">Screen kept on<//>`
  }>
    ${
    seqActive && seq && html`
      <div data-testid="home-sequence">
        <p><a href=${href("sequences")}><strong>${seq.sequence_name}</strong></a> · ${seq.state}</p>
        <p class="small">${seq.message ?? seq.step?.description ?? ""}</p>
        <${Progress} label="Sequence progress" value=${seq.frame.of
          ? seq.frame.n / seq.frame.of
          : 0}
          text=${`${seq.frame.n}/${seq.frame.of} frames`} />
        <${Stats} rows=${[
          [
            "Now",
            html`<span data-testid="home-sequence-instruction">${instructionText(seq)}</span>`,
          ],
          ["Elapsed", duration(seq.elapsed_s)],
          ["ETA", duration(seq.eta_s)],
        ]} />
      </div>
    `
  }
    ${
    planActive && plan && html`
      <div>
        <p><a href=${href("plans")}><strong>${plan.plan_name}</strong></a> · ${plan.state}</p>
        <p class="small">${plan.current
          ? `${plan.current.name}: ${plan.current.reason}`
          : plan.message ?? ""}</p>
      </div>
    `
  }
    ${
    ls?.state === "running" && html`<p><a href=${href("livestack")}>Live stack</a>:
      ${ls.frames_stacked} stacked, ${ls.frames_rejected} rejected · ${
      duration(ls.total_exposure_s)
    }</p>`
  }
    ${
    !seqActive && !planActive && ls?.state !== "running" &&
    html`<${Empty}>Nothing running. <a href=${href("sequences")}>Sequences</a> · <a href=${
      href("plans")
    }>Plans</a><//>`
  }
  <//>`;
}

function Mount() {
  const latest = useLatest("mount.status");
  const m = latest?.data;
  const state = !m
    ? "–"
    : m.slewing
    ? "slewing"
    : m.parked
    ? "parked"
    : m.tracking !== "off"
    ? "tracking"
    : "idle";
  return html`
    <${Card} title=${html`<a href=${href("equipment", "mount")}>Mount</a>`}
      actions=${m && html`<${Pill} state=${m.slewing ? "busy" : "ok"}>${state}<//>`}>
      <${Stats} rows=${[
        ["RA", ra(m?.ra)],
        ["Dec", dec(m?.dec)],
        ["Alt", num(m?.alt, 1, "°")],
        ["Az", num(m?.az, 1, "°")],
        ["Tracking", m?.tracking ?? "–"],
        ["Pier", m?.pier_side ?? "–"],
        [
          "Flip in",
          m?.time_to_flip_s === null || m?.time_to_flip_s === undefined
            ? "–"
            : duration(m.time_to_flip_s),
        ],
      ]} />
      ${link.value !== "live" && latest &&
        html`<p class="small">${`Position as of ${clockSeconds(latest.ts)}`}</p>`}
      <${Row}>
          ${m?.parked
            ? html`<${Action} label="Unpark" run=${() => post("/mount/unpark")} />`
            : html`<${Action} label="Park" run=${() => post("/mount/park")} />`}
          <${Action} label="Stop mount" kind="danger" run=${() => post("/mount/abort")} />
        <//>
      <//>
  `;
}

function Camera() {
  const c = useLatest("camera.status")?.data;
  const p = useLatest("camera.expose_progress")?.data;
  const exposing = c && c.exposure.state !== "idle";
  const cooler = c?.cooler;
  return html`
    <${Card} title=${html`<a href=${href("capture")}>Camera</a>`}
      actions=${c && html`<${Pill} state=${exposing ? "busy" : "ok"}>${c.exposure.state}<//>`}>
      <${Progress} label="Exposure progress" value=${exposing
        ? (p?.progress ?? c?.exposure.progress ?? 0)
        : 0}
        text=${exposing ? duration(p?.remaining_s ?? c?.exposure.remaining_s) + " left" : "idle"} />
      <${Stats} rows=${[
        ["Sensor", num(cooler?.temp_c, 1, "°C")],
        [
          "Cooler",
          !cooler
            ? "–"
            : !cooler.available
            ? "none"
            : cooler.enabled
            ? `${num(cooler.target_c, 0, "°C")} · ${Math.round(cooler.power)}%`
            : "off",
        ],
        ...(cooler?.ramp
          ? [[
            cooler.ramp.direction === "cooling" ? "Cooling to" : "Warming to",
            `${num(cooler.ramp.goal_c, 1, "°C")} in ${duration(cooler.ramp.eta_s)}`,
          ]]
          : []),
      ]} />
      <//>
  `;
}

function Guiding() {
  const stats = useLatest("guiding.stats_update")?.data;
  const changed = useLatest("guiding.state_changed");
  const status = useGet("/guiding/status");
  /** @type {import("../lib/types.js").GuidingStatus | null} */
  const g = /** @type {any} */ (status.data);
  useEvent(["guiding.state_changed"], () => status.reload());
  const state = changed?.data.state ?? g?.state;
  const recent = useGuideHistory().slice(-120);
  return html`
    <${Card} title=${html`<a href=${href("guiding")}>Guiding</a>`}
      actions=${html`<${Pill} state="ok">${state ?? "–"}<//>`}>
      <${Stats} rows=${[
        ["RMS", num(stats?.rms_total ?? g?.rms_total, 2, "″")],
        [
          "RA / Dec",
          `${num(stats?.rms_ra ?? g?.rms_ra, 2)} / ${num(stats?.rms_dec ?? g?.rms_dec, 2, "″")}`,
        ],
      ]} />
      <${Sparkline} label=${`Guide error over the last ${recent.length} steps: RMS ${
        num(stats?.rms_total, 2, "″")
      } now`}
        values=${recent.map((h) =>
          h.ra === null || h.dec === null ? null : Math.hypot(h.ra, h.dec)
        )} />
      <//>
  `;
}

function LastFrame() {
  const frames = useGet(/** @type {string} */ ("/frames?limit=1"));
  // camera.frame_analyzed: the HFR and star count arrive after the frame itself.
  useEvent(
    [
      "camera.frame_ready",
      "camera.frame_analyzed",
      "mount.centered",
      "polar_alignment.error_computed",
    ],
    () => frames.reload(),
  );
  /** @type {import("../lib/types.js").Frame | undefined} */
  const f = /** @type {any} */ (frames.data)?.frames?.[0];
  return html`
    <${Card} title=${html`<a href=${href("viewer")}>Last frame</a>`} class="last-frame">
      <a href=${f
        ? href("viewer", f.id)
        : href("viewer")} aria-label="Open the last frame in the viewer">
        <${FrameImage} src=${f ? screenPreviewUrl(f.id) : null}
          alt=${f ? `Last frame: ${f.object ?? f.frame_type}, ${f.duration_s} s` : "No frame yet"}
          aspect=${f ? f.width / f.height : 3 / 2} />
      </a>
      <${Stats} rows=${[
        ["Target", f?.object ?? "–"],
        ["Taken", clockSeconds(f?.started_at)],
        ["HFR", num(f?.hfr, 2, "px")],
        ["Stars", f?.stars ?? "–"],
      ]} />
      <//>
  `;
}

function Safety() {
  const w = useLatest("weather.update")?.data;
  const safety = useGet("/safety/status");
  useEvent(["scheduler.safety_alert"], () => safety.reload());
  /** @type {any} */
  const s = safety.data;
  const safe = s ? s.safe : w?.safe;
  return html`
    <${Card} title=${html`<a href=${href("equipment", "weather")}>Safety</a>`}
      actions=${safe === undefined
        ? null
        : html`<${Pill} state=${safe ? "ok" : "bad"}>${safe ? "Safe" : "Unsafe"}<//>`}>
        ${!safe && (s?.reasons?.length ?? 0) > 0 &&
          html`<p class="err">${s.reasons.join(", ")}</p>`}
        <${Stats} rows=${[
          ["Clouds", num(w?.conditions.cloud_cover_pct, 0, "%")],
          ["Humidity", num(w?.conditions.humidity_pct, 0, "%")],
          ["Wind", num(w?.conditions.wind_speed_ms, 1, "m/s")],
          [
            "Override",
            w?.override === null || w?.override === undefined
              ? "none"
              : w.override
              ? "forced safe"
              : "forced unsafe",
          ],
        ]} />
      <//>
  `;
}

function Devices() {
  const devices = useGet("/devices");
  useEvent(["device.connected", "device.disconnected"], () => devices.reload());
  /** @type {import("../lib/types.js").RoleStatus[]} */
  const list = /** @type {any} */ (devices.data)?.devices ?? [];
  return html`<${Card} title=${html`<a href=${href("equipment")}>Devices</a>`}>
    ${list.length === 0 && html`<${Empty}>${devices.loading ? "Reading…" : "No devices"}<//>`}
    <${Stats} rows=${
    list.map((
      d,
    ) => [
      d.role,
      html`<span class=${d.state === "connected" ? "" : "pill bad"}>${
        d.state === "unassigned" ? "–" : d.state
      }</span>`,
    ])
  } />
  <//>`;
}

function Alerts() {
  const list = alerts.value;
  return html`<${Card} title="Alerts" actions=${
    list.length > 0 && html`<button type="button" onClick=${() => {
      alerts.value = [];
      markRead();
    }}>Clear</button>`
  }>
    ${list.length === 0 && html`<${Empty}>No alerts since this page opened.<//>`}
    <ul class="list">${
    list.slice(0, 20).map((a) =>
      html`<li class=${`alert-item ${a.level}`}>
      <span class="dim">${clock(a.ts)}</span> <strong>${a.level}</strong> ${a.source}: ${a.message}
    </li>`
    )
  }</ul>
  <//>`;
}

export default function Home() {
  return html`
    <div class="grid">
      <${Activity} />
      <${Mount} />
      <${Camera} />
      <${LastFrame} />
      <${Guiding} />
      <${Safety} />
      <${Devices} />
      <${Alerts} />
    </div>
  `;
}
