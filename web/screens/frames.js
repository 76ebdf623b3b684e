// @ts-check
/**
 * Frames: the nights that have frames, a night's frames by target, a page at a time; each frame
 * opens in the viewer or downloads as FITS or JPEG; a night (or one target of it) downloads as
 * one zip of FITS files, streamed by the box.
 */
import { html } from "htm/preact";
import { useEffect, useState } from "preact/hooks";
import { Action, Card, Empty, ErrorLine, Row, Segmented } from "../components/ui.js";
import { apiUrl, get } from "../lib/api.js";
import { useGet } from "../lib/data.js";
import { clock, num, size } from "../lib/format.js";
import { useEvent } from "../lib/live.js";
import { href } from "../lib/router.js";

/** @typedef {import("../lib/types.js").Frame} Frame */

/** [from, to) of a night at the site, as ISO strings (local mean time, noon to noon). @param {string} night @param {number} lonDeg */
function nightWindow(night, lonDeg) {
  const from = Date.parse(`${night}T12:00:00Z`) - (lonDeg / 15) * 3600_000;
  return { from: new Date(from).toISOString(), to: new Date(from + 86_400_000).toISOString() };
}

export default function Frames() {
  const nights = useGet("/frames/nights");
  const profile = useGet("/profiles/active");
  useEvent(["camera.frame_ready"], () => nights.reload());
  /** @type {{ night: string, frames: number, objects: string[], first_at: string, last_at: string }[]} */
  const list = /** @type {any} */ (nights.data)?.nights ?? [];
  const [night, setNight] = useState(/** @type {string | null} */ (null));
  const [object, setObject] = useState("");
  const [frames, setFrames] = useState(/** @type {Frame[]} */ ([]));
  const [next, setNext] = useState(/** @type {string | null} */ (null));
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const chosen = night ?? list[0]?.night ?? null;
  const info = list.find((n) => n.night === chosen);
  const base = chosen
    ? `/frames?limit=50&night=${chosen}${object ? `&object=${encodeURIComponent(object)}` : ""}`
    : null;
  useEffect(() => {
    if (!base) return;
    get(base).then((p) => {
      setFrames(p.frames);
      setNext(p.next_before);
      setError(null);
    }, setError);
  }, [base, nights.data]);
  const more = () =>
    get(`${base}&before=${encodeURIComponent(next ?? "")}`).then((p) => {
      setFrames([...frames, ...p.frames]);
      setNext(p.next_before);
    });
  /** @type {any} */
  const p = profile.data;
  const zip = chosen && p
    ? (() => {
      const w = nightWindow(chosen, p.site.longitude);
      return apiUrl(
        `/frames/export?from=${encodeURIComponent(w.from)}&to=${encodeURIComponent(w.to)}${
          object ? `&object=${encodeURIComponent(object)}` : ""
        }`,
      );
    })()
    : null;
  return html`
    <div>
      <${Card} title="Nights">
          <${ErrorLine} error=${nights.error} />
          ${list.length === 0 &&
            html`<${Empty}>${nights.loading ? "Reading…" : "No frames saved yet."}<//>`}
          ${list.length > 0 && html`<div class="field"><label for="night-select">Night</label>
        <select id="night-select" value=${chosen ?? ""} onChange=${(/** @type {Event} */ e) => {
            setNight(/** @type {HTMLSelectElement} */ (e.currentTarget).value);
            setObject("");
          }}>${
            list.map((n) => html`<option value=${n.night}>${n.night} · ${n.frames} frames</option>`)
          }</select></div>`}
          ${info && html`
            <${Segmented} label="Target" value=${object} onChange=${setObject}
              options=${[["", "All"], ...info.objects]} />
          `}
          ${zip &&
            html`<${Row}><a class="button" href=${zip} download>Download ${
              object || "the night"
            } as zip</a><//>`}
        <//>
        <${Card} title=${`Frames${info ? ` of ${info.night}` : ""}`}>
          <${ErrorLine} error=${error} />
          ${chosen && frames.length === 0 && !error && html`<${Empty}>No frames.<//>`}
          <ul class="list" aria-label="Frames">${frames.map((f) =>
            html`
              <li>
                <a class="list-link" href=${href("viewer", f.id)}>
                  <span><strong>${f.object ?? f.frame_type}</strong> · ${f.frame_type} ${f.filter ??
                    ""} ${f.duration_s} s<br />
                          <span class="small dim">${clock(f.started_at)} · HFR ${num(
                            f.hfr,
                            2,
                          )} · ${f.stars ?? "–"} stars · ${size(f.bytes)}</span></span>
                  <span aria-hidden="true">›</span>
                </a>
                <${Row}>
                  <a class="button" href=${apiUrl(
                    `/frames/${f.id}/file`,
                  )} download aria-label=${`Download FITS of ${f.object ?? f.frame_type} at ${
                    clock(f.started_at)
                  }`}>FITS</a>
                  <a class="button" href=${apiUrl(
                    `/frames/${f.id}/preview?max_px=4096&quality=92`,
                  )} download=${`${f.id}.jpg`}
                    aria-label=${`Download JPEG of ${f.object ?? f.frame_type} at ${
                      clock(f.started_at)
                    }`}>JPEG</a>
                  <//>
                  </li>
            `
          )}</ul>
          ${next && html`<${Action} label="More frames" run=${more} />`}
        <//>
      </div>
  `;
}
