/**
 * One repetition of one block while it runs: where it is (the cursor's prefix), what it points
 * at (a `target` block sets it, inner blocks inherit it), which repetition, and the watchers its
 * instructions registered — triggers and stop conditions live exactly as long as their block's
 * repetition. The top of the program is a scope too.
 */
import type { FrameInfo, FrameTaken, RunEnv, TargetRef, Watcher } from "./instructions/kind.ts";
import type { Node } from "./program.ts";

/** A stop condition ended the block of `scope`; the walk resumes after that block. */
export class BlockEnded extends Error {
  readonly scope: Scope;
  readonly reason: string;
  constructor(scope: Scope, reason: string) {
    super(`block ended: ${reason}`);
    this.name = "BlockEnded";
    this.scope = scope;
    this.reason = reason;
  }
}

export class Scope {
  readonly parent: Scope | null;
  /** The block this is a repetition of (null at the top). */
  readonly block: Node | null;
  readonly at: readonly number[];
  readonly rounds: readonly number[];
  readonly target: TargetRef | null;
  readonly round: { index: number; of: number } | null;
  readonly #watchers: Watcher[] = [];

  private constructor(
    parent: Scope | null,
    block: Node | null,
    place: { at: readonly number[]; rounds: readonly number[] },
    target: TargetRef | null,
    round: { index: number; of: number } | null,
  ) {
    this.parent = parent;
    this.block = block;
    this.at = place.at;
    this.rounds = place.rounds;
    this.target = target;
    this.round = round;
  }

  static top(): Scope {
    return new Scope(null, null, { at: [], rounds: [] }, null, null);
  }

  /** Repetition `round` of `block`, standing at `index` in this scope. */
  child(block: Node, index: number, round: number, target: TargetRef | null): Scope {
    return new Scope(
      this,
      block,
      { at: [...this.at, index], rounds: [...this.rounds, round] },
      target ?? this.target,
      { index: round, of: block.rounds },
    );
  }

  get depth(): number {
    return this.at.length;
  }

  watch(watcher: Watcher): void {
    this.#watchers.push(watcher);
  }

  /** Throws BlockEnded for the outermost block whose stop condition is met. */
  checkStops(env: RunEnv): void {
    for (const scope of this.#chain()) {
      for (const w of scope.#watchers) {
        const reason = w.stopReason?.(env) ?? null;
        if (reason !== null) throw new BlockEnded(scope, reason);
      }
    }
  }

  async beforeFrame(frame: FrameInfo, env: RunEnv): Promise<void> {
    for (const scope of this.#chain()) {
      for (const w of scope.#watchers) await w.beforeFrame?.(frame, env);
    }
  }

  async afterFrame(frame: FrameTaken, env: RunEnv): Promise<void> {
    for (const scope of this.#chain()) {
      for (const w of scope.#watchers) await w.afterFrame?.(frame, env);
    }
  }

  /** Outermost first: triggers of the whole sequence run before those of a target. */
  #chain(): Scope[] {
    return this.parent === null ? [this] : [...this.parent.#chain(), this];
  }
}
