/*
 * The Routines card: centre on a target, polar alignment, autofocus and a plate solve of the
 * latest frame. Each button starts a run over /api/v1 and the card follows it only through the
 * events the run publishes (the same ones every other client sees), so a second phone shows the
 * same progress. Discrete events are not replayed by the socket, so on load each routine's
 * status endpoint fills the card once. Loaded after app.js, whose helpers it uses.
 */
"use strict";

const SVG_NS = "http://www.w3.org/2000/svg";
const ARCSEC = "″";

/**
 * `"M 42"` → `{ target }`; two numbers → `{ ra, dec }` with RA in hours and Dec in degrees, as
 * decimals or `hh:mm:ss ±dd:mm:ss`. Range checks are left to the API, whose 400 names the field.
 */
function parseTarget(text) {
  const trimmed = text.trim();
  const pair = /^([+-]?\d+(?::\d+)*(?:\.\d+)?)[\s,]+([+\-−]?\d+(?::\d+)*(?:\.\d+)?)$/.exec(trimmed);
  if (!pair) return trimmed === "" ? null : { target: trimmed };
  return { ra: sexagesimalValue(pair[1]), dec: sexagesimalValue(pair[2].replace("−", "-")) };
}

/** `"-05:23:28"` or `"-5.39"` → −5.391…; the sign applies to the whole value. */
function sexagesimalValue(text) {
  const negative = text.startsWith("-");
  const parts = text.replace(/^[+-]/, "").split(":").map(Number);
  const value = parts.reduce((sum, part, i) => sum + part / 60 ** i, 0);
  return negative ? -value : value;
}

function arcsec(v) {
  return v === null ? "–" : v >= 600 ? `${(v / 60).toFixed(1)}′` : `${v.toFixed(1)}${ARCSEC}`;
}

// --- Centre on target -------------------------------------------------------------------------

function showAttempt(a) {
  const li = document.createElement("li");
  const what = a.failure ? `solve failed: ${a.failure}` : `${arcsec(a.error_arcsec)} off` +
    (a.within_tolerance ? " ✓" : a.correction ? ` → ${a.correction}` : "");
  li.textContent = `#${a.attempt}/${a.max_attempts} ${what}`;
  if (a.failure) li.className = "error";
  $("ctr-log").prepend(li);
}

function showCentered(d) {
  const el = $("ctr-result");
  const name = d.target.name ?? `${sexagesimal(d.target.ra, true)} ${sexagesimal(d.target.dec)}`;
  el.textContent = d.success
    ? `Centred on ${name}: ${arcsec(d.final_error_arcsec)} after ${d.attempts} attempt(s)`
    : `${d.state === "aborted" ? "Stopped" : "Failed"}: ${d.reason ?? "no reason given"}`;
  el.className = d.success ? "ok" : "bad";
}

async function startCentring() {
  const target = parseTarget($("ctr-target").value);
  if (!target) return toast("Type a catalog name (M 42) or RA hours and Dec degrees");
  const status = await api("POST", "/mount/center", target);
  if (!status) return;
  $("ctr-log").textContent = "";
  const el = $("ctr-result");
  const t = status.target;
  el.textContent = `Centring on ${t.name ?? sexagesimal(t.ra, true)} (${status.state})…`;
  el.className = "dim";
}

// --- Polar alignment --------------------------------------------------------------------------

function showPolarError(d) {
  set("pa-alt", `${d.alt_error_arcmin.toFixed(1)}′ turn ${d.alt_direction}`);
  set("pa-az", `${d.az_error_arcmin.toFixed(1)}′ turn ${d.az_direction}`);
  set("pa-total", `${d.total_error_arcmin.toFixed(1)}′`);
}

async function polar(action) {
  const status = await api(
    "POST",
    `/polar-alignment/${action}`,
    action === "start" ? {} : undefined,
  );
  if (status) set("pa-state", action === "start" ? "measuring 3 frames…" : "stopped");
}

// --- Autofocus --------------------------------------------------------------------------------

