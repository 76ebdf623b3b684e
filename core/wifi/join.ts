/**
 * One join of a home network, from the request to its end: refused while the radio is untouched
 * when the network is not in range; else the network saved (added, or its password and priority
 * changed), activated, and verified by an address on it within the verify time. A failure after
 * activation brings the hotspot back and forgets a network added for this join (a wrong
 * password is not remembered). Each step is reported as a `wifi.join` attempt.
 */
import type { Clock } from "../../lib/clock.ts";
import type { Logger } from "../../lib/log.ts";
import type { JoinAttempt, WifiStatus } from "../schemas/wifi.ts";
import { activateNetwork } from "./activate.ts";
import { DEFAULT_HOME_PRIORITY, HOTSPOT_ID, wifiAddArgs } from "./hotspot.ts";
import type { NmcliRunner } from "./nmcli.ts";

export interface JoinRequest {
  ssid: string;
  password?: string;
  priority?: number;
}

/** What a join needs of the manager around it. */
export interface JoinContext {
  nm: NmcliRunner;
  clock: Clock;
  log: Logger;
  /** An address on the network within this time, or the join has failed. */
  verifyMs: number;
  signal: AbortSignal;
  inRange(ssid: string): Promise<boolean>;
  savedNetworks(): Promise<{ uuid: string; ssid: string }[]>;
  status(): Promise<WifiStatus>;
  report(attempt: JoinAttempt): void;
}

export async function joinNetwork(
  ctx: JoinContext,
  trigger: JoinAttempt["trigger"],
  request: JoinRequest,
): Promise<void> {
  const { nm, clock, log } = ctx;
  const startedMs = clock.now();
  const report = (outcome: JoinAttempt["outcome"], reason: string | null) =>
    ctx.report({
      ssid: request.ssid,
      trigger,
      outcome,
      reason,
      elapsed_s: Math.round((clock.now() - startedMs) / 100) / 10,
      at_ms: clock.now(),
    });
  report("started", null);
  let created: string | null = null;
  // Until NetworkManager is asked to activate, the radio is where it was (a refusal for range
  // keeps the phone on the hotspot: bringing it "up" again would drop the phone).
  let activating = false;
  try {
    // Refused before the hotspot goes down: a network out of range is not worth the phone.
    if (!(await ctx.inRange(request.ssid))) {
      throw new Error(`"${request.ssid}" is not in range`);
    }
    const saved = await saveNetwork(ctx, request);
    created = saved.created ? saved.uuid : null;
    const waitS = Math.max(5, Math.round(ctx.verifyMs / 1000));
    activating = true;
    await activateNetwork(nm, log, { uuid: saved.uuid, ssid: request.ssid, waitS });
    // Activated is not yet usable: an address on that network is.
    const deadline = startedMs + ctx.verifyMs;
    while (true) {
      const s = await ctx.status();
      if (s.mode === "client" && s.ssid === request.ssid && s.ipv4) break;
      if (clock.now() > deadline) {
        throw new Error(`no address on "${request.ssid}" within ${waitS} s`);
      }
      await clock.sleep(1000, ctx.signal);
    }
    report("joined", null);
    log.info("joined a home network", { ssid: request.ssid, trigger });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    // A network that never worked (a wrong password) is not remembered.
    if (created) await nm.run(["connection", "delete", "uuid", created]).catch(() => {});
    if (activating) {
      await nm.run(["connection", "up", "id", HOTSPOT_ID], 40_000).catch((e) =>
        log.error("the hotspot did not come back after a failed join", { err: String(e) })
      );
    }
    report("failed", reason);
    log.warn(activating ? "join failed, back on the hotspot" : "join refused", {
      ssid: request.ssid,
      reason,
      trigger,
    });
  }
}

/** The network's saved connection: added, or its password and priority changed as asked. */
async function saveNetwork(
  { nm, savedNetworks }: Pick<JoinContext, "nm" | "savedNetworks">,
  request: JoinRequest,
): Promise<{ uuid: string; created: boolean }> {
  const saved = (await savedNetworks()).find((n) => n.ssid === request.ssid);
  if (!saved) {
    const args = wifiAddArgs(request.ssid, request.ssid, [
      "connection.autoconnect-priority",
      String(request.priority ?? DEFAULT_HOME_PRIORITY),
    ]);
    if (request.password !== undefined) {
      args.push("wifi-sec.key-mgmt", "wpa-psk", "wifi-sec.psk", request.password);
    }
    // "Connection 'Observatory' (8c9cd8c9-…) successfully added."
    const out = await nm.run(args);
    const uuid = /\(([0-9a-f-]{36})\)/.exec(out)?.[1];
    if (!uuid) throw new Error(`NetworkManager did not say what it added: ${out.trim()}`);
    return { uuid, created: true };
  }
  const changes: string[] = [];
  if (request.password !== undefined) {
    changes.push("wifi-sec.key-mgmt", "wpa-psk", "wifi-sec.psk", request.password);
  }
  if (request.priority !== undefined) {
    changes.push("connection.autoconnect-priority", String(request.priority));
  }
  if (changes.length > 0) await nm.run(["connection", "modify", "uuid", saved.uuid, ...changes]);
  return { uuid: saved.uuid, created: false };
}
