/**
 * What every INDI driver shares: opening a session with the indiserver named in the options,
 * finding the device, switching its CONNECTION on, waiting for the properties the driver needs,
 * forwarding every change of the device's properties as a status event, turning an unexpected
 * end of the session into `onLost`, and running commands one at a time. Subclasses read their
 * status from the property cache (no I/O in `status()`), so it keeps the last known values after
 * the session ends.
 */
import { DeviceNotConnectedError } from "../../lib/errors.ts";
import type { BaseStatus, DeviceInfo, DeviceKind, DriverContext } from "../device.ts";
import { Emitter } from "../emitter.ts";
import { IndiAlertError, IndiClient } from "./client.ts";
import { indiEndpoint, type IndiOptions } from "./options.ts";
import { type IndiVector, PropertyCache, switchOn } from "./properties.ts";

/** Finding the device and its CONNECTION property after the handshake. */
const DEVICE_APPEAR_MS = 5_000;
/** The driver's own connect (it may open a serial port). */
const DEVICE_CONNECT_MS = 15_000;
/** Properties a driver defines after connecting arrive in a burst. */
const PROPERTIES_APPEAR_MS = 5_000;
/** A driver answers a command at once (the motion it starts may take longer). */
const ANSWER_MS = 5_000;

export abstract class IndiDevice<S extends BaseStatus> {
  abstract readonly kind: DeviceKind;
  readonly info: DeviceInfo;
  protected readonly ctx: DriverContext<IndiOptions>;
  protected readonly options: IndiOptions & { port: number };
  #client: IndiClient | null = null;
  #cache = new PropertyCache();
  #connected = false;
  #statusEmitter = new Emitter<S>();
  #lostEmitter = new Emitter<string>();
  #queue: Promise<unknown> = Promise.resolve();

  constructor(ctx: DriverContext<IndiOptions>, description: string) {
    this.ctx = ctx;
    this.options = indiEndpoint(ctx.options);
    this.info = {
      name: this.options.device,
      driver: "indi",
      description: `${description} over INDI (${this.options.host}:${this.options.port})`,
      driverVersion: "1.0.0",
    };
  }

  /** Properties the driver cannot work without; connect fails naming the missing ones. */
  protected abstract readonly requiredProperties: readonly string[];

  /** A snapshot built from the cache; `connected` comes from the session. */
  protected abstract snapshot(connected: boolean): S;

  /** After the device is connected and its properties are in: driver-specific setup. */
  protected onSessionReady(_client: IndiClient, _signal?: AbortSignal): Promise<void> {
    return Promise.resolve();
  }

  /** Every change of one of this device's vectors, before listeners hear of it. */
  protected onVector(_vector: IndiVector): void {}

  /** The session ended (on purpose or not): fail whatever the driver has pending. */
  protected onSessionEnd(_reason: string): void {}

