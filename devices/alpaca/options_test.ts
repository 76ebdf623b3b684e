import assert from "node:assert/strict";
import { systemClock } from "../../lib/clock.ts";
import { harnessContext } from "../../tests/contracts/_wait.ts";
import { defaultRegistry } from "../registry.ts";
import { parseAlpacaOptions } from "./options.ts";

Deno.test("alpaca options: defaults, and errors naming the option", () => {
  const o = parseAlpacaOptions({ host: "192.168.1.20" });
  assert.deepEqual([o.port, o.deviceNumber, o.safetyDeviceNumber], [11111, 0, 0]);
  assert.equal(parseAlpacaOptions({ safety_device_number: null }).safetyDeviceNumber, null);
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ host: "" }, /option host/],
    [{ host: "a b" }, /option host/],
    [{ port: 0 }, /option port/],
    [{ port: "11111" }, /option port/],
    [{ device_number: -1 }, /option device_number/],
    [{ device_number: 1.5 }, /option device_number/],
    [{ poll_ms: 1 }, /option poll_ms/],
    [{ safety_device_number: "0" }, /option safety_device_number/],
  ];
  for (const [options, pattern] of bad) assert.throws(() => parseAlpacaOptions(options), pattern);
});

Deno.test("alpaca drivers are registered for every kind they implement", async () => {
  const registry = defaultRegistry();
  const ctx = harnessContext(systemClock, { host: "127.0.0.1", port: 11111 });
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
    const factory = (registry[kind] as Record<
      string,
      (c: typeof ctx) => { kind: string } | Promise<{ kind: string }>
    >).alpaca;
    assert.ok(factory, `${kind} has an alpaca driver`);
    const device = await factory(ctx);
    assert.equal(device.kind, kind);
  }
  await assert.rejects(
    async () => await registry.focuser.alpaca!(harnessContext(systemClock, { port: 70000 })),
    /port/,
  );
});
