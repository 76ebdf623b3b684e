/**
 * The simulated weather station's profile options: `limits` (its safety thresholds), `fixed` (pin
 * any reading, to make it unsafe through its real limits), `refreshSeconds` (the sensor timer) and
 * `baseTemperatureC` (the evening air).
 */
import { z } from "zod";

const limit = (fallback: number, what: string) =>
  z.number().min(0).default(fallback).describe(what);

/** Above any of these the station says unsafe. */
export const WeatherLimits = z.strictObject({
  maxWindMS: limit(12, "wind speed, m/s"),
  maxGustMS: limit(18, "gusts, m/s"),
  maxHumidityPct: limit(90, "relative humidity, %"),
  maxCloudCoverPct: limit(70, "cloud cover, %"),
  maxRainRateMmH: limit(0, "rain rate, mm/h"),
});
export type WeatherLimits = z.output<typeof WeatherLimits>;

const reading = z.number().nullable().optional();

/** Readings to pin, by the contract's names; null pins "no reading". */
export const FixedConditions = z.strictObject({
  temperatureC: reading,
  humidityPct: reading,
  dewPointC: reading,
  pressureHPa: reading,
  windSpeedMS: reading,
  windGustMS: reading,
  windDirectionDeg: reading,
  cloudCoverPct: reading,
  rainRateMmH: reading,
  skyQualityMagArcsec2: reading,
  skyTemperatureC: reading,
  starFwhmArcsec: reading,
});

export const SimWeatherOptions = z.strictObject({
  limits: WeatherLimits.prefault({}),
  fixed: FixedConditions.prefault({}),
  refreshSeconds: z.number().gt(0).default(10).describe("how often the sensors are read"),
  baseTemperatureC: z.number().min(-50).max(50).default(12).describe("the evening air"),
}).meta({ id: "SimWeatherOptions" });
export type SimWeatherOptions = z.output<typeof SimWeatherOptions>;
