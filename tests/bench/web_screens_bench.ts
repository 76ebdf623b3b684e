/// <reference lib="dom" />
/**
 * Every screen of the phone app on the slow link (1.5 Mbit/s, 150 ms, as in web_bench.ts; budget:
 * ready within 2 s), in Debian's Chromium against a running box with the simulators (not gated).
 * The screens are the app's own route table (`SCREENS` of web/app.js, read from the page), so a
 * new screen is measured without touching this file.
 *   - First visit with a warm shell, as a person moving between screens: a fresh phone (empty
 *     cache) loads the shell on loopback, lands on home (on More for home itself), waits until
 *     its requests are over, then goes on the slow link and sets `location.hash` to the screen
 *     (the viewer gets a real frame, taken and analysed beforehand). Each screen has a phone of
 *     its own, so its figures do not depend on which screens were opened before it.
 *   - Cold deep links: a phone with its cache off opens `/#/<screen>` directly on the slow link,
 *     DEEP_LINK_RUNS times over plain HTTP (Chromium speaks HTTP/1.1 there, at most six
 *     connections, so the shell's modules arrive in rounds of round trips) and as many over the
 *     box's HTTPS (HTTP/2, every module on one connection at once), the two alternating run by
 *     run so a change in the machine's load falls on both; a line for each gives the median run
 *     (by ready_ms) and the range, the HTTPS line its median's ratio to HTTP's (vs_http).
 * Bytes are compressed on the wire (headers included) of the requests made from the hash change
 * (or the navigation) until ready, split into the app's files (modules, styles, icons) and API
 * answers; the WebSocket is not counted. Service workers are blocked: the worker precaches every
 * screen after the first load, so this is the first visit before it has done so (on this link
 * it downloads every screen's modules, modules_kb_union of the summary) or without a worker.
 *
 * "Ready" is the later of two moments, both on the page's clock:
 *   1. the screen is drawn: `<main data-screen>` is this screen and no longer aria-busy (its
 *      module is loaded), the header shows its title, nothing inside is aria-busy, no loading
 *      placeholder is left (the screens show one as text: "Reading…", "Reading the site…",
 *      "Working out tonight's sky…", "Loading…", "Measuring stars…" — PLACEHOLDER below), and
 *      for the viewer its canvas has the frame drawn;
 *   2. the last response of the requests the visit made has arrived (Resource Timing's
 *      responseEnd), counted once the network has been quiet for QUIET_MS. Screens that show
 *      no placeholder while they read (e.g. a "–" until the value arrives) are thus ready when
 *      their reads are answered; the render of that last answer (a microtask in Preact) is not
 *      counted. A request the shell makes on its own timer in that window (the scheduler read
 *      every 15 s) would count too.
 * Each line gives ready_ms (against budget_ms) and shown_ms, moment 1 alone: a screen whose
 * last read is a picture below its controls (home's and capture's latest frame) is usable from
 * shown_ms, complete at ready_ms. A screen with a frame's picture (IMAGE below) also gives
 * first_image_ms, when its canvas first shows the frame at all — the small first look
 * (lib/api.js FIRST_LOOK_QUERY) that the shell asks for on a link straight to capture or the
 * viewer, or else the screen preview — and full_image_ms, when it shows the screen preview.
 * `protocol` is what Chromium reported for the visit's requests.
 * WEB_SCREENS_VERBOSE=1 lists every request with its size and times.
 */
import { withServer } from "../integration/_server.ts";
import { CHROMIUM, hasChromium } from "../e2e/_phone.ts";
import { report } from "./_util.ts";
import {
  isApi,
  phoneBrowser,
  type PhonePage,
  phonePage,
  protocols,
  type Scheme,
  SCHEMES,
  setSimCamera,
  SLOW_LINK,
  slowLink,
  sumKb,
  type Transfer,
  waitLive,
  withHttps,
} from "./_web_phone.ts";

