/**
 * Remote-access rule of the API reference: clients on a trusted network (loopback, the box's own
 * hotspot; configurable) need no token; everyone else sends `Authorization: Bearer <token>` (the
 * WebSocket may use `?token=` since browsers cannot set headers on it). Tokens are compared in
 * constant time over their SHA-256 digests, so neither content nor length leaks through timing.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { AppError } from "../lib/errors.ts";
import { isTrusted } from "../lib/net/cidr.ts";
import { remoteAddress } from "./remote.ts";

export interface AuthOptions {
  token: string;
  trustedNetworks: string[];
  /** Paths that anyone may read (health probes, the captive portal's landing page). */
  publicPaths?: string[];
}

export function tokenMatches(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

export function requireAuth(options: AuthOptions): MiddlewareHandler {
  const publicPaths = new Set(options.publicPaths ?? []);
  return async (c, next) => {
    if (publicPaths.has(c.req.path)) return await next();
    const address = remoteAddress(c);
    if (isTrusted(address, options.trustedNetworks)) return await next();
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const given = match?.[1] ?? c.req.query("token") ?? null;
    if (given === null) {
      throw new AppError(
        401,
        "unauthorized",
        `Remote access from ${address} needs "Authorization: Bearer <token>"; the token is in config.toml on the box (or run "openskylab token")`,
      );
    }
    if (!tokenMatches(given, options.token)) {
      throw new AppError(401, "unauthorized", "The bearer token is not valid for this box");
    }
    await next();
  };
}
