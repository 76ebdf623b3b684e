/** API shapes of the weather group (observing conditions + safety monitor). */
import { z } from "zod";
import type { WeatherStatus } from "../../devices/weather.ts";

const reading = z.number().nullable();

export const WeatherStatusDto = z.object({
  connected: z.boolean(),
  safe: z.boolean(),
  unsafe_reasons: z.array(z.string()),
  override: z.boolean().nullable().describe("forced verdict, null when the sensors decide"),
  updated_at: z.string().describe("ISO 8601 UTC of the last reading"),
  conditions: z.object({
    temperature_c: reading,
    humidity_pct: reading,
    dew_point_c: reading,
    pressure_hpa: reading,
    wind_speed_ms: reading,
    wind_gust_ms: reading,
    wind_direction_deg: reading,
    cloud_cover_pct: reading,
    rain_rate_mmh: reading,
    sky_quality_mpsas: reading,
    sky_temperature_c: reading,
    star_fwhm_arcsec: reading,
  }),
});
export type WeatherStatusDto = z.infer<typeof WeatherStatusDto>;

export const WeatherOverrideBody = z.object({
  safe: z.boolean().nullable().describe("true/false forces the verdict; null gives it back"),
});

export function toWeatherStatusDto(s: WeatherStatus): WeatherStatusDto {
  const c = s.conditions;
  return {
    connected: s.connected,
    safe: s.safe,
    unsafe_reasons: s.unsafeReasons,
    override: s.override,
    updated_at: new Date(s.updatedAtMs).toISOString(),
    conditions: {
      temperature_c: c.temperatureC,
      humidity_pct: c.humidityPct,
      dew_point_c: c.dewPointC,
      pressure_hpa: c.pressureHPa,
      wind_speed_ms: c.windSpeedMS,
      wind_gust_ms: c.windGustMS,
      wind_direction_deg: c.windDirectionDeg,
      cloud_cover_pct: c.cloudCoverPct,
      rain_rate_mmh: c.rainRateMmH,
      sky_quality_mpsas: c.skyQualityMagArcsec2,
      sky_temperature_c: c.skyTemperatureC,
      star_fwhm_arcsec: c.starFwhmArcsec,
    },
  };
}
