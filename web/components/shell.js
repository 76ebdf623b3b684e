// @ts-check
/**
 * The frame around every screen: the header (screen title, whether the box is live or since
 * when the shown state is old, day/night switch) and the tab bar (Home, Capture, Image,
 * Targets, More — every screen is one of these or one tap inside More). Both have fixed
 * heights and respect the phone's safe areas.
 */
import { html } from "htm/preact";
import { stale } from "../lib/api.js";
import { clock } from "../lib/format.js";
import { link, snapshotAt } from "../lib/live.js";
import { route } from "../lib/router.js";
import { theme, toggleTheme } from "../lib/theme.js";
import { Icon } from "./icons.js";

/** @type {[string, string, "home" | "capture" | "image" | "targets" | "more", string[]][]} */
const TABS = [
  ["home", "Home", "home", ["home"]],
  ["capture", "Capture", "capture", ["capture"]],
  ["viewer", "Image", "image", ["viewer"]],
  ["targets", "Targets", "targets", ["targets"]],
  ["more", "More", "more", []],
];

function LinkState() {
  const state = link.value;
  const since = snapshotAt.value ?? stale.value;
  const text = state === "live"
    ? "Live"
    : state === "connecting"
    ? "Connecting…"
    : since
    ? `Offline · ${clock(since)}`
    : "Offline";
  return html`
    <span class=${`link-state ${state}`} role="status" aria-live="polite"
      data-state=${state}>${text}</span>
  `;
}

/** @param {{ title: string }} props */
export function Header({ title }) {
  const night = theme.value === "night";
  return html`
    <header class="top">
      <h1>${title}</h1>
      <${LinkState} />
      <button type="button" class="icon-btn" onClick=${toggleTheme}
        aria-label=${night ? "Switch to day mode" : "Switch to night mode"}
        aria-pressed=${night ? "true" : "false"}>${night ? "Day" : "Night"}</button>
    </header>
  `;
}

export function TabBar() {
  const current = route.value.name;
  const inTabs = TABS.some(([, , , names]) => names.includes(current));
  return html`<nav class="tabs" aria-label="Screens">
    ${
    TABS.map(([name, label, icon, names]) => {
      const here = names.includes(current) || (name === "more" && !inTabs);
      return html`
        <a href=${`#/${name === "home" ? "" : name}`}
          aria-current=${here
            ? "page"
            : undefined}><${Icon} name=${icon} /><span>${label}</span></a>
      `;
    })
  }
  </nav>`;
}

/** Shown while the box cannot be reached: what the phone shows is the last known state. */
export function OfflineBanner() {
  if (link.value !== "offline") return null;
  const since = snapshotAt.value ?? stale.value;
  return html`<p class="banner bad" role="status">
    ${`The box is unreachable${since ? ` — showing its state from ${clock(since)}` : ""}. `}
    Reconnecting…
  </p>`;
}
