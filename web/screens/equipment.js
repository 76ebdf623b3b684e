// @ts-check
/**
 * Equipment: profiles (activate, edit optics and name, duplicate as a new one), device
 * discovery as one-tap assignments to the active profile (serial, ZWO, INDI, Alpaca),
 * connect/disconnect per role, and the controls of each device (device_controls.js).
 * `#/equipment/<role>` opens at that device.
 */
import { html } from "htm/preact";
import { useEffect, useState } from "preact/hooks";
import {
  CoolerSummary,
  DomeControls,
  FlatPanelControls,
  MountControls,
  RotatorControls,
  WeatherControls,
  WheelControls,
} from "../components/device_controls.js";
import { Action, Card, Empty, ErrorLine, Field, Pill, Row } from "../components/ui.js";
import { api, get, post } from "../lib/api.js";
import { useGet } from "../lib/data.js";
import { useEvent } from "../lib/live.js";

/** @typedef {import("../lib/types.js").Profile} Profile */
/** @typedef {import("../lib/types.js").Discovery} Discovery */

function Profiles() {
  const list = useGet("/profiles");
  /** @type {Profile[]} */
  const profiles = /** @type {any} */ (list.data)?.profiles ?? [];
  const active = profiles.find((p) => p.active);
  const [edit, setEdit] = useState(
    /** @type {{ name: string, focal: string, aperture: string, pixel: string } | null} */ (null),
  );
  useEffect(() => {
    if (active) {
      setEdit({
        name: active.name,
        focal: String(active.optics.focal_length_mm),
        aperture: String(active.optics.aperture_mm),
        pixel: active.optics.pixel_size_um === null ? "" : String(active.optics.pixel_size_um),
      });
    }
  }, [active?.id, active?.updated_at]);
  /** @param {Profile} p */
  const bodyOf = (p) => ({ name: p.name, site: p.site, optics: p.optics, devices: p.devices });
  const save = () => {
    if (!active || !edit) throw new Error("No active profile");
    return api("PUT", `/profiles/${active.id}`, {
      ...bodyOf(active),
      name: edit.name.trim(),
      optics: {
        focal_length_mm: Number(edit.focal),
        aperture_mm: Number(edit.aperture),
        pixel_size_um: edit.pixel === "" ? null : Number(edit.pixel),
      },
    }).then(() => list.reload());
  };
  return html`
    <div id="eq-profiles">
      <${Card} title="Profiles">
        <${ErrorLine} error=${list.error} />
        <ul class="list">${profiles.map((p) =>
          html`
            <li>
              <${Row}>
                  <span class="spacer"><strong>${p.name}</strong> <span class="small dim">· ${p
                    .optics
                    .focal_length_mm} mm f/${(p.optics.focal_length_mm / p.optics.aperture_mm)
                    .toFixed(1)}</span></span>
                  ${p.active
                    ? html`<${Pill} state="ok">active<//>`
                    : html`<${Action} label=${`Activate ${p.name}`} run=${() =>
                      post(`/profiles/${p.id}/activate`).then(() => list.reload())} />`}
                  ${!p.active && html`
                    <${Action} label=${`Delete ${p.name}`} kind="danger" confirm=${`Delete the profile “${p.name}”?`}
                      run=${() => api("DELETE", `/profiles/${p.id}`).then(() => list.reload())} />
                  `}
                <//></li>
          `
        )}</ul>
        ${active && edit && html`
          <div>
            <h3>Active profile</h3>
            <${Field} label="Name" value=${edit.name} onInput=${(/** @type {string} */ v) =>
              setEdit({ ...edit, name: v })} />
            <${Row}>
              <${Field} label="Focal length" unit="mm" type="number" value=${edit.focal}
                onInput=${(/** @type {string} */ v) => setEdit({ ...edit, focal: v })} />
              <${Field} label="Aperture" unit="mm" type="number" value=${edit.aperture} onInput=${(
                /** @type {string} */ v,
              ) => setEdit({ ...edit, aperture: v })} />
              <${Field} label="Pixel size" unit="µm" type="number" value=${edit
                .pixel} placeholder="camera's"
                onInput=${(/** @type {string} */ v) => setEdit({ ...edit, pixel: v })} />
              <//>
              <${Row}>
                <${Action} label="Save profile" kind="primary" run=${save} />
                <${Action} label="Duplicate as new profile" run=${() =>
                  post("/profiles", { ...bodyOf(active), name: `${edit.name.trim()} copy` }).then(
                    () => list.reload(),
                  )} />
                <//>
                <p class="small dim">Site and time: <a href="#/site">Site & time</a>.</p>
                </div>
        `}
      <//></div>
  `;
}

function Devices() {
  const devices = useGet("/devices");
  useEvent(["device.connected", "device.disconnected"], () => devices.reload());
  /** @type {import("../lib/types.js").RoleStatus[]} */
  const list = /** @type {any} */ (devices.data)?.devices ?? [];
  return html`
    <div id="eq-devices">
      <${Card} title="Devices">
        <ul class="list">${list.map((d) =>
          html`
            <li>
              <${Row}>
                <span
                  class="spacer"><strong>${d.role}</strong><br /><span class="small dim">${d.name ??
                    d.driver ?? "unassigned"}${d.last_error
                    ? ` · ${d.last_error}`
                    : ""}</span></span>
                <${Pill} state=${d.state === "connected" ? "ok" : "bad"}>${d.state}<//>
                  ${d.state !== "unassigned" && (d.state === "connected"
                    ? html`<${Action} label="Disconnect" ariaLabel=${`Disconnect the ${d.role}`} run=${() =>
                      post(`/devices/${d.role}/disconnect`).then(() => devices.reload())} />`
                    : html`<${Action} label="Connect" ariaLabel=${`Connect the ${d.role}`} run=${() =>
                      post(`/devices/${d.role}/connect`).then(() => devices.reload())} />`)}
                <//></li>
          `
        )}</ul>
        <//>
        </div>
  `;
}

