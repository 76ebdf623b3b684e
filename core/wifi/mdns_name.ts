/**
 * Keeps the box at openskylab.local. avahi renames its host `openskylab-2` when another host
 * answers its name, and, through a long-standing avahi bug (avahi issue 117, open in 0.8, the
 * box's version), also when that "other host" is the box itself: an address that changes while
 * avahi announces (each switch between the hotspot and home does that) makes avahi meet its own
 * records. Seen in the VM test: a conflict at boot, with no other host on any network, left the
 * box unreachable as openskylab.local from home for good.
 *
 * So the keeper reads avahi's name every `everyMs`. When it has become `<name>-N`, it asks the
 * network who answers `<name>.local`: nobody, or one of the box's own addresses, means the
 * conflict was with itself, and the name is set back. Another address is a real second box: this
 * one keeps `<name>-N.local` (and its `<hostname>.local`), and an alert says so once. A name
 * someone chose (not `<name>-N`) is left alone, and a name that falls again soon after being set
 * back is set back less and less often, so the keeper never argues with avahi in a loop.
 */
import type { Clock } from "../../lib/clock.ts";
import type { Logger } from "../../lib/log.ts";
import type { EventBus } from "../event_bus.ts";
import type { AvahiClient } from "./avahi.ts";

export interface MdnsNameOptions {
  avahi: AvahiClient;
  /** The name the box should answer to, without `.local`. */
  wantedName: string;
  bus: EventBus;
  log: Logger;
  clock: Clock;
  /** The box's own addresses; by default those of its network interfaces. */
  ownAddresses?: () => string[];
  everyMs?: number;
}

/** What one look found: the name as wanted, set back, kept for another box, or not avahi's. */
export type MdnsCheck = "ok" | "restored" | "another-box" | "held" | "chosen";

/** A fall within this time of the last set-back is a relapse, and backs the keeper off. */
const RELAPSE_WINDOW_MS = 120_000;
const MAX_HOLD_MS = 600_000;

export class MdnsNameKeeper {
  readonly #o: Required<MdnsNameOptions>;
  readonly #stop = new AbortController();
  #loop: Promise<void> | null = null;
  #lastRestoreMs: number | null = null;
  #relapses = 0;
  #holdUntilMs = 0;
  #alertedAddress: string | null = null;

  constructor(o: MdnsNameOptions) {
    this.#o = { ownAddresses: interfaceAddresses, everyMs: 10_000, ...o };
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
  }

  /** One look at avahi's name, setting it back when the conflict was with the box itself. */
  async check(): Promise<MdnsCheck> {
    const { avahi, wantedName, clock, log } = this.#o;
    const name = await avahi.hostName();
    if (name === wantedName) {
      if (this.#alertedAddress !== null) log.info("the box answers as its own mDNS name again");
      this.#alertedAddress = null;
      return "ok";
    }
    // avahi's own renames are `<name>-N`; any other name was chosen.
    const suffix = name.startsWith(`${wantedName}-`) ? name.slice(wantedName.length + 1) : "";
    if (!/^\d+$/.test(suffix)) return "chosen";
    const nowMs = clock.now();
    if (nowMs < this.#holdUntilMs) return "held";
    const answer = await avahi.resolve(`${wantedName}.local`);
    if (answer !== null && !this.#o.ownAddresses().includes(answer)) {
      this.#anotherBox(name, answer);
      return "another-box";
    }
    const relapse = this.#lastRestoreMs !== null && nowMs - this.#lastRestoreMs < RELAPSE_WINDOW_MS;
    this.#relapses = relapse ? this.#relapses + 1 : 0;
    this.#holdUntilMs = this.#relapses === 0
      ? 0
      : nowMs + Math.min(MAX_HOLD_MS, this.#o.everyMs * 2 ** this.#relapses);
    this.#lastRestoreMs = nowMs;
    log.warn("avahi renamed the box after a name conflict with itself: setting the name back", {
      from: `${name}.local`,
      to: `${wantedName}.local`,
      answered_by: answer ?? "nobody",
      relapses: this.#relapses,
    });
    await avahi.setHostName(wantedName);
    return "restored";
  }

  #anotherBox(name: string, address: string): void {
    if (this.#alertedAddress === address) return;
    this.#alertedAddress = address;
    const message = `Another device on this network answers as ${this.#o.wantedName}.local ` +
      `(${address}): this box answers as ${name}.local.`;
    this.#o.log.warn(message);
    this.#o.bus.publish("alert", {
      level: "warning",
      source: "network",
      message,
      details: { address, name: `${name}.local` },
    });
  }

  async #run(): Promise<void> {
    const signal = this.#stop.signal;
    let failing: string | null = null;
    while (!signal.aborted) {
      try {
        await this.check();
        failing = null;
      } catch (err) {
        // avahi still starting, or restarted: said once per reason, and asked again.
        const reason = String(err);
        if (reason !== failing && !signal.aborted) {
          this.#o.log.warn("the mDNS name could not be checked", { err: reason });
        }
        failing = reason;
      }
      await this.#o.clock.sleep(this.#o.everyMs, signal).catch(() => {});
    }
  }
}

function interfaceAddresses(): string[] {
  return Deno.networkInterfaces().map((i) => i.address);
}
