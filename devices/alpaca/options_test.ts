import assert from "node:assert/strict";
import { systemClock } from "../../lib/clock.ts";
import { contextFor } from "../../tests/contracts/_wait.ts";
import { parseOptions } from "../driver_catalogue.ts";
import { defaultRegistry } from "../registry.ts";
import { AlpacaOptions, AlpacaWeatherOptions } from "./options.ts";

const parse = (options: Record<string, unknown>) => parseOptions(AlpacaOptions, options, "alpaca");

Deno.test("alpaca options: defaults, and errors naming the option", () => {
  const o = parse({ host: "192.168.1.20" });
  assert.deepEqual([o.port, o.deviceNumber, o.pollMs, o.timeoutMs], [11111, 0, 200, 10_000]);
  const weather = (options: Record<string, unknown>) =>
    parseOptions(AlpacaWeatherOptions, options, "alpaca weather").safetyDeviceNumber;
  assert.equal(weather({}), 0);
  assert.equal(weather({ safetyDeviceNumber: null }), null);
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ host: "" }, /option host/],
    [{ host: "a b" }, /option host/],
    [{ port: 0 }, /option port/],
    [{ port: "11111" }, /option port/],
    [{ deviceNumber: -1 }, /option deviceNumber/],
    [{ deviceNumber: 1.5 }, /option deviceNumber/],
    [{ pollMs: 1 }, /option pollMs/],
    // The snake_case keys of earlier firmware are migrated in stored profiles, refused in new ones.
    [{ device_number: 0 }, /no option device_number/],
    [{ safetyDeviceNumber: 0 }, /no option safetyDeviceNumber/],
  ];
  for (const [options, pattern] of bad) assert.throws(() => parse(options), pattern);
  assert.throws(
    () => parseOptions(AlpacaWeatherOptions, { safetyDeviceNumber: "0" }, "alpaca"),
    /option safetyDeviceNumber/,
  );
});

Deno.test("alpaca drivers are registered for every kind they implement", async () => {
  const registry = defaultRegistry();
  for (
    const kind of [
      "mount",
      "camera",
      "focuser",
      "filterwheel",
      "rotator",
      "flatpanel",
      "dome",
      "weather",
    ] as const
  ) {
    const entry = registry[kind].alpaca;
    assert.ok(entry, `${kind} has an alpaca driver`);
    const ctx = contextFor(entry.options)(systemClock, { host: "127.0.0.1", port: 11111 });
    const device = await entry.create(ctx);
    assert.equal(device.kind, kind);
  }
  assert.throws(
    () => contextFor(registry.focuser.alpaca!.options)(systemClock, { port: 70000 }),
    /port/,
  );
});
