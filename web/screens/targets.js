// @ts-check
/**
 * Targets: tonight's list from the box (ranked by the box: altitude through the dark hours,
 * transit, brightness and size), search by designation or name with suggestions as you type,
 * and an object's page — its figures, its altitude over the night, Go to, Go to & centre, a new
 * sequence for it, and the framing view (#/targets/<id>/framing).
 */
import { html } from "htm/preact";
import { useEffect, useState } from "preact/hooks";
import { CenteringPanel, useCentering } from "../components/centering.js";
import { Chart } from "../components/chart.js";
import { Framing } from "../components/framing.js";
import {
  Action,
  Card,
  Empty,
  ErrorLine,
  Field,
  Row,
  Segmented,
  Select,
  Stats,
} from "../components/ui.js";
import { get, post } from "../lib/api.js";
import { altitudeCurve } from "../lib/astro.js";
import { useGet } from "../lib/data.js";
import { clock, dec, duration, num, ra } from "../lib/format.js";
import { href, navigate } from "../lib/router.js";

/** @typedef {import("../lib/types.js").CatalogObject} CatalogObject */
/** @typedef {import("../lib/types.js").TonightObject} TonightObject */
/** @typedef {import("../lib/types.js").Tonight} Tonight */

const TYPE_WORDS = [["", "All types"], ["galaxy", "Galaxies"], ["nebula", "Nebulae"], [
  "cluster",
  "Clusters",
], [
  "planetary_nebula",
  "Planetary nebulae",
]];

/** @param {string} type */
const typeName = (type) => type.replace(/_/g, " ");

/** @param {{ o: CatalogObject | TonightObject }} props */
function ObjectLine({ o }) {
  const t = /** @type {Partial<TonightObject> & { moon_distance_deg?: number }} */ (o);
  return html`<a class="list-link" href=${href("targets", o.id)}>
    <span><strong>${o.designation}</strong>${o.name ? ` · ${o.name}` : ""}<br />
      <span class="small dim">${typeName(o.type)}${
    o.magnitude === null ? "" : ` · mag ${num(o.magnitude, 1)}`
  }${o.size_arcmin === null ? "" : ` · ${num(o.size_arcmin, 0)}′`}${
    t.moon_distance_deg === undefined ? "" : ` · Moon ${num(t.moon_distance_deg, 0, "°")}`
  }</span></span>
    ${
    t.alt_now !== undefined && html`<span class="small" style="text-align:right">
      alt ${num(t.alt_now, 0, "°")}<br />transit ${clock(t.transit_at)} · ${
      duration((t.minutes_above ?? 0) * 60)
    } up</span>`
  }
  </a>`;
}

function Tonight() {
  const [type, setType] = useState("");
  const [minAlt, setMinAlt] = useState("30");
  const path = `/catalog/tonight?limit=40&min_alt=${Number(minAlt) || 30}${
    type ? `&type=${type}` : ""
  }`;
  const tonight = useGet(path);
  /** @type {Tonight | null} */
  const t = /** @type {any} */ (tonight.data);
  return html`<${Card} title="Tonight">
    ${
    t && html`<p class="small">${
      t.night
        ? `Dark ${clock(t.night.start)}–${clock(t.night.end)} (${t.night.darkness})`
        : "No dark time tonight"
    } · above ${t.min_alt}°</p>`
  }
    <${Row}>
      <${Select} label="Type" value=${type} onChange=${setType} options=${TYPE_WORDS} />
      <${Field} label="Lowest altitude" unit="°" type="number" min=${0} max=${80} value=${minAlt} onInput=${setMinAlt} />
    <//>
    <${ErrorLine} error=${tonight.error} />
    ${!t && !tonight.error && html`<${Empty}>Working out tonight's sky…<//>`}
    ${
    t && t.objects.length === 0 && html`<${Empty}>Nothing matches above ${t.min_alt}° tonight.<//>`
  }
    <ul class="list" aria-label="Tonight's targets">${
    t?.objects.map((o) =>
      html`
        <li>
          <${ObjectLine} o=${o} />
        </li>
      `
    )
  }</ul>
  <//>`;
}

