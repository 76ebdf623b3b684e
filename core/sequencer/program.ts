/**
 * A sequence's instruction list as the engine walks it: every instruction resolved to its kind,
 * blocks holding their body, and the arithmetic of where a run is. A `Cursor` names one leaf —
 * the index at each depth, the repetition of each block on the way, and the units (frames) of
 * that leaf already done — so a checkpoint is one cursor, and resuming is "walk from there".
 * Frames and steps (frame-taking leaves) are counted per repetition and multiplied, so a plan of
 * a thousand repetitions costs no more than one.
 */
import type { Cursor } from "../schemas/sequence.ts";
import type { Instruction, InstructionKind } from "./instructions/kind.ts";
import type { InstructionRegistry } from "./instructions/registry.ts";

export type { Cursor };

/** The start of any program. */
export const START: Cursor = { at: [], rounds: [], done: 0 };

export interface Node {
  readonly kind: InstructionKind;
  readonly params: Instruction;
  /** A block's body; empty for a leaf. */
  readonly children: readonly Node[];
  readonly isBlock: boolean;
  /** Indices from the top: identifies the instruction in the document. */
  readonly path: readonly number[];
  /** Repetitions of a block (1 for a leaf). */
  readonly rounds: number;
  /** Frames of one repetition (a leaf: its frames). */
  readonly framesPerRound: number;
  /** Frame-taking leaves per repetition (a leaf: 1 when it takes frames). */
  readonly stepsPerRound: number;
}

export class Program {
  readonly nodes: readonly Node[];
  readonly totalFrames: number;

  /** Parses `instructions` with the registry's schema (defaults applied); TypeError if invalid. */
  constructor(instructions: readonly unknown[], registry: InstructionRegistry) {
    const parsed = registry.list.safeParse(instructions);
    if (!parsed.success) {
      throw new TypeError(`the instruction list is invalid: ${parsed.error.message}`);
    }
    this.nodes = parsed.data.map((item, i) => resolve(item, [i], registry));
    this.totalFrames = sum(this.nodes, (n) => n.rounds * n.framesPerRound);
  }

  /** The node at `at` (a prefix of a cursor's path), or undefined. */
  nodeAt(at: readonly number[]): Node | undefined {
    let nodes = this.nodes;
    let node: Node | undefined;
    for (const i of at) {
      node = nodes[i];
      if (!node) return undefined;
      nodes = node.children;
    }
    return node;
  }

  /** 0-based index in the plan of the frame the cursor's leaf takes next. */
  frameIndexAt(cursor: Cursor): number {
    return countBefore(this.nodes, cursor, 0, (n) => n.framesPerRound, true);
  }

  /** 0-based index of the step (one frame-taking leaf, once) the cursor is at. */
  stepIndexAt(cursor: Cursor): number {
    return countBefore(this.nodes, cursor, 0, (n) => n.stepsPerRound, false);
  }

  /** Frames planned in the block at `depth` of the cursor's path from the cursor on. */
  framesLeftInBlock(cursor: Cursor, depth: number): number {
    const block = this.nodeAt(cursor.at.slice(0, depth + 1));
    if (!block) return 0;
    const inside = cursor.at.length > depth + 1
      ? (cursor.rounds[depth] ?? 0) * block.framesPerRound +
        countBefore(block.children, cursor, depth + 1, (n) => n.framesPerRound, true)
      : 0;
    return block.rounds * block.framesPerRound - inside;
  }

  /** The cursor of the next frame to take at or after `from`, or null when none is left. */
  nextFrame(from: Cursor): Cursor | null {
    return nextFrame(this.nodes, from, 0, [], []);
  }
}

function resolve(item: Instruction, path: number[], registry: InstructionRegistry): Node {
  const kind = registry.get(item.kind);
  const body = kind.block ? item.instructions as Instruction[] : [];
  const children = body.map((child, i) => resolve(child, [...path, i], registry));
  const leafFrames = kind.block ? 0 : kind.frames?.(item) ?? 0;
  return {
    kind,
    params: item,
    children,
    isBlock: kind.block !== undefined,
    path,
    rounds: kind.block?.rounds?.(item) ?? 1,
    framesPerRound: kind.block ? sum(children, (n) => n.rounds * n.framesPerRound) : leafFrames,
    stepsPerRound: kind.block
      ? sum(children, (n) => n.rounds * n.stepsPerRound)
      : leafFrames > 0
      ? 1
      : 0,
  };
}

/**
 * What the plan holds before the cursor in `nodes` (at `depth`), by `perRound`; the cursor's own
 * leaf counts its done units when `leafDone`.
 */
function countBefore(
  nodes: readonly Node[],
  cursor: Cursor,
  depth: number,
  perRound: (n: Node) => number,
  leafDone: boolean,
): number {
  const i = cursor.at[depth];
  if (i === undefined) return 0;
  let count = sum(nodes.slice(0, i), (n) => n.rounds * perRound(n));
  const node = nodes[i];
  if (!node) return count;
  if (node.isBlock) {
    if (cursor.at.length > depth + 1) {
      count += (cursor.rounds[depth] ?? 0) * perRound(node) +
        countBefore(node.children, cursor, depth + 1, perRound, leafDone);
    }
  } else if (leafDone) {
    count += Math.min(cursor.done, node.framesPerRound);
  }
  return count;
}

function nextFrame(
  nodes: readonly Node[],
  from: Cursor | null,
  depth: number,
  at: number[],
  rounds: number[],
): Cursor | null {
  const start = from?.at[depth] ?? 0;
  for (let i = start; i < nodes.length; i++) {
    const node = nodes[i]!;
    const here = i === start ? from : null;
    if (node.framesPerRound === 0) continue;
    if (!node.isBlock) {
      const done = here && here.at.length === depth + 1 ? here.done : 0;
      if (done < node.framesPerRound) return { at: [...at, i], rounds: [...rounds, 0], done };
      continue;
    }
    const inside = here !== null && here.at.length > depth + 1;
    const first = inside ? here.rounds[depth] ?? 0 : 0;
    for (let r = first; r < node.rounds; r++) {
      const resume = inside && r === first ? here : null;
      const found = nextFrame(node.children, resume, depth + 1, [...at, i], [...rounds, r]);
      if (found) return found;
    }
  }
  return null;
}

function sum(nodes: readonly Node[], f: (n: Node) => number): number {
  return nodes.reduce((total, n) => total + f(n), 0);
}