/** The current run's measured points, redrawn whole on each one (a V-curve has ~15 points). */
let focusPoints = [];
let focusRunId = null;

function svgElement(name, attributes, text) {
  const el = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) el.setAttribute(key, String(value));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** Position (x) against HFR (y), scaled to the points so far; `bestPosition` as a line. */
function drawCurve(bestPosition = null) {
  const svg = $("af-curve");
  svg.textContent = "";
  const measured = focusPoints.filter((p) => p.hfr_px !== null)
    .sort((a, b) => a.position - b.position);
  if (measured.length === 0) {
    svg.append(
      svgElement(
        "text",
        { x: 150, y: 60, "text-anchor": "middle", fill: "#7a2119" },
        "no points yet",
      ),
    );
    return;
  }
  const positions = measured.map((p) => p.position).concat(bestPosition ?? []);
  const hfrs = measured.map((p) => p.hfr_px);
  const [x0, x1] = [Math.min(...positions), Math.max(...positions)];
  const [y0, y1] = [Math.min(...hfrs), Math.max(...hfrs)];
  // 30 px left for the HFR labels, 14 px below for the positions.
  const x = (v) => 34 + (x1 === x0 ? 0.5 : (v - x0) / (x1 - x0)) * 258;
  const y = (v) => 8 + (y1 === y0 ? 0.5 : 1 - (v - y0) / (y1 - y0)) * 84;
  const label = { fill: "#7a2119", "font-size": 10 };
  svg.append(
    svgElement("text", { ...label, x: 2, y: 14 }, y1.toFixed(1)),
    svgElement("text", { ...label, x: 2, y: 94 }, y0.toFixed(1)),
    svgElement("text", { ...label, x: 34, y: 107 }, String(x0)),
    svgElement("text", { ...label, x: 292, y: 107, "text-anchor": "end" }, String(x1)),
    svgElement("polyline", {
      points: measured.map((p) => `${x(p.position)},${y(p.hfr_px)}`).join(" "),
      fill: "none",
      stroke: "#7a2119",
    }),
  );
  for (const p of measured) {
    svg.append(svgElement("circle", { cx: x(p.position), cy: y(p.hfr_px), r: 3, fill: "#d23a2a" }));
  }
  if (bestPosition !== null) {
    const bx = x(bestPosition);
    svg.append(
      svgElement("line", {
        x1: bx,
        x2: bx,
        y1: 4,
        y2: 96,
        stroke: "#ff2a1a",
        "stroke-dasharray": "3 3",
      }),
    );
  }
}

function showFocusPoint(d) {
  if (d.run_id !== focusRunId) {
    focusRunId = d.run_id;
    focusPoints = [];
  }
  focusPoints.push(d);
  drawCurve();
  set(
    "af-result",
    d.hfr_px === null ? `skipped ${d.position}: ${d.skipped_reason}` : `point ${d.index + 1}`,
  );
}

function showFocusEnd(d, ok) {
  drawCurve(d.fit ? Math.round(d.fit.best_position) : null);
  const el = $("af-result");
  el.textContent = ok
    ? `best ${d.best_position} · HFR ${num(d.hfr_px, 2, " px")} (was ${num(d.start_hfr_px, 2)})`
    : `failed: ${d.reason} · back at ${d.restored_position}`;
  el.className = ok ? "ok" : "bad";
}

async function startAutofocus() {
  const started = await api("POST", "/focuser/autofocus", {});
  if (!started) return;
  focusRunId = started.run_id;
  focusPoints = [];
  drawCurve();
  $("af-result").className = "dim";
  set("af-result", "running…");
}

// --- Plate solve ------------------------------------------------------------------------------

/** The job this page asked for, and results that arrived before the POST answered. */
let solveJobId = null;
const solveResults = new Map();

