/**
 * Every driver of every family has an options schema, and each one: accepts its minimal options,
 * parses its own output to the same value (a profile is checked when saved and parsed again when
 * applied), refuses a bad value naming the field, refuses a key it does not know (or drops it and
 * says so when asked to ignore), and turns into a JSON Schema a form can be built from. The table
 * below must name every driver in the registry, so a new driver cannot arrive without these.
 */
import { z } from "zod";
import { assert, assertEquals, assertMatch } from "../tests/_assert.ts";
import { DEVICE_KINDS } from "./device.ts";
import { checkOptions, type DriverSpec } from "./driver_catalogue.ts";
import { defaultRegistry, driverCatalogue } from "./registry.ts";

const PORT = { path: "/dev/ttyUSB0" };

/** kind/driver → [minimal valid options, one bad option, the field it must be named by]. */
const CASES: Record<string, [Record<string, unknown>, Record<string, unknown>, string]> = {
  "mount/sim": [{}, { slewRateDegPerS: 5000 }, "options.slewRateDegPerS"],
  "mount/alpaca": [{}, { deviceNumber: -1 }, "options.deviceNumber"],
  "mount/lx200": [PORT, { ...PORT, horizonLimitDeg: 95 }, "options.horizonLimitDeg"],
  "mount/onstep": [PORT, { ...PORT, alignment: "dobsonian" }, "options.alignment"],
  "mount/synscan": [PORT, { ...PORT, baud: 12345 }, "options.baud"],
  "mount/nexstar": [PORT, { path: "" }, "options.path"],
  "mount/indi": [{ device: "Telescope Simulator" }, { device: "T", port: 0 }, "options.port"],
  "camera/sim": [{}, { widthPx: 8 }, "options.widthPx"],
  "camera/zwo": [{}, { pollIntervalMs: 0 }, "options.pollIntervalMs"],
  "camera/alpaca": [{}, { pollMs: 5 }, "options.pollMs"],
  "camera/indi": [{ device: "CCD Simulator" }, {}, "options.device"],
  "focuser/sim": [{}, { maxPosition: 0 }, "options.maxPosition"],
  "focuser/moonlite": [PORT, { ...PORT, maxPosition: 70000 }, "options.maxPosition"],
  "focuser/zwo": [{}, { index: 0, name: "EAF" }, "options.name"],
  "focuser/alpaca": [{}, { host: "a b" }, "options.host"],
  "focuser/indi": [{ device: "Focuser Simulator" }, { device: "" }, "options.device"],
  "filterwheel/sim": [{}, { startSlot: 7 }, "options.startSlot"],
  "filterwheel/zwo": [{}, { filters: [] }, "options.filters"],
  "filterwheel/alpaca": [{}, { timeoutMs: 1 }, "options.timeoutMs"],
  "filterwheel/indi": [
    { device: "Filter Simulator" },
    { device: "W", driver: "wheel" },
    "options.driver",
  ],
  "rotator/sim": [{}, { speedDegPerS: -1 }, "options.speedDegPerS"],
  "rotator/alpaca": [{}, { port: 70000 }, "options.port"],
  "rotator/indi": [{ device: "Rotator Simulator" }, { device: "R", host: "" }, "options.host"],
  "flatpanel/sim": [{}, { maxBrightness: 0 }, "options.maxBrightness"],
  "flatpanel/alnitak": [PORT, { ...PORT, timeoutMs: 5 }, "options.timeoutMs"],
  "flatpanel/alpaca": [{}, { deviceNumber: 0.5 }, "options.deviceNumber"],
  "flatpanel/indi": [{ device: "Light Panel Simulator" }, { device: 7 }, "options.device"],
  "dome/sim": [{}, { parkAzimuthDeg: 400 }, "options.parkAzimuthDeg"],
  "dome/alpaca": [{}, { host: "" }, "options.host"],
  "dome/indi": [{ device: "Dome Simulator" }, { device: "D", port: 1.5 }, "options.port"],
  "weather/sim": [{}, { limits: { maxWindMS: -1 } }, "options.limits.maxWindMS"],
  "weather/alpaca": [{}, { safetyDeviceNumber: "0" }, "options.safetyDeviceNumber"],
  "weather/indi": [{ device: "Weather Simulator" }, { device: "W", port: "7625" }, "options.port"],
  "guider/sim": [{}, { correctionGain: 2 }, "options.correctionGain"],
  "guider/phd2": [{}, { instance: 0 }, "options.instance"],
};

