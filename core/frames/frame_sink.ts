/**
 * The one place frames are kept. Every producer — single exposures, sequences, calibration
 * captures (through the exposure service), autofocus, centring and polar alignment — hands its
 * downloaded frame here, and the sink owns what all of them must agree on: the file pattern, the
 * data directory, and the frame number (the pattern's {seq}, drawn from the database so it
 * survives restarts and never repeats). A frame is written durably and recorded (temp → fsync →
 * rename → row), and only then announced with `camera.frame_ready` when the producer's frames
 * are meant for the user's eyes; the star analysis follows in the imaging pool, off that path,
 * and its figures go into the row and out in `camera.frame_analyzed`. Analyses run one at a time
 * and at most MAX_WAITING wait: frames that arrive faster than they can be measured (a framing
 * loop of short exposures) skip the analysis, and say so, rather than pile up in memory.
 * Frames that are announced also get their screen preview rendered ahead (frame_previews.ts), so
 * the phone's first look at a frame is not a wait: before the analysis for a frame a person took;
 * for a sequence's frame after it (the sequence waits for the figures before its next exposure,
 * and the preview must not stand in that path) and only when the next exposure is long enough to
 * hide the render — with flats, biases or short lights it would hold up the next frame's figures
 * and so the sequence; their previews are rendered when someone asks.
 *
 * A light taken with no object named gets the name of the target the box last centred on, as long
 * as the mount still points there: "centre on M 42, then expose" gives frames of M 42.
 */
import type { RawFrame } from "../../devices/camera.ts";
import type { Rig } from "../../devices/rig.ts";
import type { Logger } from "../../lib/log.ts";
import type { EventBus } from "../event_bus.ts";
import type { FrameDto } from "../schemas/camera.ts";
import type { Database } from "../store/db.ts";
import { FrameNumbers } from "../store/frame_numbers.ts";
import { FrameRepository } from "../store/frames.ts";
import { writeFrame } from "./_write_frame.ts";
import type { FramePreviews } from "./frame_previews.ts";
import {
  analyzeSavedFrame,
  type FrameFigures,
  type MeasuredFrame,
  NO_FIGURES,
  type TaskRunner,
} from "./frame_figures.ts";
import { type AimedTarget, objectAtPointing } from "./object_name.ts";

/** Analyses waiting behind the running one before the oldest is skipped. */
export const MAX_WAITING = 2;

/** Recent frames whose whole analysis is kept for the viewer (a few hundred bytes each). */
export const MEASURED_KEPT = 64;

export interface FrameSinkOptions {
  hub: Rig;
  bus: EventBus;
  log: Logger;
  db: Database;
  dataDir: string;
  filePattern: string;
  /** Runs the star analysis (the imaging worker pool); null analyses inline on this thread. */
  analysis: TaskRunner | null;
  /** Renders the screen preview of each announced frame ahead of the first request; null: none. */
  previews?: FramePreviews | null;
}

export interface SaveOptions {
  /** The id the frame gets (the exposure service promised one to its client); default new. */
  frameId?: string;
  /** OBJECT; absent or null: the centred target the mount still points at, else none. */
  object?: string | null;
  /** Publish `camera.frame_ready` once recorded: frames the user takes, not routine frames. */
  announce?: boolean;
  /** Figures the producer measured itself (autofocus): recorded instead of analysing again. */
  figures?: FrameFigures;
  /** The sequence that took the frame. */
  sequenceId?: string | null;
  /**
   * Records the row instead of a plain insert, so the caller can commit it with its own state
   * (the sequencer moves its checkpoint in the same transaction).
   */
  record?: (dto: FrameDto) => Promise<void>;
}

export interface SavedFrame {
  /** The recorded row, figures still null. */
  dto: FrameDto;
  /** The row with its figures once measured (null figures when that failed or was skipped). */
  analyzed: Promise<FrameDto>;
}

interface Analysis {
  frame: RawFrame;
  dto: FrameDto;
  done(figures: FrameFigures, error: string | null, measured?: MeasuredFrame | null): void;
}

export class FrameSink {
  readonly #o: FrameSinkOptions;
  readonly #frames: FrameRepository;
  readonly #numbers: FrameNumbers;
  readonly #saving = new Set<Promise<unknown>>();
  #latest: { frame: RawFrame; dto: FrameDto } | null = null;
  #aimed: AimedTarget | null = null;
  #waiting: Analysis[] = [];
  /** Oldest first; null once known to have no analysis (skipped, failed, figures given). */
  readonly #measured = new Map<string, Promise<MeasuredFrame | null>>();
  #analysing: Promise<void> | null = null;
  #closed = false;

  constructor(options: FrameSinkOptions) {
    this.#o = options;
    this.#frames = new FrameRepository(options.db);
    this.#numbers = new FrameNumbers(options.db);
  }

  get dataDir(): string {
    return this.#o.dataDir;
  }

  /** The last frame saved in this run of the process, with its pixels (previews). */
  get latest(): { frame: RawFrame; dto: FrameDto } | null {
    return this.#latest;
  }

