// @ts-check
/**
 * Settings: the remote-access token this phone sends (not needed on the box's own hotspot),
 * storage, the box's system (version, uptime, shutdown and reboot), its health (telemetry), its
 * ASCOM Alpaca server, the secure connection (HTTPS with the box's own CA), and the Wi-Fi and update
 * screens. The system, Wi-Fi and update groups come with later firmware: each part lights up
 * when the box answers its endpoint and says so plainly when it does not.
 */
import { html } from "htm/preact";
import { useEffect, useState } from "preact/hooks";
import { Action, Card, Field, Row, Stats } from "../components/ui.js";
import { ApiError, get, post, setToken, token } from "../lib/api.js";
import { duration, size } from "../lib/format.js";
import { theme, toggleTheme } from "../lib/theme.js";
import { Alpaca } from "./settings_alpaca.js";
import { Health } from "./settings_health.js";
import { UpdateCard } from "./update_card.js";
import { SecureConnection } from "./settings_https.js";

function Access() {
  const [value, setValue] = useState(token.value);
  return html`
    <${Card} title="Remote access">
      <p
        class="small">On the box's own Wi-Fi no token is needed. From another network, paste the token that
          <span class="mono">openskylab token</span> prints on the box.</p>
      <${Field} label="Access token" type="password" value=${value} onInput=${setValue}
        autocomplete="off" />
      <${Row}>
        <${Action} label="Save token" kind="primary" run=${() => setToken(value)} />
        <${Action} label="Forget token" run=${() => {
          setValue("");
          setToken("");
        }} />
        <//>
        <p class="small dim">${token.value
          ? "This phone sends a token."
          : "This phone sends no token."}</p>
        <//>
  `;
}

function System() {
  const [system, setSystem] = useState(/** @type {any} */ (null));
  const [absent, setAbsent] = useState(false);
  const [health, setHealth] = useState(/** @type {any} */ (null));
  useEffect(() => {
    get("/health").then(setHealth, () => {});
    get("/system").then(
      setSystem,
      (err) => setAbsent(err instanceof ApiError && err.status === 404),
    );
  }, []);
  const storage = system?.storage;
  return html`<${Card} title="Box">
    <${Stats} rows=${[
    ["Firmware", system?.version ?? health?.version ?? "–"],
    [
      "App build",
      document.querySelector('meta[name="openskylab-build"]')?.getAttribute("content") ?? "–",
    ],
    ["Up for", duration(system?.uptime_s ?? health?.uptime_s)],
    ["Model", system?.model ?? "–"],
    ["Free space", storage ? `${size(storage.free_bytes)} of ${size(storage.total_bytes)}` : "–"],
    ["Host", system?.hostname ?? location.host],
  ]} />
    ${
    absent && html`
      <p
        class="small dim">This firmware has no system API yet: storage, shutdown and reboot appear here once it does.</p>
    `
  }
    ${
    system && html`
      <${Row}>
        <${Action} label="Reboot the box"
          confirm="Reboot the box? Running sequences stop and resume after." run=${() =>
            post("/system/reboot")} />
        <${Action} label="Shut the box down" kind="danger"
          confirm="Shut the box down? It needs a power cycle to start again."
          run=${() => post("/system/shutdown")} />
        <//>
    `
  }
  <//>`;
}

function App() {
  const reset = async () => {
    for (const r of await navigator.serviceWorker?.getRegistrations() ?? []) await r.unregister();
    for (const k of await caches.keys()) await caches.delete(k);
    localStorage.removeItem("osl.snapshot");
    location.reload();
  };
  return html`
    <${Card} title="This app">
      <${Row}>
        <button type="button" onClick=${toggleTheme}>${theme.value === "night"
          ? "Day mode"
          : "Night mode"}</button>
        <${Action} label="Clear offline copy" run=${reset} />
        <//>
        <p
          class="small dim">Add the app to the home screen from the browser's menu to use it full screen and offline.</p>
        <//>
  `;
}

export default function Settings() {
  return html`
    <div class="grid">
      <${Access} />
      <${System} />
      <${Health} />
      <${Alpaca} />
      <${SecureConnection} />
      <${Card} title="Wi-Fi">
        <p><a class="button" href="#/wifi">Hotspot and home networks</a></p>
        <//>
        <${UpdateCard} />
        <${App} />
        </div>
  `;
}
