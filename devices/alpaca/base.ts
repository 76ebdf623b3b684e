/**
 * What every Alpaca client driver shares: connecting (PUT Connected, then the static facts and
 * capabilities), a poll loop that reads the Platform 7 DeviceState in one request (or the members
 * one by one from an older server) into a cached snapshot, onStatus on every change, onLost after
 * three failed polls in a row, and commands that refresh the snapshot before they resolve, so
 * `status()` already shows what the command started.
 */
import { DeviceNotConnectedError } from "../../lib/errors.ts";
import type { BaseStatus, DeviceInfo, DeviceKind, DriverContext } from "../device.ts";
import { Emitter } from "../emitter.ts";
import { AlpacaHttp } from "./http.ts";
import type { AlpacaOptions } from "./options.ts";

const LOST_AFTER_FAILED_POLLS = 3;

export abstract class AlpacaDriver<S extends BaseStatus, O extends AlpacaOptions = AlpacaOptions> {
  abstract readonly kind: DeviceKind;
  readonly info: DeviceInfo;
  protected readonly options: O;
  protected readonly http: AlpacaHttp;
  protected readonly ctx: DriverContext<O>;
  protected connected = false;
  readonly #statusEmitter = new Emitter<S>();
  readonly #lost = new Emitter<string>();
  #pollTimer: ReturnType<typeof setTimeout> | undefined;
  #polling: Promise<void> | null = null;
  #failedPolls = 0;
  #useDeviceState = true;
  #lastEmitted = "";

  constructor(ctx: DriverContext<O>, type: string, deviceNumber?: (o: O) => number) {
    this.ctx = ctx;
    this.options = ctx.options;
    this.http = new AlpacaHttp({
      host: this.options.host,
      port: this.options.port,
      type,
      deviceNumber: deviceNumber?.(this.options) ?? this.options.deviceNumber,
      timeoutMs: this.options.timeoutMs,
    });
    this.info = {
      name:
        `Alpaca ${type} ${this.options.deviceNumber} at ${this.options.host}:${this.options.port}`,
      driver: "alpaca",
      description: "",
      driverVersion: "unknown",
    };
  }

  /** DeviceState name → member to GET when the server has no DeviceState. */
  protected abstract readonly stateMembers: Record<string, string>;
  /** Reads capabilities and whatever else is fixed while connected. */
  protected abstract load(): Promise<void>;
  /** Folds one DeviceState reading into the snapshot. */
  protected abstract apply(state: Record<string, unknown>): void;
  protected abstract snapshot(): S;

  status(): S {
    return { ...this.snapshot(), connected: this.connected };
  }

  onStatus(listener: (status: S) => void): () => void {
    return this.#statusEmitter.on(listener);
  }

  onLost(listener: (reason: string) => void): () => void {
    return this.#lost.on(listener);
  }

  async connect(signal?: AbortSignal): Promise<void> {
    if (this.connected) return;
    await this.http.put("connected", { Connected: true });
    signal?.throwIfAborted();
    const [name, description, driverVersion] = await Promise.all([
      this.http.get<string>("name"),
      this.http.get<string>("description").catch(() => ""),
      this.http.get<string>("driverversion").catch(() => "unknown"),
    ]);
    Object.assign(this.info, {
      name: name || this.info.name,
      description,
      driverVersion: driverVersion || "unknown",
    });
    await this.load();
    await this.#readState();
    signal?.throwIfAborted();
    this.connected = true;
    this.#failedPolls = 0;
    this.emit(true);
    this.#schedule();
  }

  async disconnect(): Promise<void> {
    const was = this.connected;
    this.connected = false;
    clearTimeout(this.#pollTimer);
    this.#pollTimer = undefined;
    await this.#polling;
    if (was) {
      await this.http.put("connected", { Connected: false }).catch(() => {});
      this.emit(true);
    }
  }

  protected requireConnected(): void {
    if (!this.connected) throw new DeviceNotConnectedError(this.kind);
  }

  /** A PUT that must find the device connected; the snapshot is refreshed before it resolves. */
  protected async command(member: string, form: Record<string, string | number | boolean> = {}) {
    this.requireConnected();
    await this.http.put(member, form);
    await this.reload();
  }

  /** Reads the state now (outside the poll rhythm) and emits when it changed. */
  protected async reload(): Promise<void> {
    await this.#readState();
    this.emit();
  }

  protected emit(force = false): void {
    const status = this.status();
    const key = JSON.stringify(status);
    if (!force && key === this.#lastEmitted) return;
    this.#lastEmitted = key;
    this.#statusEmitter.emit(status);
  }

  async #readState(): Promise<void> {
    if (this.#useDeviceState) {
      try {
        const entries = await this.http.get<{ Name: string; Value: unknown }[]>("devicestate");
        this.apply(Object.fromEntries(entries.map((e) => [e.Name, e.Value])));
        return;
      } catch (err) {
        // A Platform 6 server answers 400 (unknown member) or 0x400: read member by member.
        if (!(err instanceof Error) || !/HTTP 400|not implemented/i.test(err.message)) throw err;
        this.#useDeviceState = false;
      }
    }
    const state: Record<string, unknown> = {};
    for (const [name, member] of Object.entries(this.stateMembers)) {
      state[name] = await this.http.get(member).catch(() => undefined);
    }
    this.apply(state);
  }

  #schedule(): void {
    this.#pollTimer = setTimeout(() => {
      this.#polling = this.#poll().finally(() => this.#polling = null);
    }, this.options.pollMs);
  }

  async #poll(): Promise<void> {
    if (!this.connected) return;
    try {
      await this.#readState();
      this.#failedPolls = 0;
      if (this.connected) this.emit();
    } catch (err) {
      if (++this.#failedPolls >= LOST_AFTER_FAILED_POLLS && this.connected) {
        this.connected = false;
        this.emit(true);
        this.#lost.emit(err instanceof Error ? err.message : String(err));
        return;
      }
    }
    if (this.connected) this.#schedule();
  }
}

export function num(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}

export function bool(value: unknown, fallback: boolean): boolean {
  return typeof value === "boolean" ? value : fallback;
}
