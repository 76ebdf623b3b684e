/**
 * A Wi-Fi manager for the tests of core/wifi/: a temporary data dir, a bus that validates its
 * events, a quiet log, timers of an hour unless a test sets its own, and the kernel's link up (a
 * test never reads this machine's own radio). It is started, given to the test, then stopped and
 * its dir removed.
 */
import { systemClock } from "../../lib/clock.ts";
import { silentLogger } from "../../lib/log.ts";
import { EventBus } from "../event_bus.ts";
import { WifiManager, type WifiManagerOptions } from "./wifi_manager.ts";

export async function withStartedManager<T>(
  options: Pick<WifiManagerOptions, "nm"> & Partial<WifiManagerOptions>,
  fn: (wifi: WifiManager, bus: EventBus) => Promise<T>,
): Promise<T> {
  const dataDir = await Deno.makeTempDir({ prefix: "openskylab-wifi-" });
  const bus = options.bus ?? new EventBus({ clock: systemClock, validate: true });
  const wifi = new WifiManager({
    apScanner: null,
    log: silentLogger,
    clock: systemClock,
    serial: () => Promise.resolve("0123456789abcdef"),
    pollEveryMs: 3_600_000,
    watchdogEveryMs: 3_600_000,
    carrier: () => Promise.resolve(true),
    ...options,
    bus,
    dataDir,
  });
  try {
    await wifi.start();
    return await fn(wifi, bus);
  } finally {
    await wifi.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
}
