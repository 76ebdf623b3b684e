/**
 * Catalog group: search deep-sky objects and named stars by designation or name, look one up by
 * id, list "what is up tonight" at the active profile's site, and the import's status. A request
 * during the import waits for it (up to 20 s); after that, or when siril-common is not
 * installed, every route but /status answers 503 saying which.
 */
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import {
  CatalogObjectDto,
  CatalogSearchDto,
  CatalogSearchQuery,
  CatalogStatusDto,
  TonightDto,
  TonightQuery,
  toObjectDto,
  toSearchResult,
  toStatusDto,
  toTonightDto,
  typesFor,
} from "../core/schemas/catalog.ts";
import { notFound } from "../lib/errors.ts";
import type { Services } from "../core/services.ts";
import { errors, json } from "./_openapi.ts";
import { newRouter } from "./app.ts";

const tags = ["Catalog"];
const UNAVAILABLE = "The catalogue is being imported, or siril-common is not installed";

export function catalogRoutes(s: Pick<Services, "catalog">) {
  const app = newRouter();

  app.openapi(
    createRoute({
      method: "get",
      path: "/search",
      tags,
      summary: "Find objects by designation or name (M42, M 42, NGC 7000, Orion Nebula, Vega)",
      description: "Ranked: exact designation, exact name or cross-reference, prefix, substring; " +
        "ties go to the brighter object, then Messier before NGC, IC, Sh2, LDN and stars.",
      request: { query: CatalogSearchQuery },
      responses: {
        200: json(CatalogSearchDto),
        ...errors([400, 401]),
        503: { ...errors([503])[503], description: UNAVAILABLE },
      },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const hits = await s.catalog.search(q.q, q.limit, {
        types: typesFor(q.type),
        catalogues: q.catalogue ? [q.catalogue] : undefined,
      });
      return c.json({ query: q.q, results: hits.map(toSearchResult) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/objects/{id}",
      tags,
      summary: "One catalogue object by id",
      request: { params: z.object({ id: z.string().min(1).max(40) }) },
      responses: {
        200: json(CatalogObjectDto),
        ...errors([401, 404]),
        503: { ...errors([503])[503], description: UNAVAILABLE },
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const entry = await s.catalog.get(id);
      if (!entry) throw notFound(`No catalogue object has the id "${id}"`);
      return c.json(toObjectDto(entry), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/tonight",
      tags,
      summary: "What is worth imaging tonight with the active profile's rig and site",
      description: "Objects above min_alt during tonight's astronomical darkness (Sun below " +
        "−18°; the darkest twilight reached where it never gets that dark), sampled every 10 " +
        "minutes, ranked by `score`: the dark hours above min_alt weighted by altitude, the " +
        "object's size against the camera's field (a speck or a mosaic ranks lower), its " +
        "magnitude and surface brightness (no magnitude: not a winner by default) and the " +
        "Moon's phase and distance; `score_parts` says which counted. Stars only with type=star.",
      request: { query: TonightQuery },
      responses: {
        200: json(TonightDto),
        ...errors([400, 401, 409]),
        503: { ...errors([503])[503], description: UNAVAILABLE },
      },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const answer = await s.catalog.tonight({
        minAltDeg: q.min_alt,
        limit: q.limit,
        types: typesFor(q.type),
        catalogues: q.catalogue ? [q.catalogue] : undefined,
        maxMagnitude: q.max_mag,
        atMs: q.at === undefined ? undefined : Date.parse(q.at),
      });
      return c.json(toTonightDto(answer, q.min_alt), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/status",
      tags,
      summary: "Whether the catalogue is imported, with the object count of each catalogue",
      responses: { 200: json(CatalogStatusDto), ...errors([401]) },
    }),
    (c) => c.json(toStatusDto(s.catalog.status()), 200),
  );

  return app;
}
