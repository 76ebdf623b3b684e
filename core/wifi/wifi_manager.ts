/**
 * The Wi-Fi manager: the box's one radio, through NetworkManager (nmcli). It keeps the hotspot
 * defined, the captive-DNS phase written, answers status/scan/saved networks, joins a home
 * network with a bounded verification (join.ts: falling back to the hotspot with nmcli's reason),
 * forgets networks, changes the hotspot, and runs the return-home watchdog: NetworkManager falls
 * back to the hotspot by itself when home disappears (~20 s) but never leaves the hotspot when
 * home returns, and never scans while the hotspot runs: so the box scans then itself
 * (radio_scans.ts) and activates the best known network in range.
 * Changes are published as `wifi.status`, joins as `wifi.join`. Without NetworkManager (a dev
 * machine, CI host) every call throws a 503 with the reason: nothing is pretended.
 */
import { join } from "node:path";
import type { Clock } from "../../lib/clock.ts";
import { AppError } from "../../lib/errors.ts";
import type { Logger } from "../../lib/log.ts";
import type { EventBus } from "../event_bus.ts";
import {
  type ConnectRequest,
  HOTSPOT_IPV4,
  type HotspotRequest,
  type JoinAttempt,
  type WifiStatus,
} from "../schemas/wifi.ts";
import type { ApScanner } from "./ap_scan.ts";
import { RadioScans } from "./radio_scans.ts";
import { joinNetwork, type JoinRequest } from "./join.ts";
import { writeCaptiveSnippet } from "./captive_dns.ts";
import { DEFAULT_HOTSPOT_PASSWORD, HOTSPOT_ID, hotspotAddArgs, hotspotSsid } from "./hotspot.ts";
import { networkManagerUnavailable, type NmcliRunner } from "./nmcli.ts";
import {
  CONNECTION_FIELDS,
  DEVICE_FIELDS,
  parseConnections,
  parseDevices,
  parseValues,
  type VisibleNetwork,
} from "./terse.ts";

export interface WifiManagerOptions {
  /** null: this machine's Wi-Fi is not the app's to manage (not a box); the reason says so. */
  nm: NmcliRunner | null;
  /**
   * Scans while the hotspot runs (NetworkManager does not); null: NetworkManager's list is used
   * as it is, and a network coming back in range is not seen until the hotspot stops.
   */
  apScanner: ApScanner | null;
  bus: EventBus;
  log: Logger;
  clock: Clock;
  dataDir: string;
  serial: () => Promise<string>;
  /** How often the watchdog looks for a known network while on the hotspot. */
  watchdogEveryMs?: number;
  /**
   * The radio neither home nor on the hotspot this long (NetworkManager still retrying a network
   * that has gone) → the hotspot, so the phone can always find the box.
   */
  adriftMs?: number;
  /** How often the radio's state is read for `wifi.status`. */
  pollEveryMs?: number;
  /**
   * Whether the kernel has the device's link up (its carrier), null when it cannot say; by
   * default /sys/class/net/<device>/carrier.
   */
  carrier?: (device: string) => Promise<boolean | null>;
  /** A join waits this long before it starts, so the phone receives the answer first. */
  joinStartDelayMs?: number;
  /** A join is verified (connected, with an address) or given up within this time. */
  joinVerifyMs?: number;
}

export interface SavedNetwork {
  uuid: string;
  ssid: string;
  priority: number;
  active: boolean;
}

interface Persisted {
  setup_complete: boolean;
}

export class WifiManager {
  readonly #o: Required<WifiManagerOptions> & { nm: NmcliRunner };
  readonly #notABox: boolean;
  #unavailable: string | null = "the Wi-Fi manager has not started";
  #stop = new AbortController();
  #joining: Promise<void> | null = null;
  #lastJoin: JoinAttempt | null = null;
  #lastStatus = "";
  #state: Persisted = { setup_complete: false };
  #hotspotSsid = "";
  /** Read at start and after a change (each nmcli call is one more process on a small box). */
  #defaultPassword = false;
  #loops: Promise<void>[] = [];
  readonly #scans: RadioScans;
  /** Since when the radio has been neither home nor on the hotspot, or null. */
  #adriftSinceMs: number | null = null;

