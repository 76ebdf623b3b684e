/**
 * Starts a real server in-process on a free loopback port over a temporary data dir and config,
 * and gives tests a small REST and WebSocket client for it. Everything is torn down afterwards.
 */
import { join } from "node:path";
import { startServer } from "../../cli/server.ts";
import type { RunningServer } from "../../cli/server.ts";
import { loadConfig } from "../../core/config.ts";
import { LogSink } from "../../lib/log.ts";
import { MIN_DEADLINE_MS } from "../_assert.ts";

export interface TestServer {
  server: RunningServer;
  dataDir: string;
  token: string;
  api(method: string, path: string, body?: unknown, headers?: HeadersInit): Promise<Response>;
  json<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T>;
  /** The status of a request whose body the test does not need (the body is drained). */
  status(method: string, path: string, body?: unknown): Promise<number>;
  events(topics?: string, token?: string): Promise<EventRecorder>;
}

export async function withServer(
  fn: (t: TestServer) => Promise<void>,
  options: {
    trustedNetworks?: string[];
    configToml?: string;
    catalogDir?: string;
    /** Turn the Alpaca discovery responder on, on this UDP port (off by default). */
    alpacaDiscoveryPort?: number;
    /** A directory (config and data) kept afterwards, so a second server can start on it. */
    dir?: string;
    /** A data dir of the test's own, kept afterwards (default: a fresh one, removed). */
    dataDir?: string;
    /** Prefix of the system paths GET /system reads (a fake /sys and /etc). */
    hostRoot?: string;
  } = {},
): Promise<void> {
  const dir = options.dir ?? await Deno.makeTempDir({ prefix: "openskylab-test-" });
  const configPath = join(dir, "config.toml");
  if (options.configToml) await Deno.writeTextFile(configPath, options.configToml);
  const logs = new LogSink({ consoleLevel: "silent" });
  const config = await loadConfig(configPath, logs.logger("config"));
  if (options.trustedNetworks) config.server.trusted_networks = options.trustedNetworks;
  // Device discovery must never broadcast from a test: its probe stays on loopback.
  const loopback = "127.0.0.1";
  if (options.configToml?.includes("discovery_address")) {
    if (config.alpaca.discovery_address !== loopback) {
      throw new Error(
        `tests must aim Alpaca discovery at ${loopback}, got ${config.alpaca.discovery_address}`,
      );
    }
  }
  config.alpaca.discovery_address = loopback;
  const dataDir = options.dataDir ?? join(dir, "data");
  const server = await startServer({
    config,
    port: 0,
    hostname: "127.0.0.1",
    dataDir,
    logs,
    validateEvents: true,
    catalogDir: options.catalogDir,
    alpacaPort: 0,
    alpacaDiscoveryPort: options.alpacaDiscoveryPort ?? null,
    hostRoot: options.hostRoot,
  });
  if (server.services.config.alpaca.discovery_address !== loopback) {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
    throw new Error("the test server's Alpaca discovery is not aimed at loopback");
  }
  const recorders: EventRecorder[] = [];
  const api = (method: string, path: string, body?: unknown, headers: HeadersInit = {}) =>
    fetch(`${server.url}/api/v1${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
  const t: TestServer = {
    server,
    dataDir,
    token: config.auth.token,
    api,
    async json(method, path, body) {
      const res = await api(method, path, body);
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
      return text === "" ? {} : JSON.parse(text);
    },
    async status(method, path, body) {
      const res = await api(method, path, body);
      await res.body?.cancel();
      return res.status;
    },
    async events(topics, token) {
      const params = new URLSearchParams();
      if (topics) params.set("topics", topics);
      if (token) params.set("token", token);
      const recorder = new EventRecorder(
        `${server.url.replace("http", "ws")}/ws${params.size ? `?${params}` : ""}`,
      );
      recorders.push(recorder);
      await recorder.opened;
      return recorder;
    },
  };
  try {
    await fn(t);
  } finally {
    for (const r of recorders) await r.close();
    await server.shutdown();
    if (options.dir === undefined) await Deno.remove(dir, { recursive: true });
  }
}

/** An event as it arrives on the wire, before a test looks inside. */
export interface WireEvent {
  type: string;
  ts: number;
  data: Record<string, unknown>;
}

/** Collects every event a WebSocket receives and lets a test wait for one. */
export class EventRecorder {
  readonly events: WireEvent[] = [];
  readonly opened: Promise<void>;
  #socket: WebSocket;
  #closed: Promise<void>;
  #waiters: (() => void)[] = [];

  constructor(url: string) {
    this.#socket = new WebSocket(url);
    this.opened = new Promise((resolve, reject) => {
      this.#socket.onopen = () => resolve();
      this.#socket.onerror = (e) =>
        reject(new Error(`WebSocket failed: ${(e as ErrorEvent).message}`));
    });
    this.#closed = new Promise((resolve) =>
      this.#socket.addEventListener("close", () => resolve())
    );
    this.#socket.onmessage = (message) => {
      this.events.push(JSON.parse(message.data));
      for (const wake of this.#waiters.splice(0)) wake();
    };
  }

  /** Resolves with the first recorded event (past or future) of `type` matching `predicate`. */
  async waitFor(
    type: string,
    predicate: (data: Record<string, unknown>) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<WireEvent> {
    // Never sooner than MIN_DEADLINE_MS: a busy machine is not a hang.
    const guardMs = Math.max(timeoutMs, MIN_DEADLINE_MS);
    const deadline = Date.now() + guardMs;
    while (true) {
      const hit = this.events.find((e) =>
        e.type === type && predicate(e.data as Record<string, unknown>)
      );
      if (hit) return hit;
      const leftMs = deadline - Date.now();
      if (leftMs <= 0) throw new Error(`no ${type} event matched within ${guardMs} ms`);
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        timer = setTimeout(resolve, leftMs);
      });
      clearTimeout(timer);
    }
  }

  ofType(type: string): WireEvent[] {
    return this.events.filter((e) => e.type === type);
  }

  async close(): Promise<void> {
    if (
      this.#socket.readyState === WebSocket.OPEN || this.#socket.readyState === WebSocket.CONNECTING
    ) {
      this.#socket.close();
    }
    await this.#closed;
  }
}

/**
 * Simulator options that keep the tests short: fast slews, a fast cooler, a quick readout.
 * `cameraOptions` adds to the camera's (e.g. `{ sky: "random" }` for a test that relies on the
 * random star field rather than the true sky).
 */
export async function useFastSimulators(
  t: TestServer,
  cameraOptions: Record<string, unknown> = {},
): Promise<void> {
  const active = await t.json<
    { id: string; name: string; site: unknown; optics: unknown; devices: Record<string, unknown> }
  >("GET", "/profiles/active");
  const devices = {
    ...active.devices,
    mount: { driver: "sim", options: { slewRateDegPerS: 40 } },
    camera: {
      driver: "sim",
      options: {
        widthPx: 800,
        heightPx: 600,
        readoutMs: 100,
        coolerRateCPerMin: 600,
        ...cameraOptions,
      },
    },
    focuser: { driver: "sim", options: { speedStepsPerS: 20000 } },
    filterwheel: { driver: "sim", options: { secondsPerSlot: 0.05 } },
  };
  await t.json("PUT", `/profiles/${active.id}`, { ...active, devices });
}
