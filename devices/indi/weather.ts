/**
 * Weather station over INDI's WEATHER_PARAMETERS (numbers under standard names) and
 * WEATHER_STATUS (one light per parameter: Ok, Busy = warning, Alert = danger). The verdict is
 * the station's: unsafe while any light is Alert. INDI's WEATHER_OVERRIDE can only force "safe",
 * not "unsafe", so this driver does not offer overrideSafety (409).
 */
import { conflict } from "../../lib/errors.ts";
import type { DriverContext } from "../device.ts";
import type { Weather, WeatherCapabilities, WeatherConditions, WeatherStatus } from "../weather.ts";
import { IndiDevice } from "./indi_device.ts";
import type { IndiOptions } from "./options.ts";
import type { IndiVector } from "./properties.ts";

const PARAMETERS = "WEATHER_PARAMETERS";
const STATUS = "WEATHER_STATUS";
const KPH_TO_MS = 1 / 3.6;

/** INDI parameter → contract field, with the unit conversion (INDI wind is in km/h). */
const FIELDS: Record<string, [keyof WeatherConditions, number]> = {
  WEATHER_TEMPERATURE: ["temperatureC", 1],
  WEATHER_HUMIDITY: ["humidityPct", 1],
  WEATHER_DEWPOINT: ["dewPointC", 1],
  WEATHER_PRESSURE: ["pressureHPa", 1],
  WEATHER_WIND_SPEED: ["windSpeedMS", KPH_TO_MS],
  WEATHER_WIND_GUST: ["windGustMS", KPH_TO_MS],
  WEATHER_WIND_DIRECTION: ["windDirectionDeg", 1],
  WEATHER_CLOUD_COVER: ["cloudCoverPct", 1],
  WEATHER_RAIN_HOUR: ["rainRateMmH", 1],
  WEATHER_SQM: ["skyQualityMagArcsec2", 1],
  WEATHER_SKY_TEMPERATURE: ["skyTemperatureC", 1],
};

const EMPTY: WeatherConditions = {
  temperatureC: null,
  humidityPct: null,
  dewPointC: null,
  pressureHPa: null,
  windSpeedMS: null,
  windGustMS: null,
  windDirectionDeg: null,
  cloudCoverPct: null,
  rainRateMmH: null,
  skyQualityMagArcsec2: null,
  skyTemperatureC: null,
  starFwhmArcsec: null,
};

export class IndiWeather extends IndiDevice<WeatherStatus> implements Weather {
  readonly kind = "weather" as const;
  protected readonly requiredProperties = [PARAMETERS] as const;
  #updatedAtMs = 0;

  constructor(ctx: DriverContext<IndiOptions>) {
    super(ctx, "INDI weather station");
  }

  get capabilities(): WeatherCapabilities {
    const params = this.vector(PARAMETERS);
    const sensors = [...(params?.members.keys() ?? [])]
      .map((name) => FIELDS[name]?.[0])
      .filter((field): field is keyof WeatherConditions => field !== undefined);
    return { sensors, canOverrideSafety: false };
  }

  protected snapshot(connected: boolean): WeatherStatus {
    const conditions = { ...EMPTY };
    const params = this.vector(PARAMETERS);
    if (params?.type === "Number") {
      for (const member of params.members.values()) {
        const field = FIELDS[member.name];
        if (field && Number.isFinite(member.value)) conditions[field[0]] = member.value * field[1];
      }
    }
    const unsafeReasons = this.#alerts(params);
    return {
      connected,
      conditions,
      safe: unsafeReasons.length === 0,
      unsafeReasons,
      override: null,
      updatedAtMs: this.#updatedAtMs,
    };
  }

  /** One line per parameter whose light is Alert, naming it and its value. */
  #alerts(params: IndiVector | undefined): string[] {
    const lights = this.vector(STATUS);
    if (lights?.type !== "Light") return [];
    const reasons: string[] = [];
    for (const light of lights.members.values()) {
      if (light.value !== "Alert") continue;
      const member = params?.type === "Number" ? params.members.get(light.name) : undefined;
      reasons.push(member ? `${light.label} ${member.value}` : `${light.label} in alert`);
    }
    return reasons;
  }

  protected override onVector(vector: IndiVector): void {
    if (vector.name === PARAMETERS) this.#updatedAtMs = this.ctx.clock.now();
  }

  protected override onSessionReady(): Promise<void> {
    this.#updatedAtMs = this.ctx.clock.now();
    return Promise.resolve();
  }

  async refresh(): Promise<void> {
    this.session();
    await this.serial(async () => {
      if (this.vector("WEATHER_REFRESH")) {
        await this.complete(
          "WEATHER_REFRESH",
          (c, d) => c.sendSwitches(d, "WEATHER_REFRESH", { REFRESH: true }),
        );
      }
      this.#updatedAtMs = this.ctx.clock.now();
      this.emitStatus();
    });
  }

  async overrideSafety(_safe: boolean | null): Promise<void> {
    this.session();
    await Promise.resolve();
    throw conflict(
      "INDI weather stations cannot force an unsafe verdict; override the safety in the box",
    );
  }
}
