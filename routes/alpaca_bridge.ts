/**
 * ASCOM bridge group: `GET /alpaca` shows the Alpaca server (listening, port, who may use it,
 * which devices it shows, the last client refused) and the remote Alpaca devices the rig drives;
 * `PUT /alpaca` switches it on or off at once, opens or closes it to the LAN, picks the devices
 * and sets or removes HTTP Basic credentials. Only the fields given change.
 */
import { createRoute } from "@hono/zod-openapi";
import { AlpacaSettingsInput, AlpacaStatusDto } from "../core/schemas/alpaca_bridge.ts";
import type { Services } from "../core/services.ts";
import { errors, json, jsonBody } from "./_openapi.ts";
import { newRouter } from "./app.ts";

const tags = ["ASCOM Alpaca"];

export function alpacaBridgeRoutes(s: Pick<Services, "alpaca">) {
  const app = newRouter();
  app.openapi(
    createRoute({
      method: "get",
      path: "/",
      tags,
      summary: "The Alpaca server (port 11111): on or off, whom it serves, which devices; and " +
        "the remote Alpaca devices in use",
      responses: { 200: json(AlpacaStatusDto), ...errors([401]) },
    }),
    (c) => c.json(s.alpaca.status(), 200),
  );
  app.openapi(
    createRoute({
      method: "put",
      path: "/",
      tags,
      summary: "Change the Alpaca server's settings (only the fields given); applied at once",
      description: "Turning it on starts the server and UDP discovery without a restart; if " +
        "its port is taken nothing changes and the answer is 409. Clients on the trusted " +
        'networks are always served; others only with `access: "lan"` (and the credentials, ' +
        "when set). Refused clients get 403, or 401 with a Basic challenge.",
      request: jsonBody(AlpacaSettingsInput),
      responses: { 200: json(AlpacaStatusDto), ...errors([400, 401, 409]) },
    }),
    async (c) => c.json(await s.alpaca.update(c.req.valid("json")), 200),
  );
  return app;
}
