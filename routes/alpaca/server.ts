/**
 * The ASCOM Alpaca server: the box's devices as Alpaca devices (device number 0 of each type) on
 * a port of their own, the management API, setup pages and UDP discovery. It follows ConformU's
 * protocol rules (alpaca.md): case-sensitive paths, 400 in plain text for requests it cannot
 * understand, and 200 with ErrorNumber for everything a device refuses. Imaging members that
 * answer ImageBytes live in camera.ts; this file only dispatches and frames the answers.
 */
import { AlpacaError, toAlpacaError } from "../../lib/alpaca/errors.ts";
import { encodeImageBytesError, IMAGE_BYTES_MIME } from "../../lib/alpaca/image_bytes.ts";
import type { Logger } from "../../lib/log.ts";
import type { AlpacaGate } from "../../core/alpaca/bridge_service.ts";
import { BASIC_REALM } from "../../core/alpaca/access_policy.ts";
import type { KvRepository } from "../../core/store/kv.ts";
import { BridgeState, COMMON_PUT, commonGet } from "./common.ts";
import type { AlpacaDeviceSource, DeviceType, MemberContext } from "./device_type.ts";
import { startDiscoveryResponder } from "./discovery.ts";
import type { DiscoveryResponder } from "./discovery.ts";
import { type ConfiguredDevice, loadUniqueIds, setupPage } from "./management.ts";
import { alpacaAnswer, AlpacaParams, BadRequest, badRequest, managementAnswer } from "./request.ts";
import type { TransactionIds } from "./request.ts";
import { allDeviceTypes } from "./types.ts";

export interface AlpacaServerOptions {
  source: AlpacaDeviceSource;
  /** Where UniqueIDs persist; null keeps them for this run only (tests). */
  kv: KvRepository | null;
  port: number;
  hostname: string;
  /** UDP discovery port (32227), or null for none. */
  discoveryPort: number | null;
  discoveryHostname?: string;
  version: string;
  log: Logger;
  location?: string;
  /**
   * Whom the server serves (core/alpaca/access_policy.ts): asked on every request and discovery
   * probe. Without one every client is served (the bridge's own protocol tests).
   */
  gate?: AlpacaGate;
}

/** A hook for answers that are not JSON (ImageBytes). */
export type RawAnswer = (ids: TransactionIds) => Response;

export class AlpacaServer {
  readonly #o: AlpacaServerOptions;
  readonly #types: DeviceType[];
  readonly #state = new Map<string, BridgeState>();
  readonly #common: ReturnType<typeof commonGet>;
  #uniqueIds = new Map<string, string>();
  #serverTransactionId = 0;
  #http: Deno.HttpServer | null = null;
  #discovery: DiscoveryResponder | null = null;

