/**
 * The box's own indiserver. When the active profile gives an INDI role a `driver` (the binary,
 * e.g. "indi_simulator_telescope") and points it at the box's INDI port, the box runs
 * `indiserver -p <port>` with exactly those drivers — on 7625 by default, since OpenSkyLab's API
 * owns INDI's usual 7624 — and restarts it when the set of drivers changes (a profile switch).
 * Drivers that crash are restarted by indiserver itself (`-r`). Stopping is SIGTERM, so
 * indiserver reaps its drivers rather than orphaning them.
 */
import { join } from "node:path";
import type { Logger } from "../../lib/log.ts";
import type { RigPlan } from "../rig.ts";
import { DEFAULT_INDI_HOST } from "./options.ts";

const LOCAL_HOSTS = new Set([DEFAULT_INDI_HOST, "localhost", "::1"]);
const DRIVER_NAME = /^indi_[A-Za-z0-9_]+$/;
/** How long a fresh indiserver gets to start listening. */
const LISTEN_TIMEOUT_MS = 10_000;

export interface IndiServerManagerOptions {
  port: number;
  /** Folder for indiserver's local socket and the drivers' HOME (their saved settings). */
  stateDir: string;
  log: Logger;
  /** The indiserver binary (name on PATH or a path). */
  binary?: string;
  /** Where driver binaries must exist. */
  binDir?: string;
}

/**
 * The INDI driver binaries the plan asks the box to run on its own port, sorted and unique. A
 * role that names a driver but no port is pointed at the box's port here (in the plan), so the
 * driver connects to the indiserver that runs it.
 */
export function managedDrivers(plan: RigPlan, port: number): string[] {
  const drivers = new Set<string>();
  for (const assignment of Object.values(plan.roles)) {
    if (assignment?.driver !== "indi") continue;
    const o = assignment.options;
    if (typeof o.driver !== "string") continue;
    const host = typeof o.host === "string" ? o.host : DEFAULT_INDI_HOST;
    if (o.port === undefined && LOCAL_HOSTS.has(host)) {
      assignment.options = { ...o, port };
    }
    const rolePort = assignment.options.port;
    if (LOCAL_HOSTS.has(host) && rolePort === port) drivers.add(o.driver);
  }
  return [...drivers].sort();
}

export class IndiServerManager {
  #o: Required<IndiServerManagerOptions>;
  #child: Deno.ChildProcess | null = null;
  #drivers: string[] = [];

  constructor(options: IndiServerManagerOptions) {
    this.#o = { binary: "indiserver", binDir: "/usr/bin", ...options };
  }

  /** The drivers the running indiserver has (empty when none runs). */
  get drivers(): string[] {
    return [...this.#drivers];
  }

  get running(): boolean {
    return this.#child !== null;
  }

  /**
   * Makes the box's indiserver run exactly `drivers`: nothing when the set is empty, a restart
   * when it changed. Rejects (with the reason) when a driver is not installed or indiserver
   * does not come up; the INDI roles then keep retrying like any unreachable device.
   */
  async ensure(drivers: string[]): Promise<void> {
    const wanted = [...new Set(drivers)].sort();
    if (this.#child && sameList(wanted, this.#drivers)) return;
    await this.stop();
    if (wanted.length === 0) return;
    for (const driver of wanted) {
      if (!DRIVER_NAME.test(driver)) {
        throw new RangeError(`options.driver must name an INDI driver binary, got "${driver}"`);
      }
      try {
        await Deno.stat(join(this.#o.binDir, driver));
      } catch {
        throw new Error(
          `INDI driver ${driver} is not installed in ${this.#o.binDir} (Debian: indi-bin or a 3rd-party INDI package)`,
        );
      }
    }
    await Deno.mkdir(this.#o.stateDir, { recursive: true });
    const child = new Deno.Command(this.#o.binary, {
      // -u: a socket of our own, so the box's server never clashes with another on /tmp/indiserver.
      args: [
        "-p",
        String(this.#o.port),
        "-r",
        "10",
        "-u",
        join(this.#o.stateDir, "indiserver.sock"),
        ...wanted,
      ],
      env: { HOME: this.#o.stateDir },
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    this.#child = child;
    this.#drivers = wanted;
    child.status.then((status) => {
      if (this.#child !== child) return;
      this.#child = null;
      this.#drivers = [];
      this.#o.log.error("the box's indiserver exited", {
        code: status.code,
        signal: status.signal,
      });
    });
    try {
      await waitListening(this.#o.port, LISTEN_TIMEOUT_MS);
    } catch (err) {
      await this.stop();
      throw err;
    }
    this.#o.log.info("indiserver started", { port: this.#o.port, drivers: wanted });
  }

  /** Stops the box's indiserver (and so its drivers) and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = null;
    this.#drivers = [];
    if (!child) return;
    try {
      child.kill("SIGTERM");
    } catch {
      // Exited already.
    }
    await child.status;
    this.#o.log.info("indiserver stopped", { port: this.#o.port });
  }
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Resolves once something accepts TCP connections on the loopback port. */
export async function waitListening(port: number, timeoutMs: number): Promise<void> {
  // I/O deadlines run on the monotonic clock: setting the box's time must not cut them short.
  const deadlineMs = performance.now() + timeoutMs;
  while (performance.now() < deadlineMs) {
    try {
      const conn = await Deno.connect({ hostname: DEFAULT_INDI_HOST, port });
      conn.close();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`indiserver did not listen on port ${port} within ${timeoutMs / 1000} s`);
}
