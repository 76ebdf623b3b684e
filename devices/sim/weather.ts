/**
 * Simulated weather station and safety monitor. Readings are pure functions of the clock: the air
 * cools through the night on a 24 h cycle, humidity rises as it cools, the dew point follows from
 * both (Magnus formula), pressure sits at the site's elevation, and wind, cloud and sky quality
 * wander on incommensurate periods, so a test run is reproducible yet looks alive. Options `fixed`
 * pin any reading (to make the station unsafe through its real limits), `limits` set the safety
 * thresholds, `refreshSeconds` (10) paces the sensor timer, `baseTemperatureC` (12) the evening air.
 * A station that is not connected is unsafe: the verdict fails closed.
 */
import type { Clock } from "../../lib/clock.ts";
import type { DeviceInfo, DriverContext } from "../device.ts";
import type { Weather, WeatherCapabilities, WeatherConditions, WeatherStatus } from "../weather.ts";
import type { SimFaults, Simulated } from "./faults.ts";
import type { SimWeatherOptions, WeatherLimits } from "./weather_options.ts";
import { repeat, type Repeater, roundTo, SimLink, wrapDeg } from "./motion.ts";

const CONDITION_KEYS: (keyof WeatherConditions)[] = [
  "temperatureC",
  "humidityPct",
  "dewPointC",
  "pressureHPa",
  "windSpeedMS",
  "windGustMS",
  "windDirectionDeg",
  "cloudCoverPct",
  "rainRateMmH",
  "skyQualityMagArcsec2",
  "skyTemperatureC",
  "starFwhmArcsec",
];

export class SimWeather implements Weather, Simulated {
  readonly kind = "weather" as const;
  readonly info: DeviceInfo = {
    name: "Simulated weather station",
    driver: "sim",
    description: "Weather station and safety monitor with drifting, reproducible readings",
    driverVersion: "1.0",
  };
  /** No seeing monitor: starFwhmArcsec stays null, as on most amateur stations. */
  readonly capabilities: WeatherCapabilities = {
    sensors: CONDITION_KEYS.filter((key) => key !== "starFwhmArcsec"),
    canOverrideSafety: true,
  };
  readonly faults: SimFaults;
  readonly #clock: Clock;
  readonly #link: SimLink<WeatherStatus>;
  readonly #limits: WeatherLimits;
  readonly #fixed: Partial<WeatherConditions>;
  readonly #refreshMs: number;
  readonly #baseTemperatureC: number;
  readonly #elevationM: number;
  readonly #createdAtMs: number;
  #conditions: WeatherConditions;
  #updatedAtMs: number;
  #override: boolean | null = null;
  #timer: Repeater | null = null;

