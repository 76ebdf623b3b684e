/**
 * The secure connection, mounted at /tls (outside /api/v1, so the address a user types on a phone
 * is short: http://10.42.0.1/tls/ca.crt). Both are public: the CA certificate is what a phone
 * must fetch before it can trust the box, and it holds no secret (its key never leaves the box).
 * One format serves both phones: Android's "Install a certificate › CA certificate" and iOS's
 * profile download both take a PEM `.crt` served as application/x-x509-ca-cert.
 */
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { TlsStatusDto } from "../core/schemas/tls.ts";
import type { Services } from "../core/services.ts";
import { AppError } from "../lib/errors.ts";
import { errors, json } from "./_openapi.ts";
import { newRouter } from "./app.ts";

export const CA_FILE_NAME = "openskylab-ca.crt";

export function tlsRoutes(s: Pick<Services, "tls">) {
  const app = newRouter();
  app.openapi(
    createRoute({
      method: "get",
      path: "/ca.crt",
      tags: ["Secure connection"],
      summary: "The box's CA certificate (PEM), to install on a phone; no token needed",
      security: [],
      responses: {
        200: {
          description: "The certificate, as a download",
          content: { "application/x-x509-ca-cert": { schema: z.string() } },
        },
        ...errors([503]),
      },
    }),
    (c) => {
      const pem = s.tls.caPem;
      if (pem === null) {
        throw new AppError(
          503,
          "unavailable",
          `The box has no certificate authority: ${s.tls.status().problem ?? "not ready yet"}`,
        );
      }
      return c.body(pem, 200, {
        "Content-Type": "application/x-x509-ca-cert",
        "Content-Disposition": `attachment; filename="${CA_FILE_NAME}"`,
        "Cache-Control": "no-cache",
      });
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/status",
      tags: ["Secure connection"],
      summary: "Where the box serves HTTPS, its CA's fingerprint and the names it covers",
      security: [],
      responses: { 200: json(TlsStatusDto) },
    }),
    (c) => c.json(s.tls.status(), 200),
  );
  return app;
}