  status(): S {
    return this.snapshot(this.#connected);
  }

  onStatus(listener: (status: S) => void): () => void {
    return this.#statusEmitter.on(listener);
  }

  onLost(listener: (reason: string) => void): () => void {
    return this.#lostEmitter.on(listener);
  }

  async connect(signal?: AbortSignal): Promise<void> {
    if (this.#connected) return;
    const { host, port, device } = this.options;
    const client = await IndiClient.open(host, port, signal);
    try {
      this.#cache = client.cache;
      client.onChange((change) => {
        if (this.#client !== client) return;
        if (change.kind === "message") {
          if (change.device === device) {
            this.ctx.log.info("INDI message", { message: change.message });
          }
          return;
        }
        const changedDevice = change.kind === "del" ? change.device : change.vector.device;
        if (changedDevice !== device) return;
        if (change.kind !== "del") this.onVector(change.vector);
        this.emitStatus();
      });
      client.onClosed((reason) => {
        if (this.#client !== client) return;
        this.#client = null;
        const wasConnected = this.#connected;
        this.#connected = false;
        this.onSessionEnd(reason);
        this.emitStatus();
        if (wasConnected) this.#lostEmitter.emit(reason);
      });
      this.#client = client;
      await client.getProperties(device);
      await client.waitFor(
        device,
        "CONNECTION",
        () => true,
        DEVICE_APPEAR_MS,
        `INDI device "${device}" on ${client.where}`,
        signal,
      ).catch((err) => {
        if (signal?.aborted) throw err;
        throw new Error(`indiserver at ${client.where} has no device "${device}"`);
      });
      if (!switchOn(client.cache.get(device, "CONNECTION"), "CONNECT")) {
        await client.sendSwitches(device, "CONNECTION", { CONNECT: true });
        const v = await client.waitFor(
          device,
          "CONNECTION",
          (v) => v.state === "Alert" || (v.state !== "Busy" && switchOn(v, "CONNECT")),
          DEVICE_CONNECT_MS,
          `${device} to connect`,
          signal,
        );
        if (v.state === "Alert") {
          throw new Error(
            `INDI device "${device}" failed to connect${v.message ? `: ${v.message}` : ""}`,
          );
        }
      }
      await this.#barrier(client, signal);
      for (const name of this.requiredProperties) {
        await client.waitFor(
          device,
          name,
          () => true,
          PROPERTIES_APPEAR_MS,
          `${device} ${name}`,
          signal,
        ).catch((err) => {
          if (signal?.aborted) throw err;
          throw new Error(`INDI device "${device}" lacks the ${name} property this driver needs`);
        });
      }
      await this.onSessionReady(client, signal);
      this.#connected = true;
      this.emitStatus();
    } catch (err) {
      this.#client = null;
      await client.close();
      throw err;
    }
  }

  /**
   * Waits until every property the device defined on connecting has arrived: drivers define them
   * right after answering CONNECTION, and answer a getProperties in order, so once CONNECTION is
   * defined again in reply to ours, everything sent before it is in the cache.
   */
  async #barrier(client: IndiClient, signal?: AbortSignal): Promise<void> {
    const device = this.options.device;
    const before = client.cache.get(device, "CONNECTION")?.revision ?? 0;
    await client.getProperties(device, "CONNECTION");
    await client.waitFor(
      device,
      "CONNECTION",
      (v) => v.revision > before,
      PROPERTIES_APPEAR_MS,
      `${device} to list its properties`,
      signal,
    );
  }

  async disconnect(): Promise<void> {
    const client = this.#client;
    this.#client = null;
    this.#connected = false;
    if (client) {
      this.onSessionEnd("disconnected");
      await client.close();
    }
    this.emitStatus();
  }

  /** The live session; 503 when there is none. */
  protected session(): IndiClient {
    if (!this.#client || !this.#connected) {
      throw new DeviceNotConnectedError(this.kind, "is not connected");
    }
    return this.#client;
  }

  protected get connected(): boolean {
    return this.#connected;
  }

  /** A vector of this device from the live or last session. */
  protected vector(name: string): IndiVector | undefined {
    return this.#cache.get(this.options.device, name);
  }

  /** Runs `fn` after every earlier command of this device has settled (one at a time). */
  protected serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => {});
    return run;
  }

  /** Waits until this device's `name` satisfies `check` (the device-side state helper). */
  protected waitState(
    name: string,
    check: (vector: IndiVector) => boolean,
    timeoutMs: number,
    what: string,
    signal?: AbortSignal,
  ): Promise<IndiVector> {
    return this.session().waitFor(this.options.device, name, check, timeoutMs, what, signal);
  }

  /**
   * Sends a command and resolves on the driver's first answer to it — Busy when a motion has
   * started, Ok when it was instant — so "resolves once under way" holds for both. Alert rejects.
   */
  protected async start(
    name: string,
    send: (client: IndiClient, device: string) => Promise<void>,
    timeoutMs = ANSWER_MS,
  ): Promise<IndiVector> {
    const client = this.session();
    const before = this.vector(name)?.revision ?? 0;
    await send(client, this.options.device);
    const v = await this.waitState(
      name,
      (v) => v.revision > before,
      timeoutMs,
      `an answer on ${name}`,
    );
    if (v.state === "Alert") throw new IndiAlertError(this.options.device, name, v.message);
    return v;
  }

  /** Sends a command and resolves once the driver has finished it (Ok/Idle); Alert rejects. */
  protected async complete(
    name: string,
    send: (client: IndiClient, device: string) => Promise<void>,
    timeoutMs = ANSWER_MS,
    signal?: AbortSignal,
  ): Promise<IndiVector> {
    const client = this.session();
    const before = this.vector(name)?.revision ?? 0;
    await send(client, this.options.device);
    const v = await this.waitState(
      name,
      (v) => v.revision > before && v.state !== "Busy",
      timeoutMs,
      `${name} to finish`,
      signal,
    );
    if (v.state === "Alert") throw new IndiAlertError(this.options.device, name, v.message);
    return v;
  }

  protected emitStatus(): void {
    if (this.#statusEmitter.size > 0) this.#statusEmitter.emit(this.status());
  }
}
