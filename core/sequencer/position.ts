/**
 * The checkpoint's public view, kept from before instructions: `next` as target → repetition →
 * group → frame and `done_per_group` per target and group (the crash-recovery endpoint, the
 * scheduler's progress). For any instruction list it reads: a "target" is a top-level
 * instruction that takes frames, its "groups" are its frame-taking instructions in document
 * order, the "repetition" is that of the innermost block around the group. A sequence given as
 * targets compiles to exactly its old numbering. Old checkpoints (without a cursor) convert back.
 */
import type { Checkpoint, PlanPosition } from "../schemas/sequence.ts";
import { type Cursor, type Node, type Program, START } from "./program.ts";

interface Groups {
  /** `paths[t][g]`: where group g of target t is. */
  paths: number[][][];
  /** "1.0.3" → [t, g] */
  byPath: Map<string, [number, number]>;
}

const cache = new WeakMap<Program, Groups>();

function groupsOf(program: Program): Groups {
  const known = cache.get(program);
  if (known) return known;
  const groups: Groups = { paths: [], byPath: new Map() };
  for (const top of program.nodes) {
    if (top.framesPerRound === 0) continue;
    const t = groups.paths.length;
    const leaves = frameLeaves(top);
    groups.paths.push(leaves.map((n) => [...n.path]));
    leaves.forEach((n, g) => groups.byPath.set(n.path.join("."), [t, g]));
  }
  cache.set(program, groups);
  return groups;
}

function frameLeaves(node: Node): Node[] {
  if (!node.isBlock) return node.framesPerRound > 0 ? [node] : [];
  return node.children.flatMap(frameLeaves);
}

/** Target and group of the frame-taking leaf at `cursor`, or null for any other leaf. */
export function groupAt(program: Program, cursor: Cursor): [number, number] | null {
  return groupsOf(program).byPath.get(cursor.at.join(".")) ?? null;
}

/** The next frame as target → repetition → group → frame; null when every frame is taken. */
export function planPosition(program: Program, cursor: Cursor | null): PlanPosition | null {
  const next = cursor === null ? null : program.nextFrame(cursor);
  const group = next && groupAt(program, next);
  if (!next || !group) return null;
  // The innermost block around the leaf is the one before it on the path.
  const loop = next.at.length >= 2 ? next.rounds[next.at.length - 2] ?? 0 : 0;
  return {
    target_index: group[0],
    loop_index: loop,
    group_index: group[1],
    frame_index: next.done,
  };
}

/** The cursor a checkpoint written before cursors existed means (its next frame). */
export function cursorOfPosition(program: Program, pos: PlanPosition | null): Cursor | null {
  if (pos === null) return null;
  const at = groupsOf(program).paths[pos.target_index]?.[pos.group_index];
  if (!at) throw new RangeError(`plan position ${JSON.stringify(pos)} is outside the sequence`);
  const rounds = at.map((_, d) => d === at.length - 2 ? pos.loop_index : 0);
  return { at: [...at], rounds, done: pos.frame_index };
}

/** Where a checkpoint's run stands; null when the run has finished. */
export function cursorOf(program: Program, checkpoint: Checkpoint): Cursor | null {
  return checkpoint.cursor !== undefined
    ? checkpoint.cursor
    : cursorOfPosition(program, checkpoint.next);
}

export function emptyCheckpoint(program: Program, wallMs: number): Checkpoint {
  return {
    next: planPosition(program, START),
    cursor: START,
    frames_done: 0,
    done_per_group: groupsOf(program).paths.map((leaves) => leaves.map(() => 0)),
    wall_ms: wallMs,
  };
}

/** The checkpoint after the frame at `cursor` is taken. */
export function afterFrame(program: Program, before: Checkpoint, cursor: Cursor): Checkpoint {
  const next = { ...cursor, done: cursor.done + 1 };
  const done = before.done_per_group.map((row) => [...row]);
  const group = groupAt(program, cursor);
  if (group) {
    const row = done[group[0]];
    if (row) row[group[1]] = (row[group[1]] ?? 0) + 1;
  }
  return {
    next: planPosition(program, next),
    cursor: next,
    frames_done: before.frames_done + 1,
    done_per_group: done,
    wall_ms: Date.now(),
  };
}

/** The checkpoint with the run moved to `cursor` (null: finished) without a frame. */
export function movedTo(program: Program, before: Checkpoint, cursor: Cursor | null): Checkpoint {
  return { ...before, next: planPosition(program, cursor), cursor, wall_ms: Date.now() };
}
