// @ts-check
/**
 * Settings' Update card: which release the box runs, what the update URL offers (check), a
 * release file from the phone for boxes that never see the internet (upload), then apply — the
 * box installs it beside the running one, restarts into it and rolls back by itself when the new
 * release is not healthy — and a rollback by hand. Progress comes from the update.* events.
 */
import { html } from "htm/preact";
import { useEffect, useState } from "preact/hooks";
import { Action, Card, Empty, Pill, Progress, Row, Stats, Toggle } from "../components/ui.js";
import { API_BASE, ApiError, get, post, token } from "../lib/api.js";
import { size } from "../lib/format.js";
import { onEvent } from "../lib/live.js";

/** POSTs the file as the raw body (a release is far over the JSON limit). @param {File} file @param {boolean} force */
async function upload(file, force) {
  /** @type {Record<string, string>} */
  const headers = { "Content-Type": "application/octet-stream" };
  if (token.value) headers.Authorization = "Bearer " + token.value;
  const res = await fetch(`${API_BASE}/update/upload?force=${force}`, {
    method: "POST",
    headers,
    body: file,
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) {
    const e = json?.error;
    throw new ApiError(e?.message ?? `upload: HTTP ${res.status}`, res.status, e?.code, e?.details);
  }
  return json;
}

const STATE_PILL = /** @type {Record<string, string>} */ ({
  idle: "ok",
  ready: "ok",
  failed: "bad",
  checking: "busy",
  downloading: "busy",
  verifying: "busy",
  applying: "busy",
});

export function UpdateCard() {
  const [status, setStatus] = useState(/** @type {any} */ (null));
  const [absent, setAbsent] = useState(false);
  const [file, setFile] = useState(/** @type {File | null} */ (null));
  const [force, setForce] = useState(false);
  const [progress, setProgress] = useState(/** @type {any} */ (null));
  const refresh = () =>
    get("/update/status").then(
      setStatus,
      (err) => setAbsent(err instanceof ApiError && err.status === 404),
    );
  useEffect(() => {
    refresh();
    return onEvent(["update.state", "update.progress"], (data, _ts, type) => {
      if (type === "update.progress") setProgress(data);
      else {
        setProgress(null);
        refresh();
      }
    });
  }, []);
  // While an apply restarts the box, ask until it answers as the new (or rolled back) release.
  useEffect(() => {
    if (status?.state !== "applying") return;
    const timer = setInterval(() => refresh().catch(() => {}), 3000);
    return () => clearInterval(timer);
  }, [status?.state]);

  if (absent) {
    return html`
      <${Card} title="Updates">
        <${Empty}>This firmware cannot update itself yet.<//><//>
    `;
  }
  if (!status) {
    return html`
      <${Card} title="Updates">
        <p class="small dim">Loading…</p>
        <//>
    `;
  }
  const { running, staged, available, last } = status;
  const fraction = progress?.total_bytes ? progress.done_bytes / progress.total_bytes : null;
  return html`<${Card} title="Updates" actions=${html`
    <${Pill}
      state=${STATE_PILL[status.state] ?? "warn"}>${status.state}<//>
  `}>
    <${Stats} rows=${[
    ["Running", running.version],
    ["Offered", available ? `${available.version}${available.newer ? " (newer)" : ""}` : "–"],
    [
      "Ready to apply",
      staged ? `${staged.version} (${size(staged.bytes)}, ${staged.source})` : "–",
    ],
    [
      "Last update",
      last ? `${last.result.replace("_", " ")}: ${last.from} → ${last.to}` : "–",
    ],
  ]} />
    ${status.message && html`<p class="small">${status.message}</p>`}
    ${last?.reason && html`<p class="small dim">${last.reason}</p>`}
    ${
    progress && html`
      <${Progress} label="Release received" value=${fraction}
        text=${size(progress.done_bytes)} />
    `
  }
    ${
    !running.installed &&
    html`<p class="small dim">Apply and rollback are off: ${running.reason}</p>`
  }
    <${Row}>
      <${Action} label="Check for an update" run=${() => post("/update/check", { force })}
        onDone=${setStatus} busyLabel="Checking…" />
      <//>
    <${Row}>
      <input type="file" accept=".xz,application/x-xz" aria-label="Release file"
        onChange=${(/** @type {any} */ e) => setFile(e.currentTarget.files?.[0] ?? null)} />
      <${Action} label="Upload" disabled=${!file} busyLabel="Uploading and verifying…"
        run=${() => file && upload(file, force)} onDone=${setStatus} />
      <//>
    <${Toggle} label="Allow an older release (downgrade)" checked=${force} onChange=${setForce} />
    <${Row}>
      <${Action} label=${staged ? `Apply ${staged.version}` : "Apply"} kind="primary"
        disabled=${!staged || !running.installed || status.state === "applying"}
        confirm="Install the update and restart the box? It rolls back by itself if the new release is not healthy."
        run=${() => post("/update/apply")} onDone=${setStatus} />
      <${Action} label=${status.previous ? `Roll back to ${status.previous}` : "Roll back"}
        disabled=${!status.previous || !running.installed}
        confirm="Go back to the previous release and its database? What was recorded since is set aside."
        run=${() => post("/update/rollback")} onDone=${setStatus} />
      <//>
  <//>`;
}
