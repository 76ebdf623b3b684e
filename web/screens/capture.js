// @ts-check
/**
 * Capture: exposure settings (duration, gain, offset, binning, frame type, filter, object name),
 * a single frame or a looping preview until stopped, abort, and the cooler (on/off, target, and
 * a ramp rate: the box moves the set point itself, so the phone may sleep; the card shows the
 * box's ramp with its ETA). The settings are kept on the phone for the next time.
 */
import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { FrameImage } from "../components/frame_image.js";
import {
  Action,
  Card,
  Field,
  Pill,
  Progress,
  Row,
  Segmented,
  Select,
  Stats,
  Toggle,
} from "../components/ui.js";
import { firstLookUrl, post, screenPreviewUrl } from "../lib/api.js";
import {
  exposeOnce,
  lastStarted,
  loopCount,
  loopError,
  looping,
  startLoop,
  stopLoop,
} from "../lib/capture_loop.js";
import { useGet } from "../lib/data.js";
import { duration, num } from "../lib/format.js";
import { useEvent, useLatest } from "../lib/live.js";
import { href } from "../lib/router.js";

const KEY = "osl.capture";
const DEFAULTS = {
  duration: "2",
  gain: "",
  offset: "",
  binning: "1",
  frame_type: "light",
  object: "",
};

function loadSettings() {
  try {
    return { ...DEFAULTS, ...JSON.parse(localStorage.getItem(KEY) ?? "{}") };
  } catch {
    return { ...DEFAULTS };
  }
}

/** @param {typeof DEFAULTS} s @returns {import("../lib/types.js").ExposureParams} */
function toParams(s) {
  /** @type {any} */
  const p = { duration: Number(s.duration), binning: Number(s.binning), frame_type: s.frame_type };
  if (s.gain !== "") p.gain = Number(s.gain);
  if (s.offset !== "") p.offset = Number(s.offset);
  if (s.object.trim() !== "") p.object = s.object.trim();
  return p;
}

