// @ts-check
/**
 * The framing view: the camera's field (from the profile's focal length and the sensor) as a
 * rectangle turned by the chosen position angle over the object, and mosaic panels (rows ×
 * columns with overlap) laid out on the sky. The sky picture comes from the box's HiPS tiles when
 * the box has that group (`/hips/*`); without it the view draws the object's outline on a
 * coordinate grid. Mosaic panels become a sequence when the box has its mosaic group; until then
 * their centres are listed.
 */
import { html } from "htm/preact";
import { useEffect, useState } from "preact/hooks";
import { Action, Card, Empty, Field, Row, Stats } from "./ui.js";
import { apiUrl, hasEndpoint, post } from "../lib/api.js";
import { useGet } from "../lib/data.js";
import { dec, num, ra } from "../lib/format.js";
import { useLatest } from "../lib/live.js";

const RAD = Math.PI / 180;

/**
 * Centres of mosaic panels: offsets on the tangent plane along the rotated field axes, back to
 * RA/Dec (gnomonic projection).
 * @param {{ ra: number, dec: number }} centre
 * @param {number} fovWDeg @param {number} fovHDeg @param {number} angleDeg
 * @param {number} rows @param {number} cols @param {number} overlap 0..0.5
 */
export function mosaicPanels(centre, fovWDeg, fovHDeg, angleDeg, rows, cols, overlap) {
  const stepX = fovWDeg * (1 - overlap);
  const stepY = fovHDeg * (1 - overlap);
  const a = angleDeg * RAD;
  const panels = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const x = (c - (cols - 1) / 2) * stepX;
      const y = (r - (rows - 1) / 2) * stepY;
      // Rotate by the position angle (east of north): xi to the east, eta to the north.
      const xi = (x * Math.cos(a) + y * Math.sin(a)) * RAD;
      const eta = (-x * Math.sin(a) + y * Math.cos(a)) * RAD;
      const d0 = centre.dec * RAD;
      const denom = Math.cos(d0) - eta * Math.sin(d0);
      const raRad = centre.ra * 15 * RAD + Math.atan2(xi, denom);
      const decRad = Math.atan2(Math.sin(d0) + eta * Math.cos(d0), Math.hypot(xi, denom));
      panels.push({
        row: r,
        col: c,
        x,
        y,
        ra: (((raRad / RAD / 15) % 24) + 24) % 24,
        dec: decRad / RAD,
      });
    }
  }
  return panels;
}

/** @param {{ object: import("../lib/types.js").CatalogObject }} props */
export function Framing({ object }) {
  const profile = useGet("/profiles/active");
  const camera = useGet("/camera/status");
  const rotator = useLatest("rotator.status")?.data;
  const [angle, setAngle] = useState("0");
  const [rows, setRows] = useState("1");
  const [cols, setCols] = useState("1");
  const [overlap, setOverlap] = useState("15");
  const [hips, setHips] = useState(/** @type {boolean | null} */ (null));
  const [mosaicApi, setMosaicApi] = useState(/** @type {boolean | null} */ (null));
  useEffect(() => {
    hasEndpoint("/hips/status").then(setHips);
    hasEndpoint("/mosaic/status").then(setMosaicApi);
  }, []);
  useEffect(() => {
    if (rotator) setAngle(String(Math.round(rotator.position)));
  }, [rotator !== undefined]);
  /** @type {any} */
  const p = profile.data;
  /** @type {any} */
  const cam = camera.data;
  if (!p || !cam) {
    return html`
      <${Card} title="Framing">
        <${Empty}>Reading the optics…<//><//>
    `;
  }
  const pixelUm = p.optics.pixel_size_um ?? cam.sensor.pixel_um;
  const fovW = (cam.sensor.width * pixelUm / 1000 / p.optics.focal_length_mm) / RAD;
  const fovH = (cam.sensor.height * pixelUm / 1000 / p.optics.focal_length_mm) / RAD;
  const nRows = Math.max(1, Math.min(6, Math.round(Number(rows) || 1)));
  const nCols = Math.max(1, Math.min(6, Math.round(Number(cols) || 1)));
  const ov = Math.max(0, Math.min(50, Number(overlap) || 0)) / 100;
  const pa = ((Number(angle) || 0) % 360 + 360) % 360;
  const panels = mosaicPanels(object, fovW, fovH, pa, nRows, nCols, ov);
  const extentDeg = Math.max(
    fovW * (nCols * (1 - ov) + ov),
    fovH * (nRows * (1 - ov) + ov),
    (object.size_arcmin ?? 0) / 60,
  );
  const viewDeg = Math.max(extentDeg * 1.6, fovW * 1.5);
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
  return html`
    <div>
      <${Card} title=${`Framing ${object.designation}`}>
        <svg class="framing" viewBox=${`0 0 ${S} ${S}`} role="img"
          style="width:100%;background:#000;border-radius:8px"
          aria-label=${`Field of view ${num(fovW, 2, "°")} × ${
            num(fovH, 2, "°")
          } at position angle ${pa}° over ${object.designation}`}>
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
              ${panels.map((pn) =>
                html`
                  <rect x=${(-pn.x - fovW / 2) * k} y=${(-pn.y - fovH / 2) * k}
                    width=${fovW * k} height=${fovH *
                      k} fill="none" stroke="currentColor" stroke-width="1.5" />
                `
              )}
            </g>
            <text x="6" y="16" fill="currentColor" font-size="11">N ↑  E ←</text>
          </svg>
        <p class="small dim">${hips === false
          ? "No sky survey tiles on this box yet: the outline shows the object's catalogued size."
          : ""}</p>
        <${Stats} rows=${[
          ["Field", `${num(fovW * 60, 0, "′")} × ${num(fovH * 60, 0, "′")}`],
          ["Scale", num(206.265 * pixelUm / p.optics.focal_length_mm, 2, "″/px")],
          ["Object", num(object.size_arcmin, 0, "′")],
          ["Rotator", rotator ? num(rotator.position, 1, "°") : "none"],
        ]} />
        <${Row}>
          <${Field} label="Position angle" unit="°" type="number" min=${0} max=${359}
            value=${angle} onInput=${setAngle} />
          <${Field} label="Rows" type="number" min=${1} max=${6} value=${rows}
            onInput=${setRows} />
          <${Field} label="Columns" type="number" min=${1} max=${6} value=${cols}
            onInput=${setCols} />
          <${Field} label="Overlap" unit="%" type="number" min=${0} max=${50}
            value=${overlap} onInput=${setOverlap} />
          <//>
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
        ${panels.length > 1 && html`<${Card} title="Mosaic panels">
      <table class="simple"><thead><tr><th>Panel</th><th>RA</th><th>Dec</th></tr></thead>
        <tbody>${
          panels.map((pn) =>
            html`
              <tr>
                <td>${pn.row + 1}-${pn.col + 1}</td>
                <td>${ra(pn.ra)}</td>
                <td>${dec(pn.dec)}</td>
              </tr>
            `
          )
        }</tbody>
      </table>
      ${
          mosaicApi
            ? html`<${Action} label="Create the mosaic sequence" run=${() =>
              post("/mosaic", {
                name: `${object.designation} mosaic`,
                center: { ra: object.ra, dec: object.dec },
                rows: nRows,
                cols: nCols,
                overlap_pct: ov * 100,
                rotation_deg: pa,
              })} />`
            : html`<p class="small dim">This box has no mosaic group yet: add the panels as targets of a sequence.</p>`
        }
    <//>`}
      </div>
  `;
}