  constructor(ctx: DriverContext<SimWeatherOptions>) {
    this.#limits = ctx.options.limits;
    this.#fixed = Object.fromEntries(
      Object.entries(ctx.options.fixed).filter(([, value]) => value !== undefined),
    );
    this.#refreshMs = ctx.options.refreshSeconds * 1000;
    this.#baseTemperatureC = ctx.options.baseTemperatureC;
    this.#elevationM = ctx.site.elevationM;
    this.#clock = ctx.clock;
    this.#createdAtMs = ctx.clock.now();
    this.#conditions = this.#read();
    this.#updatedAtMs = ctx.clock.now();
    this.#link = new SimLink({
      kind: "weather",
      clock: ctx.clock,
      snapshot: () => this.status(),
      busy: () => false,
      onConnect: () => {
        this.#sample();
        this.#timer = repeat(this.#clock, this.#refreshMs, () => {
          this.#sample();
          this.#link.changed();
        });
      },
      onDrop: () => {
        this.#timer?.stop();
        this.#timer = null;
      },
    });
    this.faults = this.#link.faults;
  }

  connect(signal?: AbortSignal): Promise<void> {
    return this.#link.connect(signal);
  }

  disconnect(): Promise<void> {
    return this.#link.disconnect();
  }

  status(): WeatherStatus {
    const sensorReasons = this.#link.connected
      ? unsafeReasons(this.#conditions, this.#limits)
      : ["weather station not connected"];
    const safe = this.#override ?? sensorReasons.length === 0;
    return {
      connected: this.#link.connected,
      conditions: { ...this.#conditions },
      safe,
      unsafeReasons: safe
        ? []
        : this.#override === false
        ? ["forced unsafe by override", ...sensorReasons]
        : sensorReasons,
      override: this.#override,
      updatedAtMs: this.#updatedAtMs,
    };
  }

  onStatus(listener: (status: WeatherStatus) => void): () => void {
    return this.#link.onStatus(listener);
  }

  onLost(listener: (reason: string) => void): () => void {
    return this.#link.onLost(listener);
  }

  async refresh(): Promise<void> {
    await this.#link.command("refresh");
    this.#sample();
    this.#link.changed();
  }

  async overrideSafety(safe: boolean | null): Promise<void> {
    await this.#link.command("overrideSafety");
    if (safe !== null && typeof safe !== "boolean") {
      throw new RangeError(`safe must be true, false or null, got ${JSON.stringify(safe)}`);
    }
    this.#override = safe;
    this.#link.changed();
  }

  #sample(): void {
    this.#conditions = this.#read();
    this.#updatedAtMs = this.#clock.now();
  }

  #read(): WeatherConditions {
    const hours = (this.#clock.now() - this.#createdAtMs) / 3_600_000;
    const simulated = simulateConditions(hours, this.#baseTemperatureC, this.#elevationM);
    const merged = { ...simulated, ...this.#fixed };
    // Pinning temperature or humidity must move the dew point with them, as physics would.
    if (!("dewPointC" in this.#fixed)) {
      merged.dewPointC = merged.temperatureC === null || merged.humidityPct === null
        ? null
        : roundTo(dewPointC(merged.temperatureC, merged.humidityPct), 2);
    }
    return merged;
  }
}

/** Dew point from air temperature and relative humidity (Magnus, Sonntag 1990 constants). */
export function dewPointC(temperatureC: number, humidityPct: number): number {
  const b = 17.62;
  const cC = 243.12;
  const gamma = Math.log(Math.max(humidityPct, 0.1) / 100) +
    (b * temperatureC) / (cC + temperatureC);
  return (cC * gamma) / (b - gamma);
}

/** One line per exceeded limit, e.g. "wind 14.2 m/s > 12". */
export function unsafeReasons(c: WeatherConditions, limits: WeatherLimits): string[] {
  const checks: [string, number | null, string, number][] = [
    ["wind", c.windSpeedMS, "m/s", limits.maxWindMS],
    ["gust", c.windGustMS, "m/s", limits.maxGustMS],
    ["humidity", c.humidityPct, "%", limits.maxHumidityPct],
    ["cloud cover", c.cloudCoverPct, "%", limits.maxCloudCoverPct],
    ["rain", c.rainRateMmH, "mm/h", limits.maxRainRateMmH],
  ];
  return checks
    .filter(([, value, , limit]) => value !== null && value > limit)
    .map(([label, value, unit, limit]) => `${label} ${value?.toFixed(1)} ${unit} > ${limit}`);
}

/** A clear, calm, slowly cooling night; every value stays inside the default limits. */
function simulateConditions(
  hours: number,
  baseTemperatureC: number,
  elevationM: number,
): WeatherConditions {
  const wave = (periodH: number, phase = 0) => Math.sin((2 * Math.PI * hours) / periodH + phase);
  const temperatureC = baseTemperatureC + 5 * (Math.cos((2 * Math.PI * hours) / 24) - 1) +
    0.3 * wave(0.6);
  const humidityPct = Math.min(
    100,
    Math.max(
      5,
      55 + 2.5 * (baseTemperatureC - temperatureC) +
        3 * wave(1.3, 1),
    ),
  );
  const windSpeedMS = Math.max(0, 3 + 1.5 * wave(2.3) + 0.8 * wave(0.37, 2));
  const cloudCoverPct = Math.min(100, Math.max(0, 20 + 15 * wave(3.7, 0.5) + 5 * wave(0.9)));
  return {
    temperatureC: roundTo(temperatureC, 2),
    humidityPct: roundTo(humidityPct, 1),
    dewPointC: null, // derived by the caller from the final T and RH
    // Barometric formula for the site's altitude plus a slow synoptic swing.
    pressureHPa: roundTo(1013.25 * Math.exp(-elevationM / 8434) + 1.5 * wave(11), 1),
    windSpeedMS: roundTo(windSpeedMS, 1),
    windGustMS: roundTo(windSpeedMS * 1.4 + 1 + 0.5 * Math.abs(wave(0.13)), 1),
    windDirectionDeg: roundTo(wrapDeg(225 + 40 * wave(5.1)), 0),
    cloudCoverPct: roundTo(cloudCoverPct, 0),
    rainRateMmH: 0,
    skyQualityMagArcsec2: roundTo(21.3 - 0.015 * cloudCoverPct + 0.05 * wave(1.7), 2),
    // A clear sky radiates far colder than the air; cloud brings it closer.
    skyTemperatureC: roundTo(temperatureC - 25 + 0.2 * cloudCoverPct, 1),
    starFwhmArcsec: null,
  };
}
