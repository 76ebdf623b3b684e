// @ts-check
/**
 * The one-tap offer to switch to the secure address, shown when this phone already trusts the
 * box's CA (lib/secure.js found out). "Not now" hides it for this visit.
 */
import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { trustedHttpsUrl } from "../lib/secure.js";

const DISMISSED_KEY = "osl.secure-offer-dismissed";

function dismissed() {
  try {
    return sessionStorage.getItem(DISMISSED_KEY) === "1";
  } catch {
    return false;
  }
}

export function SecureBanner() {
  const [hidden, setHidden] = useState(dismissed);
  const url = trustedHttpsUrl.value;
  if (!url || hidden) return null;
  const hide = () => {
    try {
      sessionStorage.setItem(DISMISSED_KEY, "1");
    } catch { /* private mode: hidden for this page only */ }
    setHidden(true);
  };
  return html`
    <div class="banner row" role="status">
      <span>This phone trusts the box: the secure address keeps the app offline and the screen awake.</span>
      <a class="button primary" href=${url}>Switch to secure connection</a>
      <button type="button" onClick=${hide}>Not now</button>
    </div>
  `;
}