function showSolve(d) {
  solveResults.set(d.id, d);
  if (d.id !== solveJobId) return;
  const el = $("sv-state");
  el.textContent = d.status === "solved" ? "solved" : `failed: ${d.error}`;
  el.className = d.status === "solved" ? "ok" : "bad";
  set("sv-ra", d.ra === null ? "–" : sexagesimal(d.ra, true));
  set("sv-dec", d.dec === null ? "–" : sexagesimal(d.dec, false));
  // 359.97° rounds to "360.0°": show it as the 0.0° it is.
  const pa = d.position_angle === null ? null : Number((d.position_angle % 360).toFixed(1)) % 360;
  set("sv-pa", num(pa, 1, "°"));
  set("sv-scale", num(d.pixel_scale, 2, `${ARCSEC}/px`));
  set("sv-solver", d.solver ?? "–");
  // The event has no duration; the job record has (one more request, only once per solve).
  api("GET", `/solver/result/${encodeURIComponent(d.id)}`).then((job) => {
    const took = job?.duration_ms === null || job === null
      ? ""
      : ` · ${num(job.duration_ms / 1000, 1, " s")}`;
    set("sv-time", new Date().toLocaleTimeString() + took);
  });
}

/**
 * Asks the frame list rather than the last `camera.frame_ready`: centring and polar alignment
 * record their frames without that event, and the newest of those is what the user just saw.
 */
async function solveLatest() {
  const latest = (await api("GET", "/camera/frames?limit=1"))?.frames?.[0];
  if (!latest) return toast("No frame to solve yet: take one first");
  const job = await api("POST", "/solver/solve", { image_path: latest.path });
  if (!job) return;
  solveJobId = job.id;
  for (const id of ["sv-ra", "sv-dec", "sv-pa", "sv-scale", "sv-solver", "sv-time"]) set(id, "–");
  const el = $("sv-state");
  el.className = "dim";
  el.textContent = `solving ${latest.path.split("/").pop()}…`;
  const early = solveResults.get(job.id);
  if (early) showSolve(early);
}

// --- Wiring -----------------------------------------------------------------------------------

Object.assign(renderers, {
  "mount.centering": showAttempt,
  "mount.centered": showCentered,
  "polar_alignment.error_computed"(d) {
    showPolarError(d);
    set("pa-state", "adjust the knobs");
  },
  "autofocus.point": showFocusPoint,
  "autofocus.completed": (d) => showFocusEnd(d, true),
  "autofocus.failed": (d) => showFocusEnd(d, false),
  "solver.result": showSolve,
});

/** What the socket does not replay: each routine's last run, read once at start. */
async function loadRoutines() {
  const [centring, polarStatus, focus] = await Promise.all([
    api("GET", "/mount/center"),
    api("GET", "/polar-alignment/status"),
    api("GET", "/focuser/autofocus"),
  ]);
  for (const a of centring?.attempts ?? []) showAttempt(a);
  if (centring?.target && ["succeeded", "failed", "aborted"].includes(centring.state)) {
    showCentered({
      ...centring,
      success: centring.state === "succeeded",
      attempts: centring.attempts.length,
    });
  }
  if (polarStatus?.error) showPolarError(polarStatus.error);
  if (polarStatus && polarStatus.phase !== "idle") {
    set("pa-state", polarStatus.message ?? polarStatus.phase);
  }
  if (focus?.run_id) {
    focusRunId = focus.run_id;
    focusPoints = focus.points;
    if (focus.result) showFocusEnd(focus.result, true);
    else if (focus.state === "failed") {
      showFocusEnd({ ...focus, restored_position: "start" }, false);
    } else drawCurve(focus.fit ? Math.round(focus.fit.best_position) : null);
  } else drawCurve();
}

$("ctr-go").onclick = startCentring;
$("ctr-target").onkeydown = (e) => {
  if (e.key === "Enter") startCentring();
};
$("ctr-stop").onclick = () => api("POST", "/mount/center/stop");
$("pa-start").onclick = () => polar("start");
$("pa-stop").onclick = () => polar("stop");
$("af-start").onclick = startAutofocus;
$("sv-go").onclick = solveLatest;
addEventListener("DOMContentLoaded", loadRoutines);