const BUDGET_MS = 2000;
const QUIET_MS = 1000;
const SETTLE_TIMEOUT_MS = 60_000;
const PLACEHOLDER = String.raw`\b(?:Reading|Loading|Working out|Measuring)\b[^.…]*…`;
/** Screens with a drawing that comes after their data (a selector present once it is drawn). */
const DRAWN: Record<string, string> = { viewer: ".viewer canvas[data-drawn]" };
/** The canvas of the frame's picture on screens that show one; its data-image says which. */
const IMAGE: Record<string, string> = {
  home: ".last-frame canvas",
  capture: ".frame-image canvas",
  viewer: ".viewer canvas",
};
const DEEP_LINKS = ["sequences", "targets", "capture", "viewer"];
const DEEP_LINK_RUNS = 3;

interface Probe {
  name: string;
  title: string;
  placeholder: string;
  drawn: string | null;
  image: string | null;
  /** Set after installing (a warm visit); absent: the probe runs from the page's start. */
  hash?: string;
}

interface ProbeState {
  t0: number;
  readyAt: number | null;
  blocker: string;
  /** When the frame's canvas first showed a picture, and the screen preview (IMAGE). */
  firstImageAt: number | null;
  fullImageAt: number | null;
}

/**
 * Runs in the page: watches every DOM change and keeps `readyAt`, when the screen last became
 * drawn (moment 1 of the top comment), or why it is not yet.
 */
function installProbe(p: Probe): number {
  performance.setResourceTimingBufferSize(5000);
  const state: ProbeState = {
    t0: 0,
    readyAt: null,
    blocker: "not checked",
    firstImageAt: null,
    fullImageAt: null,
  };
  const placeholder = new RegExp(p.placeholder);
  const check = () => {
    const main = document.querySelector("main");
    if (p.image && main?.dataset.screen === p.name) {
      if (main.querySelector(`${p.image}[data-image]`)) state.firstImageAt ??= performance.now();
      if (main.querySelector(`${p.image}[data-image="full"]`)) {
        state.fullImageAt ??= performance.now();
      }
    }
    let blocker = "";
    if (!main || main.dataset.screen !== p.name) blocker = "screen not shown";
    else if (main.getAttribute("aria-busy") !== "false") blocker = "module loading";
    else if (document.querySelector("header h1")?.textContent !== p.title) blocker = "heading";
    else if (main.querySelector('[aria-busy="true"]')) blocker = "an element is aria-busy";
    else {
      const m = placeholder.exec(main.textContent ?? "");
      if (m) blocker = `placeholder "${m[0]}"`;
      else if (p.drawn && !main.querySelector(p.drawn)) blocker = `no ${p.drawn}`;
    }
    state.blocker = blocker;
    if (blocker) state.readyAt = null;
    else state.readyAt ??= performance.now();
  };
  new MutationObserver(check).observe(document, {
    subtree: true,
    childList: true,
    attributes: true,
    characterData: true,
  });
  (globalThis as unknown as { oslProbe: ProbeState }).oslProbe = state;
  if (p.hash !== undefined) {
    state.t0 = performance.now();
    location.hash = p.hash;
  }
  return state.t0;
}

interface Visit {
  /** Moment 1 of the top comment: drawn, no placeholder. */
  shownMs: number;
  /** The later of moments 1 and 2. */
  readyMs: number;
  /** The frame's picture first drawn, and its screen preview drawn (screens in IMAGE). */
  firstImageMs: number | null;
  fullImageMs: number | null;
  transfers: Transfer[];
  /** Every request of the visit, from Resource Timing: when it started and its answer ended. */
  timeline: { url: string; startMs: number; endMs: number }[];
}

