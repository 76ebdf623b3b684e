// @ts-check
/**
 * Guiding: start, stop and dither; the guider's state and calibration; RMS in RA, Dec and total
 * from the box's 1 Hz `guiding.stats_update`; each guide step's RA and Dec error graphed over the
 * last minutes (uPlot), from the box's history and then its `guiding.step` events.
 */
import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { Chart } from "../components/chart.js";
import { Action, Card, Field, Pill, Row, Stats } from "../components/ui.js";
import { post } from "../lib/api.js";
import { useGet } from "../lib/data.js";
import { num } from "../lib/format.js";
import { useGuideHistory } from "../lib/history.js";
import { useEvent, useLatest } from "../lib/live.js";

export default function Guiding() {
  const status = useGet("/guiding/status", { intervalMs: 10_000 });
  useEvent(["guiding.state_changed"], () => status.reload());
  /** @type {import("../lib/types.js").GuidingStatus | null} */
  const g = /** @type {any} */ (status.data);
  const stats = useLatest("guiding.stats_update")?.data;
  const history = useGuideHistory().slice(-600);
  const [pixels, setPixels] = useState("5");
  const [settle, setSettle] = useState("10");
  const guiding = g !== null && g.state !== "stopped";
  const t0 = history[0]?.ts ?? Date.now();
  return html`
    <div class="grid">
      <${Card} title="Guider" actions=${g &&
        html`<${Pill} state=${
          g.state === "lostLock" ? "bad" : guiding ? "busy" : "ok"
        }>${g.state}<//>`}>
        <${Stats} rows=${[
          ["RMS total", num(stats?.rms_total ?? g?.rms_total, 2, "″")],
          ["RMS RA", num(stats?.rms_ra ?? g?.rms_ra, 2, "″")],
          ["RMS Dec", num(stats?.rms_dec ?? g?.rms_dec, 2, "″")],
          ["Calibrated", g ? (g.calibrated ? "yes" : "no") : "–"],
          ["Star SNR", num((stats?.star ?? g?.star)?.snr, 0)],
          ["Scale", num(g?.pixel_scale, 2, "″/px")],
        ]} />
        <${Row}>
          <${Action} label="Start guiding" kind="primary" disabled=${!!guiding} run=${() =>
            post("/guiding/start", {}).then(() => status.reload())} />
          <${Action} label="Stop guiding" kind="danger" disabled=${!guiding} run=${() =>
            post("/guiding/stop").then(() => status.reload())} />
          <//>
          <${Row}>
            <${Field} label="Dither" unit="px" type="number" min=${0.1} max=${50}
              value=${pixels} onInput=${setPixels} />
            <${Field} label="Settle" unit="s" type="number" min=${0} max=${300}
              value=${settle} onInput=${setSettle} />
            <${Action} label="Dither" disabled=${!guiding} run=${() =>
              post("/guiding/dither", { pixels: Number(pixels), settle_time: Number(settle) })} />
            <//>
            <//>
            <${Card} title="Guide error">
              <${Chart} label=${`RA and Dec error of the last ${history.length} guide steps; RMS RA ${
                num(stats?.rms_ra, 2, "″")
              }, Dec ${num(stats?.rms_dec, 2, "″")}`}
                height=${200} data=${[
                  history.map((h) => (h.ts - t0) / 1000),
                  history.map((h) => h.ra),
                  history.map((h) => h.dec),
                ]}
                series=${[{ label: "RA (″)" }, { label: "Dec (″)" }]} />
              <p class="small dim">Seconds since the first step shown; the box keeps the last hour.</p>
              <//>
              </div>
  `;
}
