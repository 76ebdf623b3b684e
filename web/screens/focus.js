// @ts-check
/**
 * Focus: the focuser's position, motion and temperature; manual in/out by a chosen step size
 * and a move to a position; autofocus with its settings, the V-curve drawn point by point as
 * the box measures it (`autofocus.point`), the fit's best position, abort; and temperature
 * compensation.
 */
import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { Chart } from "../components/chart.js";
import {
  Action,
  Card,
  Empty,
  Field,
  Pill,
  Row,
  Segmented,
  Select,
  Stats,
  Toggle,
} from "../components/ui.js";
import { post } from "../lib/api.js";
import { useGet } from "../lib/data.js";
import { num } from "../lib/format.js";
import { useEvent, useLatest } from "../lib/live.js";

/** @typedef {import("../lib/types.js").AutofocusStatus} AutofocusStatus */
/** @typedef {import("../lib/types.js").AutofocusPoint} AutofocusPoint */

function Manual() {
  const f = useLatest("focuser.status")?.data;
  const [step, setStep] = useState("100");
  const [target, setTarget] = useState("");
  const n = Number(step);
  return html`
    <${Card} title="Focuser" actions=${f &&
      html`<${Pill} state=${f.moving ? "busy" : "ok"}>${f.moving ? "moving" : "still"}<//>`}>
      <${Stats} rows=${[
        ["Position", f ? `${f.position} / ${f.max_position}` : "–"],
        ["Target", f?.target_position ?? "–"],
        ["Temperature", num(f?.temperature_c, 1, "°C")],
      ]} />
      <${Segmented} label="Step size" value=${step} onChange=${setStep} options=${[
        "10",
        "100",
        "1000",
      ]} />
      <${Row}>
        <${Action} label=${`In ${n}`} ariaLabel=${`Move in ${n} steps`} run=${() =>
          post("/focuser/move-rel", { steps: -n })} />
        <${Action} label=${`Out ${n}`} ariaLabel=${`Move out ${n} steps`} run=${() =>
          post("/focuser/move-rel", { steps: n })} />
        <${Action} label="Halt" kind="danger" run=${() => post("/focuser/halt")} />
        <//>
        <${Row}>
          <${Field} label="Move to" unit="steps" type="number" min=${0} max=${f?.max_position}
            value=${target}
            onInput=${setTarget} />
          <${Action} label="Move" run=${() =>
            post("/focuser/move", { position: Math.round(Number(target)) })} />
          <//>
          <//>
  `;
}

/** @param {{ points: AutofocusPoint[], best: { position: number, hfr: number } | null }} props */
function VCurve({ points, best }) {
  const measured = points.filter((p) => p.hfr_px !== null).sort((a, b) => a.position - b.position);
  if (measured.length === 0) {
    return html`
      <div style="height:200px">
        <${Empty}>The V-curve appears here point by point.<//></div>
    `;
  }
  const xs = [...new Set([...measured.map((p) => p.position), ...(best ? [best.position] : [])])]
    .sort((a, b) => a - b);
  const hfr = xs.map((x) => measured.find((p) => p.position === x)?.hfr_px ?? null);
  const bestSeries = xs.map((x) => best && x === best.position ? best.hfr : null);
  return html`
    <${Chart} label=${`V-curve: ${measured.length} points${
      best ? `, best focus at ${Math.round(best.position)} steps, HFR ${num(best.hfr, 2)} px` : ""
    }`}
      height=${200} data=${[xs, hfr, bestSeries]}
      series=${[{ label: "HFR (px) by position", points: true }, {
        label: "Best focus",
        points: true,
      }]} />
  `;
}

function Autofocus() {
  const status = useGet("/focuser/autofocus");
  /** @type {AutofocusStatus | null} */
  const af = /** @type {any} */ (status.data);
  const [live, setLive] = useState(/** @type {AutofocusPoint[]} */ ([]));
  useEvent(
    ["autofocus.point"],
    (p) =>
      setLive((old) =>
        old.some((o) => o.run_id === p.run_id && o.index === p.index) ? old : [...old, p]
      ),
  );
  useEvent(["autofocus.completed", "autofocus.failed"], () => status.reload());
  const wheel = useLatest("filterwheel.status")?.data;
  const [s, setS] = useState({
    step_size: "",
    steps_per_side: "",
    exposure_s: "",
    binning: "2",
    filter: "",
    tc: false,
  });
  /** @param {string} k @param {string | boolean} v */
  const set = (k, v) => setS({ ...s, [k]: v });
  const runId = af?.run_id;
  const points = [
    ...(af?.points ?? []),
    ...live.filter((p) =>
      p.run_id === runId && !(af?.points ?? []).some((q) => q.index === p.index)
    ),
  ];
  const fit = af?.result?.fit ?? af?.fit;
  const running = af?.state === "running";
  const start = () => {
    /** @type {Record<string, unknown>} */
    const body = { binning: Number(s.binning) };
    if (s.step_size) body.step_size = Number(s.step_size);
    if (s.steps_per_side) body.steps_per_side = Number(s.steps_per_side);
    if (s.exposure_s) body.exposure_s = Number(s.exposure_s);
    if (s.filter) body.filter = s.filter;
    if (s.tc) body.temperature_compensation = true;
    setLive([]);
    return post("/focuser/autofocus", body).then(() => status.reload());
  };
  return html`<${Card} title="Autofocus" actions=${
    af &&
    html`<${Pill} state=${af.state === "failed" ? "bad" : running ? "busy" : "ok"}>${af.state}<//>`
  }>
    <${VCurve} points=${points} best=${
    fit ? { position: fit.best_position, hfr: fit.min_hfr_px } : null
  } />
    ${
    af?.result &&
    html`<p class="af-result">Best focus ${af.result.best_position} steps, HFR ${
      num(af.result.hfr_px, 2)
    } px
      (from ${num(af.result.start_hfr_px, 2)} px), R² ${num(af.result.fit.r_squared, 3)}</p>`
  }
    ${af?.state === "failed" && html`<p class="err">${af.reason}</p>`}
    <${Row}>
      <${Field} label="Step size" unit="steps" type="number" value=${s.step_size} placeholder="auto"
        onInput=${(/** @type {string} */ v) => set("step_size", v)} />
      <${Field} label="Points each side" type="number" value=${s.steps_per_side} placeholder="auto"
        onInput=${(/** @type {string} */ v) => set("steps_per_side", v)} />
      <${Field} label="Exposure" unit="s" type="number" value=${s.exposure_s} placeholder="auto"
        onInput=${(/** @type {string} */ v) => set("exposure_s", v)} />
    <//>
    <${Row}>
      <${Select} label="Binning" value=${s.binning} onChange=${(/** @type {string} */ v) =>
    set("binning", v)} options=${["1", "2", "3", "4"]} />
      ${
    wheel && html`
      <${Select} label="Filter" value=${s.filter} onChange=${(/** @type {string} */ v) =>
        set("filter", v)}
        options=${[["", "current"], ...wheel.filters.map((f) => f.name)]} />
    `
  }
    <//>
    <${Toggle} label="Follow the temperature afterwards" checked=${s.tc} onChange=${(
    /** @type {boolean} */ on,
  ) => set("tc", on)} />
    ${
    af &&
    html`<p class="small dim">${`Temperature compensation: ${
      af.temperature_compensation.enabled ? "on" : "off"
    }${
      af.temperature_compensation.steps_per_c === null
        ? ""
        : ` · ${num(af.temperature_compensation.steps_per_c, 1)} steps/°C`
    } · ${af.temperature_compensation.runs} runs over ${
      num(af.temperature_compensation.span_c, 1, "°C")
    }`}</p>`
  }
    <${Row}>
      <${Action} label="Start autofocus" kind="primary" disabled=${running} run=${start} />
      <${Action} label="Abort autofocus" kind="danger" disabled=${!running} run=${() =>
    post("/focuser/autofocus/abort").then(() => status.reload())} />
    <//>
  <//>`;
}

export default function Focus() {
  return html`
    <div class="grid">
      <${Manual} />
      <${Autofocus} />
    </div>
  `;
}