function Exposure() {
  const [s, setS] = useState(loadSettings);
  /** @param {keyof typeof DEFAULTS} k @param {string} v */
  const set = (k, v) => {
    const next = { ...s, [k]: v };
    setS(next);
    try {
      localStorage.setItem(KEY, JSON.stringify(next));
    } catch { /* not kept */ }
  };
  const cam = useLatest("camera.status")?.data;
  const progress = useLatest("camera.expose_progress")?.data;
  const wheel = useLatest("filterwheel.status")?.data;
  const exposing = cam ? cam.exposure.state !== "idle" : false;
  const ours = progress && progress.frame_id === lastStarted.value;
  return html`
    <${Card} title="Exposure" actions=${cam &&
      html`<${Pill} state=${exposing ? "busy" : "ok"}>${cam.exposure.state}<//>`}>
      <${Row}>
        <${Field} label="Duration" unit="s" type="number" min=${0} max=${3600}
          value=${s.duration}
          onInput=${(/** @type {string} */ v) => set("duration", v)} />
        <${Field} label="Gain" type="number" min=${cam?.sensor.gain_min} max=${cam?.sensor.gain_max}
          value=${s.gain} placeholder="default" onInput=${(/** @type {string} */ v) =>
            set("gain", v)} />
        <${Field} label="Offset" type="number" min=${cam?.sensor.offset_min} max=${cam?.sensor
          .offset_max}
          value=${s.offset} placeholder="default" onInput=${(/** @type {string} */ v) =>
            set("offset", v)} />
        <//>
        <${Segmented} label="Binning" value=${s.binning} onChange=${(/** @type {string} */ v) =>
          set("binning", v)}
          options=${[["1", "1×1"], ["2", "2×2"], ["3", "3×3"], ["4", "4×4"]].slice(
            0,
            cam?.sensor.max_binning ?? 4,
          )} />
        <${Segmented} label="Frame type" value=${s.frame_type} onChange=${(
          /** @type {string} */ v,
        ) => set("frame_type", v)}
          options=${["light", "dark", "flat", "bias"]} />
        <${Row}>
          ${wheel && html`
            <${Select} label="Filter" value=${wheel.name ?? ""}
              onChange=${(/** @type {string} */ v) => post("/filterwheel/move", { name: v })}
              options=${wheel.filters.map((f) => f.name)} />
          `}
          <${Field} label="Object" value=${s.object} placeholder="M 42" onInput=${(
            /** @type {string} */ v,
          ) => set("object", v)} />
        <//>
        <${Progress} label="Exposure progress" value=${exposing
          ? (progress?.progress ?? cam?.exposure.progress ?? 0)
          : 0}
          text=${exposing
            ? `${duration(progress?.remaining_s ?? cam?.exposure.remaining_s)} left`
            : "idle"} />
        <${Row}>
          <${Action} label="Expose" kind="primary" disabled=${exposing || looping.value}
            run=${() => exposeOnce(toParams(s))} />
          ${looping.value
            ? html`<${Action} label=${`Stop loop (${loopCount.value})`} run=${() => stopLoop()} />`
            : html`<${Action} label="Loop" disabled=${exposing} run=${() =>
              startLoop(toParams(s))} />`}
          <${Action} label="Abort" kind="danger" run=${() => {
            stopLoop();
            return post("/camera/abort");
          }} />
        <//>
        ${loopError.value && html`<p class="err" role="alert">${loopError.value}</p>`}
        ${ours &&
          html`<p class="small dim">Frame ${
            progress?.frame_id.slice(0, 8)
          } · ${progress?.state}</p>`}
      <//>
  `;
}

function Latest() {
  const frames = useGet("/frames?limit=1");
  // The row first, then again once its star figures are measured (they follow frame_ready).
  useEvent(["camera.frame_ready", "camera.frame_analyzed"], () => frames.reload());
  /** @type {import("../lib/types.js").Frame | undefined} */
  const f = /** @type {any} */ (frames.data)?.frames?.[0];
  return html`
    <${Card} title="Latest frame" actions=${f &&
      html`<a class="button" href=${href("viewer", f.id)}>Open</a>`}>
      <a href=${f
        ? href("viewer", f.id)
        : href("viewer")} aria-label="Open the latest frame in the viewer">
        <${FrameImage} src=${f ? screenPreviewUrl(f.id) : null}
          firstLook=${f ? firstLookUrl(f.id) : null}
          alt=${f ? `Latest frame, ${f.object ?? f.frame_type}` : "No frame yet"} aspect=${f
            ? f.width / f.height
            : 1.5} />
      </a>
      <${Stats} rows=${[
        ["HFR", num(f?.hfr, 2, "px")],
        ["Stars", f?.stars ?? "–"],
        ["Exposure", f ? `${f.duration_s} s ${f.frame_type}` : "–"],
        ["Filter", f?.filter ?? "–"],
      ]} />
      <//>
  `;
}

function Cooler() {
  const cam = useLatest("camera.status")?.data;
  const [target, setTarget] = useState("-10");
  const [rate, setRate] = useState("3");
  const [useRamp, setUseRamp] = useState(true);
  const cooler = cam?.cooler;
  if (cooler && !cooler.available) {
    return html`
      <${Card} title="Cooler">
        <p class="empty">This camera has no cooler.</p>
        <//>
    `;
  }
  const r = cooler?.ramp;
  return html`
    <${Card} title="Cooler" actions=${cooler &&
      html`<${Pill} state=${cooler.ramping ? "busy" : "ok"}>${
        cooler.ramping ? r?.direction : cooler.enabled ? "on" : "off"
      }<//>`}>
      <${Stats} rows=${[
        ["Sensor", num(cooler?.temp_c, 1, "°C")],
        ["Target", num(cooler?.target_c, 1, "°C")],
        ["Power", num(cooler?.power, 0, "%")],
      ]} />
      <${Row}>
          <${Field} label="Target" unit="°C" type="number" min=${-50} max=${40} value=${target} onInput=${setTarget} />
          <${Field} label="Ramp" unit="°C/min" type="number" min=${0.1} max=${30} value=${rate} onInput=${setRate} />
        <//>
        <${Toggle} label="Ramp to the target" checked=${useRamp} onChange=${setUseRamp} />
        ${r &&
          html`<p class="small" data-testid="cooler-ramp">${
            `${r.direction === "cooling" ? "Cooling" : "Warming"} to ${num(r.goal_c, 1, "°C")}` +
            ` at ${r.rate_c_per_min} °C/min, set point now ${num(r.setpoint_c, 1, "°C")}` +
            (r.state === "settling"
              ? ", waiting for the sensor before switching off"
              : `, there in ${duration(r.eta_s)}`) +
            (r.then_off ? ", then off" : "")
          }</p>`}
        <${Row}>
          <${Action} label="Cooler on" kind="primary" run=${() =>
            post("/camera/cooler", {
              enabled: true,
              target_c: Number(target),
              ...(useRamp ? { ramp_c_per_min: Number(rate) } : {}),
            })} />
          <${Action} label="Cooler off" run=${() =>
            post("/camera/cooler", {
              enabled: false,
              target_c: cooler?.target_c ?? Number(target),
            })} />
        <//>
      <//>
  `;
}

export default function Capture() {
  return html`
    <div class="grid">
      <${Exposure} />
      <${Latest} />
      <${Cooler} />
    </div>
  `;
}
