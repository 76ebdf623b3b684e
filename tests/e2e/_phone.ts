/// <reference lib="dom" />
/**
 * A phone for the browser tests: Debian's Chromium through playwright-core, 390×844 with touch,
 * a fresh profile directory per run, every request it makes recorded (to prove the app talks to
 * nothing but the box), screenshots kept under tests/e2e/artefacts/ (or $OPENSKYLAB_E2E_ARTEFACTS)
 * for a person to look at, and axe-core (npm) injected into the page to audit accessibility.
 */
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { join } from "node:path";
import { createHash, X509Certificate } from "node:crypto";
import { assert } from "../_assert.ts";

export const CHROMIUM = "/usr/bin/chromium";
const ROOT = new URL("../../", import.meta.url).pathname;
export const ARTEFACTS = Deno.env.get("OPENSKYLAB_E2E_ARTEFACTS") ??
  join(ROOT, "tests/e2e/artefacts");

/** Flags that work in these containers; the last four keep Chromium off Google's hosts. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function hasChromium(): boolean {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
}

/**
 * base64 SHA-256 of a certificate's SubjectPublicKeyInfo, as Chromium's
 * `--ignore-certificate-errors-spki-list` takes it (the box's server certificate is then valid to
 * the browser, as on a phone that installed the box's CA).
 */
export async function spkiHash(certPath: string): Promise<string> {
  const cert = new X509Certificate(await Deno.readTextFile(certPath));
  const spki = cert.publicKey.export({ type: "spki", format: "der" });
  return createHash("sha256").update(spki).digest("base64");
}

export interface Phone {
  context: BrowserContext;
  page: Page;
  /** Every URL the page, its workers and its sockets asked for. */
  requests: string[];
  /** Saves a screenshot as <ARTEFACTS>/<name>.png and returns the path. */
  shot(name: string, fullPage?: boolean): Promise<string>;
  /** Runs axe-core on the page; throws listing serious and critical violations. */
  axe(label: string): Promise<void>;
  close(): Promise<void>;
}

export async function openPhone(
  options: {
    theme?: "day" | "night";
    /** more Chromium flags */ args?: string[];
    /** "block": no service worker (page.route then sees every request); default "allow" */
    serviceWorkers?: "allow" | "block";
  } = {},
): Promise<Phone> {
  const profileDir = await Deno.makeTempDir({ prefix: "openskylab-chromium-" });
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    args: [...CHROMIUM_ARGS, ...options.args ?? []],
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    serviceWorkers: options.serviceWorkers ?? "allow",
  });
  const requests: string[] = [];
  context.on("request", (r) => requests.push(r.url()));
  const page = context.pages()[0] ?? await context.newPage();
  page.on("websocket", (ws) => requests.push(ws.url()));
  // Confirmations ("Abort the sequence?") are accepted, as a user would tap OK.
  page.on("dialog", (d) => void d.accept());
  if (options.theme === "day") {
    await page.addInitScript(() => localStorage.setItem("osl.theme", "day"));
  }
  await Deno.mkdir(ARTEFACTS, { recursive: true });
  let axeSource: string | null = null;
  return {
    context,
    page,
    requests,
    async shot(name, fullPage = false) {
      const path = join(ARTEFACTS, `${name}.png`);
      await page.screenshot({ path, fullPage });
      return path;
    },
    async axe(label) {
      axeSource ??= await Deno.readTextFile(join(ROOT, "node_modules/axe-core/axe.min.js")).catch(
        () => {
          throw new Error(
            "node_modules/axe-core is missing: run `deno install` (axe-core is pinned in deno.json)",
          );
        },
      );
      if (!(await page.evaluate(() => "axe" in globalThis))) {
        await page.addScriptTag({ content: axeSource });
      }
      const violations = await page.evaluate(async () => {
        interface AxeViolation {
          id: string;
          impact: string | null;
          help: string;
          nodes: { target: string[] }[];
        }
        const axe = (globalThis as unknown as {
          axe: { run(d: Document, o: unknown): Promise<{ violations: AxeViolation[] }> };
        }).axe;
        const result = await axe.run(document, { resultTypes: ["violations"] });
        return result.violations
          .filter((v) => v.impact === "serious" || v.impact === "critical")
          .map((v) =>
            `${v.impact} ${v.id}: ${v.help} — ${
              v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")
            }`
          );
      });
      assert(violations.length === 0, `${label}: axe found\n  ${violations.join("\n  ")}`);
    },
    async close() {
      await context.close();
      await Deno.remove(profileDir, { recursive: true }).catch(() => {});
    },
  };
}

/** Every request went to the box (its HTTP origin or its WebSocket), or stayed in the page. */
export function assertOnlyBox(requests: string[], boxUrl: string): void {
  const origin = new URL(boxUrl);
  const outside = requests.filter((u) => {
    if (u.startsWith("data:") || u.startsWith("blob:")) return false;
    const url = new URL(u);
    return url.host !== origin.host;
  });
  assert(
    outside.length === 0,
    `requests outside the box:\n  ${[...new Set(outside)].join("\n  ")}`,
  );
  assert(requests.length > 0, "no request was recorded at all");
}

/** Waits until `check` holds, polling; fails with `what` after `timeoutMs`. */
export async function until(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Waits until the app's service worker is ready and controls `page`. */
export async function untilServiceWorkerControls(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await until(
    "the page controlled by its service worker",
    () => page.evaluate(() => navigator.serviceWorker.controller !== null),
    20_000,
  );
}
