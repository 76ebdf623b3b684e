// @ts-check
/**
 * The centring run as it happens (goto → expose → solve → sync until within tolerance): each
 * attempt's error from `mount.centering`, the end from `mount.centered`, and Stop. Shared by the
 * target page and the align screen.
 */
import { html } from "htm/preact";
import { Action, Empty, Pill } from "./ui.js";
import { post } from "../lib/api.js";
import { useGet } from "../lib/data.js";
import { dec, num, ra } from "../lib/format.js";
import { useEvent } from "../lib/live.js";
import { href } from "../lib/router.js";

/** @typedef {import("../lib/types.js").CenteringStatus} CenteringStatus */

/** The current or last centring run, kept fresh by its events. */
export function useCentering() {
  const status = useGet("/mount/center");
  useEvent(["mount.centering", "mount.centered"], () => status.reload());
  return status;
}

/** @param {{ status: CenteringStatus | null }} props */
export function CenteringPanel({ status }) {
  if (!status || status.state === "idle") return html`<${Empty}>No centring run yet.<//>`;
  const running = !["succeeded", "failed", "aborted", "idle"].includes(status.state);
  const last = status.attempts[status.attempts.length - 1];
  return html`
    <div class="centering" data-state=${status.state}>
      <p>
        <${Pill} state=${status.state === "failed" ? "bad" : running ? "busy" : "ok"}>${status
          .state}<//>
          ${" "}${status.target?.name ?? `${ra(status.target?.ra)} ${dec(status.target?.dec)}`}</p>
        ${status.state === "succeeded" &&
          html`<p class="centering-result">${`Centred within ${
            num(status.final_error_arcsec, 0, "″")
          } after ${status.attempts.length} attempt${
            status.attempts.length === 1 ? "" : "s"
          }`}</p>`}
        ${status.reason && html`<p class="err">${status.reason}</p>`}
        <ol class="small">${status.attempts.map((a) =>
          html`<li>
      Attempt ${a.attempt}/${a.max_attempts}: ${
            a.error_arcsec === null ? "the solve failed" : `${num(a.error_arcsec, 0, "″")} off`
          }
      ${a.within_tolerance ? " ✓" : ""} · <a href=${href("viewer", a.frame_id)}>frame</a></li>`
        )}</ol>
        ${running &&
          html`<${Action} label="Stop centring" kind="danger" run=${() =>
            post("/mount/center/stop")} />`}
        ${!running && last &&
          html`<p class="small dim">Last frame solved at ${ra(last.solved_ra)} ${
            dec(last.solved_dec)
          }</p>`}
      </div>
  `;
}