function specs(): [string, DriverSpec][] {
  const catalogue = driverCatalogue(defaultRegistry());
  return DEVICE_KINDS.flatMap((kind) =>
    catalogue.drivers(kind).map((spec) => [`${kind}/${spec.id}`, spec] as [string, DriverSpec])
  );
}

Deno.test("driver options: the table covers every driver in the registry", () => {
  assertEquals(specs().map(([name]) => name).sort(), Object.keys(CASES).sort());
});

Deno.test("driver options: each schema takes its minimal options and re-parses to the same", () => {
  for (const [name, spec] of specs()) {
    const [minimal] = CASES[name]!;
    const once = checkOptions(spec, minimal, "refuse");
    assert(once.ok, `${name}: ${JSON.stringify(once)}`);
    const twice = checkOptions(spec, once.options, "refuse");
    assert(twice.ok, `${name} refuses its own output: ${JSON.stringify(twice)}`);
    assertEquals(twice.options, once.options, name);
  }
});

Deno.test("driver options: a bad value is refused naming the field", () => {
  for (const [name, spec] of specs()) {
    const [, bad, field] = CASES[name]!;
    const result = checkOptions(spec, bad, "refuse");
    assert(!result.ok, `${name} accepted ${JSON.stringify(bad)}`);
    assert(
      result.issues.some((issue) => issue.field === field && issue.reason.length > 0),
      `${name}: expected ${field} among ${JSON.stringify(result.issues)}`,
    );
  }
  // The reason says what would have been right and what was given.
  const [, mount] = specs().find(([name]) => name === "mount/sim")!;
  const refused = checkOptions(mount, { slewRateDegPerS: 5000 }, "refuse");
  assertEquals(refused.ok ? [] : refused.issues, [
    { field: "options.slewRateDegPerS", reason: "must be ≤ 1000, got 5000" },
  ]);
  // A check across fields says what it compared, and only that.
  const [, focuser] = specs().find(([name]) => name === "focuser/sim")!;
  const across = checkOptions(focuser, { maxPosition: 10, startPosition: 20 }, "refuse");
  assertEquals(across.ok ? [] : across.issues, [
    { field: "options.startPosition", reason: "must be ≤ maxPosition (10), got 20" },
  ]);
});

Deno.test("driver options: an unknown key is refused by name, or dropped when told to ignore", () => {
  for (const [name, spec] of specs()) {
    const [minimal] = CASES[name]!;
    const typo = { ...minimal, slewRateDegPerSec: 2 };
    const refused = checkOptions(spec, typo, "refuse");
    assert(!refused.ok, `${name} accepted an unknown key`);
    assertEquals(refused.issues.map((i) => i.field), ["options.slewRateDegPerSec"], name);
    assertMatch(refused.issues[0]!.reason, /is not an option of the .* driver \(known: /);
    const ignored = checkOptions(spec, typo, "ignore");
    assert(ignored.ok, `${name}: ${JSON.stringify(ignored)}`);
    assertEquals(ignored.ignoredKeys, ["options.slewRateDegPerSec"], name);
    assertEquals("slewRateDegPerSec" in ignored.options, false);
  }
  // Nested objects are strict too.
  const [, weather] = specs().find(([name]) => name === "weather/sim")!;
  const nested = checkOptions(weather, { limits: { maxWind: 3 } }, "refuse");
  assertEquals(nested.ok ? [] : nested.issues.map((i) => i.field), ["options.limits.maxWind"]);
});

Deno.test("driver options: camelCase keys only, and a JSON Schema for every driver", () => {
  for (const [name, spec] of specs()) {
    const json = z.toJSONSchema(spec.options, { io: "input", unrepresentable: "any" });
    const text = JSON.stringify(json);
    assertMatch(text, /"additionalProperties":false/, name);
    const defs = (json as { $defs?: Record<string, { properties?: object }> }).$defs ?? {};
    const root = Object.values(defs)[0]?.properties ??
      (json as { properties?: object }).properties ?? {};
    for (const key of Object.keys(root)) {
      assertMatch(key, /^[a-z][A-Za-z0-9]*$/, `${name}: option ${key} is not camelCase`);
    }
  }
});
