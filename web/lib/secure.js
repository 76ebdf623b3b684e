// @ts-check
/**
 * The secure connection, seen from the phone. A page opened as http://10.42.0.1/ or
 * http://openskylab.local/ is not a secure context, so the browser withholds the offline app,
 * install-to-home-screen and the screen wake lock; the box also serves HTTPS with a certificate
 * of its own CA (GET /tls/status says where). Once this phone trusts that CA, a quiet request to
 * the HTTPS address succeeds, and the app offers to switch (never by force: the captive portal
 * during setup stays on plain HTTP).
 */
import { signal } from "@preact/signals";
import { token } from "./api.js";

/**
 * @typedef {{ https_port: number | null, ca_fingerprint_sha256: string | null,
 *   ca_common_name: string | null, ca_not_after: string | null, leaf_names: string[],
 *   leaf_not_after: string | null, problem: string | null }} TlsStatus
 */

/** What GET /tls/status said; null until it answers (or when this box has no such route). */
export const tlsStatus = signal(/** @type {TlsStatus | null} */ (null));

/** The HTTPS address of this page when this phone already trusts the box, else null. */
export const trustedHttpsUrl = signal(/** @type {string | null} */ (null));

/** @returns {Promise<TlsStatus | null>} */
export async function loadTlsStatus() {
  try {
    const res = await fetch("/tls/status", { cache: "no-store" });
    tlsStatus.value = res.ok ? await res.json() : null;
  } catch {
    tlsStatus.value = null;
  }
  return tlsStatus.value;
}

/** "secure" over HTTPS, "local" on localhost (secure, but only for this computer), else "plain". */
export function pageSecurity() {
  if (location.protocol === "https:") return "secure";
  return globalThis.isSecureContext ? "local" : "plain";
}

/**
 * This page at the box's HTTPS port; the token rides along, since the phone keeps it per origin.
 * @param {number} port
 */
export function httpsUrl(port) {
  const url = new URL(location.href);
  url.protocol = "https:";
  url.port = port === 443 ? "" : String(port);
  if (token.value) url.searchParams.set("token", token.value);
  return url.href;
}

/**
 * On plain HTTP with HTTPS on the box, asks the HTTPS address once, quietly: an opaque answer
 * means the TLS handshake passed, i.e. this phone trusts the box's CA.
 */
export async function probeSecure() {
  if (pageSecurity() !== "plain") return;
  const status = await loadTlsStatus();
  if (!status?.https_port) return;
  const target = httpsUrl(status.https_port);
  const probe = new URL("/api/v1/health", target).href;
  try {
    await fetch(probe, { mode: "no-cors", cache: "no-store", signal: AbortSignal.timeout(5000) });
    trustedHttpsUrl.value = target;
  } catch {
    // Not trusted (or not reachable): the Settings card explains how to install the CA.
  }
}
