/**
 * avahi-daemon, the box's mDNS responder, over the system D-Bus through `busctl` (part of
 * systemd, so on every box): the host name avahi publishes, setting it back, and resolving a
 * `.local` name on the network. busctl prints its answers as JSON (`--json=short`), so the parse
 * is of a documented shape, not of a human-readable table. Setting the name is allowed by the
 * image's D-Bus policy (openskylab-avahi-dbus.conf) to the app's user only.
 */
import { runBounded } from "../../lib/bounded_command.ts";

export interface AvahiClient {
  /** The host name avahi publishes now, without `.local`. */
  hostName(): Promise<string>;
  setHostName(name: string): Promise<void>;
  /** The address a `.local` name resolves to on the network, or null when nothing answers. */
  resolve(fqdn: string): Promise<string | null>;
}

/** avahi-daemon's own configuration, where the image fixes the name the box answers to. */
export const AVAHI_CONFIG = "/etc/avahi/avahi-daemon.conf";

/** The `host-name` of avahi-daemon.conf's [server] section, or null when it is not set there. */
export function configuredHostName(conf: string): string | null {
  let section = "";
  for (const raw of conf.split("\n")) {
    const line = raw.trim();
    const header = /^\[(.+)\]$/.exec(line);
    if (header) section = header[1]!.trim();
    const entry = /^host-name\s*=\s*(\S+)$/.exec(line);
    if (section === "server" && entry) return entry[1]!;
  }
  return null;
}

/** What `busctl --json=short call` prints: the reply's signature and its values. */
export function parseBusctlReply(stdout: string): unknown[] {
  const reply = JSON.parse(stdout) as { type?: unknown; data?: unknown };
  if (typeof reply.type !== "string" || !Array.isArray(reply.data)) {
    throw new Error(`busctl printed an unexpected reply: ${stdout.trim().slice(0, 200)}`);
  }
  return reply.data;
}

// avahi's constants (avahi-common/address.h): any interface, any protocol, an IPv4 answer.
const IF_UNSPEC = "-1";
const PROTO_UNSPEC = "-1";
const PROTO_INET = "0";

export class BusctlAvahi implements AvahiClient {
  readonly #binary: string;
  constructor(binary = "busctl") {
    this.#binary = binary;
  }

  async hostName(): Promise<string> {
    const [name] = await this.#call("GetHostName", []);
    if (typeof name !== "string") throw new Error("avahi's GetHostName answered no name");
    return name;
  }

  async setHostName(name: string): Promise<void> {
    await this.#call("SetHostName", ["s", name]);
  }

  async resolve(fqdn: string): Promise<string | null> {
    try {
      // (interface, protocol, name, aprotocol, flags) → (…, name, aprotocol, address, flags).
      const reply = await this.#call("ResolveHostName", [
        "iisiu",
        IF_UNSPEC,
        PROTO_UNSPEC,
        fqdn,
        PROTO_INET,
        "0",
      ]);
      return typeof reply[4] === "string" ? reply[4] : null;
    } catch (err) {
      // avahi's own answer when nobody on the network has the name.
      if (err instanceof Error && /Timeout/i.test(err.message)) return null;
      throw err;
    }
  }

  async #call(member: string, args: readonly string[]): Promise<unknown[]> {
    // `--` before the call: avahi's -1 constants are arguments, not options.
    const out = await runBounded(this.#binary, [
      "--system",
      "--json=short",
      "--timeout=10",
      "--",
      "call",
      "org.freedesktop.Avahi",
      "/",
      "org.freedesktop.Avahi.Server",
      member,
      ...args,
    ], 15_000);
    if (out.code === null) throw new Error(`busctl call ${member} did not finish within 15 s`);
    if (out.code !== 0) {
      throw new Error(
        `avahi's ${member} failed: ${out.stderr.trim() || `busctl exited with ${out.code}`}`,
      );
    }
    return out.stdout.trim() === "" ? [] : parseBusctlReply(out.stdout);
  }
}
