// @ts-check
/**
 * Licences: OpenSkyLab's own, every third-party component the box ships (and those only its
 * tests use), and the Debian packages of the system it runs on. The list is the small summary;
 * a component's full notice text is fetched only when it is opened, and the Debian list only
 * when asked for, so a phone on a weak hotspot link downloads kilobytes, not megabytes.
 *
 *   #/licenses                 the lists (`?debian=show`: with the Debian packages listed)
 *   #/licenses/project         OpenSkyLab's licence and its text
 *   #/licenses/c/<name>/<v>    one component's notices
 *   #/licenses/deb/<package>   one Debian package's copyright file
 */
import { html } from "htm/preact";
import { useEffect, useState } from "preact/hooks";
import { Action, Card, Empty, ErrorLine, Field, Segmented } from "../components/ui.js";
import { get } from "../lib/api.js";
import { useGet } from "../lib/data.js";
import { size } from "../lib/format.js";
import { href } from "../lib/router.js";

/**
 * @typedef {{ kind: string, name: string, version: string, licence: string | null,
 *   licence_problem: string | null, use: string, shipped_in: string[], platforms: string[] | null,
 *   repository: string | null, notice_missing: string | null, notice_bytes: number }} Component
 * @typedef {{ name: string, spdx: string | null, reason: string | null }} Project
 * @typedef {{ available: boolean, os: string | null, package_count: number | null,
 *   reason: string | null }} DebianSummary
 * @typedef {{ project: Project & { notice_bytes: number | null },
 *   counts: Record<string, number>, components: Component[], debian: DebianSummary }} Summary
 * @typedef {{ name: string, version: string, architecture: string, licence: string | null,
 *   declared: string[], machine_readable: boolean, has_copyright: boolean }} DebianPackage
 */

/** How many Debian packages are drawn at once; the search narrows the rest. */
const DEBIAN_SHOWN = 200;

const FILTERS = /** @type {const} */ ([
  ["shipped", "Shipped"],
  ["test", "Tests only"],
  ["other", "Not shipped"],
]);

/**
 * Label/value lines whose values may be long (an SPDX expression, a repository): they wrap.
 * @param {{ rows: [string, import("preact").ComponentChildren][], label?: string }} props
 */
function Facts({ rows, label }) {
  return html`<dl class="facts" aria-label=${label}>${
    rows.map(([k, v]) =>
      html`
        <div>
          <dt>${k}</dt>
          <dd>${v}</dd>
        </div>
      `
    )
  }</dl>`;
}

/** @param {Project} p */
function projectLicence(p) {
  return p.spdx ?? (p.reason === "not yet chosen" ? "Not yet chosen" : "Not declared");
}

/** @param {Component} c @param {string} filter */
function shown(c, filter) {
  return filter === "other" ? c.use === "platform" || c.use === "types" : c.use === filter;
}

/** @param {Component} c */
function where(c) {
  if (c.use === "test") return "used only by tests and build tools";
  if (c.use === "types") return "type declarations only, never run";
  if (c.use === "platform") return "a build for a platform no release targets";
  const parts = c.shipped_in.map((s) =>
    s === "app" ? "the box's app" : s === "web" ? "the phone app" : "the runtime"
  );
  return `shipped in ${parts.join(" and ")}${c.platforms ? ` (${c.platforms.join(", ")})` : ""}`;
}

/** @param {{ components: Component[] }} props */
function Components({ components }) {
  const [filter, setFilter] = useState("shipped");
  const list = components.filter((c) => shown(c, filter));
  return html`
    <${Card} title="Third-party components">
      <${Segmented} label="Which components" value=${filter} onChange=${setFilter}
        options=${FILTERS.map((
          [v, t],
        ) => [v, `${t} (${components.filter((c) => shown(c, v)).length})`])} />
      <ul class="list" aria-label="Components">${list.map((c) =>
        html`
          <li>
            <a class="list-link" href=${href("licenses", "c", c.name, c.version)}>
              <span>${c.name} <span class="dim">${c.version}</span></span>
              <span class=${c.licence ? "small" : "small err"}>${c.licence ?? "unknown"}</span>
            </a>
          </li>
        `
      )}</ul>
      <//>
  `;
}

/** @param {{ debian: DebianSummary, open: boolean }} props `open`: list them at once */
function Debian({ debian, open }) {
  const [packages, setPackages] = useState(/** @type {DebianPackage[] | null} */ (null));
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [filter, setFilter] = useState("");
  const load = async () => {
    const list = /** @type {{ packages: DebianPackage[] }} */ (await get("/license/debian"));
    setPackages(list.packages);
  };
  useEffect(() => {
    if (open && debian.available) load().catch(setError);
  }, [open, debian.available]);
  if (!debian.available) {
    return html`
      <${Card} title="Debian packages">
        <p class="small">${debian.reason}</p>
        <//>
    `;
  }
  const needle = filter.trim().toLowerCase();
  const matching = (packages ?? []).filter((p) => p.name.includes(needle));
  return html`
    <${Card} title="Debian packages">
      <p class="small">${debian.package_count} packages on ${debian.os ?? "this system"}.</p>
      <${ErrorLine} error=${error} />
      ${packages === null
        ? html`<${Action} label="Show the Debian packages" busyLabel="Reading…" run=${load} />`
        : html`
          <${Field} label="Find a package" value=${filter} onInput=${setFilter} />
          <ul class="list" aria-label="Debian packages">${matching.slice(0, DEBIAN_SHOWN).map((p) =>
            html`
              <li>
                <a class="list-link" href=${href("licenses", "deb", p.name)}>
                  <span>${p.name} <span class="dim">${p.version}</span></span>
                  <span class="small">${p.licence ??
                    (p.has_copyright ? "see its copyright file" : "no copyright file")}</span>
                </a>
              </li>
            `
          )}</ul>
          ${matching.length === 0 && html`<${Empty}>No package called “${needle}”.<//>`}
          ${matching.length > DEBIAN_SHOWN &&
            html`<p class="small dim">The first ${DEBIAN_SHOWN} of ${matching.length}: type to narrow.</p>`}
        `}
    <//>
  `;
}