  constructor(o: WifiManagerOptions) {
    this.#o = {
      watchdogEveryMs: 30_000,
      adriftMs: 30_000,
      pollEveryMs: 5_000,
      joinStartDelayMs: 2_000,
      joinVerifyMs: 45_000,
      carrier: kernelCarrier,
      ...o,
      // Never called when null: start() stops at the reason first.
      nm: o.nm ?? { run: () => Promise.reject(new Error("not a box")) },
    };
    this.#notABox = o.nm === null;
    this.#scans = new RadioScans({
      nm: this.#o.nm,
      apScanner: o.apScanner,
      clock: this.#o.clock,
      device: () => this.#wifiDevice(),
    });
  }

  get #statePath() {
    return join(this.#o.dataDir, "wifi.json");
  }

  /** Why there is no Wi-Fi manager on this machine, or null. */
  get unavailableReason(): string | null {
    return this.#unavailable;
  }

  /** False while the hotspot is a captive portal (setup), true once setup ended. */
  get setupComplete(): boolean {
    return this.#state.setup_complete;
  }

  /** Finds NetworkManager, makes sure the hotspot exists, writes the DNS phase, starts watching. */
  async start(): Promise<void> {
    if (this.#notABox) {
      this.#unavailable =
        "Wi-Fi is managed only on the box itself ([system] os_control = true in its config)";
      this.#o.log.info("Wi-Fi is not managed here", { reason: this.#unavailable });
      return;
    }
    // At boot NetworkManager may still be starting, or slow to answer on a loaded box: the
    // manager asks again until it answers (measured: >10 s in the VM under a load of 10), and
    // the API says why meanwhile.
    for (let asked = 0;; asked++) {
      const missing = await networkManagerUnavailable(this.#o.nm);
      this.#unavailable = missing?.reason ?? null;
      if (!missing) break;
      if (asked === 0) this.#o.log.info("Wi-Fi is not managed yet", { reason: missing.reason });
      if (missing.lasting) return;
      await this.#o.clock.sleep(this.#o.pollEveryMs, this.#stop.signal).catch(() => {});
      if (this.#stop.signal.aborted) return;
    }
    try {
      this.#state = JSON.parse(await Deno.readTextFile(this.#statePath)) as Persisted;
    } catch { /* first start: in setup */ }
    // Defined just now, it has the default password; defined before (the first boot's preset, a
    // change in setup), NetworkManager says which.
    this.#defaultPassword = await this.#ensureHotspot() === "defined" ||
      await this.#isDefaultPassword();
    if (await writeCaptiveSnippet(this.#o.dataDir, this.#state.setup_complete)) {
      await this.#restartHotspotIfActive("the captive-DNS phase changed");
    }
    this.#loops.push(
      this.#every(
        this.#o.pollEveryMs,
        async () => this.#hotspotIfAdrift(await this.#publishStatus()),
      ),
    );
    this.#loops.push(this.#every(this.#o.watchdogEveryMs, () => this.#watchdog()));
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await Promise.allSettled([...this.#loops, this.#joining]);
  }

  #available(): void {
    if (this.#unavailable) throw new AppError(503, "unavailable", this.#unavailable);
  }

  async status(): Promise<WifiStatus> {
    this.#available();
    const nm = this.#o.nm;
    const device = await this.#wifiDevice();
    let mode: WifiStatus["mode"] = "disconnected";
    let ipv4: string | null = null;
    let ssid: string | null = null;
    if (device) {
      if (device.state.startsWith("connecting")) mode = "connecting";
      else if (device.state === "connected") {
        mode = device.connection === HOTSPOT_ID ? "hotspot" : "client";
      }
      if (device.state === "connected") {
        const shown = await nm.run(["-g", "IP4.ADDRESS", "device", "show", device.device]);
        ipv4 = shown.split(/[\n|]/)[0]?.trim().replace(/\/\d+$/, "") || null;
        ssid = mode === "hotspot" ? this.#hotspotSsid : await this.#ssidOf(device.connection);
      }
    }
    return {
      mode,
      device: device?.device ?? null,
      ssid,
      ipv4,
      hotspot: {
        ssid: this.#hotspotSsid,
        ipv4: HOTSPOT_IPV4,
        active: mode === "hotspot",
        default_password: this.#defaultPassword,
      },
      setup_complete: this.#state.setup_complete,
      last_join: this.#lastJoin,
    };
  }

  /** Networks in range, after a scan that waits for its results (~8 s). */
  async scan(): Promise<
    { networks: (VisibleNetwork & { known: boolean })[] }
  > {
    this.#available();
    const [visible, saved] = await Promise.all([this.#scans.list(), this.savedNetworks()]);
    const known = new Set(saved.map((n) => n.ssid));
    return {
      networks: visible.filter((n) => n.ssid !== this.#hotspotSsid).map((n) => ({
        ...n,
        known: known.has(n.ssid),
      })),
    };
  }

  /** Saved home networks (every Wi-Fi client connection), the highest priority first. */
  async savedNetworks(): Promise<SavedNetwork[]> {
    this.#available();
    const rows = parseConnections(
      await this.#o.nm.run(["-f", CONNECTION_FIELDS.join(","), "connection", "show"]),
    ).filter((r) => r.type === "802-11-wireless" && r.name !== HOTSPOT_ID);
    const saved: SavedNetwork[] = [];
    for (const row of rows) {
      const v = parseValues(
        await this.#o.nm.run([
          "-g",
          "802-11-wireless.ssid,802-11-wireless.mode",
          "connection",
          "show",
          "uuid",
          row.uuid,
        ]),
        ["ssid", "mode"] as const,
      );
      if (v.mode === "ap") continue;
      saved.push({ uuid: row.uuid, ssid: v.ssid, priority: row.priority, active: row.active });
    }
    return saved.sort((a, b) => b.priority - a.priority);
  }

  /**
   * Accepts a join and says what it will do to the phone's connection; the join itself starts
   * after a short delay (so this answer arrives) and ends in a `wifi.join` event.
   */
  async connect(request: ConnectRequest) {
    this.#available();
    if (this.#joining) {
      throw new AppError(409, "conflict", "A join is already under way", {
        ssid: this.#lastJoin?.ssid,
      });
    }
    const saved = (await this.savedNetworks()).find((n) => n.ssid === request.ssid);
    // The last scan's results: the answer must not wait for a new scan (~8 s).
    const security = (await this.#scans.list("no")).find((n) => n.ssid === request.ssid)?.security;
    if (!saved && request.password === undefined && security) {
      throw new AppError(400, "validation_failed", `password: "${request.ssid}" needs one`, {
        field: "password",
        reason: `the network uses ${security}`,
      });
    }
    const onHotspot = (await this.#wifiDevice())?.connection === HOTSPOT_ID;
    const verifyS = this.#o.joinVerifyMs / 1000;
    const startsS = this.#o.joinStartDelayMs / 1000;
    this.#joining = (async () => {
      await this.#o.clock.sleep(this.#o.joinStartDelayMs, this.#stop.signal).catch(() => {});
      await this.#join("user", request);
    })().finally(() => this.#joining = null);
    return {
      accepted: true as const,
      ssid: request.ssid,
      drops_your_connection: onHotspot,
      starts_in_s: startsS,
      verify_within_s: verifyS,
      message: onHotspot
        ? `In ${startsS} s the box leaves its hotspot "${this.#hotspotSsid}" to join ` +
          `"${request.ssid}" (one radio cannot do both): your phone loses this connection. ` +
          `Join "${request.ssid}" yourself and open http://openskylab.local/. If the box cannot ` +
          `join within ${verifyS} s, its hotspot comes back with the reason.`
        : `In ${startsS} s the box switches to "${request.ssid}"; within ${verifyS} s it is ` +
          `there (http://openskylab.local/) or back on its hotspot "${this.#hotspotSsid}".`,
    };
  }

  /** Forgets a saved network; when it is the one in use, the box goes back to its hotspot. */
  async forget(ssid: string): Promise<{ ssid: string; was_active: boolean }> {
    this.#available();
    const matches = (await this.savedNetworks()).filter((n) => n.ssid === ssid);
    if (matches.length === 0) {
      throw new AppError(404, "not_found", `No saved network "${ssid}"`, { field: "ssid" });
    }
    for (const n of matches) await this.#o.nm.run(["connection", "delete", "uuid", n.uuid]);
    const wasActive = matches.some((n) => n.active);
    if (wasActive) await this.#o.nm.run(["connection", "up", "id", HOTSPOT_ID], 40_000);
    void this.#publishStatus();
    return { ssid, was_active: wasActive };
  }

  /** Renames the hotspot, changes its password or ends setup; the hotspot restarts if up. */
  async setHotspot(request: HotspotRequest): Promise<WifiStatus> {
    this.#available();
    const changes: string[] = [];
    if (request.ssid !== undefined) changes.push("802-11-wireless.ssid", request.ssid);
    if (request.password !== undefined) changes.push("wifi-sec.psk", request.password);
    if (changes.length > 0) {
      await this.#o.nm.run(["connection", "modify", "id", HOTSPOT_ID, ...changes]);
      if (request.ssid !== undefined) this.#hotspotSsid = request.ssid;
      if (request.password !== undefined) {
        this.#defaultPassword = request.password === DEFAULT_HOTSPOT_PASSWORD;
      }
    }
    let dnsChanged = false;
    if (request.setup_complete !== undefined) {
      this.#state = { ...this.#state, setup_complete: request.setup_complete };
      await Deno.writeTextFile(this.#statePath, JSON.stringify(this.#state));
      dnsChanged = await writeCaptiveSnippet(this.#o.dataDir, this.#state.setup_complete);
    }
    if (changes.length > 0 || dnsChanged) {
      // After the answer: the phone on the hotspot loses it for a few seconds.
      setTimeout(() => void this.#restartHotspotIfActive("the hotspot's settings changed"), 1000);
    }
    return await this.status();
  }

  // ---- internals ----

  async #wifiDevice() {
    const rows = parseDevices(
      await this.#o.nm.run(["-f", DEVICE_FIELDS.join(","), "device", "status"]),
    );
    return rows.find((r) => r.type === "wifi" && r.state !== "unmanaged") ?? null;
  }

  async #ssidOf(connection: string): Promise<string | null> {
    if (!connection) return null;
    const out = await this.#o.nm.run([
      "-g",
      "802-11-wireless.ssid",
      "connection",
      "show",
      "id",
      connection,
    ])
      .catch(() => "");
    return out.trim() || null;
  }

  /**
   * Whether the hotspot still has the documented default password. A password NetworkManager
   * does not give (seen once in the VM: an empty answer while it activated the hotspot, on a busy
   * host) counts as the default, so setup asks for a new one rather than trusting a guess.
   */
  async #isDefaultPassword(): Promise<boolean> {
    const args = [
      "-s",
      "-g",
      "802-11-wireless-security.psk",
      "connection",
      "show",
      "id",
      HOTSPOT_ID,
    ];
    for (let asked = 0; asked < 2; asked++) {
      const psk = (await this.#o.nm.run(args).catch(() => "")).trim();
      if (psk) return psk === DEFAULT_HOTSPOT_PASSWORD;
      if (asked === 0) await this.#o.clock.sleep(1000, this.#stop.signal).catch(() => {});
    }
    this.#o.log.warn("NetworkManager did not give the hotspot's password: taken as the default");
    return true;
  }

  async #ensureHotspot(): Promise<"existed" | "defined"> {
    const existing = (await this.#o.nm.run(["-g", "NAME", "connection", "show"])).split("\n");
    if (existing.includes(HOTSPOT_ID)) {
      this.#hotspotSsid = (await this.#ssidOf(HOTSPOT_ID)) ?? "";
      return "existed";
    }
    this.#hotspotSsid = hotspotSsid(await this.#o.serial());
    await this.#o.nm.run(hotspotAddArgs(this.#hotspotSsid, DEFAULT_HOTSPOT_PASSWORD));
    this.#o.log.info("hotspot defined", { ssid: this.#hotspotSsid });
    return "defined";
  }

  async #restartHotspotIfActive(why: string): Promise<void> {
    const device = await this.#wifiDevice().catch(() => null);
    if (device?.connection !== HOTSPOT_ID) return;
    this.#o.log.info("restarting the hotspot", { why });
    await this.#o.nm.run(["connection", "up", "id", HOTSPOT_ID], 40_000).catch((err) =>
      this.#o.log.warn("the hotspot did not come back up", { err: String(err) })
    );
  }

  async #join(
    trigger: JoinAttempt["trigger"],
    request: JoinRequest,
    /** The caller has just seen it in a scan (the watchdog): no second scan. */
    inRange = false,
  ): Promise<void> {
    await joinNetwork(
      {
        nm: this.#o.nm,
        clock: this.#o.clock,
        log: this.#o.log,
        verifyMs: this.#o.joinVerifyMs,
        signal: this.#stop.signal,
        inRange: (ssid) => inRange ? Promise.resolve(true) : this.#scans.inRange(ssid),
        savedNetworks: () => this.savedNetworks(),
        status: () => this.status(),
        report: (attempt) => {
          this.#lastJoin = attempt;
          this.#o.bus.publish("wifi.join", attempt);
        },
      },
      trigger,
      request,
    );
    await this.#publishStatus();
  }

  /** While on the hotspot: a known network in range → go home. */
  async #watchdog(): Promise<void> {
    if (this.#joining) return;
    const device = await this.#wifiDevice();
    if (!device) return;
    if (device.connection !== HOTSPOT_ID) return;
    const saved = await this.savedNetworks();
    if (saved.length === 0) return;
    const visible = new Set((await this.#scans.list()).map((n) => n.ssid));
    const home = saved.find((n) => visible.has(n.ssid));
    if (!home || this.#joining) return;
    this.#o.log.info("a known network is back in range: going home", { ssid: home.ssid });
    this.#joining = this.#join("watchdog", { ssid: home.ssid }, true).finally(() =>
      this.#joining = null
    );
    await this.#joining;
  }

  async #publishStatus(): Promise<WifiStatus> {
    const status = await this.status();
    const key = JSON.stringify({ ...status, last_join: null });
    if (key === this.#lastStatus) return status;
    this.#lastStatus = key;
    this.#o.bus.publish("wifi.status", status);
    return status;
  }

  /**
   * An idle radio → the hotspot; neither home nor the hotspot for `adriftMs` → the hotspot too.
   * NetworkManager falls back by itself (~20 s) when the home network goes, but on a loaded box
   * it was not back 180 s after the home network went (VM test at a load of 12), and a box
   * the phone cannot find is the one failure that cannot be fixed from the phone.
   */
  async #hotspotIfAdrift(status: WifiStatus): Promise<void> {
    // Home as NetworkManager says, with the kernel's link down: NetworkManager has missed the
    // loss (seen in the VM: wpa_supplicant stuck "scanning" while the kernel had dropped the
    // access point, and the box stayed "connected" for minutes, out of everyone's reach).
    const deadHome = status.mode === "client" && status.device !== null &&
      await this.#o.carrier(status.device) === false;
    if (
      this.#joining || status.device === null || status.mode === "hotspot" ||
      (status.mode === "client" && !deadHome)
    ) {
      this.#adriftSinceMs = null;
      return;
    }
    const now = this.#o.clock.now();
    this.#adriftSinceMs ??= now;
    const adriftS = Math.round((now - this.#adriftSinceMs) / 1000);
    // Idle, or home without a link, at two reads in a row (not the blink of a hotspot restarting
    // or of a roam); anything else for long.
    const boundMs = status.mode === "disconnected" || deadHome
      ? this.#o.pollEveryMs
      : this.#o.adriftMs;
    if (now - this.#adriftSinceMs < boundMs) return;
    this.#o.log.info(
      deadHome
        ? "home has no link though NetworkManager says connected: raising the hotspot"
        : "neither home nor the hotspot: raising the hotspot",
      { mode: status.mode, adrift_s: adriftS },
    );
    this.#adriftSinceMs = null;
    await this.#o.nm.run(["connection", "up", "id", HOTSPOT_ID], 40_000);
  }

  async #every(ms: number, tick: () => Promise<void>): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      try {
        await tick();
      } catch (err) {
        if (!signal.aborted) this.#o.log.warn("Wi-Fi check failed", { err: String(err) });
      }
      await this.#o.clock.sleep(ms, signal).catch(() => {});
    }
  }
}

/** The kernel's carrier of a network device: up, down, or null when it cannot say. */
async function kernelCarrier(device: string): Promise<boolean | null> {
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(device)) return null;
  // Reading `carrier` of a device that is down is an error (EINVAL): that is no link either.
  try {
    return (await Deno.readTextFile(`/sys/class/net/${device}/carrier`)).trim() === "1";
  } catch (err) {
    if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.PermissionDenied) {
      return null;
    }
    return false;
  }
}
