/**
 * What an instruction kind is. One file per kind gives its parameters (a zod shape: request
 * validation, OpenAPI document and TypeScript type at once), its checks against the rig at
 * validation, its time estimate and its run; registry.ts lists the kinds. The engine knows a kind
 * only through this interface: a leaf runs; a block holds instructions and repeats them; a
 * trigger or a stop condition is a leaf that registers a `Watcher` for the rest of its block; a
 * kind that sets up state (the pointing, the filter, a trigger) says `replay`, and a run resumed
 * past it inside its block runs it again first.
 */
import type { z } from "zod";
import type { RawFrame } from "../../../devices/camera.ts";
import type { FrameType } from "../../../devices/camera.ts";
import type { SettleParams } from "../../../devices/guider.ts";
import type { Rig } from "../../../devices/rig.ts";
import type { FrameDto } from "../../schemas/camera.ts";
import type { SequencerContext } from "../context.ts";
import type { RigActions } from "../rig.ts";

/** An instruction as data: its kind and its parameters. */
export interface Instruction {
  kind: string;
  [field: string]: unknown;
}

/** A problem with one instruction; `field` is relative to it ("" for the instruction itself). */
export interface Issue {
  field: string;
  reason: string;
}

export type ResolveTarget = (
  name: string,
) => Promise<{ ra: number; dec: number } | null> | { ra: number; dec: number } | null;

export interface CheckContext {
  hub: Rig;
  resolveTarget?: ResolveTarget;
}

/** The object the enclosing `target` block points at (J2000; null when not known). */
export interface TargetRef {
  name: string;
  raHours: number | null;
  decDeg: number | null;
}

export interface FrameInfo {
  exposureS: number;
  frameType: FrameType;
}

export interface FrameTaken extends FrameInfo {
  /** Median HFR when the frame was analysed. */
  hfr: number | null;
}

/** Registered by a trigger or a stop condition for the rest of the block it stands in. */
export interface Watcher {
  /** Why the block must end now, or null: asked before every instruction and every frame. */
  stopReason?(env: RunEnv): string | null;
  beforeFrame?(frame: FrameInfo, env: RunEnv): Promise<void>;
  afterFrame?(frame: FrameTaken, env: RunEnv): Promise<void>;
}

/** What the run has done to the rig, shared by the kinds that care. */
export interface Session {
  /** The filter this run put in the path, with its focus offset. */
  filter: { name: string; offsetSteps: number } | null;
  /** The focus offset applied to the focuser so far (null: not known yet). */
  appliedOffsetSteps: number | null;
  /** A filter change since the last frame (an autofocus trigger). */
  filterChanged: boolean;
  /** Guiding this run started and has not stopped, with its settle. */
  guiding: { settle: SettleParams } | null;
}

export interface SavedFrame {
  /** The committed row (figures still null); `camera.frame_ready` has announced it. */
  dto: FrameDto;
  /** The row with its star figures once measured (null figures when that failed or was skipped). */
  analyzed: Promise<FrameDto>;
  /** 0-based index of the frame in the whole plan. */
  index: number;
}

/** What a leaf (or a watcher) may use while it runs. */
export interface RunEnv {
  readonly ctx: SequencerContext;
  readonly rig: RigActions;
  readonly signal: AbortSignal;
  readonly sequenceId: string;
  /** Units (frames) of this instruction already done: a resumed run continues from there. */
  readonly progress: number;
  readonly target: TargetRef | null;
  /** The innermost block's repetition. */
  readonly round: { index: number; of: number } | null;
  readonly session: Session;
  /** Per-run state of this instruction, kept across a retry and a replay. */
  memo<T>(init: () => T): T;
  /** Records an overhead for the estimates (see `EstimateEnv.meanS`). */
  measure(key: string, ms: number): void;
  alert(level: "info" | "warning" | "error", message: string): void;
  /** What the run is doing now (status message). */
  describe(text: string): void;
  watch(watcher: Watcher): void;
  /** Pause point, stop conditions and triggers; throws when a stop condition ends a block. */
  beforeFrame(frame: FrameInfo): Promise<void>;
  afterFrame(frame: FrameTaken): Promise<void>;
  /** The next frame's 0-based index in the plan, and the frames planned. */
  frameNumber(): { index: number; of: number };
  /** Writes the file, and its row with the run's checkpoint in one transaction. */
  saveFrame(frame: RawFrame): Promise<SavedFrame>;
  /** Frames the plan holds after those done (0 after the last one). */
  framesRemaining(): number;
  /** Frames saved by the run so far, over every restart. */
  framesDone(): number;
}