/** @param {{ debianOpen: boolean }} props */
function Lists({ debianOpen }) {
  const res = useGet("/license");
  const s = /** @type {Summary | null} */ (res.data);
  if (!s) {
    return html`
      <${Card} title="Licences">
        <${ErrorLine} error=${res.error} />
        <${Empty}>${res.loading ? "Reading…" : "No licence list."}<//>
      <//>
    `;
  }
  return html`
    <${Card} title="OpenSkyLab">
      <${Facts} label="OpenSkyLab's licence" rows=${[
        ["Licence", projectLicence(s.project)],
        ["Components", `${s.counts.shipped} shipped, ${s.counts.test} for tests only`],
      ]} />
      <a class="button" href=${href("licenses", "project")}>OpenSkyLab's licence</a>
      <//>
      <${Components} components=${s.components} />
      <${Debian} debian=${s.debian} open=${debianOpen} />
  `;
}

function ProjectNotice() {
  const res = useGet("/license/project");
  const p = /** @type {(Project & { notice: { file: string, text: string } | null }) | null} */ (
    res.data
  );
  return html`<${Card} title="OpenSkyLab's licence">
    <${ErrorLine} error=${res.error} />
    ${
    p
      ? html`
        <${Facts} rows=${[["Licence", projectLicence(p)]]} />
        ${p.reason && p.reason !== "not yet chosen" && html`<p class="small">${p.reason}</p>`}
        ${p.notice
          ? html`
            <h3 class="notice-file">${p.notice.file}</h3>
            <pre class="notice">${p.notice.text}</pre>
          `
          : html`<p class="small">The repository has no licence file yet.</p>`}
      `
      : html`<${Empty}>${res.loading ? "Reading…" : "Not available."}<//>`
  }
    <a class="button" href=${href("licenses")}>All licences</a>
  <//>`;
}

/** @param {{ name: string, version: string }} props */
function ComponentNotice({ name, version }) {
  const res = useGet(
    `/license/${encodeURIComponent(name)}?version=${encodeURIComponent(version)}`,
  );
  /** @type {(Component & { notices: { file: string, text: string }[] }) | undefined} */
  const c = /** @type {any} */ (res.data)?.components?.[0];
  if (!c) {
    return html`
      <${Card} title=${name}>
        <${ErrorLine} error=${res.error} />
        <${Empty}>${res.loading ? "Reading…" : "Not listed."}<//>
        <a class="button" href=${href("licenses")}>All licences</a>
      <//>
    `;
  }
  return html`<${Card} title=${`${c.name} ${c.version}`}>
    <${Facts} rows=${[
    ["Licence", c.licence ?? `unknown: ${c.licence_problem}`],
    ["Use", where(c)],
    ["Notice", c.notice_bytes ? size(c.notice_bytes) : "none"],
  ]} />
    ${c.licence && c.licence_problem && html`<p class="small">${c.licence_problem}</p>`}
    ${c.repository && html`<p class="small mono">${c.repository}</p>`}
    ${c.notice_missing && html`<p class="small">${c.notice_missing}</p>`}
    ${
    c.notices.map((n) =>
      html`
        <h3 class="notice-file">${n.file}</h3>
        <pre class="notice">${n.text}</pre>
      `
    )
  }
    <a class="button" href=${href("licenses")}>All licences</a>
  <//>`;
}

/** @param {{ name: string }} props */
function DebianNotice({ name }) {
  const res = useGet(`/license/debian/${encodeURIComponent(name)}`);
  /** @type {{ packages: DebianPackage[], copyright: string | null } | null} */
  const d = /** @type {any} */ (res.data);
  const p = d?.packages[0];
  return html`<${Card} title=${name}>
    <${ErrorLine} error=${res.error} />
    ${!d && !res.error && html`<${Empty}>Reading…<//>`}
    ${
    p && html`<${Facts} rows=${[
      ["Version", p.version],
      ["Licence", p.licence ?? "not machine-readable: read the file"],
    ]} />`
  }
    ${
    d && (d.copyright === null
      ? html`<p class="small">This system keeps no copyright file for ${name}.</p>`
      : html`<pre class="notice">${d.copyright}</pre>`)
  }
    <a class="button" href=${href("licenses")}>All licences</a>
  <//>`;
}

/** @param {{ params: string[], query: URLSearchParams }} props */
export default function Licenses({ params, query }) {
  const [what, a, b] = params;
  if (what === "project") return html`<${ProjectNotice} />`;
  if (what === "c" && a && b) return html`<${ComponentNotice} name=${a} version=${b} />`;
  if (what === "deb" && a) return html`<${DebianNotice} name=${a} />`;
  return html`<${Lists} debianOpen=${query.get("debian") === "show"} />`;
}