  /** The mount was centred on a named target: lights taken there carry its name. */
  aimedAt(target: AimedTarget | null): void {
    this.#aimed = target;
  }

  /** Writes, records and (when asked) announces the frame; its analysis follows. */
  async save(frame: RawFrame, options: SaveOptions = {}): Promise<SavedFrame> {
    if (this.#closed) throw new Error("the frame sink is closed: the box is shutting down");
    const saving = this.#write(frame, options);
    this.#saving.add(saving);
    try {
      const dto = await saving;
      this.#latest = { frame, dto };
      if (!options.announce) return { dto, analyzed: this.#measure(frame, dto, options.figures) };
      this.#o.bus.publish("camera.frame_ready", dto);
      const inSequence = (options.sequenceId ?? null) !== null;
      if (!inSequence) this.#o.previews?.render(dto.id, frame);
      const analyzed = this.#measure(frame, dto, options.figures);
      if (inSequence && this.#o.previews?.hiddenBy(frame.request.durationS * 1000)) {
        this.#o.previews.render(dto.id, frame, analyzed);
      }
      return { dto, analyzed };
    } finally {
      this.#saving.delete(saving);
    }
  }

  /**
   * The analysis this sink made of a recent frame (waiting for it while it runs), so the viewer's
   * figures need not analyse the frame a second time; null when there is none to wait for.
   */
  measured(id: string): Promise<MeasuredFrame | null> | null {
    return this.#measured.get(id) ?? null;
  }

  /** Absolute path of a saved frame. */
  pathOf(dto: FrameDto): string {
    return `${this.#o.dataDir}/${dto.path}`;
  }

  /**
   * Shutdown: frames being written reach the disk and the database; the analysis under way ends,
   * those still waiting are skipped (their frames are kept, without figures).
   */
  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#waiting.splice(0)) job.done(NO_FIGURES, "skipped: the box shut down");
    await Promise.allSettled([...this.#saving]);
    await Promise.all([this.#analysing, this.#o.previews?.close()]);
  }

  async #write(frame: RawFrame, options: SaveOptions): Promise<FrameDto> {
    const object = options.object ?? this.#defaultObject(frame);
    return await writeFrame({
      frameId: options.frameId ?? crypto.randomUUID(),
      frame,
      object,
      frameNumber: await this.#numbers.next(),
      hub: this.#o.hub,
      dataDir: this.#o.dataDir,
      filePattern: this.#o.filePattern,
      frames: this.#frames,
      sequenceId: options.sequenceId ?? null,
      record: options.record,
    });
  }

  #defaultObject(frame: RawFrame): string | null {
    if (frame.request.frameType !== "light" || this.#aimed === null) return null;
    return objectAtPointing(this.#aimed, this.#o.hub);
  }

  #measure(frame: RawFrame, dto: FrameDto, given: FrameFigures | undefined): Promise<FrameDto> {
    const { promise, resolve } = Promise.withResolvers<FrameDto>();
    const measured = Promise.withResolvers<MeasuredFrame | null>();
    this.#measured.set(dto.id, measured.promise);
    for (const id of this.#measured.keys()) {
      if (this.#measured.size <= MEASURED_KEPT) break;
      this.#measured.delete(id);
    }
    const done = (figures: FrameFigures, error: string | null, kept?: MeasuredFrame | null) => {
      measured.resolve(kept ?? null);
      const analysed = { ...dto, ...figures };
      if (this.#latest?.dto.id === dto.id) this.#latest = { frame, dto: analysed };
      this.#o.bus.publish("camera.frame_analyzed", {
        id: dto.id,
        path: dto.path,
        ...figures,
        error,
      });
      resolve(analysed);
    };
    if (given) {
      this.#frames.setAnalysis(dto.id, given).then(
        () => done(given, null),
        (err) => done(NO_FIGURES, `the figures could not be recorded: ${err}`),
      );
      return promise;
    }
    this.#waiting.push({ frame, dto, done });
    if (this.#waiting.length > MAX_WAITING) {
      const skipped = this.#waiting.shift()!;
      this.#o.log.info("frames arrive faster than they can be analysed; one is kept unmeasured", {
        frame_id: skipped.dto.id,
      });
      skipped.done(NO_FIGURES, "skipped: frames arrived faster than they could be analysed");
    }
    this.#analysing ??= this.#pump();
    return promise;
  }

  async #pump(): Promise<void> {
    // Yield first, so `#analysing` is set before this can end.
    await Promise.resolve();
    try {
      for (let job = this.#waiting.shift(); job; job = this.#waiting.shift()) {
        const { figures, error, measured } = await analyzeSavedFrame({
          frame: job.frame,
          dto: job.dto,
          hub: this.#o.hub,
          frames: this.#frames,
          log: this.#o.log,
          runner: this.#o.analysis,
        });
        job.done(figures, error, measured);
      }
    } finally {
      this.#analysing = null;
    }
  }
}
