// @ts-check
/**
 * Wi-Fi: where the box's one radio is (its own hotspot or a home network), networks in range,
 * joining one (the box says first what will happen to this phone's connection: on the hotspot
 * the phone loses it, and finds the box again at openskylab.local on the home network), saved
 * networks to forget, and the hotspot's name and password; ending setup stops the captive
 * portal so phones keep their mobile data. Follows the `wifi.status` and `wifi.join` events.
 * Without NetworkManager (a dev machine) the box says why, and the screen shows that.
 */
import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { Action, Card, Empty, ErrorLine, Field, Pill, Row, Stats } from "../components/ui.js";
import { messageOf, post } from "../lib/api.js";
import { useGet } from "../lib/data.js";
import { useEvent } from "../lib/live.js";

const MODE_TEXT = {
  hotspot: "Own hotspot",
  client: "Home network",
  connecting: "Connecting…",
  disconnected: "Not connected",
};

/** @param {{ status: any }} props */
function Status({ status }) {
  const join = status.last_join;
  return html`<${Card} title="Box Wi-Fi" actions=${html`
    <${Pill}
      state=${status.mode === "disconnected"
        ? "bad"
        : "ok"}>${MODE_TEXT[/** @type {keyof typeof MODE_TEXT} */ (status.mode)] ?? status.mode}<//>
  `}>
    <${Stats} rows=${[
    ["Network", status.ssid ?? "–"],
    ["Box address", status.ipv4 ?? "–"],
    ["Hotspot", `${status.hotspot.ssid} (${status.hotspot.ipv4})`],
    ["Setup", status.setup_complete ? "complete" : "in progress (captive portal on)"],
  ]} />
    ${
    join &&
    html`<p class=${join.outcome === "failed" ? "err" : "small"} role="status">${
      join.outcome === "failed"
        ? `Joining "${join.ssid}" failed: ${join.reason}. The box is back on its hotspot.`
        : join.outcome === "joined"
        ? `Joined "${join.ssid}" in ${join.elapsed_s} s${
          join.trigger === "watchdog" ? " (back home by itself)" : ""
        }.`
        : `Joining "${join.ssid}"…`
    }</p>`
  }
  <//>`;
}

/** @param {{ onPlan: (plan: any) => void }} props */
function Join({ onPlan }) {
  const scan = useGet("/wifi/scan");
  const [ssid, setSsid] = useState("");
  const [password, setPassword] = useState("");
  const networks = /** @type {any[]} */ (/** @type {any} */ (scan.data)?.networks ?? []);
  return html`<${Card} title="Join a network" actions=${html`
    <${Action}
      label=${scan.loading ? "Scanning…" : "Scan again"} disabled=${scan.loading}
      run=${scan.reload} />
  `}>
    <${ErrorLine} error=${scan.error} />
    ${networks.length === 0 && !scan.loading && html`<${Empty}>No network in range.<//>`}
    <ul class="list">
      ${
    networks.map((n) =>
      html`<li><button type="button" class="wide" aria-pressed=${ssid === n.ssid}
        onClick=${() => setSsid(n.ssid)}>${n.ssid} · ${n.signal_pct}% · ${n.security || "open"}${
        n.known ? " · saved" : ""
      }</button></li>`
    )
  }
    </ul>
    <${Field} label="Network name" value=${ssid} onInput=${setSsid} autocomplete="off" />
    <${Field} label="Password" type="password" value=${password} onInput=${setPassword}
      hint="8 to 63 characters; leave empty for an open or saved network" />
    <${Row}>
      <${Action} label="Join" kind="primary" disabled=${!ssid} run=${async () =>
    onPlan(await post("/wifi/connect", password ? { ssid, password } : { ssid }))} />
    <//>
  <//>`;
}

function Saved() {
  const saved = useGet("/wifi/networks");
  const networks = /** @type {any[]} */ (/** @type {any} */ (saved.data)?.networks ?? []);
  return html`<${Card} title="Saved networks">
    <${ErrorLine} error=${saved.error} />
    ${networks.length === 0 && !saved.loading && html`<${Empty}>None saved yet.<//>`}
    ${
    networks.map((n) =>
      html`<${Row}><span>${n.ssid} (priority ${n.priority})${n.active ? " · in use" : ""}</span>
        <${Action} label="Forget" ariaLabel=${`Forget ${n.ssid}`}
          confirm=${`Forget "${n.ssid}"?${n.active ? " The box goes back to its hotspot." : ""}`}
          run=${async () => {
        await post("/wifi/forget", { ssid: n.ssid });
        await saved.reload();
      }} /><//>`
    )
  }
  <//>`;
}

/** @param {{ status: any, onChange: (s: any) => void }} props */
function Hotspot({ status, onChange }) {
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  return html`<${Card} title="Hotspot">
    ${
    status.hotspot.default_password &&
    html`<p class="err" role="status">The hotspot still has the default password: change it.</p>`
  }
    <${Field} label="Hotspot name" value=${name} onInput=${setName}
      placeholder=${status.hotspot.ssid} />
    <${Field} label="New hotspot password" type="password" value=${password}
      onInput=${setPassword} hint="8 to 63 characters; phones on the hotspot reconnect" />
    <${Row}>
      <${Action} label="Save hotspot" disabled=${!name && !password} run=${async () =>
    onChange(
      await post("/wifi/hotspot", {
        ...(name ? { ssid: name } : {}),
        ...(password ? { password } : {}),
      }),
    )} />
      ${
    !status.setup_complete && html`
      <${Action} label="Finish setup"
        confirm="Finish setup? The hotspot stops acting as a portal and offers no internet, so phones keep their mobile data."
        run=${async () => onChange(await post("/wifi/hotspot", { setup_complete: true }))} />
    `
  }
    <//>
  <//>`;
}

export default function Wifi() {
  const status = useGet("/wifi/status");
  const [plan, setPlan] = useState(/** @type {any} */ (null));
  useEvent(["wifi.status", "wifi.join"], () => void status.reload());
  if (status.error && !status.data) {
    return html`
      <${Card} title="Wi-Fi">
        <${Empty}>${messageOf(status.error)}<//><//>
    `;
  }
  const s = /** @type {any} */ (status.data);
  if (!s) {
    return html`
      <${Card} title="Wi-Fi">
        <${Empty}>Reading the box's Wi-Fi…<//><//>
    `;
  }
  return html`<div class="grid">
    <${Status} status=${s} />
    ${
    plan && html`
      <${Card} title="What happens now">
        <p role="alert">${plan.message}</p>
        <//>
    `
  }
    <${Join} onPlan=${setPlan} />
    <${Saved} />
    <${Hotspot} status=${s} onChange=${(/** @type {any} */ v) => status.set(v)} />
  </div>`;
}
