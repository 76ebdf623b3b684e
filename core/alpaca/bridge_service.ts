/**
 * The ASCOM Alpaca bridge as the API manages it: on or off at run time (the listener started or
 * stopped, no restart), which roles it exposes, whom it serves (alpaca/access_policy.ts) and its
 * optional credentials — all kept in the database, so they survive a restart — and the remote
 * Alpaca devices the rig uses as drivers. The HTTP server itself lives in routes/alpaca/; the
 * composition hands this service a `startListener` that builds it around this service's gate.
 */
import type { RigControl } from "../../devices/rig.ts";
import { conflict } from "../../lib/errors.ts";
import type { Logger } from "../../lib/log.ts";
import type { EventBus } from "../event_bus.ts";
import type { Profile } from "../profiles/schema.ts";
import {
  type AlpacaSettingsInput,
  type AlpacaStatusDto,
  BRIDGE_ROLES,
} from "../schemas/alpaca_bridge.ts";
import type { KvRepository } from "../store/kv.ts";
import { type AccessDecision, AlpacaAccessPolicy } from "./access_policy.ts";
import {
  hashCredentials,
  loadSettings,
  saveSettings,
  type StoredSettings,
} from "./bridge_settings.ts";

/** What the Alpaca server asks of the bridge on every request and discovery probe. */
export interface AlpacaGate {
  decide(address: string, authorization: string | null): Promise<AccessDecision>;
  mayAnswerDiscovery(address: string): boolean;
  /** Whether a role's device is shown to Alpaca clients. */
  exposes(role: string): boolean;
  /** Tells the bridge a client was turned away (shown in the status, logged once a minute). */
  refused(address: string, status: 401 | 403, reason: string): void;
}

export interface AlpacaListener {
  port: number;
  discoveryPort: number | null;
  close(): Promise<void>;
}

export interface AlpacaBridgeOptions {
  kv: KvRepository | null;
  bus: EventBus;
  log: Logger;
  hub: Pick<RigControl, "roles">;
  /** The active profile (for the remote Alpaca devices' addresses). */
  profile: () => Profile | null;
  trustedNetworks: readonly string[];
  startListener: (gate: AlpacaGate) => Promise<AlpacaListener>;
  now?: () => number;
}

const REFUSAL_LOG_EVERY_MS = 60_000;

export class AlpacaBridgeService {
  readonly #o: AlpacaBridgeOptions;
  readonly #policy: AlpacaAccessPolicy;
  readonly #gate: AlpacaGate;
  #settings: StoredSettings | null = null;
  #listener: AlpacaListener | null = null;
  #error: string | null = null;
  #lastRefused: AlpacaStatusDto["last_refused"] = null;
  #loggedRefusals = new Map<string, number>();
  #changing: Promise<unknown> = Promise.resolve();

