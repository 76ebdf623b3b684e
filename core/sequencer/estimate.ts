/**
 * The time left, from the instructions' own estimates: the walk the run would take from its
 * cursor, asking each leaf kind what it costs with the overheads measured so far. Triggers add a
 * cost to every frame of their block; state an estimate changes (the filter in the path) carries
 * along the walk. A block repeated n times is walked for its first repetition and once more —
 * the state has then wrapped around — and that second repetition counts for the rest, so a
 * thousand repetitions cost two walks.
 */
import type { EstimateEnv, Session } from "./instructions/kind.ts";
import type { Measurements } from "./measurements.ts";
import type { Cursor, Node, Program } from "./program.ts";
import { replayed } from "./walker.ts";

export interface EstimateInputs {
  measurements: Measurements;
  /** The run's session now (copied: estimates change their copy). */
  session: Session;
  framesThisRun: number;
  nowMs: number;
}

/** Seconds left from `cursor` (null: finished). */
export function remainingS(program: Program, cursor: Cursor | null, inputs: EstimateInputs) {
  if (cursor === null) return 0;
  return new Walk(inputs).list(program.nodes, cursor, 0, [{ perFrameS: 0 }]);
}

interface Cell {
  perFrameS: number;
}

class Walk {
  readonly #in: EstimateInputs;
  readonly #session: Session;
  #atMs: number;

  constructor(inputs: EstimateInputs) {
    this.#in = inputs;
    this.#session = structuredClone(inputs.session);
    this.#atMs = inputs.nowMs;
  }

  list(nodes: readonly Node[], from: Cursor | null, depth: number, cells: Cell[]): number {
    const start = from?.at[depth] ?? 0;
    // What a resumed run replays sets state and arms triggers; its time is not counted.
    for (const node of replayed(nodes.slice(0, start))) this.#leaf(node, 0, cells);
    let totalS = 0;
    for (let i = start; i < nodes.length; i++) {
      const node = nodes[i]!;
      const here = i === start ? from : null;
      if (node.isBlock) {
        totalS += this.#block(node, here, depth, cells);
      } else {
        const progress = here && here.at.length === depth + 1 ? here.done : 0;
        const s = this.#leaf(node, progress, cells);
        this.#atMs += s * 1000;
        totalS += s;
      }
    }
    return totalS;
  }

  #block(node: Node, from: Cursor | null, depth: number, cells: Cell[]): number {
    const inside = from !== null && from.at.length > depth + 1;
    const first = inside ? from.rounds[depth] ?? 0 : 0;
    const round = (resume: Cursor | null) =>
      this.list(node.children, resume, depth + 1, [...cells, { perFrameS: 0 }]);
    let totalS = round(inside ? from : null);
    const full = node.rounds - first - 1;
    if (full >= 1) totalS += round(null);
    if (full >= 2) {
      const againS = round(null);
      const restS = againS * (full - 2);
      this.#atMs += restS * 1000;
      totalS += againS + restS;
    }
    return totalS;
  }

  #leaf(node: Node, progress: number, cells: Cell[]): number {
    const { measurements, framesThisRun } = this.#in;
    const env: EstimateEnv = {
      progress,
      atMs: this.#atMs,
      session: this.#session,
      framesThisRun,
      meanS: (key) => measurements.meanS(key),
      totalS: (key) => measurements.totalS(key),
      perFrameS: () => cells.reduce((sum, c) => sum + c.perFrameS, 0),
      addPerFrameS: (s) => void (cells[cells.length - 1]!.perFrameS += s),
    };
    return node.kind.estimateS?.(node.params, env) ?? 0;
  }
}
