// @ts-check
/**
 * Settings' "ASCOM Alpaca" card: the box's Alpaca server (NINA, SGP, ASCOM Remote use it on port
 * 11111) switched on and off, opened to the whole network or kept to the box's own Wi-Fi, the
 * devices it shows and optional user name and password; the last client it turned away; and the
 * Alpaca devices elsewhere that this box drives. Every change is one PUT /alpaca.
 */
import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { Action, Card, Empty, Field, Pill, Row, Segmented, Toggle } from "../components/ui.js";
import { api, ApiError } from "../lib/api.js";
import { useGet } from "../lib/data.js";
import { dateTime } from "../lib/format.js";
import { useEvent } from "../lib/live.js";

/** @typedef {import("../lib/types.js").AlpacaStatus} AlpacaStatus */

const ROLE_TEXT = /** @type {Record<string, string>} */ ({
  mount: "Mount",
  camera: "Camera",
  focuser: "Focuser",
  filterwheel: "Filter wheel",
  rotator: "Rotator",
  flatpanel: "Flat panel",
  dome: "Dome",
  weather: "Weather",
});

export function Alpaca() {
  const loaded = useGet("/alpaca");
  const [user, setUser] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState(/** @type {string | null} */ (null));
  useEvent(["alpaca.changed"], (data) => loaded.set(data));
  /** @type {AlpacaStatus | null} */
  const s = /** @type {any} */ (loaded.data);
  /** @param {Record<string, unknown>} body */
  const change = async (body) => {
    setError(null);
    try {
      loaded.set(await api("PUT", "/alpaca", body));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      await loaded.reload();
    }
  };
  if (loaded.error instanceof ApiError && loaded.error.status === 404) {
    return html`
      <${Card} title="ASCOM Alpaca">
        <${Empty}>This firmware cannot manage its Alpaca server.<//><//>
    `;
  }
  return html`<${Card} title="ASCOM Alpaca" actions=${
    s &&
    html`<${Pill} state=${s.listening ? "ok" : s.enabled ? "bad" : "warn"}>${
      s.listening ? `port ${s.port}` : s.enabled ? "not running" : "off"
    }<//>`
  }>
    ${
    s && html`
      <p class="small">Desktop programs (NINA, SGP, ASCOM Remote) can drive this box's devices.</p>
      <${Toggle} label="Alpaca server on" checked=${s.enabled}
        onChange=${(/** @type {boolean} */ on) => change({ enabled: on })} />
      ${s.error && html`<p class="err" role="alert">${s.error}</p>`}
      <${Segmented} label="Who may use it" value=${s.access}
        onChange=${(/** @type {string} */ access) => change({ access })} options=${[
          ["trusted", "Box's Wi-Fi only"],
          ["lan", "Whole network"],
        ]} />
      <fieldset>
        <legend>Devices shown</legend>
        <div class="row">
        ${s.roles.map((r) =>
          html`
            <${Toggle} label=${`${ROLE_TEXT[r.role] ?? r.role}${r.assigned ? "" : " (none)"}`}
              checked=${r.exposed} onChange=${(/** @type {boolean} */ on) =>
                change({
                  roles: s.roles.filter((x) => x.role === r.role ? on : x.exposed).map((x) =>
                    x.role
                  ),
                })} />
          `
        )}
        </div>
      </fieldset>
      <p class="small">${s.credentials
        ? `Clients outside the box's Wi-Fi sign in as "${s.credentials.username}".`
        : "No password: anyone allowed above may connect."}</p>
      <${Row}>
        <${Field} label="User name" value=${user} onInput=${setUser} autocomplete="off" />
        <${Field} label="Password" type="password" value=${password} onInput=${setPassword}
          autocomplete="new-password" hint="At least 8 characters" />
        <//>
        <${Row}>
        <${Action} label="Set password" disabled=${!user || password.length < 8} run=${async () => {
          await change({ credentials: { username: user, password } });
          setPassword("");
        }} />
        ${s.credentials &&
          html`<${Action} label="Remove password" run=${() => change({ credentials: null })} />`}
      <//>
      ${error && html`<p class="err" role="alert">${error}</p>`}
      ${s.last_refused &&
        html`<p class="small dim">Last refused: ${s.last_refused.address} at ${
          dateTime(s.last_refused.at)
        } — ${s.last_refused.reason}</p>`}
      ${s.remote_devices.length > 0 && html`
        <h3>Alpaca devices this box drives</h3>
        <ul class="small">
          ${s.remote_devices.map((d) =>
            html`<li>${ROLE_TEXT[d.role] ?? d.role}: ${
              d.name ?? "?"
            } at ${d.host}:${d.port} #${d.device_number} — <${Pill}
            state=${d.state === "connected" ? "ok" : "warn"}>${d.state}<//></li>`
          )}
        </ul>
      `}
    `
  }
  <//>`;
}
