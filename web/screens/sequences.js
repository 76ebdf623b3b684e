// @ts-check
/**
 * Sequences: the running one with its progress and ETA (pause, resume, abort), resume after a
 * crash from the box's checkpoint, the saved sequences (run, delete), and the builder
 * (#/sequences/new): targets, filter/exposure/count rows (one tap for LRGB), dither, autofocus
 * triggers, meridian flip, centring, guiding, cooling, park at the end, and templates.
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
  Stats,
  Toggle,
} from "../components/ui.js";
import { api, ApiError, post } from "../lib/api.js";
import { instructionText, sequencer } from "../lib/activity.js";
import { useGet } from "../lib/data.js";
import { dateTime, duration } from "../lib/format.js";
import { useLatest } from "../lib/live.js";
import { href, navigate } from "../lib/router.js";

/** @typedef {import("../lib/types.js").Sequence} Sequence */
/** @typedef {{ filter: string, exposure_s: string, count: string, gain: string, binning: string }} GroupForm */
/** @typedef {{ name: string, ra: string, dec: string, groups: GroupForm[] }} TargetForm */

function Running() {
  const s = sequencer.value;
  const checkpoint = useGet("/sequencer/checkpoint");
  const last = useLatest("sequencer.frame_saved")?.data;
  /** @type {import("../lib/types.js").Checkpoint | null} */
  const cp = checkpoint.error instanceof ApiError && checkpoint.error.status === 404
    ? null
    : /** @type {any} */ (checkpoint.data);
  const active = s && ["running", "paused"].includes(s.state);
  const resumable = cp && ["interrupted", "paused", "running"].includes(cp.state) && !active;
  return html`<${Card} title="Sequencer" actions=${
    s &&
    html`<${Pill} state=${s.state === "failed" ? "bad" : active ? "busy" : "ok"}>${s.state}<//>`
  }>
    ${
    s && s.state !== "idle" && html`<div data-testid="sequence-progress">
      <p><strong>${s.sequence_name}</strong></p>
      <p class="small">${s.step?.description ?? ""}</p>
      <${Progress} label="Sequence progress" value=${
      s.frame.of ? s.frame.n / s.frame.of : 0
    } text=${`${s.frame.n}/${s.frame.of} frames`} />
      <${Stats} rows=${[
      ["Now", html`<span data-testid="sequence-instruction">${instructionText(s)}</span>`],
      ["Elapsed", duration(s.elapsed_s)],
      ["ETA", duration(s.eta_s)],
      ["Target", s.step?.target ?? "–"],
      ["Filter", s.step?.filter ?? "–"],
    ]} />
      ${s.paused_reason && html`<p class="small">Paused: ${s.paused_reason}</p>`}
      ${s.message && html`<p class="small">${s.message}</p>`}
      ${
      last &&
      html`<p class="small dim">${`Last frame: ${last.filter ?? ""} ${last.duration_s} s · HFR ${
        last.hfr?.toFixed(2) ?? "–"
      } · `}<a href=${href("viewer", last.id)}>view</a></p>`
    }
    </div>`
  }
    ${(!s || s.state === "idle") && html`<${Empty}>No sequence running.<//>`}
    ${
    resumable && cp && html`
      <div class="banner">
        <p>“${cp.sequence_name}” stopped (${cp.state}) after ${cp.frames_done} of ${cp
          .frames_planned} frames.</p>
        <${Action} label="Resume where it stopped" kind="primary"
          run=${() => post("/sequencer/start", { sequence_id: cp.sequence_id, resume: true })} />
      </div>
    `
  }
    <${Row}>
      ${
    s?.state === "running" &&
    html`<${Action} label="Pause" run=${() => post("/sequencer/pause")} />`
  }
      ${
    s?.state === "paused" &&
    html`<${Action} label="Resume" run=${() => post("/sequencer/resume")} />`
  }
      ${
    active && html`
      <${Action} label="Abort sequence" kind="danger"
        confirm="Abort the sequence? Frames taken are kept."
        run=${() => post("/sequencer/abort")} />
    `
  }
    <//>
  <//>`;
}