  private constructor(options: AlpacaServerOptions) {
    this.#o = options;
    this.#types = allDeviceTypes();
    this.#common = commonGet(options.version);
    for (const t of this.#types) this.#state.set(t.type, new BridgeState());
  }

  static async start(options: AlpacaServerOptions): Promise<AlpacaServer> {
    const server = new AlpacaServer(options);
    server.#uniqueIds = await loadUniqueIds(options.kv, server.#types);
    server.#http = Deno.serve(
      { port: options.port, hostname: options.hostname, onListen: () => {} },
      (request, info) => server.handle(request, (info.remoteAddr as Deno.NetAddr).hostname),
    );
    try {
      if (options.discoveryPort !== null) {
        server.#discovery = await startDiscoveryResponder({
          port: options.discoveryPort,
          hostname: options.discoveryHostname ?? "0.0.0.0",
          alpacaPort: server.port,
          log: options.log,
          mayAnswer: options.gate && ((address) => options.gate!.mayAnswerDiscovery(address)),
        });
      }
    } catch (err) {
      // Another program may own the discovery port; the server still answers configured clients.
      options.log.warn("alpaca discovery is off", { err: String(err) });
    }
    options.log.info("alpaca server listening", {
      port: server.port,
      discovery_port: server.discoveryPort,
    });
    return server;
  }

  get port(): number {
    return (this.#http?.addr as Deno.NetAddr | undefined)?.port ?? 0;
  }

  get discoveryPort(): number | null {
    return this.#discovery?.port ?? null;
  }

  async close(): Promise<void> {
    await this.#discovery?.close();
    await this.#http?.shutdown();
  }

  /** Answers one request from `address` (loopback when called in-process). */
  async handle(request: Request, address = "127.0.0.1"): Promise<Response> {
    const gate = this.#o.gate;
    if (gate) {
      const decision = await gate.decide(address, request.headers.get("authorization"));
      if (!decision.ok) {
        await request.body?.cancel();
        gate.refused(address, decision.status, decision.reason);
        // Plain text, as Alpaca's own 4xx answers; 401 carries the Basic challenge.
        return new Response(decision.reason, {
          status: decision.status,
          headers: {
            "content-type": "text/plain; charset=utf-8",
            ...(decision.status === 401
              ? { "www-authenticate": `Basic realm="${BASIC_REALM}", charset="UTF-8"` }
              : {}),
          },
        });
      }
    }
    const url = new URL(request.url);
    if (request.method !== "GET" && request.method !== "PUT") {
      await request.body?.cancel();
      return badRequest(`method ${request.method} is not allowed`, 405);
    }
    let params: AlpacaParams;
    let ids: TransactionIds;
    try {
      params = await AlpacaParams.from(request, url);
      params.uint32OrZero("ClientID");
      ids = {
        clientTransactionId: params.uint32OrZero("ClientTransactionID"),
        serverTransactionId: ++this.#serverTransactionId,
      };
    } catch (err) {
      if (err instanceof BadRequest) return badRequest(err.message);
      throw err;
    }
    const path = url.pathname;
    if (path.startsWith("/api/v1/")) return await this.#device(request, path, params, ids);
    if (request.method === "GET") {
      if (path === "/management/apiversions") return managementAnswer(ids, [1]);
      if (path === "/management/v1/description") {
        return managementAnswer(ids, {
          ServerName: "OpenSkyLab Alpaca bridge",
          Manufacturer: "OpenSkyLab",
          ManufacturerVersion: this.#o.version,
          Location: this.#o.location ?? "OpenSkyLab box",
        });
      }
      if (path === "/management/v1/configureddevices") {
        return managementAnswer(ids, this.configuredDevices());
      }
      if (path === "/setup" || path === "/setup/") {
        return setupPage(
          "OpenSkyLab Alpaca bridge",
          this.configuredDevices().map((d) =>
            `${d.DeviceType} ${d.DeviceNumber}: ${d.DeviceName} (${d.UniqueID})`
          ),
        );
      }
      const setup = /^\/setup\/v1\/([a-z]+)\/(\d+)\/setup$/.exec(path);
      const t = setup && this.#find(setup[1]!, setup[2]!);
      if (t) {
        return setupPage(`${t.deviceType} 0`, [
          `This ${t.kind} is configured on the OpenSkyLab box: open its web app, Equipment.`,
        ]);
      }
    }
    return badRequest(`unknown path ${path}`, 404);
  }

  configuredDevices(): ConfiguredDevice[] {
    const assigned = new Set(this.#o.source.assigned());
    return this.#types.filter((t) => assigned.has(t.kind)).map((t) => ({
      DeviceName: this.#o.source.info(t.kind)?.name ?? t.deviceType,
      DeviceType: t.deviceType,
      DeviceNumber: 0,
      UniqueID: this.#uniqueIds.get(`${t.type}/0`)!,
    }));
  }

  #find(type: string, number: string): DeviceType | null {
    const t = this.#types.find((candidate) => candidate.type === type);
    if (!t || number !== "0") return null;
    return this.#o.source.assigned().includes(t.kind) ? t : null;
  }

  async #device(
    request: Request,
    path: string,
    params: AlpacaParams,
    ids: TransactionIds,
  ): Promise<Response> {
    const parts = path.slice("/api/v1/".length).split("/");
    if (parts.length !== 3) return badRequest(`${path}: expected /api/v1/{type}/{number}/{member}`);
    const [type, number, member] = parts as [string, string, string];
    if (!this.#types.some((t) => t.type === type)) {
      return badRequest(`"${type}" is not a device type of this server (lower case)`);
    }
    if (!/^\d+$/.test(number)) return badRequest(`device number "${number}" is not a uint32`);
    const t = this.#find(type, number);
    if (!t) return badRequest(`there is no ${type} ${number} on this server`);
    const state = this.#state.get(t.type)!;
    const isGet = request.method === "GET";
    const common = isGet ? this.#common[member] : COMMON_PUT[member];
    const own = (isGet ? t.get : t.put)[member];
    if (!common && !own) {
      const other = isGet ? (COMMON_PUT[member] ?? t.put[member]) : t.get[member];
      return badRequest(
        other
          ? `${member} cannot be ${isGet ? "read with GET" : "written with PUT"}`
          : `"${member}" is not a member of ${type}`,
      );
    }
    const acceptsImageBytes = (request.headers.get("accept") ?? "").includes(IMAGE_BYTES_MIME);
    const ctx: MemberContext<unknown> = {
      params,
      source: this.#o.source,
      acceptsImageBytes,
      device: () => {
        if (!state.connected) {
          throw new AlpacaError(0x407, `${t.deviceType} 0 is not connected: set Connected first`);
        }
        return this.#o.source.device(t.kind);
      },
    };
    try {
      const value = common ? await common(ctx, t, state) : await own!(ctx as never);
      if (typeof value === "function") return (value as RawAnswer)(ids);
      return alpacaAnswer(ids, { value });
    } catch (err) {
      if (err instanceof BadRequest) return badRequest(err.message);
      let parked = false;
      try {
        parked = t.parked?.(this.#o.source.device(t.kind) as never) ?? false;
      } catch { /* not connected: not parked */ }
      const error = toAlpacaError(err, parked);
      if (acceptsImageBytes && member === "imagearray") {
        return new Response(encodeImageBytesError(error.errorNumber, error.message, ids), {
          headers: { "content-type": IMAGE_BYTES_MIME },
        });
      }
      return alpacaAnswer(ids, { error });
    }
  }
}
