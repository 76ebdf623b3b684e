// @ts-check
/** The few line icons of the tab bar, inline SVG in the text colour (hidden from screen readers: the tab's text names it). */
import { html } from "htm/preact";

const PATHS = {
  home: "M3 11l9-7 9 7v9a1 1 0 0 1-1 1h-5v-6H9v6H4a1 1 0 0 1-1-1z",
  capture: "M4 7h3l2-3h6l2 3h3v12H4zM12 17a4 4 0 1 0 0-8 4 4 0 0 0 0 8z",
  image: "M3 5h18v14H3zM3 16l5-5 4 4 3-3 6 6M15.5 9.5a1.5 1.5 0 1 0 0-.01",
  targets: "M12 3v3M12 18v3M3 12h3M18 12h3M12 17a5 5 0 1 0 0-10 5 5 0 0 0 0 10z",
  more: "M5 12h.01M12 12h.01M19 12h.01",
};

/** @param {{ name: keyof typeof PATHS }} props */
export function Icon({ name }) {
  return html`
    <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width=${name === "more"
      ? 3.5
      : 1.8}
      stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">
      <path d=${PATHS[name]} />
    </svg>
  `;
}
