/**
 * Device discovery: what could fill the profile's roles on this box — serial ports with likely
 * drivers, ZWO devices the SDKs see, installed INDI drivers, and Alpaca servers on the LAN with
 * their devices — so the phone can offer "found: ZWO ASI2600MC Pro" instead of asking for paths.
 * The four sources run in parallel, each with its own deadline and failure isolation: one that
 * throws or hangs gives its section an `error` while the others still answer, and the whole call
 * never takes much longer than one deadline. Work a deadline abandons (an FFI call already on a
 * worker thread cannot be cancelled) finishes and cleans up in the background.
 */
import type { Clock } from "../lib/clock.ts";
import type { Logger } from "../lib/log.ts";
import type { DiscoverRequest, Discovery, DiscoveryResult } from "./discovery.ts";
import { alpacaSection } from "./alpaca/discovery_section.ts";
import { INDI_BIN_DIR, INDI_CATALOGUE_DIR, indiSection } from "./indi/discovery.ts";
import { serialSection } from "./serial/discovery.ts";
import { zwoLibraries, zwoSection } from "./ffi/discovery.ts";

export interface DiscoveryServiceOptions {
  /** Where the Alpaca probe goes: the LAN broadcast on a box, 127.0.0.1 in tests. */
  alpacaAddress: string;
  alpacaPort: number;
  /** Folder of the ZWO libraries; the loader's search path when absent. */
  zwoLibraryDir?: string;
  /** Test seams: the by-id folder, INDI's catalogue folder and binary folder. */
  serialDir?: string;
  indiCatalogueDir?: string;
  indiBinDir?: string;
  clock: Clock;
  log: Logger;
}

export const DEFAULT_DISCOVERY_TIMEOUT_MS = 3000;

export class DiscoveryService implements Discovery {
  readonly #o: DiscoveryServiceOptions;

  constructor(options: DiscoveryServiceOptions) {
    this.#o = options;
  }

  async discover(request: DiscoverRequest): Promise<DiscoveryResult> {
    const timeoutMs = request.timeoutMs ?? DEFAULT_DISCOVERY_TIMEOUT_MS;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new RangeError(`timeoutMs must be a positive number, got ${timeoutMs}`);
    }
    const o = this.#o;
    const catalogueDir = o.indiCatalogueDir ?? INDI_CATALOGUE_DIR;
    const [serial_ports, zwo, indi, alpaca] = await Promise.all([
      this.#section("serial_ports", timeoutMs, { ports: [] }, () => serialSection(o.serialDir)),
      this.#section(
        "zwo",
        timeoutMs,
        { sdks: [] },
        () => zwoSection(zwoLibraries(o.zwoLibraryDir)),
      ),
      this.#section(
        "indi",
        timeoutMs,
        {
          found: false,
          reason: null,
          catalogue: `${catalogueDir}/drivers.xml`,
          groups: [],
          not_installed_count: 0,
        },
        () => indiSection(catalogueDir, o.indiBinDir ?? INDI_BIN_DIR),
      ),
      this.#section(
        "alpaca",
        timeoutMs,
        { skipped: !request.alpaca, address: o.alpacaAddress, port: o.alpacaPort, servers: [] },
        (signal) =>
          request.alpaca
            ? alpacaSection({
              address: o.alpacaAddress,
              port: o.alpacaPort,
              timeoutMs,
              signal,
            })
            : Promise.resolve({
              error: null,
              skipped: true,
              address: o.alpacaAddress,
              port: o.alpacaPort,
              servers: [],
            }),
      ),
    ]);
    return { serial_ports, zwo, indi, alpaca };
  }

  /**
   * Runs one source under its deadline. `empty` is the section's shape when it has nothing to
   * say, used with `error` when the source throws or misses the deadline.
   */
  async #section<T extends { error: string | null }>(
    name: string,
    timeoutMs: number,
    empty: Omit<T, "error">,
    work: (signal: AbortSignal) => Promise<T>,
  ): Promise<T & { elapsed_ms: number }> {
    const startMs = performance.now();
    const abort = new AbortController();
    const deadline = new AbortController();
    const elapsed = () => Math.round(performance.now() - startMs);
    const running = work(abort.signal);
    const timedOut = this.#o.clock.sleep(timeoutMs, deadline.signal).then(
      () => "timeout" as const,
      () => "cancelled" as const,
    );
    try {
      const outcome = await Promise.race([running, timedOut]);
      if (outcome === "timeout") {
        abort.abort();
        // Nobody waits for it any more; its end is only logged.
        running.then(
          () => this.#o.log.debug(`late ${name} discovery finished`),
          (err) => this.#o.log.debug(`late ${name} discovery failed`, { err: String(err) }),
        );
        const error = `${name} did not answer within ${timeoutMs} ms`;
        this.#o.log.warn("device discovery section timed out", { section: name, timeoutMs });
        return { ...empty, error, elapsed_ms: elapsed() } as T & { elapsed_ms: number };
      }
      if (outcome === "cancelled") throw new Error("unreachable: the deadline was cancelled");
      return { ...outcome, elapsed_ms: elapsed() };
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      this.#o.log.warn("device discovery section failed", { section: name, err: error });
      return { ...empty, error, elapsed_ms: elapsed() } as T & { elapsed_ms: number };
    } finally {
      deadline.abort();
    }
  }
}
