// @ts-check
/**
 * Graphs with uPlot (guiding error, V-curve, altitude over the night, livestack figures), loaded
 * only when a screen shows one, so home stays small. Colours come from the theme's CSS
 * variables (red on black at night) and the graph is rebuilt when the theme changes. uPlot's own
 * legend is off: the screen says what the lines are, and the wrapper has an accessible name.
 */
import { html } from "htm/preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { theme } from "../lib/theme.js";

/** @typedef {import("uplot")} UPlot */
/** @typedef {import("uplot").Options} UPlotOptions */
/** @typedef {import("uplot").AlignedData} AlignedData */

/** @type {Promise<typeof import("uplot")> | null} */
let loading = null;

function loadUPlot() {
  if (!loading) {
    const css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = new URL("../vendor/uplot/uPlot.min.css", import.meta.url).href;
    document.head.append(css);
    loading = import("uplot").then((m) => m.default);
  }
  return loading;
}

/** @param {string} name */
function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || "#888";
}

/**
 * @param {{ data: AlignedData, label: string, series: { label: string, color?: string,
 *   points?: boolean, dash?: number[] }[], height?: number, time?: boolean,
 *   yRange?: [number, number] | null, xRange?: [number, number] | null,
 *   marks?: { x: number, label: string }[] }} props
 */
export function Chart(props) {
  const box = useRef(/** @type {HTMLDivElement | null} */ (null));
  const plot = useRef(/** @type {UPlot | null} */ (null));
  const [failed, setFailed] = useState(/** @type {string | null} */ (null));
  const night = theme.value === "night";
  const shape = `${props.series.map((s) => s.label).join("|")}|${props.time}|${props.height}`;

  useEffect(() => {
    let gone = false;
    loadUPlot().then((UPlot) => {
      const el = box.current;
      if (gone || !el) return;
      const fg = cssVar("--fg");
      const grid = cssVar("--line");
      const palette = [cssVar("--accent"), cssVar("--accent2"), fg];
      /** @type {UPlotOptions} */
      const options = {
        width: el.clientWidth || 320,
        height: props.height ?? 180,
        legend: { show: false },
        cursor: { show: true, drag: { x: false, y: false } },
        scales: {
          x: { time: props.time ?? false, ...(props.xRange ? { range: props.xRange } : {}) },
          y: props.yRange ? { range: props.yRange } : {},
        },
        axes: [
          { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } },
          { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, size: 44 },
        ],
        series: [
          {},
          ...props.series.map((s, i) => ({
            label: s.label,
            stroke: s.color ? cssVar(s.color) : palette[i % palette.length],
            width: 2,
            dash: s.dash,
            points: { show: s.points ?? false, size: 6, fill: palette[i % palette.length] },
            spanGaps: false,
          })),
        ],
      };
      plot.current?.destroy();
      plot.current = new UPlot(options, props.data, el);
    }, (err) => setFailed(String(err)));
    return () => {
      gone = true;
      plot.current?.destroy();
      plot.current = null;
    };
  }, [shape, night, JSON.stringify(props.yRange), JSON.stringify(props.xRange)]);

  useEffect(() => {
    plot.current?.setData(props.data);
  }, [props.data]);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const observer = new ResizeObserver(() => {
      if (plot.current && el.clientWidth > 0) {
        plot.current.setSize({ width: el.clientWidth, height: props.height ?? 180 });
      }
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [props.height]);

  return html`<figure class="chart">
    <div ref=${box} class="chart-box" role="img" aria-label=${props.label}
      style=${`height:${props.height ?? 180}px`}></div>
    <figcaption class="chart-legend">
      ${
    props.series.map((s, i) =>
      html`<span class=${`key k${i}`} style=${
        s.color ? `--key:var(${s.color})` : ""
      }>${s.label}</span>`
    )
  }
    </figcaption>
    ${failed && html`<p class="err" role="alert">${failed}</p>`}
  </figure>`;
}