function Saved() {
  const list = useGet("/sequences");
  /** @type {Sequence[]} */
  const sequences = /** @type {any} */ (list.data)?.sequences ?? [];
  return html`<${Card} title="Saved sequences" actions=${html`<a class="button primary" href="#/sequences/new">New</a>`}>
    <${ErrorLine} error=${list.error} />
    ${
    sequences.length === 0 &&
    html`<${Empty}>${list.loading ? "Reading…" : "None yet: build one with New."}<//>`
  }
    <ul class="list">${
    sequences.map((q) =>
      html`
        <li>
          <p><strong>${q.name}</strong> <span class="small dim">· ${q.targets.map((t) => t.name)
            .join(", ")} · ${q.targets.reduce(
              (n, t) => n + t.groups.reduce((m, g) => m + g.count, 0) * t.loop.repeat,
              0,
            )} frames · ${dateTime(q.created_at)}</span></p>
          <${Row}>
            <${Action} label=${`Run ${q.name}`} kind="primary" run=${() =>
              post("/sequencer/start", { sequence_id: q.id })} />
            <${Action} label=${`Delete ${q.name}`} kind="danger" confirm=${`Delete the sequence “${q.name}”?`}
              run=${() => api("DELETE", `/sequences/${q.id}`).then(() => list.reload())} />
            <//>
            </li>
      `
    )
  }</ul>
  <//>`;
}

/** @returns {GroupForm} */
const group = (filter = "", exposure = "60", count = "10") => ({
  filter,
  exposure_s: exposure,
  count,
  gain: "",
  binning: "1",
});

/** @param {GroupForm} g */
function toGroup(g) {
  /** @type {Record<string, unknown>} */
  const out = {
    filter: g.filter || null,
    exposure_s: Number(g.exposure_s),
    count: Math.round(Number(g.count)),
    binning: Number(g.binning),
  };
  if (g.gain !== "") out.gain = Number(g.gain);
  return out;
}