/** What an estimate may use: the overheads measured so far and the state the walk carries. */
export interface EstimateEnv {
  /** Units of this instruction already done. */
  readonly progress: number;
  /** When the instruction is expected to start (the clock's now plus what comes before). */
  readonly atMs: number;
  /** A copy of the session, changed by the estimates as the walk goes (a filter selected …). */
  readonly session: Session;
  readonly framesThisRun: number;
  /** Mean / total seconds of the overhead `key` measured this run (0 when never measured). */
  meanS(key: string): number;
  totalS(key: string): number;
  /** Seconds the triggers in scope add to each frame. */
  perFrameS(): number;
  /** For a trigger: seconds it adds to each frame of its block. */
  addPerFrameS(seconds: number): void;
}

export interface BlockBehaviour<P> {
  /** How many times the body runs (default 1). */
  rounds?(p: P): number;
  /** Resolves the target the body points at, when this block names one. */
  enter?(p: P, env: RunEnv): Promise<TargetRef | null>;
}

export interface InstructionKind<P extends { kind: string } = Instruction> {
  readonly kind: string;
  /** One sentence for the OpenAPI document. */
  readonly summary: string;
  /** The parameters besides `kind` (and a block's `instructions`). */
  readonly fields: z.ZodRawShape;
  /** Present for a block: its body is `instructions`. */
  readonly block?: BlockBehaviour<P>;
  /**
   * Re-run when a run resumes past it within its block: `true` always (a trigger), or a state
   * key — then only the last instruction of that key before the resume point runs again (a
   * warm-up after a cool-down leaves the camera warm).
   */
  readonly replay?: true | string;
  /** Frames it takes (a leaf; default 0). */
  frames?(p: P): number;
  /** Problems only the rig can see; `p` has passed the kind's schema. */
  check?(p: P, ctx: CheckContext): Issue[] | Promise<Issue[]>;
  /** Seconds it will take from `est.progress` on (a leaf; default 0). */
  estimateS?(p: P, est: EstimateEnv): number;
  /** The step's description when it takes frames (status and `sequencer.step_changed`). */
  describe?(p: P, env: RunEnv): string;
  run?(p: P, env: RunEnv): Promise<void>;
}

/** The parameters a shape gives, after defaults (zod types an empty shape as all-never). */
export type ParamsOf<K extends string, F extends z.ZodRawShape> = [keyof F] extends [never]
  ? { kind: K }
  : { kind: K } & z.infer<z.ZodObject<F>>;

/** Types a leaf kind's methods from its field shape. */
export function defineKind<const K extends string, F extends z.ZodRawShape>(
  kind: { kind: K; fields: F } & Omit<InstructionKind<ParamsOf<K, F>>, "kind" | "fields">,
): InstructionKind<ParamsOf<K, F>> {
  return kind;
}

/** Types a block kind's methods from its field shape; its body is `instructions`. */
export function defineBlock<const K extends string, F extends z.ZodRawShape>(
  kind:
    & { kind: K; fields: F; block: BlockBehaviour<ParamsOf<K, F> & Body> }
    & Omit<InstructionKind<ParamsOf<K, F> & Body>, "kind" | "fields" | "block">,
): InstructionKind<ParamsOf<K, F> & Body> {
  return kind;
}

// A type, not an interface: an interface has no implicit index signature, so a block's
// parameters would not be an `Instruction`.
type Body = { instructions: Instruction[] };

export function settleOf(s: { pixels: number; time_s: number; timeout_s: number }): SettleParams {
  return { pixels: s.pixels, timeS: s.time_s, timeoutS: s.timeout_s };
}