  constructor(options: AlpacaBridgeOptions) {
    this.#o = options;
    this.#policy = new AlpacaAccessPolicy({
      trustedNetworks: options.trustedNetworks,
      settings: () => this.#current,
      now: options.now,
    });
    this.#gate = {
      decide: (address, authorization) => this.#policy.decide(address, authorization),
      mayAnswerDiscovery: (address) => this.#policy.mayAnswerDiscovery(address),
      exposes: (role) => (this.#current.roles as string[]).includes(role),
      refused: (address, status, reason) => this.#refused(address, status, reason),
    };
  }

  /** The Alpaca server's port while it listens, else null. */
  get port(): number | null {
    return this.#listener?.port ?? null;
  }

  get #current(): StoredSettings {
    if (this.#settings === null) throw new Error("AlpacaBridgeService used before start()");
    return this.#settings;
  }

  /** Loads the settings and starts the server if they say so. A busy port is reported, not fatal. */
  async start(): Promise<void> {
    this.#settings = await loadSettings(
      this.#o.kv,
      (why) =>
        this.#o.log.warn("the stored Alpaca settings are unreadable; defaults used", { why }),
    );
    if (this.#settings.enabled) {
      await this.#listen().catch(() => {});
    }
  }

  async stop(): Promise<void> {
    await this.#changing.catch(() => {});
    const listener = this.#listener;
    this.#listener = null;
    await listener?.close();
  }

  status(): AlpacaStatusDto {
    const s = this.#current;
    const roles = this.#o.hub.roles();
    return {
      enabled: s.enabled,
      listening: this.#listener !== null,
      port: this.#listener?.port ?? null,
      discovery_port: this.#listener?.discoveryPort ?? null,
      access: s.access,
      trusted_networks: [...this.#o.trustedNetworks],
      credentials: s.credentials && { username: s.credentials.username },
      roles: BRIDGE_ROLES.map((role) => {
        const r = roles.find((x) => x.role === role);
        return {
          role,
          exposed: s.roles.includes(role),
          assigned: (r?.driver ?? null) !== null,
          name: r?.name ?? null,
        };
      }),
      last_refused: this.#lastRefused,
      error: this.#error,
      remote_devices: this.#remoteDevices(),
    };
  }

  /**
   * Applies a change: saved, then the server started or stopped to match. All or nothing: if
   * the server cannot start (its port taken), nothing is saved and the call fails with 409.
   */
  update(input: AlpacaSettingsInput): Promise<AlpacaStatusDto> {
    const next = this.#changing.catch(() => {}).then(() => this.#update(input));
    this.#changing = next;
    return next;
  }

  async #update(input: AlpacaSettingsInput): Promise<AlpacaStatusDto> {
    const before = this.#current;
    const next: StoredSettings = {
      enabled: input.enabled ?? before.enabled,
      access: input.access ?? before.access,
      roles: input.roles ? BRIDGE_ROLES.filter((r) => input.roles!.includes(r)) : before.roles,
      credentials: input.credentials === undefined
        ? before.credentials
        : input.credentials === null
        ? null
        : await hashCredentials(input.credentials.username, input.credentials.password),
    };
    this.#settings = next;
    try {
      if (next.enabled && !this.#listener) await this.#listen();
    } catch (err) {
      this.#settings = before;
      this.#publish();
      throw conflict(
        `The Alpaca server could not start, so nothing was changed: ${errorText(err)}`,
        { error: errorText(err) },
      );
    }
    if (!next.enabled && this.#listener) {
      const listener = this.#listener;
      this.#listener = null;
      this.#error = null;
      await listener.close();
    }
    await saveSettings(this.#o.kv, next);
    this.#o.log.info("Alpaca bridge settings changed", {
      enabled: next.enabled,
      access: next.access,
      roles: next.roles,
      credentials: next.credentials !== null,
    });
    this.#publish();
    return this.status();
  }

  async #listen(): Promise<void> {
    try {
      this.#listener = await this.#o.startListener(this.#gate);
      this.#error = null;
    } catch (err) {
      this.#error = errorText(err);
      this.#o.log.error("the Alpaca server could not start", { err: this.#error });
      throw err;
    } finally {
      this.#publish();
    }
  }

  #refused(address: string, status: 401 | 403, reason: string): void {
    const nowMs = (this.#o.now ?? Date.now)();
    this.#lastRefused = { address, at: new Date(nowMs).toISOString(), status, reason };
    const last = this.#loggedRefusals.get(address);
    if (last === undefined || nowMs - last > REFUSAL_LOG_EVERY_MS) {
      if (this.#loggedRefusals.size > 256) this.#loggedRefusals.clear();
      this.#loggedRefusals.set(address, nowMs);
      this.#o.log.info("an Alpaca client was refused", { address, status, reason });
    }
  }

  #publish(): void {
    if (this.#settings !== null) this.#o.bus.publish("alpaca.changed", this.status());
  }

  #remoteDevices(): AlpacaStatusDto["remote_devices"] {
    const devices = this.#o.profile()?.devices ?? {};
    return this.#o.hub.roles().flatMap((r) => {
      const assignment =
        (devices as Record<string, { driver: string; options: Record<string, unknown> } | null>)[
          r.role
        ];
      if (r.driver !== "alpaca" || !assignment) return [];
      const o = assignment.options;
      return [{
        role: r.role,
        host: typeof o.host === "string" ? o.host : "localhost",
        port: typeof o.port === "number" ? o.port : 11111,
        device_number: typeof o.deviceNumber === "number" ? o.deviceNumber : 0,
        state: r.state,
        name: r.name,
        last_error: r.last_error,
      }];
    });
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
