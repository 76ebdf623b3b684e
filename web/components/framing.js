// @ts-check
/**
 * The framing view: the camera's field as a rectangle turned by the chosen position angle over
 * the object, and mosaic panels (rows × columns with overlap) laid out on the sky. The geometry is
 * the box's, never worked out here: one panel's field comes from the active profile
 * (`GET /mosaic/status`), and the panels of the layout on screen from `POST /mosaic/preview`,
 * asked again shortly after each change — the same computation that saves the mosaic
 * (`POST /mosaic`) and turns the saved mosaic into a scheduler plan with one target per panel
 * (`POST /mosaic/{id}/plan`), after which the app shows the Plans screen. The box's answer to a
 * layout it refuses is shown under the inputs. The sky picture comes from the box's HiPS tiles
 * when the box has that group (`/hips/*`); without it the view draws the object's outline on a
 * coordinate grid.
 */
import { html } from "htm/preact";
import { useEffect, useState } from "preact/hooks";
import { Action, Card, Empty, ErrorLine, Field, Row, Stats } from "./ui.js";
import { api, apiUrl, hasEndpoint, post } from "../lib/api.js";
import { useGet } from "../lib/data.js";
import { dec, num, ra } from "../lib/format.js";
import { useLatest } from "../lib/live.js";
import { navigate } from "../lib/router.js";

/** @typedef {import("../lib/types.js").Mosaic} Mosaic */
/** @typedef {import("../lib/types.js").MosaicRequest} MosaicRequest */
/** @typedef {import("../lib/types.js").MosaicStatus} MosaicStatus */

/** How long the inputs rest before the box is asked for the panels again. */
const PREVIEW_DELAY_MS = 250;

/**
 * The mosaic `request` describes, from the box; the last answer stays drawn while the next is
 * computed, and an error is the box's answer to the latest request.
 * @param {MosaicRequest | null} request null: nothing to ask yet
 */
function useMosaicPreview(request) {
  const key = JSON.stringify(request);
  const [state, setState] = useState(
    /** @type {{ mosaic: Mosaic | null, key: string | null, error: unknown }} */ ({
      mosaic: null,
      key: null,
      error: null,
    }),
  );
  useEffect(() => {
    if (!request) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      api("POST", "/mosaic/preview", request, { signal: controller.signal }).then(
        (/** @type {Mosaic} */ mosaic) => setState({ mosaic, key, error: null }),
        (error) => {
          if (!controller.signal.aborted) setState((s) => ({ ...s, key, error }));
        },
      );
    }, PREVIEW_DELAY_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [key]);
  return { ...state, current: state.key === key };
}