/** @param {{ initialTarget: string }} props */
function Builder({ initialTarget }) {
  const wheel = useLatest("filterwheel.status")?.data;
  const templates = useGet("/templates");
  const filters = wheel?.filters.map((f) => f.name) ?? [];
  const [name, setName] = useState(initialTarget ? `${initialTarget} LRGB` : "");
  const [targets, setTargets] = useState(
    /** @type {TargetForm[]} */ ([{
      name: initialTarget,
      ra: "",
      dec: "",
      groups: [group(filters[0] ?? "")],
    }]),
  );
  const [o, setO] = useState({
    dither: true,
    ditherEvery: "3",
    ditherPx: "5",
    afStart: true,
    afFilter: false,
    afEvery: "",
    afHfr: "",
    flip: true,
    flipAfter: "2",
    recenter: true,
    center: false,
    guiding: false,
    cool: "",
    park: false,
  });
  const [templateName, setTemplateName] = useState("");
  const [error, setError] = useState(/** @type {unknown} */ (null));
  /** @param {string} k @param {string | boolean} v */
  const setOpt = (k, v) => setO({ ...o, [k]: v });
  /** @param {number} ti @param {(t: TargetForm) => TargetForm} fn */
  const editTarget = (ti, fn) => setTargets(targets.map((t, i) => i === ti ? fn(t) : t));
  const options = () => ({
    dither: o.dither
      ? { every_frames: Math.round(Number(o.ditherEvery) || 1), pixels: Number(o.ditherPx) || 5 }
      : null,
    autofocus: {
      at_start: o.afStart,
      on_filter_change: o.afFilter,
      every_frames: o.afEvery ? Math.round(Number(o.afEvery)) : null,
      hfr_rise_pct: o.afHfr ? Number(o.afHfr) : null,
    },
    meridian_flip: {
      enabled: o.flip,
      minutes_after: Number(o.flipAfter) || 0,
      recenter: o.recenter,
    },
    center_on_target: o.center,
    guiding: { enabled: o.guiding },
    cool_down: o.cool !== "" ? { target_c: Number(o.cool) } : null,
    park_at_end: o.park,
  });
  const body = () => ({
    name: name.trim() || targets[0]?.name || "Sequence",
    targets: targets.map((t) => {
      /** @type {Record<string, unknown>} */
      const out = { name: t.name.trim(), groups: t.groups.map(toGroup) };
      if (t.ra !== "") out.ra = Number(t.ra);
      if (t.dec !== "") out.dec = Number(t.dec);
      return out;
    }),
    options: options(),
  });
  const save = async (/** @type {boolean} */ run) => {
    setError(null);
    const created = await post("/sequences", body());
    if (run) {
      await post("/sequencer/start", { sequence_id: created.id });
    }
    navigate("sequences");
  };
  /** @type {import("../lib/types.js").Template[]} */
  const tpl = /** @type {any} */ (templates.data)?.templates ?? [];
  return html`
    <div>
      <${Card} title="New sequence">
          <${Field} label="Sequence name" value=${name} onInput=${setName} placeholder="M 31 LRGB" />
          ${targets.map((t, ti) =>
            html`
              <div class="target-form">
                <h3>Target ${ti + 1}</h3>
                <${Field} label="Target name" value=${t
                  .name} placeholder="M 31 (or any name with RA/Dec)"
                  onInput=${(/** @type {string} */ v) =>
                    editTarget(ti, (x) => ({ ...x, name: v }))} />
                <${Row}>
                        <${Field} label="RA" unit="h, optional" type="number" value=${t
                          .ra} onInput=${(/** @type {string} */ v) =>
                          editTarget(ti, (x) => ({ ...x, ra: v }))} />
                        <${Field} label="Dec" unit="°, optional" type="number" value=${t
                          .dec} onInput=${(/** @type {string} */ v) =>
                          editTarget(ti, (x) => ({ ...x, dec: v }))} />
                      <//>
                      ${t.groups.map((g, gi) => {
                        /** @param {Partial<GroupForm>} patch */
                        const edit = (patch) =>
                          editTarget(ti, (x) => ({
                            ...x,
                            groups: x.groups.map((y, j) => j === gi ? { ...y, ...patch } : y),
                          }));
                        return html`<div class="group-row">
            ${
                          filters.length > 0
                            ? html`
                              <${Select} label=${`Filter ${gi + 1}`} value=${g.filter} onChange=${(
                                /** @type {string} */ v,
                              ) => edit({ filter: v })}
                                options=${[["", "none"], ...filters]} />
                            `
                            : html`<${Field} label=${`Filter ${
                              gi + 1
                            }`} value=${g.filter} onInput=${(/** @type {string} */ v) =>
                              edit({ filter: v })} />`
                        }
            <${Field} label="Exposure (s)" type="number" value=${g.exposure_s} onInput=${(
                          /** @type {string} */ v,
                        ) => edit({ exposure_s: v })} />
            <${Field} label="Count" type="number" value=${g.count} onInput=${(
                          /** @type {string} */ v,
                        ) => edit({ count: v })} />
            <button type="button" class="danger" aria-label=${`Remove row ${gi + 1}`} disabled=${
                          t.groups.length === 1
                        }
              onClick=${() =>
                          editTarget(ti, (x) => ({
                            ...x,
                            groups: x.groups.filter((_, j) => j !== gi),
                          }))}>×</button>
          </div>`;
                      })}
                      <${Row}>
                        <button type="button" onClick=${() =>
                          editTarget(
                            ti,
                            (x) => ({ ...x, groups: [...x.groups, group(filters[0] ?? "")] }),
                          )}>Add row</button>
                        <button type="button" onClick=${() =>
                          editTarget(ti, (x) => ({
                            ...x,
                            groups: ["L", "R", "G", "B"].map((f) =>
                              group(
                                filters.includes(f) ? f : "",
                                x.groups[0]?.exposure_s ?? "60",
                                x.groups[0]?.count ?? "10",
                              )
                            ),
                          }))}>LRGB</button>
                        ${targets.length > 1 &&
                          html`<button type="button" class="danger" onClick=${() =>
                            setTargets(targets.filter((_, i) => i !== ti))}>Remove target</button>`}
                      <//>
                    </div>
            `
          )}
          <button type="button" onClick=${() =>
            setTargets([...targets, {
              name: "",
              ra: "",
              dec: "",
              groups: [group(filters[0] ?? "")],
            }])}>Add target</button>
        <//>
        <${Card} title="Options">
          <${Toggle} label="Dither" checked=${o.dither} onChange=${(/** @type {boolean} */ on) =>
            setOpt("dither", on)} />
          ${o.dither && html`
            <${Row}>
              <${Field} label="Every" unit="frames" type="number" value=${o.ditherEvery} onInput=${(
                /** @type {string} */ v,
              ) => setOpt("ditherEvery", v)} />
              <${Field} label="By" unit="px" type="number" value=${o.ditherPx} onInput=${(
                /** @type {string} */ v,
              ) => setOpt("ditherPx", v)} />
              <//>
          `}
          <${Toggle} label="Autofocus at the start" checked=${o.afStart} onChange=${(
            /** @type {boolean} */ on,
          ) => setOpt("afStart", on)} />
          <${Toggle} label="Autofocus on filter change" checked=${o.afFilter} onChange=${(
            /** @type {boolean} */ on,
          ) => setOpt("afFilter", on)} />
          <${Row}>
            <${Field} label="Autofocus every" unit="frames" type="number" value=${o
              .afEvery} placeholder="never" onInput=${(/** @type {string} */ v) =>
              setOpt("afEvery", v)} />
            <${Field} label="Autofocus when HFR rises" unit="%" type="number" value=${o
              .afHfr} placeholder="never" onInput=${(/** @type {string} */ v) =>
              setOpt("afHfr", v)} />
          <//>
          <${Toggle} label="Meridian flip" checked=${o.flip} onChange=${(
            /** @type {boolean} */ on,
          ) => setOpt("flip", on)} />
          ${o.flip && html`
            <${Row}>
              <${Field} label="Flip after the limit" unit="min" type="number" value=${o.flipAfter}
                onInput=${(/** @type {string} */ v) => setOpt("flipAfter", v)} />
              <${Toggle} label="Centre again after the flip" checked=${o.recenter} onChange=${(
                /** @type {boolean} */ on,
              ) => setOpt("recenter", on)} />
              <//>
          `}
          <${Toggle} label="Centre on each target (plate solve)" checked=${o.center} onChange=${(
            /** @type {boolean} */ on,
          ) => setOpt("center", on)} />
          <${Toggle} label="Guide" checked=${o.guiding} onChange=${(/** @type {boolean} */ on) =>
            setOpt("guiding", on)} />
          <${Field} label="Cool the camera to" unit="°C" type="number" value=${o
            .cool} placeholder="no cooling" onInput=${(/** @type {string} */ v) =>
            setOpt("cool", v)} />
          <${Toggle} label="Park at the end" checked=${o.park} onChange=${(
            /** @type {boolean} */ on,
          ) => setOpt("park", on)} />
        <//>
        <${Card} title="Templates">
          ${tpl.length === 0 && html`<${Empty}>No templates yet.<//>`}
          <ul class="list">${tpl.map((t) =>
            html`
              <li>
                <${Row}>
                  <span class="spacer">${t.name} <span class="small dim">· ${t.groups
                    .length} rows</span></span>
                  <button type="button" onClick=${() =>
                    editTarget(0, (x) => ({
                      ...x,
                      groups: t.groups.map((g) => ({
                        filter: g.filter ?? "",
                        exposure_s: String(g.exposure_s),
                        count: String(g.count),
                        gain: g.gain === undefined ? "" : String(g.gain),
                        binning: String(g.binning),
                      })),
                    }))}>${`Use ${t.name}`}</button>
                  <//>
                  </li>
            `
          )}</ul>
          <${Row}>
            <${Field} label="Template name" value=${templateName} onInput=${setTemplateName} />
            <${Action} label="Save as template" run=${() =>
              post("/templates", {
                name: templateName.trim() || name || "Template",
                template: { groups: targets[0]?.groups.map(toGroup) ?? [], options: options() },
              })
                .then(() => templates.reload())} />
          <//>
        <//>
        <${ErrorLine} error=${error} />
        <${Row}>
          <${Action} label="Save" run=${() => save(false)} />
          <${Action} label="Save and run" kind="primary" run=${() => save(true)} />
          <a class="button" href="#/sequences">Cancel</a>
        <//>
      </div>
  `;
}

/** @param {{ params: string[], query: URLSearchParams }} props */
export default function Sequences({ params, query }) {
  if (params[0] === "new") return html`<${Builder} initialTarget=${query.get("target") ?? ""} />`;
  return html`
    <div class="grid">
      <${Running} />
      <${Saved} />
    </div>
  `;
}
