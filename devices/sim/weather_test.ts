import assert from "node:assert/strict";
import { ManualClock, systemClock } from "../../lib/clock.ts";
import { weatherContractSuite } from "../../tests/contracts/weather_suite.ts";
import { contextFor, delay } from "../../tests/contracts/_wait.ts";
import { SimWeatherOptions } from "./weather_options.ts";

const context = contextFor(SimWeatherOptions);
import { dewPointC, SimWeather } from "./weather.ts";

weatherContractSuite("sim", {
  create: () => Promise.resolve(new SimWeather(context(systemClock, { refreshSeconds: 0.2 }))),
  dispose: async (w) => {
    (w as SimWeather).faults.clear();
    await w.disconnect();
  },
});

Deno.test("SimWeather: a calm default night is safe and plausible", async () => {
  const clock = new ManualClock();
  // An hourly timer: the ManualClock wakes each refresh, and 30 h of 10 s ticks would be slow.
  const w = new SimWeather(context(clock, { refreshSeconds: 3600 }));
  await w.connect();
  try {
    for (let hour = 0; hour < 30; hour++) {
      await w.refresh();
      const s = w.status();
      assert.ok(s.safe, `hour ${hour}: ${s.unsafeReasons.join("; ")}`);
      const c = s.conditions;
      assert.ok((c.dewPointC ?? NaN) < (c.temperatureC ?? NaN), `hour ${hour} dew point`);
      assert.equal(c.starFwhmArcsec, null);
      await clock.advance(3_600_000);
    }
  } finally {
    await w.disconnect();
  }
});

Deno.test("SimWeather: the air cools through the night, deterministically", async () => {
  const clock = new ManualClock();
  const a = new SimWeather(context(clock, { baseTemperatureC: 15, refreshSeconds: 3600 }));
  const b = new SimWeather(context(clock, { baseTemperatureC: 15, refreshSeconds: 3600 }));
  await Promise.all([a.connect(), b.connect()]);
  try {
    const eveningC = a.status().conditions.temperatureC ?? NaN;
    await clock.advance(6 * 3_600_000);
    await Promise.all([a.refresh(), b.refresh()]);
    const midnightC = a.status().conditions.temperatureC ?? NaN;
    assert.ok(midnightC < eveningC - 3, `${eveningC} → ${midnightC}`);
    assert.deepEqual(a.status().conditions, b.status().conditions);
  } finally {
    await Promise.all([a.disconnect(), b.disconnect()]);
  }
});

Deno.test("SimWeather: Magnus dew point matches reference values", () => {
  // Reference: Sonntag-constant Magnus form; 20 °C / 50 % → 9.26 °C, 0 °C / 100 % → 0 °C.
  assert.ok(Math.abs(dewPointC(20, 50) - 9.26) < 0.05, `${dewPointC(20, 50)}`);
  assert.ok(Math.abs(dewPointC(0, 100)) < 1e-9);
  assert.ok(Math.abs(dewPointC(30, 80) - 26.17) < 0.05, `${dewPointC(30, 80)}`);
});

Deno.test("SimWeather: a fixed wind above the limit makes it unsafe with a reason", async () => {
  const w = new SimWeather(
    context(new ManualClock(), { fixed: { windSpeedMS: 14.2, humidityPct: 95, temperatureC: 8 } }),
  );
  await w.connect();
  try {
    const s = w.status();
    assert.equal(s.safe, false);
    assert.ok(s.unsafeReasons.includes("wind 14.2 m/s > 12"), s.unsafeReasons.join("; "));
    assert.ok(s.unsafeReasons.includes("humidity 95.0 % > 90"), s.unsafeReasons.join("; "));
    assert.equal(s.conditions.dewPointC, Math.round(dewPointC(8, 95) * 100) / 100);
  } finally {
    await w.disconnect();
  }
});

Deno.test("SimWeather: custom limits; override wins and emits; disconnected is unsafe", async () => {
  const w = new SimWeather(
    context(new ManualClock(), { limits: { maxWindMS: 30 }, fixed: { windSpeedMS: 20 } }),
  );
  assert.deepEqual(w.status().unsafeReasons, ["weather station not connected"]);
  await w.connect();
  const overrides: (boolean | null)[] = [];
  w.onStatus((s) => overrides.push(s.override));
  try {
    assert.equal(w.status().safe, true);
    await w.overrideSafety(false);
    assert.equal(w.status().safe, false);
    assert.deepEqual(w.status().unsafeReasons, ["forced unsafe by override"]);
    await w.overrideSafety(null);
    assert.equal(w.status().safe, true);
    assert.deepEqual(overrides, [false, null]);
  } finally {
    await w.disconnect();
  }
});

Deno.test("SimWeather: the refresh timer emits every refreshSeconds", async () => {
  const clock = new ManualClock();
  const w = new SimWeather(context(clock, { refreshSeconds: 10 }));
  const stamps: number[] = [];
  w.onStatus((s) => stamps.push(s.updatedAtMs));
  await w.connect();
  try {
    const startMs = clock.now();
    await clock.advance(30_000);
    assert.deepEqual(stamps, [startMs, startMs + 10_000, startMs + 20_000, startMs + 30_000]);
  } finally {
    await w.disconnect();
  }
  await clock.advance(30_000);
  assert.equal(stamps.length, 5); // the disconnect emitted once; the timer is gone
});

Deno.test("SimWeather: options validated; faults injected", async () => {
  const clock = new ManualClock();
  assert.throws(
    () => new SimWeather(context(clock, { limits: { maxWind: 3 } })),
    /limits\.maxWind/,
  );
  assert.throws(() => new SimWeather(context(clock, { limits: { maxGustMS: -1 } })), /maxGustMS/);
  assert.throws(() => new SimWeather(context(clock, { fixed: { windSpeedMS: "x" } })), /fixed/);
  assert.throws(() => new SimWeather(context(clock, { refreshSeconds: 0 })), /refreshSeconds/);
  const w = new SimWeather(context(clock));
  await w.connect();
  try {
    w.faults.set("refresh", "throw");
    await assert.rejects(() => w.refresh(), /simulated failure in refresh/);
    w.faults.set("refresh", "hang");
    const outcome = await Promise.race([
      w.refresh().then(() => "resolved"),
      delay(50).then(() => "hung"),
    ]);
    assert.equal(outcome, "hung");
  } finally {
    w.faults.clear();
    await w.disconnect();
  }
});
