// @ts-check
/**
 * Align & solve: three-point polar alignment with one arrow per knob that says which way to
 * turn it and how far (updating as the knobs turn), plate-solving the latest frame (and syncing
 * the mount to it), and centring on a target typed in by name or RA/Dec.
 */
import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { CenteringPanel, useCentering } from "../components/centering.js";
import { Action, Card, Empty, Field, Pill, Row, Segmented, Stats } from "../components/ui.js";
import { get, post } from "../lib/api.js";
import { useGet } from "../lib/data.js";
import { dec, num, parseSexagesimal, ra } from "../lib/format.js";
import { useEvent, useLatest } from "../lib/live.js";
import { href } from "../lib/router.js";

/** @typedef {import("../lib/types.js").PolarStatus} PolarStatus */

/**
 * An arrow for one knob: its direction and a length that grows with the error (log scale, so
 * 1′ and 60′ both read).
 * @param {{ direction: "up" | "down" | "left" | "right", arcmin: number, knob: string }} props
 */
function KnobArrow({ direction, arcmin, knob }) {
  const rotate = { up: 0, right: 90, down: 180, left: 270 }[direction];
  const len = 14 + Math.min(22, Math.log10(1 + Math.abs(arcmin)) * 14);
  const done = Math.abs(arcmin) < 1;
  const words = {
    up: "raise the polar axis",
    down: "lower the polar axis",
    left: "turn the axis left (west)",
    right: "turn the axis right (east)",
  }[direction];
  return html`
    <div class="knob" data-knob=${knob}>
      <svg viewBox="-36 -36 72 72" aria-hidden="true">
          ${done
            ? html`<circle r="16" fill="none" stroke="currentColor" stroke-width="4" />`
            : html`
              <g transform=${`rotate(${rotate})`}>
                <line x1="0" y1=${len} x2="0" y2=${-len + 8} stroke="currentColor" stroke-width="6"
                  stroke-linecap="round" />
                <path d=${`M-14 ${-len + 12} L0 ${-len - 6} L14 ${
                  -len + 12
                } Z`} fill="currentColor" />
              </g>
            `}
        </svg>
      <div>
        <p class="big">${num(Math.abs(arcmin), 1, "′")}</p>
        <p>${knob} knob: ${done ? "done (under 1′)" : words}</p>
      </div>
    </div>
  `;
}

function Polar() {
  const status = useGet("/polar-alignment/status");
  const latest = useLatest("polar_alignment.error_computed");
  useEvent(["polar_alignment.error_computed"], () => status.reload());
  /** @type {PolarStatus | null} */
  const pa = /** @type {any} */ (status.data);
  const error = latest?.data ?? pa?.error;
  const [exposure, setExposure] = useState("2");
  const [rotation, setRotation] = useState("30");
  const [direction, setDirection] = useState("auto");
  const running = pa && ["measuring", "adjusting"].includes(pa.phase);
  const start = () => {
    /** @type {Record<string, unknown>} */
    const body = { exposure_s: Number(exposure), rotation_deg: Number(rotation) };
    if (direction !== "auto") body.direction = direction;
    return post("/polar-alignment/start", body).then(() => status.reload());
  };
  return html`<${Card} title="Polar alignment" actions=${
    pa &&
    html`<${Pill} state=${pa.phase === "failed" ? "bad" : running ? "busy" : "ok"}>${pa.phase}<//>`
  }>
    ${
    pa?.phase === "measuring" &&
    html`<p>Measuring: frame ${pa.points.length + 1} of 3. Keep hands off the mount.</p>`
  }
    ${
    error && html`
      <div data-testid="polar-arrows">
        <${KnobArrow} knob="Altitude" direction=${error.alt_direction} arcmin=${error
          .alt_error_arcmin} />
        <${KnobArrow} knob="Azimuth" direction=${error.az_direction} arcmin=${error
          .az_error_arcmin} />
        <p>Total ${num(error.total_error_arcmin, 1, "′")}${pa?.initial_error
          ? ` (was ${num(pa.initial_error.total_error_arcmin, 1, "′")})`
          : ""}
              ${pa?.phase === "adjusting"
                ? ` · ${pa.updates} updates — turn the knobs, the arrows follow`
                : ""}</p>
      </div>
    `
  }
    ${
    !error && !running &&
    html`<${Empty}>Point near the pole or anywhere high, then start: the mount turns the RA axis twice and solves three frames.<//>`
  }
    ${pa?.message && html`<p class=${pa.phase === "failed" ? "err" : "small"}>${pa.message}</p>`}
    <${Row}>
      <${Field} label="Exposure" unit="s" type="number" value=${exposure} onInput=${setExposure} />
      <${Field} label="Turn" unit="°" type="number" min=${5} max=${90} value=${rotation} onInput=${setRotation} />
    <//>
    <${Segmented} label="Turn towards" value=${direction} onChange=${setDirection} options=${[
    ["auto", "Auto"],
    ["east", "East"],
    ["west", "West"],
  ]} />
    <${Row}>
      <${Action} label="Start polar alignment" kind="primary" disabled=${!!running} run=${start} />
      <${Action} label="Stop polar alignment" kind="danger" disabled=${!running} run=${() =>
    post("/polar-alignment/stop").then(() => status.reload())} />
    <//>
  <//>`;
}

