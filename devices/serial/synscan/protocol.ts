/**
 * The SynScan (SkyWatcher) and NexStar (Celestron) hand-controller command sets behind the
 * MountProtocol adapter. They share the letter grammar: `Kx` echo, `e`/`r`/`s` precise
 * position/goto/sync, `L` goto in progress, `M` cancel, `t`/`T` tracking mode; they differ in
 * the `V` reply (6 hex digits vs two bytes), the frame (INDI treats SynScan as J2000, NexStar as
 * JNow) and the EQ tracking byte (SynScan 2 = EQ; NexStar 2 = EQ north, 3 = EQ south). Neither
 * can park, refuse a low goto, set a lunar/solar rate or pulse-guide without the `P`
 * passthrough, so those stay off here.
 */
import type { Site } from "../../device.ts";
import type { EquatorialTarget, TrackingMode } from "../../mount.ts";
import type { SerialLink } from "../link.ts";
import { printable, untilTerminator } from "../port.ts";
import type { MountProtocol, MountReport } from "../mount_protocol.ts";
import {
  decodePosition,
  encodePosition,
  parseNexStarVersion,
  parseSynScanVersion,
} from "./codec.ts";

const HASH = untilTerminator("#");

export class SynScanProtocol implements MountProtocol {
  readonly driver: string;
  readonly description: string;
  readonly frame;
  readonly canPark = false;
  readonly canPulseGuide = false;
  readonly trackingRates = ["sidereal"] as const;
  readonly defaultAlignment = "germanPolar" as const;
  #nexStar: boolean;

  constructor(flavour: "synscan" | "nexstar") {
    this.#nexStar = flavour === "nexstar";
    this.driver = flavour;
    this.description = this.#nexStar ? "Celestron NexStar" : "SkyWatcher SynScan";
    this.frame = this.#nexStar ? "JNow" as const : "J2000" as const;
  }

  async handshake(link: SerialLink): Promise<string> {
    const echo = await link.request("Kx", HASH);
    if (echo !== "x#") throw new Error(`echo test answered ${printable(echo)}, not "x#"`);
    const reply = await link.request("V", this.#nexStar ? exactThree : HASH);
    const version = this.#nexStar ? parseNexStarVersion(reply) : parseSynScanVersion(reply);
    return `${this.description} ${version}`;
  }

  async poll(link: SerialLink): Promise<MountReport> {
    const slewing = await this.#gotoRunning(link);
    const position = await this.readPosition(link);
    const mode = await link.request("t", exactTwo);
    if (!mode.endsWith("#")) throw new Error(`tracking reply ${printable(mode)} does not end in #`);
    return { ...position, slewing, tracking: mode.charCodeAt(0) !== 0 };
  }

  async readPosition(link: SerialLink): Promise<EquatorialTarget> {
    return decodePosition(await link.request("e", HASH));
  }

  async goto(link: SerialLink, target: EquatorialTarget): Promise<void> {
    await this.#expectHash(link, `r${encodePosition(target, 32)}`, "goto");
  }

  async sync(link: SerialLink, position: EquatorialTarget): Promise<void> {
    await this.#expectHash(link, `s${encodePosition(position, 32)}`, "sync");
  }

  async abort(link: SerialLink): Promise<void> {
    await this.#expectHash(link, "M", "cancel goto");
  }

  async setTracking(link: SerialLink, mode: TrackingMode, site: Site): Promise<void> {
    const eqByte = this.#nexStar && site.latitudeDeg < 0 ? 3 : 2;
    await this.#expectHash(
      link,
      `T${String.fromCharCode(mode === "off" ? 0 : eqByte)}`,
      "tracking",
    );
  }

  async #gotoRunning(link: SerialLink): Promise<boolean> {
    const reply = await link.request("L", HASH);
    if (reply !== "0#" && reply !== "1#") {
      throw new Error(`goto-in-progress reply ${printable(reply)} is neither 0# nor 1#`);
    }
    return reply === "1#";
  }

  async #expectHash(link: SerialLink, command: string, what: string): Promise<void> {
    const reply = await link.request(command, HASH);
    if (reply !== "#") throw new Error(`${what} answered ${printable(reply)}, not "#"`);
  }
}

function exactTwo(received: string): number {
  return received.length >= 2 ? 2 : -1;
}

function exactThree(received: string): number {
  return received.length >= 3 ? 3 : -1;
}