/** Waits for moments 1 and 2 (see the top comment) and returns the later, from the probe's t0. */
async function settle(p: PhonePage, mark: number, label: string): Promise<Visit> {
  const deadline = performance.now() + SETTLE_TIMEOUT_MS;
  while (true) {
    const state = await p.page.evaluate(() =>
      (globalThis as unknown as { oslProbe: ProbeState }).oslProbe
    );
    if (state.readyAt !== null && p.transfers.pending === 0 && p.transfers.quietMs >= QUIET_MS) {
      const timeline = await p.page.evaluate((t0) =>
        performance.getEntriesByType("resource")
          .filter((e) => e.startTime >= t0)
          .map((e) => ({
            url: e.name,
            startMs: e.startTime - t0,
            endMs: (e as PerformanceResourceTiming).responseEnd - t0,
          })), state.t0);
      const shownMs = state.readyAt - state.t0;
      const since = (at: number | null) => (at === null ? null : at - state.t0);
      return {
        shownMs,
        firstImageMs: since(state.firstImageAt),
        fullImageMs: since(state.fullImageAt),
        readyMs: Math.max(shownMs, ...timeline.map((e) => e.endMs)),
        transfers: p.transfers.since(mark),
        timeline,
      };
    }
    if (performance.now() > deadline) {
      throw new Error(
        `${label} not ready after ${SETTLE_TIMEOUT_MS} ms: ${
          state.blocker || `${p.transfers.pending} requests pending`
        }`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The network has been quiet for QUIET_MS (the screen a phone landed on has read its data). */
async function quiet(p: PhonePage): Promise<void> {
  const deadline = performance.now() + SETTLE_TIMEOUT_MS;
  while (p.transfers.pending > 0 || p.transfers.quietMs < QUIET_MS) {
    if (performance.now() > deadline) throw new Error("the network never went quiet");
    await new Promise((r) => setTimeout(r, 100));
  }
}

function figures(visit: "warm_shell" | "cold_deep_link", v: Visit) {
  if (Deno.env.get("WEB_SCREENS_VERBOSE")) {
    const kb = new Map(v.transfers.map((t) => [t.url, (t.bytes / 1024).toFixed(1)]));
    for (const e of v.timeline) {
      const ms = `${Math.round(e.startMs)}–${Math.round(e.endMs)} ms`;
      console.log(`  ${ms.padStart(13)} ${(kb.get(e.url) ?? "?").padStart(6)} KB ${e.url}`);
    }
  }
  const modules = v.transfers.filter((t) => !isApi(t.url));
  const api = v.transfers.filter((t) => isApi(t.url));
  return {
    visit,
    ready_ms: Math.round(v.readyMs),
    budget_ms: BUDGET_MS,
    shown_ms: Math.round(v.shownMs),
    ...(v.firstImageMs === null ? {} : { first_image_ms: Math.round(v.firstImageMs) }),
    ...(v.fullImageMs === null ? {} : { full_image_ms: Math.round(v.fullImageMs) }),
    modules_kb: sumKb(modules),
    module_files: modules.filter((t) => t.bytes > 0).length,
    api_kb: sumKb(api),
    api_requests: api.length,
    protocol: protocols(v.transfers),
    load_avg: Deno.loadavg()[0]!,
  };
}

export async function webScreensBench(): Promise<void> {
  if (!hasChromium()) {
    console.log(`bench web screens: skipped (${CHROMIUM} is missing)`);
    return;
  }
  await withServer(async (t) => {
    // The simulator's default sensor (3008×2008) on its default sky: the frame home, capture and
    // the viewer show is as large on the wire as a person's own would be.
    await setSimCamera(t, { widthPx: 3008, heightPx: 2008, readoutMs: 100 });
    const ws = await t.events("camera.frame_analyzed");
    const { frame_id: frameId } = await t.json<{ frame_id: string }>("POST", "/camera/expose", {
      duration: 0.1,
      object: "bench",
    });
    await ws.waitFor("camera.frame_analyzed", (d) => d.id === frameId, 120_000);
    const hashOf = (name: string) =>
      name === "home" ? "#/" : name === "viewer" ? `#/viewer/${frameId}` : `#/${name}`;
    // The box has served the app before (its build is read and compressed once, at first use).
    await (await fetch(`${t.server.url}/`)).text();
    const { browser, origin } = await phoneBrowser(t);
    try {
      const first = await phonePage(browser, { serviceWorkers: "block" });
      await first.page.goto(`${t.server.url}/`);
      const screens = await first.page.evaluate(async () => {
        const src =
          document.querySelector<HTMLScriptElement>('script[type=module][src$="/app.js"]')!
            .src;
        const app = await import(src) as { SCREENS: Record<string, { title: string }> };
        return Object.entries(app.SCREENS).map(([name, { title }]) => ({ name, title }));
      });
      await first.context.close();

      const results: { name: string; visit: Visit }[] = [];
      for (const { name, title } of screens) {
        const p = await phonePage(browser, { serviceWorkers: "block" });
        try {
          await p.page.goto(`${t.server.url}/${name === "home" ? "#/more" : ""}`);
          await waitLive(p.page);
          await quiet(p);
          await slowLink(p.cdp);
          const mark = p.transfers.mark();
          await p.page.evaluate(installProbe, {
            name,
            title,
            placeholder: PLACEHOLDER,
            drawn: DRAWN[name] ?? null,
            image: IMAGE[name] ?? null,
            hash: hashOf(name),
          });
          const visit = await settle(p, mark, `screen ${name}`);
          results.push({ name, visit });
          report(`web screen ${name}`, figures("warm_shell", visit));
        } catch (err) {
          report(`web screen ${name}`, { visit: "warm_shell", error: (err as Error).message });
        } finally {
          await p.context.close();
        }
      }
      const slowest = results.reduce((a, b) => (b.visit.readyMs > a.visit.readyMs ? b : a));
      const moduleBytes = new Map<string, number>();
      for (const { visit } of results) {
        for (const m of visit.transfers) if (!isApi(m.url)) moduleBytes.set(m.url, m.bytes);
      }
      report("web screens", {
        visit: "warm_shell",
        link: SLOW_LINK.label.replaceAll(" ", "_"),
        screens: results.length,
        slowest: slowest.name,
        slowest_ms: Math.round(slowest.visit.readyMs),
        over_budget: results.filter((r) => r.visit.readyMs > BUDGET_MS).length,
        budget_ms: BUDGET_MS,
        modules_kb_union: [...moduleBytes.values()].reduce((a, b) => a + b, 0) / 1024,
        modules_kb_sum: results.reduce((n, r) => n + figures("warm_shell", r.visit).modules_kb, 0),
        load_avg: Deno.loadavg()[0]!,
      });

      for (const name of DEEP_LINKS) {
        const title = screens.find((s) => s.name === name)?.title ?? name;
        const visits: Record<Scheme, Visit[]> = { http: [], https: [] };
        try {
          for (let i = 0; i < DEEP_LINK_RUNS; i++) {
            for (const scheme of SCHEMES) {
              const p = await phonePage(browser, {
                cold: true,
                slow: true,
                serviceWorkers: "block",
              });
              try {
                await p.page.addInitScript(installProbe, {
                  name,
                  title,
                  placeholder: PLACEHOLDER,
                  drawn: DRAWN[name] ?? null,
                  image: IMAGE[name] ?? null,
                });
                await p.page.goto(`${origin[scheme]}/${hashOf(name)}`);
                visits[scheme].push(await settle(p, 0, `deep link ${name} (${scheme})`));
              } finally {
                await p.context.close();
              }
            }
          }
          // The median run by ready time (a cold load varies more than a warm visit).
          const median = (scheme: Scheme) => {
            const sorted = visits[scheme].toSorted((a, b) => a.readyMs - b.readyMs);
            return { sorted, median: sorted[Math.floor(sorted.length / 2)]! };
          };
          const httpMs = median("http").median.readyMs;
          for (const scheme of SCHEMES) {
            const { sorted, median: v } = median(scheme);
            report(`web screen ${name}${scheme === "http" ? "" : `, ${scheme}`}`, {
              ...figures("cold_deep_link", v),
              ...(scheme === "http" ? {} : { vs_http: v.readyMs / httpMs }),
              runs: sorted.length,
              ready_ms_min: Math.round(sorted[0]!.readyMs),
              ready_ms_max: Math.round(sorted.at(-1)!.readyMs),
            });
          }
        } catch (err) {
          report(`web screen ${name}`, {
            visit: "cold_deep_link",
            error: (err as Error).message,
          });
        }
      }
    } finally {
      await browser.close();
    }
  }, withHttps());
}

if (import.meta.main) await webScreensBench();
