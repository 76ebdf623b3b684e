/**
 * What the phone-app benchmarks share: a 390×844 touch phone in Debian's Chromium with the
 * DevTools protocol's network domain on, the slow link they measure on (1.5 Mbit/s each way,
 * 150 ms latency, Chromium's own emulation), a record of every HTTP transfer the page made with
 * its compressed size on the wire and the protocol it went over, the simulator camera set to the
 * size a benchmark needs, and the box on both of its ways in: plain HTTP, where Chromium speaks
 * HTTP/1.1 over at most six connections, and its HTTPS, where it speaks HTTP/2 over one (Chromium
 * made to trust the box's certificate, as a phone that installed the box's CA).
 */
import { join } from "node:path";
import {
  type Browser,
  type BrowserContext,
  type CDPSession,
  chromium,
  type Page,
} from "playwright-core";
import type { TestServer } from "../integration/_server.ts";
import { CHROMIUM, CHROMIUM_ARGS, spkiHash } from "../e2e/_phone.ts";
import { freePort } from "./_util.ts";

export const SLOW_LINK = { label: "1.5 Mbit/s 150 ms", latencyMs: 150, bitsPerS: 1_500_000 };

/** One HTTP request of the page (WebSockets are not requests in the protocol's terms). */
export interface Transfer {
  url: string;
  /** Compressed bytes on the wire, headers included; 0 when served from the browser's cache. */
  bytes: number;
  /** As Chromium names it ("http/1.1", "h2"); "" until the response's headers arrived. */
  protocol: string;
  done: boolean;
}

/**
 * Every request of a page in order, as the DevTools protocol reports them. `mark()` and
 * `since(mark)` cut out the requests of one step; `pending` and `quietMs` say whether the
 * network is idle.
 */
export class Transfers {
  readonly all: Transfer[] = [];
  #byId = new Map<string, Transfer>();
  #lastEventAt = performance.now();

  constructor(cdp: CDPSession) {
    cdp.on("Network.requestWillBeSent", (e) => {
      // A redirect reuses the id: the earlier hop is over.
      const earlier = this.#byId.get(e.requestId);
      if (earlier) earlier.done = true;
      const t: Transfer = { url: e.request.url, bytes: 0, protocol: "", done: false };
      this.#byId.set(e.requestId, t);
      this.all.push(t);
      this.#lastEventAt = performance.now();
    });
    cdp.on("Network.responseReceived", (e) => {
      const t = this.#byId.get(e.requestId);
      if (t) t.protocol = e.response.protocol ?? "";
    });
    cdp.on("Network.loadingFinished", (e) => {
      const t = this.#byId.get(e.requestId);
      if (t) {
        t.bytes = e.encodedDataLength;
        t.done = true;
      }
      this.#lastEventAt = performance.now();
    });
    cdp.on("Network.loadingFailed", (e) => {
      const t = this.#byId.get(e.requestId);
      if (t) t.done = true;
      this.#lastEventAt = performance.now();
    });
  }

  mark(): number {
    return this.all.length;
  }

  since(mark: number): Transfer[] {
    return this.all.slice(mark);
  }

  get pending(): number {
    return this.all.filter((t) => !t.done).length;
  }

  /** Milliseconds since a request last started or ended. */
  get quietMs(): number {
    return performance.now() - this.#lastEventAt;
  }
}

export function isApi(url: string): boolean {
  return new URL(url).pathname.startsWith("/api/");
}

export function sumKb(transfers: Transfer[]): number {
  return transfers.reduce((n, t) => n + t.bytes, 0) / 1024;
}

/** The protocols the HTTP(S) requests went over, e.g. "h2" or "http/1.1" ("+" between several). */
export function protocols(transfers: Transfer[]): string {
  const seen = new Set(
    transfers.filter((t) => t.url.startsWith("http") && t.protocol).map((t) => t.protocol),
  );
  return [...seen].join("+") || "none";
}

/** The two ways a phone reaches the box. */
export const SCHEMES = ["http", "https"] as const;
export type Scheme = typeof SCHEMES[number];

/** `withServer` options that give the box an HTTPS port (on loopback, a free one). */
export function withHttps(): { configToml: string } {
  return { configToml: `[server]\nhttps_port = ${freePort()}\n` };
}

/**
 * Debian's Chromium trusting the box's server certificate, and the box's address for each scheme
 * (127.0.0.1 on both, as the phone would use one address). Waits until HTTPS is listening.
 */
export async function phoneBrowser(
  t: TestServer,
): Promise<{ browser: Browser; origin: Record<Scheme, string> }> {
  await t.server.httpsReady;
  if (t.server.httpsPort === null) throw new Error("the box does not serve HTTPS");
  const spki = await spkiHash(join(t.dataDir, "tls", "server.crt"));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [...CHROMIUM_ARGS, `--ignore-certificate-errors-spki-list=${spki}`],
  });
  return {
    browser,
    origin: { http: t.server.url, https: `https://127.0.0.1:${t.server.httpsPort}` },
  };
}

export interface PhonePage {
  context: BrowserContext;
  page: Page;
  cdp: CDPSession;
  transfers: Transfers;
}

/**
 * A fresh browser context (its own cache) with one page. `cold` turns the HTTP cache off;
 * `slow` puts the page on SLOW_LINK from the start (see `slowLink` to switch later).
 */
export async function phonePage(
  browser: Browser,
  options: {
    cold?: boolean;
    slow?: boolean;
    deviceScaleFactor?: number;
    serviceWorkers?: "allow" | "block";
  } = {},
): Promise<PhonePage> {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: options.deviceScaleFactor,
    isMobile: true,
    hasTouch: true,
    serviceWorkers: options.serviceWorkers,
  });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  const transfers = new Transfers(cdp);
  if (options.cold) await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  if (options.slow) await slowLink(cdp);
  return { context, page, cdp, transfers };
}

export async function slowLink(cdp: CDPSession): Promise<void> {
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: SLOW_LINK.latencyMs,
    downloadThroughput: SLOW_LINK.bitsPerS / 8,
    uploadThroughput: SLOW_LINK.bitsPerS / 8,
  });
}

/** The app says its event stream is live. */
export async function waitLive(page: Page, timeoutMs = 30_000): Promise<void> {
  await page.waitForSelector('.link-state[data-state="live"]', { timeout: timeoutMs });
}

/** Sets the active profile's camera to the simulator with `options` and waits until it is up. */
export async function setSimCamera(
  t: TestServer,
  options: Record<string, unknown> & { widthPx: number },
): Promise<void> {
  const active = await t.json<
    Record<string, unknown> & {
      id: string;
      devices: Record<string, { options: Record<string, unknown> }>;
    }
  >("GET", "/profiles/active");
  active.devices.camera = { ...active.devices.camera, options } as never;
  await t.json("PUT", `/profiles/${active.id}`, {
    name: active.name,
    site: active.site,
    optics: active.optics,
    devices: active.devices,
  });
  const deadline = Date.now() + 15_000;
  while (
    (await t.json<{ sensor: { width: number } }>("GET", "/camera/status").catch(() => null))
      ?.sensor.width !== options.widthPx
  ) {
    if (Date.now() > deadline) {
      throw new Error(`the ${options.widthPx} px wide simulator camera did not connect`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
