/**
 * The profile options of the Alpaca drivers (`AlpacaOptions`; the weather role's
 * `AlpacaWeatherOptions` adds `safetyDeviceNumber`, its SafetyMonitor, null when the server has
 * none): which server and which of its devices, and how often and how long to ask it.
 */
import { z } from "zod";

const DEVICE_NUMBER = z.number().int().min(0).max(4_294_967_295);

export const AlpacaOptions = z.strictObject({
  host: z.string().min(1).regex(/^[^\s/]+$/, "must be a host name or address")
    .default("localhost"),
  port: z.number().int().min(1).max(65535).default(11111),
  deviceNumber: DEVICE_NUMBER.default(0).describe("the device's number on that server"),
  pollMs: z.number().int().min(20).max(60_000).default(200)
    .describe("how often status is polled while connected, ms"),
  timeoutMs: z.number().int().min(100).max(600_000).default(10_000)
    .describe("deadline of one HTTP request, ms"),
}).meta({ id: "AlpacaOptions" });
export type AlpacaOptions = z.output<typeof AlpacaOptions>;

export const AlpacaWeatherOptions = AlpacaOptions.extend({
  safetyDeviceNumber: DEVICE_NUMBER.nullable().default(0)
    .describe("the server's SafetyMonitor to follow; null when it has none"),
}).meta({ id: "AlpacaWeatherOptions" });
export type AlpacaWeatherOptions = z.output<typeof AlpacaWeatherOptions>;