function Solve() {
  const [result, setResult] = useState(/** @type {any} */ (null));
  const [frame, setFrame] = useState(/** @type {import("../lib/types.js").Frame | null} */ (null));
  const mount = useLatest("mount.status")?.data;
  useEvent(["solver.result"], (d) => {
    if (result && d.id === result.id) get(`/solver/result/${d.id}`).then(setResult);
  });
  const solve = async () => {
    const list = await get("/frames?limit=1&frame_type=light");
    const f = list.frames[0];
    if (!f) throw new Error("There is no light frame to solve yet: take one first.");
    setFrame(f);
    /** @type {Record<string, unknown>} */
    const body = { image_path: f.path };
    if (mount) {
      body.ra_hint = mount.ra;
      body.dec_hint = mount.dec;
    }
    const { id } = await post("/solver/solve", body);
    setResult({ id, status: "pending" });
    // The event may have passed already for a quick solve: read the result until it is done.
    for (let i = 0; i < 240; i++) {
      const r = await get(`/solver/result/${id}`);
      setResult(r);
      if (r.status !== "pending") return;
      await new Promise((res) => setTimeout(res, 1000));
    }
  };
  const solved = result?.status === "solved";
  return html`<${Card} title="Plate solve" actions=${
    result &&
    html`<${Pill} state=${
      result.status === "failed" ? "bad" : solved ? "ok" : "busy"
    }>${result.status}<//>`
  }>
    ${
    frame &&
    html`<p class="small">Frame <a href=${href("viewer", frame.id)}>${
      frame.object ?? frame.frame_type
    } ${frame.duration_s} s</a></p>`
  }
    <${Stats} label="Solve result" rows=${[
    ["RA", ra(result?.ra)],
    ["Dec", dec(result?.dec)],
    ["Angle", num(result?.position_angle, 1, "°")],
    ["Scale", num(result?.pixel_scale, 2, "″/px")],
    ["Solver", result?.solver ?? "–"],
    ["Time", result?.duration_ms ? num(result.duration_ms / 1000, 1, "s") : "–"],
  ]} />
    ${result?.status === "failed" && html`<p class="err">${result.error}</p>`}
    <${Row}>
      <${Action} label="Solve the latest frame" kind="primary" run=${solve} />
      <${Action} label="Sync the mount here" disabled=${!solved} run=${() =>
    post("/mount/sync", { ra: result.ra, dec: result.dec })} />
    <//>
  <//>`;
}

function Centre() {
  const centering = useCentering();
  const [target, setTarget] = useState("");
  const go = () => {
    const parts = target.trim().split(/\s+/);
    /** @type {Record<string, unknown>} */
    let body = { target: target.trim() };
    if (parts.length === 2) {
      const r = parseSexagesimal(parts[0] ?? "");
      const d = parseSexagesimal(parts[1] ?? "");
      if (r !== null && d !== null && /^[\d.:+−-]/.test(parts[0] ?? "")) body = { ra: r, dec: d };
    }
    return post("/mount/center", body).then(() => centering.reload());
  };
  return html`
    <${Card} title="Centre on a target">
      <${Row}>
        <${Field} label="Target" value=${target} onInput=${setTarget}
          placeholder="M 42 · or RA (h) Dec (°)" enterkeyhint="go" />
        <//>
        <${Row}>
          <${Action} label="Centre" kind="primary" run=${go} />
          <//>
          <${CenteringPanel} status=${/** @type {any} */ (centering.data)} />
          <//>
  `;
}

export default function Alignment() {
  return html`
    <div class="grid">
      <${Polar} />
      <${Solve} />
      <${Centre} />
    </div>
  `;
}
