/**
 * Finds Alpaca servers on the LAN: broadcasts `alpacadiscovery1` by UDP (port 32227 unless told
 * otherwise) and collects the `{"AlpacaPort": N}` answers for a short window. Tests aim it at
 * 127.0.0.1; the box aims it at the broadcast address. Garbled answers are ignored, not fatal.
 */
import dgram from "node:dgram";

export const DEFAULT_DISCOVERY_PORT = 32227;

export interface DiscoveredServer {
  host: string;
  port: number;
}

export interface DiscoveryOptions {
  /** Where to send the probe: "255.255.255.255" on a LAN, "127.0.0.1" in tests. */
  address?: string;
  port?: number;
  /** How long to listen for answers. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export async function discoverAlpaca(options: DiscoveryOptions = {}): Promise<DiscoveredServer[]> {
  const address = options.address ?? "255.255.255.255";
  const port = options.port ?? DEFAULT_DISCOVERY_PORT;
  const timeoutMs = options.timeoutMs ?? 1000;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RangeError(`port must be an integer within 1..65535, got ${port}`);
  }
  const socket = dgram.createSocket("udp4");
  const found = new Map<string, DiscoveredServer>();
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(0, () => {
        socket.off("error", reject);
        resolve();
      });
    });
    socket.on("error", () => {});
    socket.setBroadcast(true);
    socket.on("message", (message, remote) => {
      try {
        const answer = JSON.parse(message.toString("utf8"));
        const alpacaPort = answer?.AlpacaPort;
        if (Number.isInteger(alpacaPort) && alpacaPort > 0 && alpacaPort <= 65535) {
          found.set(`${remote.address}:${alpacaPort}`, { host: remote.address, port: alpacaPort });
        }
      } catch {
        // Not an Alpaca answer: another program on the port.
      }
    });
    await new Promise<void>((resolve, reject) => {
      socket.send("alpacadiscovery1", port, address, (err) => err ? reject(err) : resolve());
    });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      options.signal?.addEventListener("abort", done, { once: true });
      function done() {
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", done);
        resolve();
      }
    });
  } finally {
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
  return [...found.values()];
}
