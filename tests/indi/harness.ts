/**
 * Runs a contract suite against an INDI driver talking to a real indiserver: the server is
 * started once per test file (at module load, before any test, so no test owns its process) and
 * stopped by a final test; every case builds a fresh driver aimed at it. Without indi-bin the
 * cases are registered as ignored, naming the missing package.
 */
import { systemClock } from "../../lib/clock.ts";
import type { DriverContext } from "../../devices/device.ts";
import { IndiOptions } from "../../devices/indi/options.ts";
import { contextFor } from "../contracts/_wait.ts";
import { hasIndiServer, type IndiServerHandle, startIndiServer } from "./indiserver.ts";

const indiContext = contextFor(IndiOptions);

export interface IndiFixture {
  server: IndiServerHandle | null;
  /** Why the INDI tests cannot run here, or null. */
  missing: string | null;
  context(device: string): DriverContext<IndiOptions>;
}

/** Starts indiserver with `drivers` and registers the test that stops it (call last). */
export async function indiFixture(drivers: string[]): Promise<IndiFixture> {
  if (!hasIndiServer()) {
    return {
      server: null,
      missing: "indiserver is not installed (apt-get install indi-bin)",
      context: (device) => indiContext(systemClock, { device }),
    };
  }
  const server = await startIndiServer(drivers);
  // A run filtered down to a few tests never reaches the stopping test: kill it on exit anyway.
  globalThis.addEventListener("unload", () => void server.stop());
  return {
    server,
    missing: null,
    context: (device) => indiContext(systemClock, { port: server.port, device }),
  };
}

/** Registers the test that stops the fixture's server; register it after every other test. */
export function stopFixtureTest(fixture: IndiFixture): void {
  Deno.test({
    name: "indiserver stops",
    ignore: fixture.server === null,
    // The server's process was started outside any test; stopping it completes its status op.
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      await fixture.server?.stop();
    },
  });
}

/** Every case of a suite skipped with the same reason (no indiserver). */
export function skipAll(cases: readonly string[], reason: string): Record<string, string> {
  return Object.fromEntries(cases.map((c) => [c, reason]));
}

/**
 * One number of a device's property as indi_getprop (indi-bin's own client) reads it: a view of
 * the device that does not go through our INDI client.
 */
export async function indiGetNumber(
  port: number,
  device: string,
  property: string,
  element: string,
): Promise<number> {
  const out = await new Deno.Command("indi_getprop", {
    args: ["-p", String(port), "-t", "5", "-1", `${device}.${property}.${element}`],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim();
  const value = Number(text);
  if (!out.success || text === "" || !Number.isFinite(value)) {
    throw new Error(
      `indi_getprop ${device}.${property}.${element} answered "${text}": ` +
        new TextDecoder().decode(out.stderr).trim(),
    );
  }
  return value;
}
