/**
 * The LX200 command set as Meade (2010.10) and OnStep speak it, behind the MountProtocol adapter.
 * The two differ where it matters to a driver: OnStep answers booleans with a bare `0`/`1` and
 * gotos with one digit, reports park/slew/tracking/pier side in `:GU#`, parks and unparks
 * (`:hP#`/`:hR#`) and switches tracking with `:Te#`/`:Td#`; a Meade controller answers gotos with
 * `0` or `1<message>#`, shows a slew by `:D#` returning the 0x7F bar, has no unpark (so this
 * driver does not offer park) and stops tracking by switching to Land alignment (`:AL#`, back
 * with `:AP#`). Meade starts in low precision; the handshake toggles `:U#` until `:GR#` gives
 * seconds.
 */
import { AppError, conflict } from "../../../lib/errors.ts";
import type { Site } from "../../device.ts";
import type { EquatorialTarget, GuideDirection, TrackingMode } from "../../mount.ts";
import type { SerialLink } from "../link.ts";
import { exactBytes, NO_REPLY, printable, type ReplyMatcher, untilTerminator } from "../port.ts";
import type { MountProtocol, MountReport } from "../mount_protocol.ts";
import {
  formatDecDeg,
  formatRaHours,
  isLowPrecisionRa,
  parseDecDeg,
  parseGotoReply,
  parseOnStepStatus,
  parseRaHours,
} from "./codec.ts";

const HASH = untilTerminator("#");
const ONE_BYTE = exactBytes(1);
/** Meade's goto answer: `0` alone, or a digit, a message and `#`. */
const MEADE_GOTO: ReplyMatcher = (received) =>
  received.startsWith("0") ? 1 : received.length > 0 ? HASH(received) : -1;
const RATE_COMMANDS: Record<Exclude<TrackingMode, "off">, string> = {
  sidereal: ":TQ#",
  lunar: ":TL#",
  solar: ":TS#",
  king: ":TK#",
};

export class Lx200Protocol implements MountProtocol {
  readonly driver: string;
  readonly description: string;
  /** Meade and OnStep controllers point in coordinates of date (serial-mounts.md). */
  readonly frame = "JNow" as const;
  readonly canPark: boolean;
  readonly canPulseGuide = true;
  readonly trackingRates;
  readonly defaultAlignment;
  #onStep: boolean;

  constructor(flavour: "meade" | "onstep") {
    this.#onStep = flavour === "onstep";
    this.driver = this.#onStep ? "onstep" : "lx200";
    this.description = this.#onStep ? "OnStep (LX200 protocol)" : "Meade LX200";
    this.canPark = this.#onStep;
    this.trackingRates = this.#onStep
      ? (["sidereal", "lunar", "solar", "king"] as const)
      : (["sidereal", "lunar", "solar"] as const);
    this.defaultAlignment = this.#onStep ? "germanPolar" as const : "polar" as const;
  }

  async handshake(link: SerialLink): Promise<string> {
    const name = (await link.request(":GVP#", HASH)).slice(0, -1).trim();
    if (name.length === 0) throw new Error(":GVP# answered an empty product name");
    if (!this.#onStep) {
      // :U# toggles precision; two tries reach high precision from either state.
      for (let i = 0; i < 2 && isLowPrecisionRa(await link.request(":GR#", HASH)); i++) {
        await link.request(":U#", NO_REPLY);
      }
    }
    return name;
  }

  async poll(link: SerialLink): Promise<MountReport> {
    if (this.#onStep) {
      const status = parseOnStepStatus(await link.request(":GU#", HASH));
      const position = await this.readPosition(link);
      return {
        ...position,
        slewing: status.slewing || status.parking,
        tracking: status.tracking,
        parked: status.parked,
        atHome: status.atHome,
        pierSide: status.pierSide,
      };
    }
    const bars = await link.request(":D#", HASH);
    const position = await this.readPosition(link);
    return { ...position, slewing: bars.includes("\x7f") };
  }

  async readPosition(link: SerialLink): Promise<EquatorialTarget> {
    const raHours = parseRaHours(await link.request(":GR#", HASH));
    const decDeg = parseDecDeg(await link.request(":GD#", HASH));
    return { raHours, decDeg };
  }

  async goto(link: SerialLink, target: EquatorialTarget): Promise<void> {
    await this.#setTarget(link, target);
    const reply = await link.request(":MS#", this.#onStep ? ONE_BYTE : MEADE_GOTO);
    const outcome = parseGotoReply(reply);
    if (outcome.ok) return;
    if (outcome.kind === "range") throw new RangeError(`goto refused: ${outcome.reason}`);
    if (outcome.kind === "conflict") throw conflict(`goto refused: ${outcome.reason}`);
    throw new Error(`goto failed: ${outcome.reason}`);
  }

  async sync(link: SerialLink, position: EquatorialTarget): Promise<void> {
    await this.#setTarget(link, position);
    const reply = await link.request(":CM#", HASH);
    if (this.#onStep && /^E\d/.test(reply)) {
      throw new AppError(409, "conflict", `sync refused by OnStep (${printable(reply)})`);
    }
  }

  async abort(link: SerialLink): Promise<void> {
    await link.request(":Q#", NO_REPLY);
  }

  async setTracking(link: SerialLink, mode: TrackingMode, _site: Site): Promise<void> {
    if (mode !== "off") await link.request(RATE_COMMANDS[mode], NO_REPLY);
    if (this.#onStep) {
      const reply = await link.request(mode === "off" ? ":Td#" : ":Te#", ONE_BYTE);
      if (reply !== "1") {
        throw new Error(`OnStep refused to turn tracking ${mode === "off" ? "off" : "on"}`);
      }
    } else {
      await link.request(mode === "off" ? ":AL#" : ":AP#", NO_REPLY);
    }
  }

  async park(link: SerialLink): Promise<void> {
    const reply = await link.request(":hP#", ONE_BYTE);
    if (reply !== "1") throw new Error("OnStep refused to park (park position not set?)");
  }

  async unpark(link: SerialLink): Promise<void> {
    const reply = await link.request(":hR#", ONE_BYTE);
    if (reply !== "1") throw new Error("OnStep refused to unpark");
  }

  async pulseGuide(link: SerialLink, direction: GuideDirection, durationMs: number): Promise<void> {
    const letter = direction.charAt(0);
    await link.request(`:Mg${letter}${String(durationMs).padStart(4, "0")}#`, NO_REPLY);
  }

  async #setTarget(link: SerialLink, target: EquatorialTarget): Promise<void> {
    const ra = await link.request(`:Sr${formatRaHours(target.raHours)}#`, ONE_BYTE);
    const dec = await link.request(`:Sd${formatDecDeg(target.decDeg)}#`, ONE_BYTE);
    if (ra !== "1") throw new RangeError(`the mount refused RA ${formatRaHours(target.raHours)}`);
    if (dec !== "1") throw new RangeError(`the mount refused Dec ${formatDecDeg(target.decDeg)}`);
  }
}
