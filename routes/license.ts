/**
 * License group: the box's own licence and the third-party components it ships, as a small
 * summary (`GET /license`) and, one component at a time, the full notice texts
 * (`GET /license/{name}`, a scoped npm name as `/license/@scope/name` or URL-encoded); the Debian
 * packages of the system the box runs on (`/license/debian`, and a package's copyright file at
 * `/license/debian/{package}`). The inventory is generated at build time (deno task licenses).
 */
import { createRoute } from "@hono/zod-openapi";
import type { Services } from "../core/services.ts";
import {
  DebianNoticeDto,
  DebianPackageParam,
  DebianPackagesDto,
  LicenseNameParam,
  LicenseNoticeDto,
  LicenseNoticeQuery,
  LicenseScopedParam,
  LicenseSummaryDto,
  ProjectNoticeDto,
} from "../core/schemas/license.ts";
import { errors, json } from "./_openapi.ts";
import { newRouter } from "./app.ts";

const tags = ["License"];

export function licenseRoutes(s: Pick<Services, "license">) {
  const app = newRouter();

  app.openapi(
    createRoute({
      method: "get",
      path: "/",
      tags,
      summary: "The box's licence, every third-party component with its licence, Debian's count",
      responses: { 200: json(LicenseSummaryDto), ...errors([401]) },
    }),
    async (c) => c.json(await s.license.summary(), 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/project",
      tags,
      summary: "OpenSkyLab's own licence and its text",
      responses: { 200: json(ProjectNoticeDto), ...errors([401]) },
    }),
    async (c) => c.json(await s.license.project(), 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/debian",
      tags,
      summary: "The installed Debian packages with the licences their copyright files declare",
      responses: { 200: json(DebianPackagesDto), ...errors([401]) },
    }),
    async (c) => c.json(await s.license.debianPackages(), 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/debian/{package}",
      tags,
      summary: "One Debian package's copyright file",
      request: { params: DebianPackageParam },
      responses: { 200: json(DebianNoticeDto), ...errors([400, 401, 404]) },
    }),
    async (c) => c.json(await s.license.debianNotice(c.req.valid("param").package), 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/{name}",
      tags,
      summary: "A component's licence and full notice texts (every version, or ?version=)",
      request: { params: LicenseNameParam, query: LicenseNoticeQuery },
      responses: { 200: json(LicenseNoticeDto), ...errors([400, 401, 404]) },
    }),
    async (c) => {
      const { name } = c.req.valid("param");
      const { version } = c.req.valid("query");
      return c.json({ name, components: await s.license.notices(name, version) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/{scope}/{name}",
      tags,
      summary: "A scoped npm package's licence and notice texts (`/license/@hono/zod-openapi`)",
      request: { params: LicenseScopedParam, query: LicenseNoticeQuery },
      responses: { 200: json(LicenseNoticeDto), ...errors([400, 401, 404]) },
    }),
    async (c) => {
      const { scope, name } = c.req.valid("param");
      const { version } = c.req.valid("query");
      const full = `${scope}/${name}`;
      return c.json({ name: full, components: await s.license.notices(full, version) }, 200);
    },
  );

  return app;
}
