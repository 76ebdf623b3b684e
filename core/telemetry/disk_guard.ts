/**
 * Stops imaging cleanly before the data disk is full. Two thresholds on the free space of the
 * data directory's file system: below `warnBytes` the box warns; below `reserveBytes` no new
 * exposure starts (507 Insufficient Storage), no sequence starts (409), and a running sequence is
 * paused after the frame it is taking — its checkpoint kept — so the frame in hand still fits in
 * the reserve. Once space is freed (10 % above the reserve, so it does not flap) a sequence the
 * guard paused resumes by itself; one the user paused is left alone.
 *
 * Free space is asked of the kernel (statfs) at every telemetry sample and after every saved
 * frame, so the decision never rests on a figure older than one frame.
 */
import { AppError } from "../../lib/errors.ts";
import type { Logger } from "../../lib/log.ts";
import type { EventBus } from "../event_bus.ts";
import { type DiskSpace, diskSpace } from "./host_reader.ts";

export type DiskState = "ok" | "low" | "reserve";

/** What the guard may do to a running sequence (the composition wires the sequencer in). */
export interface SequenceControl {
  /** Pauses the running sequence after its current frame; its run id, or null when none ran. */
  pause(reason: string): string | null;
  /** Resumes run `runId` if it is still the paused one. */
  resume(runId: string): void;
}

export interface DiskGuardOptions {
  dataDir: string;
  warnBytes: number;
  reserveBytes: number;
  bus: EventBus;
  log: Logger;
  /**
   * The free space of the data directory; statfs by default. The state machine's own test gives
   * exact byte counts here; the box's integration test fills a real (tmpfs) disk instead.
   */
  space?: (dir: string) => Promise<DiskSpace | null>;
}

const MIB = 1024 * 1024;

export class DiskGuard {
  readonly dataDir: string;
  readonly warnBytes: number;
  readonly reserveBytes: number;
  readonly #o: DiskGuardOptions;
  #last: DiskSpace | null = null;
  #state: DiskState = "ok";
  #control: SequenceControl | null = null;
  #pausedRunId: string | null = null;
  #checking: Promise<DiskSpace | null> | null = null;

  constructor(options: DiskGuardOptions) {
    if (!(options.reserveBytes > 0 && options.warnBytes >= options.reserveBytes)) {
      throw new RangeError(
        `need 0 < reserve (${options.reserveBytes}) ≤ warn (${options.warnBytes}) bytes`,
      );
    }
    this.#o = options;
    this.dataDir = options.dataDir;
    this.warnBytes = options.warnBytes;
    this.reserveBytes = options.reserveBytes;
  }

  /** Lets the guard pause and resume the sequencer (set once the sequencer exists). */
  setSequenceControl(control: SequenceControl): void {
    this.#control = control;
  }

  get last(): DiskSpace | null {
    return this.#last;
  }

  get state(): DiskState {
    return this.#state;
  }

  /** True while a sequence the guard paused waits for space. */
  get pausedSequence(): boolean {
    return this.#pausedRunId !== null;
  }

  /** Why imaging may not start now, or null. */
  refusal(): string | null {
    if (this.#state !== "reserve" || this.#last === null) return null;
    return `the data disk has ${formatBytes(this.#last.freeBytes)} free, below the ` +
      `${formatBytes(this.reserveBytes)} reserve kept so no frame is ever cut short; ` +
      "free space (delete or download frames) to continue";
  }

  /** Throws the 507 a new exposure gets while the disk is below its reserve. */
  requireSpace(): void {
    const reason = this.refusal();
    if (reason === null) return;
    throw new AppError(507, "insufficient_storage", `No new exposure: ${reason}`, {
      free_bytes: this.#last?.freeBytes ?? null,
      reserve_bytes: this.reserveBytes,
    });
  }

  /** Asks the kernel for the free space now and acts on a change of state. */
  check(): Promise<DiskSpace | null> {
    // Frames saved in a burst share one statfs.
    return this.#checking ??= this.#check().finally(() => this.#checking = null);
  }

  async #check(): Promise<DiskSpace | null> {
    const space = await (this.#o.space ?? diskSpace)(this.dataDir);
    if (space === null) return this.#last;
    this.#last = space;
    const next = this.#classify(space.freeBytes);
    if (next !== this.#state) {
      const previous = this.#state;
      this.#state = next;
      this.#changed(previous, next, space);
    }
    return space;
  }

  #classify(freeBytes: number): DiskState {
    // Leaving the reserve needs a margin above it, so a frame deleted and one taken do not flap.
    const margin = Math.max(this.reserveBytes / 10, MIB);
    if (freeBytes < this.reserveBytes) return "reserve";
    if (this.#state === "reserve" && freeBytes < this.reserveBytes + margin) return "reserve";
    return freeBytes < this.warnBytes ? "low" : "ok";
  }

  #changed(previous: DiskState, next: DiskState, space: DiskSpace): void {
    const free = formatBytes(space.freeBytes);
    const details = {
      free_bytes: space.freeBytes,
      total_bytes: space.totalBytes,
      warn_bytes: this.warnBytes,
      reserve_bytes: this.reserveBytes,
    };
    this.#o.log.warn("data disk state changed", { from: previous, to: next, ...details });
    if (next === "reserve") {
      const runId = this.#control?.pause(
        `the data disk has ${free} free, below its ${formatBytes(this.reserveBytes)} reserve; ` +
          "it resumes by itself once space is freed",
      ) ?? null;
      if (runId !== null) this.#pausedRunId = runId;
      this.#o.bus.publish("alert", {
        level: "critical",
        source: "telemetry",
        message: `Imaging stopped: the data disk has only ${free} free (reserve ${
          formatBytes(this.reserveBytes)
        }). ${
          runId
            ? "The sequence pauses after its current frame and resumes by itself"
            : "Imaging resumes"
        } once space is freed.`,
        details,
      });
      return;
    }
    if (previous === "reserve") {
      const runId = this.#pausedRunId;
      this.#pausedRunId = null;
      if (runId !== null) this.#control?.resume(runId);
      this.#o.bus.publish("alert", {
        level: "info",
        source: "telemetry",
        message: `Space freed: ${free} free on the data disk; imaging may continue${
          runId ? " and the paused sequence resumes" : ""
        }.`,
        details,
      });
    }
    if (next === "low") {
      this.#o.bus.publish("alert", {
        level: "warning",
        source: "telemetry",
        message: `The data disk is nearly full: ${free} free of ${
          formatBytes(space.totalBytes)
        }. Imaging stops below ${formatBytes(this.reserveBytes)}.`,
        details,
      });
    } else if (next === "ok" && previous === "low") {
      this.#o.bus.publish("alert", {
        level: "info",
        source: "telemetry",
        message: `The data disk has room again: ${free} free.`,
        details,
      });
    }
  }
}

export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}
