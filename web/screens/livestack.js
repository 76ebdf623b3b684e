// @ts-check
/**
 * Live stack: start (with the rejection settings), stop, reset; the stacked image as it grows;
 * frames stacked and rejected, and why each rejected frame was refused. Frames come from any
 * light exposure — the loop here, the Capture screen's, or a sequence.
 */
import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { FrameImage } from "../components/frame_image.js";
import { Action, Card, Empty, Field, Pill, Row, Select, Stats } from "../components/ui.js";
import { apiUrl, post } from "../lib/api.js";
import { livestack, refreshActivity } from "../lib/activity.js";
import { loopCount, looping, startLoop, stopLoop } from "../lib/capture_loop.js";
import { duration, num } from "../lib/format.js";
import { useEvent } from "../lib/live.js";

const REASONS = {
  unreadable: "could not be read",
  too_few_stars: "too few stars",
  hfr_too_high: "stars too large (focus or seeing)",
  trailed: "trailed stars",
  registration_failed: "could not be aligned",
  residual_too_large: "aligned poorly",
  mismatch: "different camera settings",
};

export default function Livestack() {
  const s = livestack.value;
  const [log, setLog] = useState(
    /** @type {{ id: string, result: string, message: string | null }[]} */ ([]),
  );
  useEvent(["livestack.updated"], (d) => {
    const f = d.last_frame;
    if (f) {
      setLog((old) =>
        old.some((o) => o.id === f.frame_id)
          ? old
          : [{ id: f.frame_id, result: f.result, message: f.message }, ...old].slice(0, 30)
      );
    }
  });
  const [o, setO] = useState({
    rejection: "kappa-sigma",
    min_stars: "10",
    hfr_factor: "1.5",
    max_eccentricity: "0.6",
  });
  const [exposure, setExposure] = useState("10");
  const running = s?.state === "running";
  const start = () =>
    post("/camera/livestack/start", {
      rejection: o.rejection,
      min_stars: Math.round(Number(o.min_stars)),
      hfr_factor: Number(o.hfr_factor),
      max_eccentricity: Number(o.max_eccentricity),
    }).then(refreshActivity);
  return html`
    <div class="grid">
      <${Card} title="Stack" actions=${s &&
        html`<${Pill} state=${running ? "busy" : "ok"}>${s.state}${
          s.processing ? " · stacking" : ""
        }<//>`}>
          <${FrameImage} src=${s?.preview_url
            ? apiUrl(`/camera/livestack/preview?v=${encodeURIComponent(s.updated_at ?? "")}`)
            : null}
            alt=${s
              ? `Live stack of ${s.frames_stacked} frames, ${duration(s.total_exposure_s)}`
              : "Live stack"}
            aspect=${s?.width && s?.height ? s.width / s.height : 1.5} />
          <${Stats} rows=${[
            ["Stacked", s?.frames_stacked ?? "–"],
            ["Rejected", s?.frames_rejected ?? "–"],
            ["Exposure", duration(s?.total_exposure_s)],
            ["Queued", s?.queued ?? "–"],
            ["Last HFR", num(s?.last_frame?.hfr_px, 2, "px")],
            ["Last stars", s?.last_frame?.stars ?? "–"],
          ]} />
          ${s && Object.keys(s.rejections).length > 0 &&
            html`<p class="small">Rejected: ${
              Object.entries(s.rejections).map(([k, n]) =>
                `${n} ${REASONS[/** @type {keyof typeof REASONS} */ (k)] ?? k}`
              ).join(", ")
            }</p>`}
          <${Row}>
            <${Action} label="Start stacking" kind="primary" disabled=${running} run=${start} />
            <${Action} label="Stop stacking" disabled=${!running} run=${() =>
              post("/camera/livestack/stop").then(refreshActivity)} />
            <${Action} label="Reset stack" kind="danger" confirm="Throw the stack away and start again?"
              run=${() => post("/camera/livestack/reset").then(refreshActivity)} />
          <//>
        <//>
        <${Card} title="Frames">
          <${Row}>
            <${Field} label="Exposure" unit="s" type="number" value=${exposure} onInput=${setExposure} />
            ${looping.value
              ? html`<${Action} label=${`Stop frames (${loopCount.value})`} run=${() =>
                stopLoop()} />`
              : html`<${Action} label="Take frames" run=${() =>
                startLoop({ duration: Number(exposure), frame_type: "light" })} />`}
          <//>
          ${log.length === 0 && html`<${Empty}>Each frame's verdict appears here.<//>`}
          <ul class="list small" aria-label="Frames stacked and rejected">${log.map((l) =>
            html`<li>
        <strong>${l.result}</strong> ${l.id.slice(0, 8)}${l.message ? ` — ${l.message}` : ""}</li>`
          )}</ul>
        <//>
        <${Card} title="Settings">
          <${Row}>
            <${Select} label="Pixel rejection" value=${o.rejection} onChange=${(
              /** @type {string} */ v,
            ) => setO({ ...o, rejection: v })}
              options=${["kappa-sigma", "winsorized", "none"]} />
            <${Field} label="Fewest stars" type="number" value=${o.min_stars} onInput=${(
              /** @type {string} */ v,
            ) => setO({ ...o, min_stars: v })} />
          <//>
          <${Row}>
            <${Field} label="HFR limit" unit="× median" type="number" value=${o
              .hfr_factor} onInput=${(/** @type {string} */ v) => setO({ ...o, hfr_factor: v })} />
            <${Field} label="Eccentricity limit" type="number" value=${o
              .max_eccentricity} onInput=${(/** @type {string} */ v) =>
              setO({ ...o, max_eccentricity: v })} />
          <//>
        <//>
      </div>
  `;
}
