/**
 * Where the box answers: the API port, the extra ports (80 on a box, for the phone and the
 * captive-portal probes) and HTTPS with the certificate of the box's own CA, all serving the same
 * app. Only the API port must open: an extra port that cannot (taken, or no CAP_NET_BIND_SERVICE)
 * is logged and the box runs on without it, and HTTPS reports its own troubles
 * (cli/https_server.ts). HTTPS comes after the HTTP port: a first start spends a moment making
 * the box's CA. At shutdown all of them stop taking requests, and the ones still open get a
 * bounded grace before the box goes on without them.
 */
import type { TlsService } from "../../core/tls/tls_service.ts";
import type { Logger } from "../../lib/log.ts";
import { startHttps } from "../https_server.ts";
import type { BoxContext } from "./context.ts";

export interface ListenNeeds {
  handler: Deno.ServeHandler<Deno.NetAddr>;
  port: number;
  hostname: string;
  tls: TlsService;
  /** The box's own log, which says when an extra port could not be opened. */
  log: Logger;
}

/** How long the shutdown waits for the requests still open. */
const STOP_GRACE_MS = 2000;

export function listen(ctx: BoxContext, needs: ListenNeeds) {
  const { handler, hostname } = needs;
  const server = Deno.serve({ port: needs.port, hostname, onListen: () => {} }, handler);
  const extraServers = ctx.config.server.extra_ports.flatMap((extraPort) => {
    try {
      return [Deno.serve({ port: extraPort, hostname, onListen: () => {} }, handler)];
    } catch (err) {
      needs.log.warn("could not listen on an extra port", { port: extraPort, err: String(err) });
      return [];
    }
  });
  const https = startHttps({
    tls: needs.tls,
    port: ctx.config.server.https_port,
    hostname,
    handler,
    log: ctx.logs.logger("tls"),
  });
  return {
    port: server.addr.port,
    https,
    finished: server.finished,
    /** Stops taking requests everywhere; resolves when the open ones end or the grace is over. */
    async stop() {
      const grace = new AbortController();
      await Promise.race([
        Promise.all([
          server.shutdown(),
          ...extraServers.map((s) => s.shutdown()),
          https.stop(),
        ]),
        ctx.clock.sleep(STOP_GRACE_MS, grace.signal).catch(() => {}),
      ]);
      grace.abort();
    },
  };
}
