// @ts-check
/**
 * The viewer's histogram and stretch controls. The histogram (log counts, from the box) is drawn
 * in SVG with the black and white points marked; "Auto" uses the box's screen stretch of the
 * whole frame, "Manual" sets black, midtones and white (normalised 0..1), starting from what the
 * auto stretch would be (PixInsight's STF formula, as the box computes it), so the first touch of
 * a slider does not make the picture jump.
 */
import { html } from "htm/preact";
import { useId } from "preact/hooks";
import { Segmented } from "./ui.js";

/** @typedef {{ mode: "auto" } | { mode: "manual", black: number, mid: number, white: number }} Stretch */
/** @typedef {import("../lib/types.js").Histogram} Histogram */

const MAD_TO_SIGMA = 1.4826;

/** PixInsight's midtones transfer function. @param {number} m @param {number} x */
export function mtf(m, x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  return ((m - 1) * x) / ((2 * m - 1) * x - m);
}

/**
 * The auto stretch of the first channel, as manual values.
 * @param {Histogram} h
 * @returns {{ black: number, mid: number, white: number }}
 */
export function autoManual(h) {
  const c = h.channels[0];
  if (!c) return { black: 0, mid: 0.5, white: 1 };
  const median = c.median_adu / 65535;
  const madn = (MAD_TO_SIGMA * Math.max(c.mad_adu, 1)) / 65535;
  const black = Math.min(Math.max(median - 2.8 * madn, 0), median);
  const background = (median - black) / (1 - black);
  const mid = background > 0 ? mtf(0.25, background) : 0.5;
  return { black, mid: Math.min(0.999, Math.max(0.001, mid)), white: 1 };
}

/**
 * @param {{ histogram: Histogram | null, stretch: Stretch, onStretch: (s: Stretch) => void }} props
 */
export function HistogramPanel({ histogram, stretch, onStretch }) {
  const ids = [useId(), useId(), useId()];
  const manual = stretch.mode === "manual" ? stretch : histogram ? autoManual(histogram) : null;
  const c = histogram?.channels[0];
  // Show the part of the range that holds 99.9 % of the pixels (sky and stars), not 0..65535.
  let lastBin = histogram ? histogram.bins - 1 : 0;
  if (c) {
    const total = c.count;
    let seen = 0;
    for (let i = 0; i < c.counts.length; i++) {
      seen += c.counts[i] ?? 0;
      if (seen >= total * 0.999) {
        lastBin = Math.min(c.counts.length - 1, Math.ceil(i * 1.3) + 2);
        break;
      }
    }
  }
  const shown = c ? c.counts.slice(0, lastBin + 1) : [];
  const maxLog = Math.max(1, ...shown.map((n) => Math.log10(n + 1)));
  const W = 300;
  const H = 90;
  const xOf = (/** @type {number} */ unit) =>
    histogram ? (unit * histogram.bins / (lastBin + 1)) * W : 0;
  let d = "";
  shown.forEach((n, i) => {
    const x = (i / shown.length) * W;
    const y = H - (Math.log10(n + 1) / maxLog) * (H - 4);
    d += `${i === 0 ? "M" : "L"}${x.toFixed(1)},${y.toFixed(1)}`;
  });
  /** @param {"black" | "mid" | "white"} key @param {number} value normalised */
  const set = (key, value) => {
    const base = manual ?? { black: 0, mid: 0.5, white: 1 };
    const next = { ...base, [key]: value };
    if (next.black >= next.white) return;
    onStretch({ mode: "manual", ...next });
  };
  // Sliders in ADU around the data: 1 ADU steps where the sky is, not 1/2000 of the range.
  const medianAdu = c?.median_adu ?? 0;
  const madAdu = Math.max(1, c?.mad_adu ?? 1);
  const blackMax = Math.min(65535, medianAdu + 30 * madAdu);
  const whiteMin = Math.min(65535, medianAdu + madAdu);
  /** @param {InputEvent} e */
  const value = (e) => Number(/** @type {HTMLInputElement} */ (e.currentTarget).value);
  return html`<div class="histogram">
    <svg viewBox=${`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img"
      aria-label=${
    c ? `Histogram: median ${c.median_adu} ADU, MAD ${c.mad_adu} ADU` : "Histogram loading"
  }>
      <path d=${d + (d ? `L${W},${H}L0,${H}Z` : "")} fill="currentColor" fill-opacity="0.35"
        stroke="currentColor" stroke-width="1" vector-effect="non-scaling-stroke" />
      ${
    manual && html`
      <line x1=${xOf(manual.black)} x2=${xOf(manual.black)} y1="0" y2=${H}
        stroke="currentColor" stroke-dasharray="3 3" vector-effect="non-scaling-stroke" />
    `
  }
    </svg>
    ${
    c &&
    html`<p class="small dim">Median ${c.median_adu} ADU · MAD ${c.mad_adu} · range ${c.min_adu}–${c.max_adu}</p>`
  }
    <${Segmented} label="Stretch" value=${stretch.mode}
      onChange=${(/** @type {string} */ v) =>
    onStretch(v === "auto" || !manual ? { mode: "auto" } : { mode: "manual", ...manual })}
      options=${[["auto", "Auto"], ["manual", "Manual"]]} />
    ${
    stretch.mode === "manual" && manual && html`
      <div class="field"><label for=${ids[0]}>Black point ${Math.round(
        manual.black * 65535,
      )} ADU</label>
        <input id=${ids[0]} type="range" min=${c?.min_adu ?? 0} max=${blackMax} step="1"
          value=${Math.round(manual.black * 65535)}
          onInput=${(/** @type {InputEvent} */ e) => set("black", value(e) / 65535)} /></div>
      <div class="field"><label for=${ids[1]}>Midtones ${manual.mid.toFixed(4)}</label>
        <input id=${ids[1]} type="range" min="-3.3" max="-0.3" step="0.01" value=${Math.log10(
          manual.mid,
        )}
          onInput=${(/** @type {InputEvent} */ e) => set("mid", 10 ** value(e))} /></div>
      <div class="field"><label for=${ids[2]}>White point ${Math.round(
        manual.white * 65535,
      )} ADU</label>
        <input id=${ids[2]} type="range" min=${whiteMin} max="65535" step="1"
          value=${Math.round(manual.white * 65535)}
          onInput=${(/** @type {InputEvent} */ e) => set("white", value(e) / 65535)} /></div>
    `
  }
  </div>`;
}
