/**
 * What the phone-app benchmarks share: a 390×844 touch phone in Debian's Chromium with the
 * DevTools protocol's network domain on, the slow link they measure on (1.5 Mbit/s each way,
 * 150 ms latency, Chromium's own emulation), a record of every HTTP transfer the page made with
 * its compressed size on the wire, and the simulator camera set to the size a benchmark needs.
 */
import type { Browser, BrowserContext, CDPSession, Page } from "playwright-core";
import type { TestServer } from "../integration/_server.ts";

export const SLOW_LINK = { label: "1.5 Mbit/s 150 ms", latencyMs: 150, bitsPerS: 1_500_000 };

/** One HTTP request of the page (WebSockets are not requests in the protocol's terms). */
export interface Transfer {
  url: string;
  /** Compressed bytes on the wire, headers included; 0 when served from the browser's cache. */
  bytes: number;
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
      const t: Transfer = { url: e.request.url, bytes: 0, done: false };
      this.#byId.set(e.requestId, t);
      this.all.push(t);
      this.#lastEventAt = performance.now();
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
