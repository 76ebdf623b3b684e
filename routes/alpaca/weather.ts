/**
 * Alpaca ObservingConditions (IObservingConditionsV2) and SafetyMonitor (ISafetyMonitorV3), both
 * over our one Weather contract. A sensor the station lacks answers 0x400. The SafetyMonitor adds
 * two custom actions our client uses to keep the contract whole: `OpenSkyLab:UnsafeReasons`
 * (JSON list) and `OpenSkyLab:OverrideSafety` (Parameters "true", "false" or "null").
 */
import { AlpacaError, ASCOM, invalidValue, notImplemented } from "../../lib/alpaca/errors.ts";
import type { Weather, WeatherConditions } from "../../devices/weather.ts";
import type { DeviceType, Member, MemberContext } from "./device_type.ts";

export const UNSAFE_REASONS_ACTION = "OpenSkyLab:UnsafeReasons";
export const OVERRIDE_SAFETY_ACTION = "OpenSkyLab:OverrideSafety";

/** ASCOM member (lower case) → our condition; skybrightness (lux) has no counterpart. */
export const SENSORS: Record<string, keyof WeatherConditions> = {
  cloudcover: "cloudCoverPct",
  dewpoint: "dewPointC",
  humidity: "humidityPct",
  pressure: "pressureHPa",
  rainrate: "rainRateMmH",
  skyquality: "skyQualityMagArcsec2",
  skytemperature: "skyTemperatureC",
  starfwhm: "starFwhmArcsec",
  temperature: "temperatureC",
  winddirection: "windDirectionDeg",
  windgust: "windGustMS",
  windspeed: "windSpeedMS",
};
/** DeviceState names, as ASCOM capitalises them. */
const STATE_NAMES: Record<string, string> = {
  cloudcover: "CloudCover",
  dewpoint: "DewPoint",
  humidity: "Humidity",
  pressure: "Pressure",
  rainrate: "RainRate",
  skyquality: "SkyQuality",
  skytemperature: "SkyTemperature",
  starfwhm: "StarFWHM",
  temperature: "Temperature",
  winddirection: "WindDirection",
  windgust: "WindGust",
  windspeed: "WindSpeed",
};

function reading(w: Weather, member: string): number {
  const key = SENSORS[member];
  if (!key || !w.capabilities.sensors.includes(key)) throw notImplemented(member);
  const value = w.status().conditions[key];
  if (value === null) throw new AlpacaError(ASCOM.valueNotSet, `${member} has no reading yet`);
  return value;
}

function sensorName(ctx: MemberContext<Weather>): string {
  const name = ctx.params.string("SensorName").toLowerCase();
  const w = ctx.device();
  if (name !== "" && name !== "skybrightness" && !SENSORS[name]) {
    throw invalidValue(`SensorName "${name}" is not a sensor`);
  }
  if (name !== "") reading(w, name);
  return name;
}

export function observingConditionsType(): DeviceType<"weather"> {
  const sensorGets: Record<string, Member<Weather>> = {};
  for (const member of [...Object.keys(SENSORS), "skybrightness"]) {
    sensorGets[member] = (ctx) => reading(ctx.device(), member);
  }
  return {
    type: "observingconditions",
    deviceType: "ObservingConditions",
    kind: "weather",
    interfaceVersion: 2,
    deviceState: (w) => {
      const out: Record<string, unknown> = {};
      for (const [member, key] of Object.entries(SENSORS)) {
        const value = w.status().conditions[key];
        if (w.capabilities.sensors.includes(key) && value !== null) {
          out[STATE_NAMES[member]!] = value;
        }
      }
      return out;
    },
    get: {
      ...sensorGets,
      averageperiod: (ctx) => (ctx.device(), 0),
      sensordescription: (ctx) => {
        const name = sensorName(ctx);
        return `${name || "station"} of ${ctx.device().info.name}`;
      },
      timesincelastupdate: (ctx) => {
        sensorName(ctx);
        return Math.max(0, (ctx.source.clock.now() - ctx.device().status().updatedAtMs) / 1000);
      },
    },
    put: {
      averageperiod: (ctx) => {
        const hours = ctx.params.number("AveragePeriod");
        ctx.device();
        // The station reports instantaneous readings only.
        if (hours !== 0) throw invalidValue(`AveragePeriod ${hours} h: only 0 is supported`);
      },
      refresh: async (ctx) => await ctx.device().refresh(),
    },
  };
}

export function safetyMonitorType(): DeviceType<"weather"> {
  return {
    type: "safetymonitor",
    deviceType: "SafetyMonitor",
    kind: "weather",
    interfaceVersion: 3,
    deviceState: (w) => ({ IsSafe: w.status().safe }),
    get: { issafe: (ctx) => ctx.device().status().safe },
    put: {},
    actions: {
      [UNSAFE_REASONS_ACTION]: (w) => Promise.resolve(JSON.stringify(w.status().unsafeReasons)),
      [OVERRIDE_SAFETY_ACTION]: async (w, parameters) => {
        const text = parameters.trim().toLowerCase();
        if (!["true", "false", "null"].includes(text)) {
          throw invalidValue(`${OVERRIDE_SAFETY_ACTION}: Parameters must be true, false or null`);
        }
        await w.overrideSafety(JSON.parse(text));
        return "";
      },
    },
  };
}
