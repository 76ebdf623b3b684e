/*
 * The phone page's core: live rig state over /ws, the status cards, the Expose/Abort/Park/Unpark
 * buttons, the toast for API errors. A classic script (no modules, no build step) so the page
 * works from the box offline; routines.js adds its renderers to `renderers` before the socket
 * opens, because the socket subscribes to exactly the event types some renderer draws.
 */
"use strict";
const token = new URLSearchParams(location.search).get("token");
const $ = (id) => document.getElementById(id);
const set = (id, text) => {
  $(id).textContent = text;
};
function num(v, digits = 1, unit = "") {
  return v === null || v === undefined ? "–" : v.toFixed(digits) + unit;
}
for (const dl of document.querySelectorAll("dl[data-rows]")) {
  for (const label of dl.dataset.rows.split(",")) {
    const dd = Object.assign(document.createElement("dd"), { textContent: "–" });
    dd.id = `${dl.id}-${label.toLowerCase()}`;
    dl.append(Object.assign(document.createElement("dt"), { textContent: label }), dd);
  }
}

function sexagesimal(value, hours) {
  const sign = value < 0 ? "−" : hours ? "" : "+";
  const abs = Math.abs(value);
  const d = Math.floor(abs), mFloat = (abs - d) * 60, m = Math.floor(mFloat);
  const s = Math.floor((mFloat - m) * 60);
  const pad = (n) => String(n).padStart(2, "0");
  return hours ? `${pad(d)}h ${pad(m)}m ${pad(s)}s` : `${sign}${pad(d)}° ${pad(m)}′ ${pad(s)}″`;
}

function withToken(url) {
  if (!token) return url;
  return url + (url.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(token);
}

let toastTimer;
function toast(message) {
  const el = $("toast");
  el.textContent = message;
  el.style.display = "block";
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    el.style.display = "none";
  }, 5000);
}

async function api(method, path, body) {
  const headers = {};
  if (token) headers.Authorization = "Bearer " + token;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  try {
    const res = await fetch("/api/v1" + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json().catch(() => null);
    if (!res.ok) toast(json?.error?.message ?? `${method} ${path}: HTTP ${res.status}`);
    return res.ok ? json : null;
  } catch (err) {
    toast(`${method} ${path}: ${err.message}`);
    return null;
  }
}

const renderers = {
  "mount.status"(d) {
    set("m-ra", sexagesimal(d.ra, true));
    set("m-dec", sexagesimal(d.dec, false));
    set("m-alt", num(d.alt, 1, "°"));
    set("m-az", num(d.az, 1, "°"));
    set("m-track", d.tracking);
    set("m-state", d.slewing ? "slewing" : d.parked ? "parked" : d.at_home ? "home" : "idle");
  },
  "camera.status"(d) {
    set("c-state", d.exposure.state);
    set("c-left", d.exposure.state === "idle" ? "–" : num(d.exposure.remaining_s, 1, " s"));
    $("c-bar").style.width = Math.round(d.exposure.progress * 100) + "%";
    set("c-sensor", num(d.cooler.temp_c, 1, " °C"));
    set(
      "c-cooler",
      !d.cooler.available
        ? "none"
        : d.cooler.enabled
        ? `${num(d.cooler.target_c, 0, " °C")} · ${Math.round(d.cooler.power)}%`
        : "off",
    );
  },
  "camera.expose_progress"(d) {
    set("c-state", d.state);
    set("c-left", num(d.remaining_s, 1, " s"));
    $("c-bar").style.width = Math.round(d.percent) + "%";
  },
  "camera.frame_ready"(d) {
    set("frame-info", `${d.frame_type} ${d.duration_s} s · ${d.width}×${d.height} · ${d.path}`);
    const img = $("preview");
    img.src = withToken(`/api/v1/camera/frame/latest?format=jpeg&t=${Date.now()}`);
    img.style.display = "block";
    $("c-bar").style.width = "0";
  },
  "focuser.status"(d) {
    set("f-position", `${d.position} / ${d.max_position}`);
    set("f-moving", d.moving ? `→ ${d.target_position}` : "no");
    set("f-temp", num(d.temperature_c, 1, " °C"));
  },
  "filterwheel.status"(d) {
    set("fw-name", d.moving ? "moving…" : d.name ?? "–");
  },
  "weather.update"(d) {
    const el = $("w-safe");
    el.textContent = d.safe ? "SAFE" : "UNSAFE";
    el.classList.toggle("bad", !d.safe);
    set("w-why", d.safe ? (d.override === null ? "" : "forced safe") : d.unsafe_reasons.join(", "));
  },
  "alert"(d, ts) {
    const list = $("alerts");
    const li = document.createElement("li");
    li.className = d.level;
    const time = document.createElement("time");
    time.textContent = new Date(ts).toLocaleTimeString();
    li.append(time, `${d.source}: ${d.message}`);
    list.prepend(li);
    while (list.children.length > 50) list.lastElementChild.remove();
  },
  "device.connected": () => loadRoles(),
  "device.disconnected": () => loadRoles(),
};

async function loadRoles() {
  const health = await api("GET", "/health");
  if (!health) return;
  const dl = $("roles");
  dl.textContent = "";
  for (const r of health.devices) {
    const dt = Object.assign(document.createElement("dt"), { textContent: r.role });
    const dd = document.createElement("dd");
    dd.textContent = r.state === "unassigned" ? "–" : `${r.name ?? r.driver} · ${r.state}`;
    if (r.state === "reconnecting" || r.state === "disconnected") dd.className = "bad";
    dl.append(dt, dd);
  }
}

/** Reads what the socket does not replay (the rig's roles, the last frame) once at start. */
async function loadInitial() {
  loadRoles();
  const frames = await api("GET", "/camera/frames?limit=1");
  const last = frames?.frames?.[0];
  if (last) renderers["camera.frame_ready"](last);
}

let retryMs = 1000;
function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  // Only what some card draws: a phone on a weak hotspot link should not carry guiding or
  // livestack traffic it throws away.
  const topics = Object.keys(renderers).join(",");
  const ws = new WebSocket(withToken(`${scheme}://${location.host}/ws?topics=${topics}`));
  ws.onopen = () => {
    retryMs = 1000;
    $("dot").classList.add("on");
    set("link", "live");
  };
  ws.onmessage = (msg) => {
    let event;
    try {
      event = JSON.parse(msg.data);
    } catch {
      return;
    }
    const render = renderers[event.type];
    if (render) {
      try {
        render(event.data, event.ts);
      } catch (err) {
        console.error(event.type, err);
      }
    }
  };
  ws.onclose = () => {
    $("dot").classList.remove("on");
    set("link", "reconnecting…");
    setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 15000);
  };
}

$("expose").onclick = () => api("POST", "/camera/expose", { duration: 2 });
// One "stop everything" button: a phone at night has no room for two.
$("abort").onclick = () => Promise.all([api("POST", "/camera/abort"), api("POST", "/mount/abort")]);
$("park").onclick = () => api("POST", "/mount/park");
$("unpark").onclick = () => api("POST", "/mount/unpark");

// Started once every script has run, so the routines' renderers are in the topic list.
addEventListener("DOMContentLoaded", () => {
  loadInitial();
  connect();
});
