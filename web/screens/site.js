// @ts-check
/**
 * Site and time: the latitude, longitude and elevation of the active profile, typed or taken
 * from the phone's location, and the phone's clock sent to the box — a Raspberry Pi has no
 * real-time clock, and a box that does not know the time cannot point. The box's own clock is
 * read from its system API, or from the Date of its answers where that API is not there.
 */
import { html } from "htm/preact";
import { useEffect, useState } from "preact/hooks";
import { Action, Card, ErrorLine, Field, Pill, Row, Stats } from "../components/ui.js";
import { api, ApiError, get, post, token } from "../lib/api.js";
import { useGet } from "../lib/data.js";
import { clockSeconds, num } from "../lib/format.js";

/** @typedef {import("../lib/types.js").Profile} Profile */

function Site() {
  const active = useGet("/profiles/active");
  /** @type {Profile | null} */
  const p = /** @type {any} */ (active.data);
  const [lat, setLat] = useState("");
  const [lon, setLon] = useState("");
  const [elev, setElev] = useState("");
  const [note, setNote] = useState(/** @type {string | null} */ (null));
  useEffect(() => {
    if (!p) return;
    setLat(String(p.site.latitude));
    setLon(String(p.site.longitude));
    setElev(String(p.site.elevation));
  }, [p?.id, p?.updated_at]);
  const fromPhone = () =>
    new Promise((resolve, reject) => {
      if (!("geolocation" in navigator) || !isSecureContext) {
        reject(
          new Error(
            "This browser shares its location only over HTTPS or on the box itself; type the numbers instead.",
          ),
        );
        return;
      }
      navigator.geolocation.getCurrentPosition((pos) => {
        setLat(pos.coords.latitude.toFixed(5));
        setLon(pos.coords.longitude.toFixed(5));
        if (pos.coords.altitude !== null) setElev(String(Math.round(pos.coords.altitude)));
        setNote(`From the phone, ±${Math.round(pos.coords.accuracy)} m. Save to use it.`);
        resolve(null);
      }, (err) =>
        reject(new Error(`The phone gave no location: ${err.message}`)), {
        enableHighAccuracy: true,
        timeout: 20_000,
      });
    });
  const save = () => {
    if (!p) throw new Error("No active profile");
    return api("PUT", `/profiles/${p.id}`, {
      name: p.name,
      optics: p.optics,
      devices: p.devices,
      site: { latitude: Number(lat), longitude: Number(lon), elevation: Number(elev) || 0 },
    }).then(() => {
      setNote("Saved.");
      return active.reload();
    });
  };
  return html`
    <${Card} title="Site">
      <${ErrorLine} error=${active.error} />
      <p class="small dim">${p ? `Profile “${p.name}”` : "Reading…"}</p>
      <${Row}>
          <${Field} label="Latitude" unit="°, north +" type="number" min=${-90} max=${90} value=${lat} onInput=${setLat} />
          <${Field} label="Longitude" unit="°, east +" type="number" min=${-180} max=${180} value=${lon} onInput=${setLon} />
          <${Field} label="Elevation" unit="m" type="number" value=${elev} onInput=${setElev} />
        <//>
        ${note && html`<p class="small" role="status">${note}</p>`}
        <${Row}>
          <${Action} label="Use this phone's location" run=${fromPhone} />
          <${Action} label="Save site" kind="primary" run=${save} />
        <//>
      <//>
  `;
}

function Time() {
  const [system, setSystem] = useState(/** @type {any} */ (null));
  const [hasSystem, setHasSystem] = useState(/** @type {boolean | null} */ (null));
  const [boxOffsetMs, setBoxOffsetMs] = useState(/** @type {number | null} */ (null));
  const [now, setNow] = useState(Date.now());
  const [result, setResult] = useState(/** @type {string | null} */ (null));
  const read = async () => {
    try {
      const s = await get("/system");
      setSystem(s);
      setHasSystem(true);
      setBoxOffsetMs(s.time.now_ms - Date.now());
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) {
        setHasSystem(false);
        // The box's clock from the Date header of any answer (whole seconds).
        const sent = Date.now();
        const res = await fetch("/api/v1/health", {
          headers: token.value ? { Authorization: `Bearer ${token.value}` } : {},
        });
        const date = Date.parse(res.headers.get("date") ?? "");
        await res.body?.cancel();
        if (!Number.isNaN(date)) setBoxOffsetMs(date + 500 - (sent + Date.now()) / 2);
      } else throw err;
    }
  };
  useEffect(() => {
    read().catch(() => {});
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const send = async () => {
    try {
      await post("/system/time", { time_ms: Date.now() });
      setResult("The box now has this phone's time.");
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        setResult(`The box keeps its own time: ${err.message}`);
      } else throw err;
    }
    await read();
  };
  const off = boxOffsetMs === null ? null : boxOffsetMs / 1000;
  return html`<${Card} title="Time" actions=${
    system &&
    html`<${Pill} state=${system.time.synchronized ? "ok" : "bad"}>${
      system.time.synchronized ? `synchronised (${system.time.source})` : "not synchronised"
    }<//>`
  }>
    <${Stats} rows=${[
    ["Phone", clockSeconds(now)],
    ["Box", off === null ? "–" : clockSeconds(now + (boxOffsetMs ?? 0))],
    ["Difference", off === null ? "–" : `${num(off, Math.abs(off) < 10 ? 1 : 0)} s`],
  ]} />
    ${
    hasSystem === false &&
    html`<p class="small dim">This box's firmware has no system API yet: its clock is read from its answers,
      and the phone's time cannot be sent to it from here.</p>`
  }
    ${result && html`<p class="small" role="status">${result}</p>`}
    <${Row}><${Action} label="Send this phone's time to the box" kind="primary" disabled=${
    hasSystem !== true
  } run=${send} /><//>
  <//>`;
}

export default function SiteScreen() {
  return html`
    <div class="grid">
      <${Site} />
      <${Time} />
    </div>
  `;
}