/** @param {{ object: import("../lib/types.js").CatalogObject }} props */
export function Framing({ object }) {
  const status = useGet("/mosaic/status");
  const rotator = useLatest("rotator.status")?.data;
  const [angle, setAngle] = useState("0");
  const [rows, setRows] = useState("1");
  const [cols, setCols] = useState("1");
  const [overlap, setOverlap] = useState("15");
  const [name, setName] = useState(`${object.designation} mosaic`);
  const [hips, setHips] = useState(/** @type {boolean | null} */ (null));
  const [saved, setSaved] = useState(/** @type {{ key: string, mosaic: Mosaic } | null} */ (null));
  const [filter, setFilter] = useState("");
  const [exposureS, setExposureS] = useState("120");
  const [count, setCount] = useState("10");
  useEffect(() => {
    hasEndpoint("/hips/status").then(setHips);
  }, []);
  useEffect(() => {
    if (rotator) setAngle(String(Math.round(rotator.position) % 360));
  }, [rotator !== undefined]);
  /** @type {MosaicStatus | null} */
  const st = /** @type {any} */ (status.data);
  /** @type {MosaicRequest | null} */
  const request = st?.field
    ? {
      name: name.trim(),
      target: object.designation,
      center: { ra: object.ra, dec: object.dec },
      rows: Number(rows),
      cols: Number(cols),
      overlap_pct: Number(overlap),
      rotation_deg: Number(angle),
    }
    : null;
  const preview = useMosaicPreview(request);
  const key = JSON.stringify(request);
  // A saved mosaic belongs to the layout it was saved with: change the layout, save again.
  const savedMosaic = saved?.key === key ? saved.mosaic : null;

  if (!st) {
    return html`
      <${Card} title="Framing">
        <${ErrorLine} error=${status.error} />
        ${!status.error && html`<${Empty}>Reading the optics…<//>`}
      <//>
    `;
  }
  const field = st.field;
  const mosaic = preview.mosaic;
  const fovW = field?.width_deg ?? 0;
  const fovH = field?.height_deg ?? 0;
  const pa = mosaic?.rotation_deg ?? 0;
  const extentDeg = Math.max(
    mosaic?.extent.width_deg ?? fovW,
    mosaic?.extent.height_deg ?? fovH,
    (object.size_arcmin ?? 0) / 60,
  );
  const viewDeg = Math.max(extentDeg * 1.6, fovW * 1.5, 0.1);
  const S = 300;
  const k = S / viewDeg;
  const objR = Math.max(3, ((object.size_arcmin ?? 2) / 60 / 2) * k);
  const sky = hips
    ? apiUrl(
      `/hips/cutout?ra=${object.ra}&dec=${object.dec}&fov_deg=${
        viewDeg.toFixed(4)
      }&width=600&height=600`,
    )
    : null;
  const panels = mosaic?.panels ?? [];
  const ordered = [...panels].sort((a, b) => a.order - b.order);
  const overlaps = mosaic?.overlaps ?? [];
  const least = num(Math.min(...overlaps.map((o) => o.min_pct)), 1);
  const most = num(Math.max(...overlaps.map((o) => o.max_pct)), 1);
  const overlapRange = least === most ? `${most} %` : `${least}–${most} %`;
  const label = field
    ? `Field of view ${num(fovW, 2, "°")} × ${
      num(fovH, 2, "°")
    } at position angle ${pa}° over ${object.designation}${
      panels.length > 1 ? `, ${panels.length} mosaic panels` : ""
    }`
    : `${object.designation}: no field of view`;
  return html`
    <div>
      <${Card} title=${`Framing ${object.designation}`}>
        <svg class="framing" viewBox=${`0 0 ${S} ${S}`} role="img" data-panels=${panels.length}
          aria-busy=${preview.current ? "false" : "true"}
          style=${`width:100%;background:#000;border-radius:8px;opacity:${
            preview.current ? 1 : 0.6
          }`}
          aria-label=${label}>
            ${sky && html`<image href=${sky} x="0" y="0" width=${S} height=${S} />`}
            ${!sky && [-2, -1, 0, 1, 2].map((i) =>
              html`
                <line x1="0" x2=${S} y1=${S / 2 + i * S / 6} y2=${S / 2 + i * S / 6}
                  stroke="currentColor" stroke-opacity="0.15" />
                <line y1="0" y2=${S} x1=${S / 2 + i * S / 6} x2=${S / 2 + i * S / 6}
                  stroke="currentColor" stroke-opacity="0.15" />
              `
            )}
            <ellipse cx=${S / 2} cy=${S / 2} rx=${objR} ry=${objR *
              0.7} fill="currentColor" fill-opacity="0.25"
              stroke="currentColor" stroke-width="1" />
            <g transform=${`translate(${S / 2} ${S / 2}) rotate(${-pa})`}>
              ${panels.map((pn) => {
                // The panel's offsets in the mosaic's tangent plane: right is east (left on a
                // north-up sky), up is north.
                const cx = -pn.x_deg * k;
                const cy = -pn.y_deg * k;
                return html`
                  <rect x=${cx - fovW * k / 2} y=${cy - fovH * k / 2} width=${fovW * k}
                    height=${fovH * k} fill="none" stroke="currentColor" stroke-width="1.5" />
                  ${panels.length > 1 && html`
                    <text x=${cx} y=${cy} fill="currentColor" font-size="10"
                      text-anchor="middle" dominant-baseline="middle"
                      transform=${`rotate(${pa} ${cx} ${cy})`}>${pn.order}</text>
                  `}
                `;
              })}
            </g>
            <text x="6" y="16" fill="currentColor" font-size="11">N ↑  E ←</text>
          </svg>
        <p class="small dim">${hips === false
          ? "No sky survey tiles on this box yet: the outline shows the object's catalogued size."
          : ""}</p>
        ${!field && html`<p class="err" role="alert">No field of view: ${st.field_unavailable}</p>`}
        <${Stats} rows=${[
          ["Field", field ? `${num(fovW * 60, 0, "′")} × ${num(fovH * 60, 0, "′")}` : "–"],
          ["Scale", field ? num(field.pixel_scale_arcsec, 2, "″/px") : "–"],
          ["Object", num(object.size_arcmin, 0, "′")],
          ["Rotator", rotator ? num(rotator.position, 1, "°") : "none"],
          ...(panels.length > 1
            ? [
              [
                "Mosaic",
                `${num(mosaic?.extent.width_deg, 2, "°")} × ${
                  num(mosaic?.extent.height_deg, 2, "°")
                }`,
              ],
              ["Overlap", overlapRange],
            ]
            : []),
        ]} />
        <${Row}>
          <${Field} label="Position angle" unit="°" type="number" min=${0} max=${359}
            value=${angle} onInput=${setAngle} />
          <${Field} label="Rows" type="number" min=${1} max=${20} value=${rows}
            onInput=${setRows} />
          <${Field} label="Columns" type="number" min=${1} max=${20} value=${cols}
            onInput=${setCols} />
          <${Field} label="Overlap" unit="%" type="number" min=${0} max=${80}
            value=${overlap} onInput=${setOverlap} />
        <//>
        <${ErrorLine} error=${preview.current ? preview.error : null} />
        <${Row}>
          ${rotator &&
            html`<${Action} label="Turn the rotator" run=${() =>
              post("/rotator/move", { position: pa })} />`}
          <${Action} label="Go to & centre" kind="primary"
            run=${() =>
              post("/mount/center", {
                ra: object.ra,
                dec: object.dec,
                target: object.designation,
              })} />
        <//>
      <//>
      ${panels.length > 1 && html`
        <${Card} title="Mosaic panels">
          <table class="simple" aria-label="Mosaic panels in imaging order">
            <thead><tr><th>#</th><th>Panel</th><th>RA</th><th>Dec</th><th>PA</th></tr></thead>
            <tbody>${ordered.map((pn) =>
              html`
                <tr>
                  <td>${pn.order}</td>
                  <td>r${pn.row + 1} c${pn.col + 1}</td>
                  <td>${ra(pn.ra)}</td>
                  <td>${dec(pn.dec)}</td>
                  <td>${num(pn.rotation_deg, 1, "°")}</td>
                </tr>
              `
            )}</tbody>
          </table>
          <p class="small dim">${mosaic?.order_basis.rule}</p>
          ${(mosaic?.warnings.length ?? 0) > 0 && html`
            <ul class="small">${mosaic?.warnings.map((w) => html`<li>${w}</li>`)}</ul>
          `}
          <${Field} label="Mosaic name" value=${name} onInput=${setName} />
          <${Action} label="Save mosaic" disabled=${!preview.current || !!preview.error}
            run=${async () => {
              /** @type {Mosaic} */
              const created = await post("/mosaic", request);
              setSaved({ key, mosaic: created });
            }} />
          ${savedMosaic && html`
            <p role="status">Saved “${savedMosaic.name}”: ${savedMosaic.panels.length} panels.</p>
            <h3>Plan: every panel gets</h3>
            <${Row}>
              <${Field} label="Filter" value=${filter} placeholder="none" onInput=${setFilter} />
              <${Field} label="Exposure" unit="s" type="number" value=${exposureS}
                onInput=${setExposureS} />
              <${Field} label="Frames" type="number" value=${count} onInput=${setCount} />
              <//>
              <${Action} label="Make a plan of it" kind="primary"
                run=${async () => {
                  await post(`/mosaic/${encodeURIComponent(savedMosaic.id ?? "")}/plan`, {
                    groups: [{
                      filter: filter.trim() || null,
                      exposure_s: Number(exposureS),
                      count: Number(count),
                    }],
                  });
                  navigate("plans");
                }} />
          `}
        <//>
      `}
    </div>
  `;
}
