/**
 * Whom the Alpaca bridge serves. Alpaca defines no authentication and its discovery answers
 * anyone, so the box decides per request, from the client's address:
 *
 * - a client on a trusted network (loopback, the box's hotspot: `server.trusted_networks`, the
 *   same rule as the API) is served, with or without credentials;
 * - anyone else is refused with 403 while the bridge is closed to the LAN (`access: "trusted"`,
 *   the default), and served when it is open — after HTTP Basic credentials, if the user set any
 *   (401 with a `WWW-Authenticate` challenge otherwise, which Alpaca clients turn into a prompt
 *   or a "check your credentials" message).
 *
 * Discovery follows the same rule: an untrusted address gets no answer while the bridge is
 * closed to the LAN. A verified Authorization header is remembered (by digest), so scrypt runs
 * once per client, not per request; an address that just failed waits a second before the next
 * check, so guessing costs the guesser, not the box.
 */
import { createHash } from "node:crypto";
import { isTrusted } from "../../lib/net/cidr.ts";
import { type StoredSettings, verifyPassword } from "./bridge_settings.ts";

export type AccessDecision =
  | { ok: true }
  | { ok: false; status: 401 | 403; reason: string };

export const BASIC_REALM = "OpenSkyLab Alpaca";
const MAX_REMEMBERED = 64;
const RETRY_AFTER_FAILURE_MS = 1000;

export class AlpacaAccessPolicy {
  readonly trustedNetworks: readonly string[];
  readonly #settings: () => StoredSettings;
  readonly #now: () => number;
  readonly #verified = new Set<string>();
  readonly #failedAt = new Map<string, number>();

  constructor(options: {
    trustedNetworks: readonly string[];
    settings: () => StoredSettings;
    now?: () => number;
  }) {
    this.trustedNetworks = options.trustedNetworks;
    this.#settings = options.settings;
    this.#now = options.now ?? Date.now;
  }

  isTrusted(address: string): boolean {
    return isTrusted(address, this.trustedNetworks);
  }

  mayAnswerDiscovery(address: string): boolean {
    return this.isTrusted(address) || this.#settings().access === "lan";
  }

  async decide(address: string, authorization: string | null): Promise<AccessDecision> {
    if (this.isTrusted(address)) return { ok: true };
    const settings = this.#settings();
    if (settings.access !== "lan") {
      return {
        ok: false,
        status: 403,
        reason:
          `This Alpaca server serves only the box's own networks (${
            this.trustedNetworks.join(", ")
          }); ${address} is outside them. Open it to the LAN in the box's app (Settings → ASCOM ` +
          'Alpaca) or PUT /api/v1/alpaca {"access":"lan"}.',
      };
    }
    const credentials = settings.credentials;
    if (credentials === null) return { ok: true };
    const challenge = (reason: string) => ({ ok: false as const, status: 401 as const, reason });
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? "");
    if (!match) return challenge("This Alpaca server needs a user name and password (HTTP Basic).");
    const key = createHash("sha256").update(`${credentials.hash}\0${match[1]}`).digest("base64");
    if (this.#verified.has(key)) return { ok: true };
    const failedAt = this.#failedAt.get(address);
    if (failedAt !== undefined && this.#now() - failedAt < RETRY_AFTER_FAILURE_MS) {
      return challenge("Wrong user name or password; wait a second before trying again.");
    }
    let user = "";
    let password = "";
    try {
      const text = new TextDecoder("utf-8", { fatal: true }).decode(
        Uint8Array.from(atob(match[1]!), (c) => c.charCodeAt(0)),
      );
      const colon = text.indexOf(":");
      if (colon < 0) throw new TypeError("no colon");
      user = text.slice(0, colon);
      password = text.slice(colon + 1);
    } catch {
      return challenge("The Authorization header is not valid HTTP Basic (user:password, base64).");
    }
    // The hash runs whatever the user name, so timing does not tell a known name from others.
    const passwordOk = await verifyPassword(credentials, password);
    const ok = passwordOk && user === credentials.username;
    if (!ok) {
      if (this.#failedAt.size >= MAX_REMEMBERED) this.#failedAt.clear();
      this.#failedAt.set(address, this.#now());
      return challenge("Wrong user name or password.");
    }
    if (this.#verified.size >= MAX_REMEMBERED) this.#verified.clear();
    this.#verified.add(key);
    this.#failedAt.delete(address);
    return { ok: true };
  }
}
