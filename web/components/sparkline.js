// @ts-check
/**
 * A tiny line graph in SVG for home's cards (guiding RMS, focus HFR): no library, drawn in the
 * current text colour, with its latest value as its accessible name.
 */
import { html } from "htm/preact";

/**
 * @param {{ values: (number | null)[], label: string, height?: number, max?: number }} props
 */
export function Sparkline({ values, label, height = 36, max }) {
  const width = 200;
  const finite = values.filter((v) => v !== null && Number.isFinite(v));
  const top = max ?? Math.max(1e-9, ...(/** @type {number[]} */ (finite)));
  const step = values.length > 1 ? width / (values.length - 1) : width;
  let d = "";
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) return;
    const y = height - 2 - (Math.min(v, top) / top) * (height - 4);
    d += `${d === "" || values[i - 1] === null ? "M" : "L"}${(i * step).toFixed(1)},${
      y.toFixed(1)
    }`;
  });
  return html`
    <svg class="sparkline" viewBox=${`0 0 ${width} ${height}`} preserveAspectRatio="none"
      role="img" aria-label=${label}>
      <path d=${d} fill="none" stroke="currentColor" stroke-width="1.5"
        vector-effect="non-scaling-stroke" />
    </svg>
  `;
}
