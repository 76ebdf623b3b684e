// @ts-check
/**
 * Logs: the box's recent log, newest first, filtered by level; refreshed every few seconds
 * while open; downloadable in full as gzipped NDJSON for a bug report.
 */
import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { Card, Empty, ErrorLine, Row, Segmented } from "../components/ui.js";
import { apiUrl } from "../lib/api.js";
import { useGet } from "../lib/data.js";
import { clockSeconds } from "../lib/format.js";

export default function Logs() {
  const [level, setLevel] = useState("info");
  const logs = useGet(`/logs?limit=300&level=${level}`, { intervalMs: 5000 });
  /** @type {{ ts: string, level: string, source: string, message: string, fields?: Record<string, unknown> }[]} */
  const entries = [...(/** @type {any} */ (logs.data)?.entries ?? [])].reverse();
  return html`
    <${Card} title="Log">
      <${Segmented} label="Level" value=${level} onChange=${setLevel}
        options=${[["debug", "Debug"], ["info", "Info"], ["warn", "Warnings"], [
          "error",
          "Errors",
        ]]} />
      <${Row}><a class="button" href=${apiUrl(
        `/logs/download?level=${level}&limit=5000`,
      )} download>Download log</a><//>
        <${ErrorLine} error=${logs.error} />
        ${entries.length === 0 &&
          html`<${Empty}>${logs.loading ? "Reading…" : "Nothing at this level."}<//>`}
        <ul class="list" aria-label="Log entries">${entries.map((e) =>
          html`<li class=${`log-line alert-item ${e.level === "warn" ? "warning" : e.level}`}>
      <span class="dim">${clockSeconds(e.ts)}</span> ${e.level} ${e.source}: ${e.message}
      ${
            e.fields && Object.keys(e.fields).length > 0
              ? html`
                <span class="dim">${JSON.stringify(e.fields)}</span>
              `
              : ""
          }
    </li>`
        )}</ul>
      <//>
  `;
}
