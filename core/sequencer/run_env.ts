/**
 * The `RunEnv` an instruction runs with: the run's services, bound to the scope it stands in
 * (its target, its repetition, the watchers it may register) and to its own per-run memory. The
 * frame services (pause point, stop conditions and triggers around a frame, the save with the
 * checkpoint) come from the run; this file only wires them to the instruction.
 */
import type { RawFrame } from "../../devices/camera.ts";
import type { SequencerContext } from "./context.ts";
import type { RunEnv, SavedFrame, Session } from "./instructions/kind.ts";
import type { Measurements } from "./measurements.ts";
import type { Node } from "./program.ts";
import type { RigActions } from "./rig.ts";
import type { Scope } from "./scope.ts";

/** What every instruction of one run shares. */
export interface RunServices {
  ctx: SequencerContext;
  rig: RigActions;
  signal: AbortSignal;
  sequenceId: string;
  session: Session;
  measurements: Measurements;
  /** Per-instruction memory, by document path. */
  memo: Map<string, unknown>;
  pausePoint(): Promise<void>;
  alert(level: "info" | "warning" | "error", message: string): void;
  describe(text: string): void;
  frameNumber(): { index: number; of: number };
  saveFrame(frame: RawFrame, scope: Scope): Promise<SavedFrame>;
  framesRemaining(): number;
  framesDone(): number;
}

export function runEnv(run: RunServices, scope: Scope, node: Node, progress: number): RunEnv {
  const memoKey = node.path.join(".");
  const env: RunEnv = {
    ctx: run.ctx,
    rig: run.rig,
    signal: run.signal,
    sequenceId: run.sequenceId,
    progress,
    target: scope.target,
    round: scope.round,
    session: run.session,
    memo<T>(init: () => T): T {
      if (!run.memo.has(memoKey)) run.memo.set(memoKey, init());
      return run.memo.get(memoKey) as T;
    },
    measure: (key, ms) => run.measurements.add(key, ms),
    alert: (level, message) => run.alert(level, message),
    describe: (text) => run.describe(text),
    watch: (watcher) => scope.watch(watcher),
    async beforeFrame(frame) {
      await run.pausePoint();
      scope.checkStops(env);
      await scope.beforeFrame(frame, env);
    },
    afterFrame: (frame) => scope.afterFrame(frame, env),
    frameNumber: () => run.frameNumber(),
    saveFrame: (frame) => run.saveFrame(frame, scope),
    framesRemaining: () => run.framesRemaining(),
    framesDone: () => run.framesDone(),
  };
  return env;
}
