// @ts-check
/** More: every screen that is not in the tab bar, one tap away. */
import { html } from "htm/preact";

const ITEMS = [
  ["focus", "Focus", "Focuser, autofocus, V-curve"],
  ["guiding", "Guiding", "Start, dither, RMS graph"],
  ["sequences", "Sequences", "Build, run, resume"],
  ["plans", "Plans", "Multi-target scheduler"],
  ["livestack", "Live stack", "Stack frames as they come"],
  ["alignment", "Align & solve", "Polar alignment, solve, centre"],
  ["equipment", "Equipment", "Profiles, devices, weather"],
  ["site", "Site & time", "Location, the phone's clock"],
  ["frames", "Frames", "Nights, downloads, zip"],
  ["logs", "Logs", "What the box did"],
  ["wifi", "Wi-Fi", "Hotspot, home networks"],
  ["settings", "Settings", "Access, storage, system"],
  ["licenses", "Licences", "OpenSkyLab and what it ships"],
];

export default function More() {
  return html`<nav class="more-grid" aria-label="All screens">
    ${
    ITEMS.map(([name, title, what]) =>
      html`<a href=${`#/${name}`}>${title}<small>${what}</small></a>`
    )
  }
  </nav>`;
}
