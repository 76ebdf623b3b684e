/**
 * The weather contract suite, run by every weather / safety driver through its harness: readings
 * are physically plausible, unmeasured sensors read null, refresh stamps a new reading and emits,
 * the verdict agrees with its reasons, and an override (where supported) takes effect at once —
 * or answers 409 where it is not.
 */
import assert from "node:assert/strict";
import type { Weather, WeatherConditions } from "../../devices/weather.ts";
import {
  assertConnectCycle,
  assertRejectsArgument,
  assertRejectsDisconnected,
  assertRejectsStatus,
  contractCase,
  type ContractHarness,
  recordStatuses,
  waitFor,
} from "./_wait.ts";

export type WeatherHarness = ContractHarness<Weather>;

/** Plausible bounds per reading (the Earth's records, loosely). */
const PLAUSIBLE: Record<keyof WeatherConditions, [number, number]> = {
  temperatureC: [-60, 60],
  humidityPct: [0, 100],
  dewPointC: [-80, 60],
  pressureHPa: [300, 1100],
  windSpeedMS: [0, 80],
  windGustMS: [0, 120],
  windDirectionDeg: [0, 360],
  cloudCoverPct: [0, 100],
  rainRateMmH: [0, 500],
  skyQualityMagArcsec2: [0, 25],
  skyTemperatureC: [-100, 60],
  starFwhmArcsec: [0, 30],
};

export function weatherContractSuite(driverName: string, harness: WeatherHarness): void {
  const test = (
    name: string,
    body: (w: Weather, timeoutMs: number) => Promise<void>,
    connect = true,
  ) => contractCase("weather", driverName, harness, name, body, { connect });

  test(
    "connects and disconnects",
    (w, timeoutMs) => assertConnectCycle(w, "weather", timeoutMs),
    false,
  );

  test("refuses commands while disconnected", async (w) => {
    await assertRejectsDisconnected(() => w.refresh(), "refresh");
  }, false);

  test("readings are plausible; unmeasured sensors read null", async (w) => {
    await w.refresh();
    const { conditions } = w.status();
    const sensors = new Set(w.capabilities.sensors);
    for (const key of Object.keys(PLAUSIBLE) as (keyof WeatherConditions)[]) {
      const value = conditions[key];
      if (!sensors.has(key)) {
        assert.equal(value, null, `${key} is not a declared sensor but reads ${value}`);
        continue;
      }
      if (value === null) continue; // a sensor may be momentarily without a reading
      const [low, high] = PLAUSIBLE[key];
      assert.ok(value >= low && value <= high, `${key} = ${value} outside [${low}, ${high}]`);
    }
    const { temperatureC, dewPointC } = conditions;
    if (temperatureC !== null && dewPointC !== null) {
      assert.ok(dewPointC <= temperatureC + 0.1, `dew point ${dewPointC} > air ${temperatureC}`);
    }
  });

  test("refresh stamps a new reading and emits", async (w, timeoutMs) => {
    const before = w.status().updatedAtMs;
    const { statuses, stop } = recordStatuses(w);
    try {
      await w.refresh();
      await waitFor(() => statuses.length > 0, timeoutMs, "onStatus after refresh");
      assert.ok(w.status().updatedAtMs >= before, "updatedAtMs went backwards");
      assert.ok(Number.isFinite(w.status().updatedAtMs), "updatedAtMs");
    } finally {
      stop();
    }
  });

  test("the verdict agrees with its reasons", (w) => {
    const s = w.status();
    assert.equal(s.override, null);
    assert.equal(s.safe, s.unsafeReasons.length === 0, JSON.stringify(s.unsafeReasons));
    for (const reason of s.unsafeReasons) assert.ok(reason.length > 0);
    return Promise.resolve();
  });

  test("overrideSafety forces the verdict at once, and emits", async (w, timeoutMs) => {
    if (!w.capabilities.canOverrideSafety) {
      await assertRejectsStatus(() => w.overrideSafety(true), 409, "overrideSafety");
      return;
    }
    const { statuses, stop } = recordStatuses(w);
    try {
      await w.overrideSafety(false);
      assert.deepEqual([w.status().safe, w.status().override], [false, false]);
      assert.ok(w.status().unsafeReasons.length > 0, "unsafe without a reason");
      await waitFor(() => statuses.some((s) => s.override === false), timeoutMs, "emit");
      await w.overrideSafety(true);
      assert.deepEqual([w.status().safe, w.status().override], [true, true]);
      assert.deepEqual(w.status().unsafeReasons, []);
      await w.overrideSafety(null);
      assert.equal(w.status().override, null);
      assert.equal(w.status().safe, w.status().unsafeReasons.length === 0);
    } finally {
      stop();
    }
  });

  test("rejects an invalid override", async (w) => {
    if (!w.capabilities.canOverrideSafety) return;
    await assertRejectsArgument(
      () => w.overrideSafety("yes" as unknown as boolean),
      'overrideSafety("yes")',
    );
    assert.equal(w.status().override, null);
  });
}