function Search() {
  const [q, setQ] = useState("");
  const [results, setResults] = useState(/** @type {CatalogObject[]} */ ([]));
  const [error, setError] = useState(/** @type {unknown} */ (null));
  useEffect(() => {
    const query = q.trim();
    if (!query) {
      setResults([]);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      get(`/catalog/search?limit=15&q=${encodeURIComponent(query)}`).then(
        (r) => live && (setResults(r.results), setError(null)),
        (e) => live && setError(e),
      );
    }, 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [q]);
  return html`<${Card} title="Search">
    <${Field} label="Object" value=${q} onInput=${setQ} placeholder="M 42, NGC 7000, Orion, Vega"
      list="target-suggestions" enterkeyhint="search"
      onEnter=${() => results[0] && navigate("targets", results[0].id)} />
    <datalist id="target-suggestions">${
    results.map((o) => html`<option value=${o.designation}>${o.name ?? ""}</option>`)
  }</datalist>
    <${ErrorLine} error=${error} />
    ${q.trim() && results.length === 0 && !error && html`<${Empty}>No match yet.<//>`}
    <ul class="list" aria-label="Search results">${
    results.map((o) =>
      html`
        <li>
          <${ObjectLine} o=${o} />
        </li>
      `
    )
  }</ul>
  <//>`;
}

/** @param {{ o: CatalogObject }} props */
function AltitudeGraph({ o }) {
  const profile = useGet("/profiles/active");
  const tonight = useGet("/catalog/tonight?limit=1&min_alt=0");
  /** @type {any} */
  const p = profile.data;
  /** @type {Tonight | null} */
  const t = /** @type {any} */ (tonight.data);
  if (!p || !t) {
    return html`
      <div style="height:200px">
        <${Empty}>Reading the site…<//></div>
    `;
  }
  const from = t.night ? Date.parse(t.night.start) - 2 * 3600_000 : Date.now();
  const to = t.night ? Date.parse(t.night.end) + 2 * 3600_000 : Date.now() + 12 * 3600_000;
  const curve = altitudeCurve(o, p.site, from, to, 10);
  const limit = curve.ms.map(() => 30);
  const best = Math.max(...curve.alt);
  return html`
    <div>
      <${Chart} label=${`Altitude of ${o.designation} from ${clock(from)} to ${
        clock(to)
      }: highest ${num(best, 0, "°")}`}
        time=${true} height=${180} yRange=${[0, 90]}
        data=${[curve.ms.map((m) => m / 1000), curve.alt, limit]}
        series=${[{ label: "Altitude (°)" }, { label: "30° limit", dash: [4, 4] }]} />
      <p class="small dim">${t.night
        ? `Dark from ${clock(t.night.start)} to ${clock(t.night.end)}`
        : "No dark time"};
          highest ${num(best, 0, "°")}.</p>
    </div>
  `;
}

/** @param {{ id: string, framing: boolean }} props */
function ObjectPage({ id, framing }) {
  const obj = useGet(`/catalog/objects/${encodeURIComponent(id)}`);
  const centering = useCentering();
  /** @type {CatalogObject | null} */
  const o = /** @type {any} */ (obj.data);
  if (obj.error) {
    return html`
      <${Card} title=${id}>
        <${ErrorLine} error=${obj.error} />
        <//>
    `;
  }
  if (!o) {
    return html`
      <${Card} title=${id}>
        <${Empty}>Reading…<//><//>
    `;
  }
  if (framing) return html`<${Framing} object=${o} />`;
  return html`
    <div>
      <${Card} title=${o.designation}>
          ${o.name && html`<p class="big">${o.name}</p>`}
          <${Stats} rows=${[
            ["Type", typeName(o.type)],
            ["Magnitude", num(o.magnitude, 1)],
            ["Size", num(o.size_arcmin, 1, "′")],
            ["RA", ra(o.ra)],
            ["Dec", dec(o.dec)],
            ["Also", o.aliases.slice(0, 3).join(", ") || "–"],
          ]} />
          <${AltitudeGraph} o=${o} />
          <${Row}>
            <${Action} label="Go to" run=${() => post("/mount/goto", { ra: o.ra, dec: o.dec })} />
            <${Action} label="Go to & centre" kind="primary" run=${() =>
              post("/mount/center", { ra: o.ra, dec: o.dec, target: o.designation }).then(() =>
                centering.reload()
              )} />
          <//>
          <${Row}>
            <a class="button" href=${href("targets", o.id, "framing")}>Framing</a>
            <a class="button" href=${`#/sequences/new?target=${
              encodeURIComponent(o.designation)
            }`}>New sequence</a>
            <a class="button" href=${`#/plans/new?target=${
              encodeURIComponent(o.designation)
            }`}>Add to a plan</a>
          <//>
        <//>
        <${Card} title="Centring">
          <${CenteringPanel} status=${/** @type {any} */ (centering.data)} />
        <//>
      </div>
  `;
}

/** @param {{ params: string[], query: URLSearchParams }} props */
export default function Targets({ params, query }) {
  const [tab, setTab] = useState(query.get("tab") ?? "tonight");
  if (params[0]) return html`<${ObjectPage} id=${params[0]} framing=${params[1] === "framing"} />`;
  return html`
    <div>
      <${Segmented} label="Find targets" value=${tab} onChange=${setTab}
        options=${[["tonight", "Tonight"], ["search", "Search"]]} />
      <div style="margin-top:12px">${tab === "search"
        ? html`<${Search} />`
        : html`<${Tonight} />`}</div>
    </div>
  `;
}
