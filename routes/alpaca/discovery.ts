/**
 * Alpaca UDP discovery responder: a client broadcasts the 16 ASCII bytes `alpacadiscovery1` to
 * port 32227 and every Alpaca server on the LAN answers it by unicast with `{"AlpacaPort": N}`.
 * node:dgram is used because Deno's own datagram API is still behind --unstable-net; the socket
 * reuses the address so another Alpaca server on the same machine can listen too.
 */
import dgram from "node:dgram";
import type { Logger } from "../../lib/log.ts";

export const ALPACA_DISCOVERY_PORT = 32227;
export const DISCOVERY_MESSAGE = "alpacadiscovery1";

export interface DiscoveryResponder {
  /** The UDP port it listens on (useful when 0 was asked). */
  port: number;
  close(): Promise<void>;
}

export async function startDiscoveryResponder(options: {
  port: number;
  hostname: string;
  alpacaPort: number;
  log: Logger;
  /** Whether to answer a probe from this address (the bridge's access rule); default: all. */
  mayAnswer?: (address: string) => boolean;
}): Promise<DiscoveryResponder> {
  const socket = dgram.createSocket({ type: "udp4", reuseAddr: true });
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(options.port, options.hostname, () => {
      socket.off("error", reject);
      resolve();
    });
  });
  const answer = new TextEncoder().encode(JSON.stringify({ AlpacaPort: options.alpacaPort }));
  socket.on("message", (message, remote) => {
    // Version 1 discovery: the message starts with the 16 bytes; later versions may append.
    if (!message.toString("ascii").startsWith(DISCOVERY_MESSAGE)) return;
    // Where the server would refuse the client, it is not told the server exists.
    if (options.mayAnswer && !options.mayAnswer(remote.address)) return;
    socket.send(answer, remote.port, remote.address, (err) => {
      if (err) options.log.warn("alpaca discovery answer failed", { err: String(err) });
    });
  });
  socket.on("error", (err) => options.log.warn("alpaca discovery socket", { err: String(err) }));
  let closed: Promise<void> | null = null;
  return {
    port: socket.address().port,
    close: () => closed ??= new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
