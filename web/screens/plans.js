// @ts-check
/**
 * Plans (the scheduler): create a multi-target plan with constraints (altitude, darkness, Moon
 * distance and brightness, time window) and startup/shutdown, start it, watch which target runs
 * and why, each target's progress and why the others wait, pause, resume, skip the current
 * target, abort (and park).
 */
import { html } from "htm/preact";
import { useState } from "preact/hooks";
import {
  Action,
  Card,
  Empty,
  ErrorLine,
  Field,
  Pill,
  Progress,
  Row,
  Select,
  Toggle,
} from "../components/ui.js";
import { api, post } from "../lib/api.js";
import { refreshActivity, scheduler } from "../lib/activity.js";
import { useGet } from "../lib/data.js";
import { clock, dateTime } from "../lib/format.js";
import { useEvent } from "../lib/live.js";
import { navigate } from "../lib/router.js";

/** @typedef {import("../lib/types.js").Plan} Plan */

function Status() {
  const s = scheduler.value;
  useEvent(
    ["scheduler.target_started", "scheduler.safety_alert", "sequencer.frame_saved"],
    () => refreshActivity(),
  );
  const active = s &&
    ["starting", "running", "waiting", "paused", "shutting_down"].includes(s.state);
  return html`<${Card} title="Scheduler" actions=${
    s && html`<${Pill} state=${active ? "busy" : "ok"}>${s.state}<//>`
  }>
    ${s?.plan_name && html`<p><strong>${s.plan_name}</strong></p>`}
    ${
    s?.current &&
    html`<p>Now: <strong>${s.current.name}</strong> since ${
      clock(s.current.started_at)
    } — ${s.current.reason}</p>`
  }
    ${s?.message && html`<p class="small">${s.message}</p>`}
    ${s?.last_error && html`<p class="err">${s.last_error}</p>`}
    ${
    s?.next_evaluation_at &&
    html`<p class="small dim">Next choice at ${clock(s.next_evaluation_at)}</p>`
  }
    ${
    (s?.progress ?? []).map((t) =>
      html`
        <div>
          <p class="small">${t.name} (priority ${t.priority})</p>
          <${Progress} label=${`${t.name} progress`} value=${t.wanted
            ? t.done / t.wanted
            : 0} text=${`${t.done}/${t.wanted}`} />
        </div>
      `
    )
  }
    ${
    (s?.rejected ?? []).length > 0 && html`
      <details>
        <summary>Why other targets wait</summary>
        <ul class="small">${s?.rejected.map((r) => html`<li>${r.name}: ${r.reason}</li>`)}</ul>
      </details>
    `
  }
    ${!active && html`<${Empty}>No plan running.<//>`}
    <${Row}>
      ${
    s?.state === "paused"
      ? html`<${Action} label="Resume plan" run=${() =>
        post("/scheduler/resume").then(refreshActivity)} />`
      : html`<${Action} label="Pause plan" disabled=${!active} run=${() =>
        post("/scheduler/pause").then(refreshActivity)} />`
  }
      <${Action} label="Skip target" disabled=${!active} run=${() =>
    post("/scheduler/skip-target").then(refreshActivity)} />
      <${Action} label="Abort plan" kind="danger" disabled=${!active} confirm="Abort the plan and park the mount?"
        run=${() => post("/scheduler/abort").then(refreshActivity)} />
    <//>
  <//>`;
}

function PlanList() {
  const list = useGet("/scheduler/plans");
  /** @type {Plan[]} */
  const plans = /** @type {any} */ (list.data)?.plans ?? [];
  return html`<${Card} title="Plans" actions=${html`<a class="button primary" href="#/plans/new">New</a>`}>
    <${ErrorLine} error=${list.error} />
    ${plans.length === 0 && html`<${Empty}>${list.loading ? "Reading…" : "No plans yet."}<//>`}
    <ul class="list">${
    plans.map((p) =>
      html`
        <li>
          <p><strong>${p.name}</strong> <span class="small dim">· ${p.targets.map((t) => t.name)
            .join(", ")} · ${dateTime(p.created_at)}</span></p>
          <${Row}>
            <${Action} label=${`Start ${p.name}`} kind="primary" run=${() =>
              post("/scheduler/start", { plan_id: p.id }).then(refreshActivity)} />
            <${Action} label=${`Delete ${p.name}`} kind="danger" confirm=${`Delete the plan “${p.name}”?`}
              run=${() => api("DELETE", `/scheduler/plans/${p.id}`).then(() => list.reload())} />
            <//>
            </li>
      `
    )
  }</ul>
  <//>`;
}

/** @typedef {{ name: string, priority: string, filter: string, exposure_s: string, count: string }} PlanTarget */