/** @typedef {{ key: string, role: string, title: string, detail: string, assignment: import("../lib/types.js").Assignment }} Find */

/** Every find that maps to a role, as one list. @param {Discovery} d @returns {Find[]} */
function findsOf(d) {
  /** @type {Find[]} */
  const out = [];
  for (const port of d.serial_ports.ports) {
    for (const s of port.suggested_drivers) {
      out.push({
        key: `s:${port.path}:${s.driver}`,
        role: s.role,
        title: `${port.product || port.path} (${s.driver})`,
        detail: `${port.path} · ${s.reason}`,
        assignment: s.assignment,
      });
    }
  }
  for (const sdk of d.zwo.sdks) {
    for (const dev of sdk.devices) {
      out.push({
        key: `z:${sdk.sdk}:${dev.id}`,
        role: sdk.role,
        title: dev.name ?? `ZWO ${sdk.sdk} #${dev.index}`,
        detail: `ZWO ${sdk.sdk.toUpperCase()} SDK ${sdk.version ?? ""}`,
        assignment: dev.assignment,
      });
    }
  }
  for (const server of d.alpaca.servers) {
    for (const dev of server.devices) {
      if (dev.role && dev.assignment) {
        out.push({
          key: `a:${server.host}:${server.port}:${dev.device_type}:${dev.device_number}`,
          role: dev.role,
          title: dev.name,
          detail: `Alpaca ${server.host}:${server.port} ${dev.device_type} ${dev.device_number}`,
          assignment: dev.assignment,
        });
      }
    }
  }
  for (const g of d.indi.groups) {
    for (const drv of g.drivers) {
      out.push({
        key: `i:${drv.executable}:${drv.driver_name}`,
        role: g.role,
        title: drv.label,
        detail: `INDI ${drv.manufacturer} · ${drv.executable}`,
        assignment: {
          driver: "indi",
          options: { device: drv.driver_name, driver: drv.executable },
        },
      });
    }
  }
  return out;
}

function Discovery() {
  const [result, setResult] = useState(/** @type {Discovery | null} */ (null));
  const [role, setRole] = useState("");
  const [assigned, setAssigned] = useState(/** @type {string | null} */ (null));
  const finds = result ? findsOf(result) : [];
  const roles = [...new Set(finds.map((f) => f.role))];
  const shown = finds.filter((f) => !role || f.role === role);
  /** @param {Find} f */
  const assign = async (f) => {
    const active = await get("/profiles/active");
    await api("PUT", `/profiles/${active.id}`, {
      name: active.name,
      site: active.site,
      optics: active.optics,
      devices: { ...active.devices, [f.role]: f.assignment },
    });
    setAssigned(`${f.title} is now the ${f.role}.`);
  };
  return html`
    <div id="eq-discover">
      <${Card} title="Find devices">
        <${Row}><${Action} label="Search for devices" kind="primary" busyLabel="Searching…"
          run=${() => get("/devices/discover?timeout_ms=3000").then(setResult)} /><//>
        ${result &&
          html`<p class="small dim">Serial ports ${result.serial_ports.ports.length} · ZWO ${
            result.zwo.sdks.reduce((n, s) => n + s.devices.length, 0)
          }
      · Alpaca servers ${result.alpaca.servers.length} · INDI drivers ${
            result.indi.groups.reduce((n, g) => n + g.drivers.length, 0)
          }</p>`}
        ${[
          result?.serial_ports.error,
          result?.zwo.error,
          result?.indi.error ?? result?.indi.reason,
          result?.alpaca.error,
        ].filter(Boolean)
          .map((e) => html`<p class="small">${e}</p>`)}
        ${roles.length > 0 && html`<div class="field"><label for="disc-role">Role</label>
      <select id="disc-role" value=${role} onChange=${(/** @type {Event} */ e) =>
          setRole(/** @type {HTMLSelectElement} */ (e.currentTarget).value)}>
        <option value="">all</option>${
          roles.map((r) => html`<option value=${r}>${r}</option>`)
        }</select></div>`}
        ${assigned && html`<p class="banner" role="status">${assigned}</p>`}
        ${result && shown.length === 0 && html`<${Empty}>Nothing found for this role.<//>`}
        <ul class="list">${shown.slice(0, 60).map((f) =>
          html`
            <li>
              <${Row}>
                <span
                  class="spacer"><strong>${f.title}</strong><br /><span class="small dim">${f
                    .role} · ${f.detail}</span></span>
                <${Action} label=${`Use as ${f.role}`} ariaLabel=${`Use ${f.title} as the ${f.role}`} run=${() =>
                  assign(f)} />
                <//>
                </li>
          `
        )}</ul>
        ${shown.length > 60 &&
          html`<p class="small dim">${
            shown.length - 60
          } more: choose a role to narrow the list.</p>`}
      <//></div>
  `;
}

/** @param {{ params: string[] }} props */
export default function Equipment({ params }) {
  useEffect(() => {
    if (params[0]) {
      setTimeout(() => document.getElementById(`eq-${params[0]}`)?.scrollIntoView(), 50);
    }
  }, [params[0]]);
  return html`
    <div class="grid">
      <${Devices} />
      <${MountControls} />
      <${WeatherControls} />
      <${CoolerSummary} />
      <${WheelControls} />
      <${RotatorControls} />
      <${DomeControls} />
      <${FlatPanelControls} />
      <${Profiles} />
      <${Discovery} />
    </div>
  `;
}
