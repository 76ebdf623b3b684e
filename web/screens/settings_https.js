// @ts-check
/**
 * Settings' "Secure connection" card: whether this page is secure, and how to make it so. The
 * box is its own certificate authority: the phone installs the box's CA certificate once (steps
 * for Android and iOS), compares its SHA-256 fingerprint with the one shown here, and then opens
 * the box's HTTPS address, where the offline app, install-to-home-screen and the screen wake lock
 * work. The CA may vouch only for local names and private addresses, so trusting it exposes no
 * other site.
 */
import { html } from "htm/preact";
import { useEffect } from "preact/hooks";
import { Card, Pill, Stats } from "../components/ui.js";
import { httpsUrl, loadTlsStatus, pageSecurity, tlsStatus } from "../lib/secure.js";

const PAGE_TEXT = {
  secure: "secure (HTTPS)",
  local: "secure on this computer only (localhost)",
  plain: "not secure (HTTP)",
};

/** @param {string | null | undefined} iso */
function day(iso) {
  return iso ? new Date(iso).toLocaleDateString() : "–";
}

export function SecureConnection() {
  useEffect(() => {
    void loadTlsStatus();
  }, []);
  const status = tlsStatus.value;
  const security = pageSecurity();
  const port = status?.https_port ?? null;
  return html`<${Card} title="Secure connection" actions=${html`<${Pill} state=${
    security === "plain" ? "warn" : "ok"
  }>${security === "plain" ? "not secure" : "secure"}<//>`}>
    <${Stats} label="Secure connection" rows=${[
    ["This page", PAGE_TEXT[security]],
    ["HTTPS on the box", port ? `port ${port}` : "off"],
    ["Certificate valid until", day(status?.leaf_not_after)],
  ]} />
    ${status?.problem && html`<p class="small dim" data-testid="tls-problem">${status.problem}</p>`}
    ${
    status?.ca_fingerprint_sha256 && html`
      <p class="small">The box's certificate authority, SHA-256 fingerprint (compare it with what
        the phone shows when it installs the certificate):</p>
      <p class="mono small" data-testid="ca-fingerprint" style="overflow-wrap:anywhere">${status
        .ca_fingerprint_sha256}</p>
      <p><a class="button" href="/tls/ca.crt" download="openskylab-ca.crt">Download the box's certificate</a></p>
      <details>
        <summary>Install it on Android</summary>
        <ol class="small">
          <li>Download the certificate above.</li>
          <li>Settings › Security › Encryption & credentials › Install a certificate › CA
            certificate, then pick <span class="mono">openskylab-ca.crt</span>.</li>
        </ol>
      </details>
      <details>
        <summary>Install it on iPhone or iPad</summary>
        <ol class="small">
          <li>Download the certificate above in Safari and allow the profile.</li>
          <li>Settings › General › VPN & Device Management: open the OpenSkyLab profile, Install.</li>
          <li>Settings › General › About › Certificate Trust Settings: turn on full trust for it.</li>
        </ol>
      </details>
      <p class="small dim">This certificate can vouch only for the box's local names (.local) and
        private network addresses, never for any other website.</p>
    `
  }
    ${
    port && security !== "secure" &&
    html`<p><a class="button primary" href=${httpsUrl(port)}>Open the secure address</a></p>`
  }
  <//>`;
}