/** @param {{ initialTarget: string }} props */
function NewPlan({ initialTarget }) {
  const [name, setName] = useState(initialTarget ? `${initialTarget} plan` : "Tonight");
  const [targets, setTargets] = useState(
    /** @type {PlanTarget[]} */ ([
      { name: initialTarget, priority: "5", filter: "", exposure_s: "120", count: "30" },
    ]),
  );
  const [c, setC] = useState({
    minAlt: "30",
    darkness: "astronomical",
    moonSep: "",
    moonIllum: "",
    notAfter: "",
    guide: false,
    park: true,
    cool: "",
  });
  const [error, setError] = useState(/** @type {unknown} */ (null));
  /** @param {string} k @param {string | boolean} v */
  const setCon = (k, v) => setC({ ...c, [k]: v });
  /** @param {number} i @param {Partial<PlanTarget>} patch */
  const edit = (i, patch) => setTargets(targets.map((t, j) => j === i ? { ...t, ...patch } : t));
  const create = async (/** @type {boolean} */ start) => {
    setError(null);
    /** @type {Record<string, unknown>} */
    const constraints = { min_altitude_deg: Number(c.minAlt) || 30, require_darkness: c.darkness };
    if (c.moonSep) constraints.min_moon_separation_deg = Number(c.moonSep);
    if (c.moonIllum) constraints.max_moon_illumination = Number(c.moonIllum) / 100;
    if (c.notAfter) constraints.not_after = new Date(c.notAfter).toISOString();
    const plan = await post("/scheduler/plans", {
      name,
      targets: targets.map((t) => ({
        name: t.name.trim(),
        priority: Math.round(Number(t.priority) || 5),
        groups: [{
          filter: t.filter || null,
          exposure_s: Number(t.exposure_s),
          count: Math.round(Number(t.count)),
        }],
      })),
      constraints,
      startup: { start_guiding: c.guide, cool_to_c: c.cool === "" ? null : Number(c.cool) },
      shutdown: { park: c.park },
    });
    if (start) {
      await post("/scheduler/start", { plan_id: plan.id });
      await refreshActivity();
    }
    navigate("plans");
  };
  return html`
    <div>
      <${Card} title="New plan">
          <${Field} label="Plan name" value=${name} onInput=${setName} />
          ${targets.map((t, i) =>
            html`
              <div>
                <h3>Target ${i + 1}</h3>
                <${Row}>
                  <${Field} label="Target name" value=${t.name} placeholder="M 31" onInput=${(
                    /** @type {string} */ v,
                  ) => edit(i, { name: v })} />
                  <${Field} label="Priority" unit="1 = first" type="number" min=${1} max=${10}
                    value=${t.priority} onInput=${(/** @type {string} */ v) =>
                      edit(i, { priority: v })} />
                  <//>
                  <${Row}>
                        <${Field} label="Filter" value=${t.filter} placeholder="none" onInput=${(
                          /** @type {string} */ v,
                        ) => edit(i, { filter: v })} />
                        <${Field} label="Exposure" unit="s" type="number" value=${t
                          .exposure_s} onInput=${(/** @type {string} */ v) =>
                          edit(i, { exposure_s: v })} />
                        <${Field} label="Frames" type="number" value=${t.count} onInput=${(
                          /** @type {string} */ v,
                        ) => edit(i, { count: v })} />
                      <//>
                      ${targets.length > 1 &&
                        html`<button type="button" class="danger" onClick=${() =>
                          setTargets(targets.filter((_, j) => j !== i))}>Remove target ${
                          i + 1
                        }</button>`}
                    </div>
            `
          )}
          <${Row}><button type="button" onClick=${() =>
            setTargets([...targets, {
              name: "",
              priority: "5",
              filter: "",
              exposure_s: "120",
              count: "30",
            }])}>Add target</button><//>
        <//>
        <${Card} title="Constraints">
          <${Row}>
            <${Field} label="Lowest altitude" unit="°" type="number" value=${c.minAlt} onInput=${(
              /** @type {string} */ v,
            ) => setCon("minAlt", v)} />
            <${Select} label="Darkness" value=${c.darkness} onChange=${(/** @type {string} */ v) =>
              setCon("darkness", v)}
              options=${[["astronomical", "Astronomical (−18°)"], ["nautical", "Nautical (−12°)"], [
                "none",
                "Any time",
              ]]} />
          <//>
          <${Row}>
            <${Field} label="Moon at least" unit="°" type="number" value=${c
              .moonSep} placeholder="any" onInput=${(/** @type {string} */ v) =>
              setCon("moonSep", v)} />
            <${Field} label="Moon lit at most" unit="%" type="number" value=${c
              .moonIllum} placeholder="any" onInput=${(/** @type {string} */ v) =>
              setCon("moonIllum", v)} />
          <//>
          <${Field} label="Stop by" type="datetime-local" value=${c.notAfter} onInput=${(
            /** @type {string} */ v,
          ) => setCon("notAfter", v)} />
          <${Field} label="Cool the camera to" unit="°C" type="number" value=${c
            .cool} placeholder="no cooling" onInput=${(/** @type {string} */ v) =>
            setCon("cool", v)} />
          <${Toggle} label="Guide every block" checked=${c.guide} onChange=${(
            /** @type {boolean} */ on,
          ) => setCon("guide", on)} />
          <${Toggle} label="Park when done" checked=${c.park} onChange=${(
            /** @type {boolean} */ on,
          ) => setCon("park", on)} />
        <//>
        <${ErrorLine} error=${error} />
        <${Row}>
          <${Action} label="Create plan" run=${() => create(false)} />
          <${Action} label="Create and start" kind="primary" run=${() => create(true)} />
          <a class="button" href="#/plans">Cancel</a>
        <//>
      </div>
  `;
}

/** @param {{ params: string[], query: URLSearchParams }} props */
export default function Plans({ params, query }) {
  if (params[0] === "new") return html`<${NewPlan} initialTarget=${query.get("target") ?? ""} />`;
  return html`
    <div class="grid">
      <${Status} />
      <${PlanList} />
    </div>
  `;
}
