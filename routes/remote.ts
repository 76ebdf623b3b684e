/**
 * The client's IP address. Deno.serve hands Hono the connection info as its env; an in-process
 * call of `app.fetch(request)` (tests, the CLI) has none and counts as loopback.
 */
import type { Context } from "hono";

export function remoteAddress(c: Context): string {
  const env = c.env as { remoteAddr?: { hostname?: string } } | undefined;
  return env?.remoteAddr?.hostname ?? "127.0.0.1";
}
