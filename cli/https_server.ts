/**
 * The box's HTTPS listener (config `server.https_port`, 443 on a box): the same app as plain
 * HTTP, with the server certificate of the box's own CA (core/tls). It comes up once the
 * certificates are ready (after the HTTP port, so a first start that makes the CA does not delay
 * the box), and when the certificate is re-issued (the box got another address) it stops and
 * listens again on the same port with the new one; connections already open finish on the old.
 * Anything that goes wrong — no certificate, the port taken, no right to bind it — is logged and
 * the box runs on over HTTP.
 */
import type { Logger } from "../lib/log.ts";
import type { ServerCredentials, TlsService } from "../core/tls/tls_service.ts";

export interface HttpsOptions {
  tls: TlsService;
  /** From the config; undefined turns HTTPS (and the CA) off. 0: any free port (tests). */
  port: number | undefined;
  hostname: string;
  handler: Deno.ServeHandler<Deno.NetAddr>;
  log: Logger;
}

export interface HttpsServer {
  /** Resolves once the first attempt to listen is over (listening or not). */
  ready: Promise<void>;
  /** The port HTTPS listens on now, else null. */
  readonly port: number | null;
  /** Stops the certificate checks and every TLS server; resolves when their connections end. */
  stop(): Promise<void>;
}

/** Re-binding right after a shutdown can find the port not yet released. */
const REBIND_TRIES = 20;
const REBIND_PAUSE_MS = 50;

export function startHttps(o: HttpsOptions): HttpsServer {
  let server: Deno.HttpServer<Deno.NetAddr> | null = null;
  let port = o.port;
  const draining = new Set<Promise<void>>();
  let stopped = false;
  // Restarts one at a time, and never after stop().
  let restarting = Promise.resolve();

  const listen = async (credentials: ServerCredentials | null, tries: number) => {
    if (credentials === null || port === undefined || stopped) return;
    for (let attempt = 1;; attempt++) {
      try {
        server = Deno.serve({
          port,
          hostname: o.hostname,
          cert: credentials.certPem,
          key: credentials.keyPem,
          onListen: () => {},
        }, o.handler);
        port = server.addr.port;
        o.tls.setHttpsPort(port);
        o.log.info("serving HTTPS", { port });
        return;
      } catch (err) {
        if (err instanceof Deno.errors.AddrInUse && attempt < tries) {
          await new Promise((r) => setTimeout(r, REBIND_PAUSE_MS));
          continue;
        }
        o.tls.setHttpsPort(null);
        o.log.warn("could not serve HTTPS; the box answers over HTTP only", {
          port,
          err: String(err),
        });
        return;
      }
    }
  };

  const retire = () => {
    if (server === null) return;
    const done = server.shutdown().catch(() => {});
    draining.add(done);
    void done.then(() => draining.delete(done));
    server = null;
    o.tls.setHttpsPort(null);
  };

  if (port === undefined) {
    o.tls.disable("HTTPS is off: server.https_port is not set in the config");
    return { ready: Promise.resolve(), port: null, stop: () => Promise.resolve() };
  }
  const unsubscribe = o.tls.onChange((credentials) => {
    restarting = restarting.then(async () => {
      if (stopped) return;
      o.log.info("the server certificate changed: restarting HTTPS", { port });
      retire();
      await listen(credentials, REBIND_TRIES);
    });
  });
  const ready = o.tls.start().then(() => listen(o.tls.credentials, 1));

  return {
    ready,
    get port() {
      return server === null ? null : port ?? null;
    },
    async stop() {
      stopped = true;
      unsubscribe();
      await o.tls.stop();
      await ready;
      await restarting;
      retire();
      await Promise.all(draining);
    },
  };
}
