/**
 * Weather contract: ASCOM IObservingConditionsV2 plus ISafetyMonitor in one device. A sensor the
 * station lacks reads null. `safe` is the station's verdict against the limits in its options.
 */
import type { BaseStatus, Device } from "./device.ts";

export interface WeatherConditions {
  temperatureC: number | null;
  humidityPct: number | null;
  dewPointC: number | null;
  pressureHPa: number | null;
  windSpeedMS: number | null;
  windGustMS: number | null;
  windDirectionDeg: number | null;
  cloudCoverPct: number | null;
  rainRateMmH: number | null;
  skyQualityMagArcsec2: number | null;
  skyTemperatureC: number | null;
  starFwhmArcsec: number | null;
}

export interface WeatherCapabilities {
  /** Which of the conditions this station measures. */
  sensors: (keyof WeatherConditions)[];
  /** True when `overrideSafety` works (simulators, manual roof switches). */
  canOverrideSafety: boolean;
}

export interface WeatherStatus extends BaseStatus {
  conditions: WeatherConditions;
  safe: boolean;
  /** Why it is unsafe, one line each ("rain 0.4 mm/h", "wind 14 m/s > 12"); empty when safe. */
  unsafeReasons: string[];
  /** Forced verdict, or null when the sensors decide. */
  override: boolean | null;
  /** Unix ms of the last sensor reading. */
  updatedAtMs: number;
}

export interface Weather extends Device<WeatherStatus> {
  readonly kind: "weather";
  readonly capabilities: WeatherCapabilities;
  /** Reads the sensors now (ASCOM Refresh). */
  refresh(): Promise<void>;
  /** Forces the safety verdict (null returns control to the sensors). 409 when not supported. */
  overrideSafety(safe: boolean | null): Promise<void>;
}
