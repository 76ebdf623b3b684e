/**
 * Weather group: the conditions and the safety verdict, a forced sensor read, and the safety
 * override ("safe/unsafe can be forced through the API for tests"). Refresh and override answer
 * with the new status, since the whole point of calling them is to see the verdict that results.
 */
import { createRoute } from "@hono/zod-openapi";
import {
  toWeatherStatusDto,
  WeatherOverrideBody,
  WeatherStatusDto,
} from "../core/schemas/weather.ts";
import { conflict } from "../lib/errors.ts";
import type { Services } from "../core/services.ts";
import { DEVICE_ERRORS, errors, json, jsonBody, READ_ERRORS } from "./_openapi.ts";
import { newRouter } from "./app.ts";

const tags = ["Weather"];

export function weatherRoutes(s: Pick<Services, "hub" | "log">) {
  const app = newRouter();
  const weather = () => s.hub.device("weather");

  app.openapi(
    createRoute({
      method: "get",
      path: "/status",
      tags,
      summary: "Conditions, the safety verdict and why it is unsafe",
      responses: { 200: json(WeatherStatusDto), ...errors(READ_ERRORS) },
    }),
    (c) => c.json(toWeatherStatusDto(weather().status()), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/refresh",
      tags,
      summary: "Read the sensors now; answers with the fresh status",
      responses: { 200: json(WeatherStatusDto), ...errors(DEVICE_ERRORS) },
    }),
    async (c) => {
      const w = weather();
      await w.refresh();
      return c.json(toWeatherStatusDto(w.status()), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/override",
      tags,
      summary: "Force the safety verdict (true/false), or give it back to the sensors (null)",
      description: "For tests and manual roof switches; 409 when the station cannot be overridden.",
      request: jsonBody(WeatherOverrideBody),
      responses: { 200: json(WeatherStatusDto), ...errors(DEVICE_ERRORS) },
    }),
    async (c) => {
      const { safe } = c.req.valid("json");
      const w = weather();
      if (!w.capabilities.canOverrideSafety) {
        throw conflict("This weather station's safety verdict cannot be overridden");
      }
      await w.overrideSafety(safe);
      // Leave a trace: a forced "safe" left on by mistake would keep the rig imaging in rain.
      const log = s.log.child("weather");
      if (safe === null) log.info("safety verdict returned to the sensors");
      else log.warn("safety verdict forced through the API", { safe });
      return c.json(toWeatherStatusDto(w.status()), 200);
    },
  );

  return app;
}
