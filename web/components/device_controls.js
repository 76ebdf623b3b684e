// @ts-check
/**
 * Per-device controls of the Equipment screen: the mount (tracking rate, park, a slew pad that
 * nudges the pointing by a chosen step, stop), the filter wheel, the rotator, the dome, the flat
 * panel and the weather station in full with the safety override. Each card reads its device's
 * status event and shows the box's message under the control that failed.
 */
import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { Action, Card, Empty, Field, Pill, Row, Segmented, Stats } from "./ui.js";
import { post } from "../lib/api.js";
import { useGet } from "../lib/data.js";
import { clock, dec, duration, num, ra } from "../lib/format.js";
import { useLatest } from "../lib/live.js";

/** A card for a device that may not be in the profile. @param {{ id: string, title: string, connected: boolean | undefined, children: any }} props */
function DeviceCard({ id, title, connected, children }) {
  return html`
    <div id=${`eq-${id}`}>
      <${Card} title=${title} actions=${connected === undefined
        ? html`<${Pill} state="bad">none<//>`
        : html`<${Pill} state=${connected ? "ok" : "bad"}>${
          connected ? "connected" : "disconnected"
        }<//>`}>
          ${connected === undefined
            ? html`<${Empty}>No ${title.toLowerCase()} in this profile.<//>`
            : children}
        <//>
      </div>
  `;
}

export function MountControls() {
  const m = useLatest("mount.status")?.data;
  const [step, setStep] = useState("30");
  /** Moves the pointing by (dRa, dDec) steps of `step` arcminutes on the sky. */
  const nudge = (/** @type {number} */ east, /** @type {number} */ north) => {
    if (!m) throw new Error("The mount's position is not known yet");
    const stepDeg = Number(step) / 60;
    const decDeg = Math.max(-90, Math.min(90, m.dec + north * stepDeg));
    const cos = Math.max(0.05, Math.cos(m.dec * Math.PI / 180));
    const raHours = ((m.ra + (east * stepDeg) / 15 / cos) % 24 + 24) % 24;
    return post("/mount/goto", { ra: raHours, dec: decDeg });
  };
  return html`
    <${DeviceCard} id="mount" title="Mount" connected=${m?.connected}>
      <${Stats} rows=${[
        ["RA", ra(m?.ra)],
        ["Dec", dec(m?.dec)],
        ["Alt", num(m?.alt, 1, "°")],
        ["Az", num(m?.az, 1, "°")],
        ["Pier", m?.pier_side ?? "–"],
        ["Flip in", m?.time_to_flip_s == null ? "–" : duration(m.time_to_flip_s)],
      ]} />
      <${Segmented} label="Tracking" value=${m?.tracking ?? "off"}
        onChange=${(/** @type {string} */ v) => post("/mount/tracking", { mode: v })}
        options=${["sidereal", "lunar", "solar", "off"]} />
      <${Segmented} label="Slew step" value=${step} onChange=${setStep} options=${[
        ["5", "5′"],
        ["30", "30′"],
        ["120", "2°"],
        ["600", "10°"],
      ]} />
      <div class="pad" role="group" aria-label="Slew pad">
          <span></span><${Action} label="N" ariaLabel="Slew north" run=${() =>
            nudge(0, 1)} /><span></span>
          <${Action} label="E" ariaLabel="Slew east" run=${() => nudge(1, 0)} />
          <${Action} label="■" ariaLabel="Stop the mount" kind="danger" run=${() =>
            post("/mount/abort")} />
          <${Action} label="W" ariaLabel="Slew west" run=${() => nudge(-1, 0)} />
          <span></span><${Action} label="S" ariaLabel="Slew south" run=${() =>
            nudge(0, -1)} /><span></span>
        </div>
      <${Row}>
        <${Action} label="Unpark" run=${() => post("/mount/unpark")} />
        <${Action} label="Park" run=${() => post("/mount/park")} />
        <//>
        <//>
  `;
}

export function WheelControls() {
  const w = useLatest("filterwheel.status")?.data;
  return html`
    <${DeviceCard} id="filterwheel" title="Filter wheel" connected=${w?.connected}>
      <p class="big">${w?.moving ? "moving…" : w?.name ?? "–"}</p>
      <${Segmented} label="Filter" value=${w?.name ?? ""} onChange=${(/** @type {string} */ v) =>
        post("/filterwheel/move", { name: v })}
        options=${w?.filters.map((f) => f.name) ?? []} />
      <p class="small dim">Focus offsets: ${w?.filters.map((f) =>
        `${f.name} ${f.focus_offset > 0 ? "+" : ""}${f.focus_offset}`
      ).join(" · ")}</p>
      <//>
  `;
}

export function RotatorControls() {
  const r = useLatest("rotator.status")?.data;
  const [angle, setAngle] = useState("0");
  return html`
    <${DeviceCard} id="rotator" title="Rotator" connected=${r?.connected}>
      <${Stats} rows=${[["Sky angle", num(r?.position, 1, "°")], [
        "Mechanical",
        num(r?.mechanical_position, 1, "°"),
      ], ["Moving", r?.moving ? "yes" : "no"]]} />
      <${Row}>
        <${Field} label="Position angle" unit="°" type="number" min=${0} max=${359.9}
          value=${angle} onInput=${setAngle} />
        <${Action} label="Rotate" run=${() =>
          post("/rotator/move", { position: ((Number(angle) % 360) + 360) % 360 })} />
        <${Action} label="Halt rotator" kind="danger" run=${() => post("/rotator/halt")} />
        <//>
        <//>
  `;
}

export function DomeControls() {
  const d = useLatest("dome.status")?.data;
  return html`
    <${DeviceCard} id="dome" title="Dome" connected=${d?.connected}>
      <${Stats} rows=${[["Shutter", d?.shutter ?? "–"], ["Azimuth", num(d?.azimuth, 1, "°")], [
        "Slaved",
        d ? (d.slaved ? "yes" : "no") : "–",
      ], ["Parked", d ? (d.parked ? "yes" : "no") : "–"]]} />
      <${Row}>
        <${Action} label="Open shutter" run=${() => post("/dome/shutter", { action: "open" })} />
        <${Action} label="Close shutter" run=${() => post("/dome/shutter", { action: "close" })} />
        <//>
        <${Row}>
          <${Action} label=${d?.slaved ? "Stop following" : "Follow the mount"} run=${() =>
            post("/dome/slave", { slaved: !d?.slaved })} />
          <${Action} label="Park dome" run=${() => post("/dome/park")} />
          <${Action} label="Stop dome" kind="danger" run=${() => post("/dome/abort")} />
          <//>
          <//>
  `;
}

export function FlatPanelControls() {
  const f = useLatest("flatpanel.status")?.data;
  const [brightness, setBrightness] = useState("128");
  return html`
    <${DeviceCard} id="flatpanel" title="Flat panel" connected=${f?.connected}>
      <${Stats} rows=${[["Cover", f?.cover ?? "–"], [
        "Light",
        f ? `${f.light}${f.light === "ready" ? ` · ${f.brightness}` : ""}` : "–",
      ]]} />
      <${Row}>
        <${Action} label="Open cover" run=${() => post("/flatpanel/cover", { action: "open" })} />
        <${Action} label="Close cover" run=${() => post("/flatpanel/cover", { action: "close" })} />
        <//>
        <${Row}>
          <${Field} label="Brightness" type="number" min=${1} max=${f?.max_brightness}
            value=${brightness} onInput=${setBrightness} />
          <${Action} label="Light on" run=${() =>
            post("/flatpanel/light", { on: true, brightness: Math.round(Number(brightness)) })} />
          <${Action} label="Light off" run=${() => post("/flatpanel/light", { on: false })} />
          <//>
          <//>
  `;
}

export function WeatherControls() {
  const latest = useLatest("weather.update")?.data;
  const status = useGet("/weather/status");
  /** @type {import("../lib/types.js").WeatherStatus | null} */
  const w = latest ?? /** @type {any} */ (status.data);
  const c = w?.conditions;
  const override = w?.override === null || w?.override === undefined
    ? "sensors"
    : w.override
    ? "safe"
    : "unsafe";
  return html`
    <${DeviceCard} id="weather" title="Weather" connected=${w?.connected}>
      <p>
        <${Pill} state=${w?.safe ? "ok" : "bad"}>${w ? (w.safe ? "Safe" : "Unsafe") : "–"}<//>
          ${w && !w.safe ? ` ${w.unsafe_reasons.join(", ")}` : ""} <span class="small dim">${w
            ? `updated ${clock(w.updated_at)}`
            : ""}</span></p>
        <${Stats} rows=${[
          ["Temperature", num(c?.temperature_c, 1, "°C")],
          ["Humidity", num(c?.humidity_pct, 0, "%")],
          ["Dew point", num(c?.dew_point_c, 1, "°C")],
          ["Pressure", num(c?.pressure_hpa, 0, "hPa")],
          ["Wind", num(c?.wind_speed_ms, 1, "m/s")],
          ["Gusts", num(c?.wind_gust_ms, 1, "m/s")],
          ["Direction", num(c?.wind_direction_deg, 0, "°")],
          ["Clouds", num(c?.cloud_cover_pct, 0, "%")],
          ["Rain", num(c?.rain_rate_mmh, 1, "mm/h")],
          ["Sky quality", num(c?.sky_quality_mpsas, 2, "mag/″²")],
          ["Sky temp.", num(c?.sky_temperature_c, 1, "°C")],
          ["Seeing", num(c?.star_fwhm_arcsec, 1, "″")],
        ]} />
        <${Segmented} label="Safety verdict" value=${override}
          onChange=${(/** @type {string} */ v) =>
            post("/weather/override", { safe: v === "sensors" ? null : v === "safe" }).then(() =>
              status.reload()
            )}
          options=${[["sensors", "From sensors"], ["safe", "Force safe"], [
            "unsafe",
            "Force unsafe",
          ]]} />
        <${Row}><${Action} label="Read the sensors now" run=${() =>
          post("/weather/refresh").then(() => status.reload())} /><//>
      <//>
  `;
}

/** The camera's cooler in short (Capture has the full control). */
export function CoolerSummary() {
  const cam = useLatest("camera.status")?.data;
  return html`
    <${DeviceCard} id="camera" title="Camera" connected=${cam?.connected}>
      <${Stats} rows=${[
        [
          "Sensor",
          cam ? `${cam.sensor.width}×${cam.sensor.height} · ${cam.sensor.pixel_um} µm` : "–",
        ],
        [
          "Cooler",
          cam?.cooler.available
            ? (cam.cooler.enabled
              ? `${num(cam.cooler.temp_c, 1, "°C")} → ${num(cam.cooler.target_c, 0, "°C")}`
              : `off · ${num(cam.cooler.temp_c, 1, "°C")}`)
            : "none",
        ],
      ]} />
      <${Row}>
        <${Action} label="Cooler off" run=${() =>
          post("/camera/cooler", { enabled: false, target_c: cam?.cooler.target_c ?? 0 })} />
        <a class="button" href="#/capture">Cooler and capture</a>
        <//>
        <//>
  `;
}
