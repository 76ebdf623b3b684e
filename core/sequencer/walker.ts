/**
 * Walks a program from a cursor, generically: before each instruction the pause point and the
 * stop conditions in scope; a leaf runs through its kind; a block runs its body once per
 * repetition, each in a fresh scope; a stop condition that ends a block skips the rest of it.
 * Resuming inside a block first replays the instructions before the cursor that set up state
 * (`replay`): the last of each state key, every trigger — so a run continued after a crash or a
 * failure re-points the mount, re-selects the filter and re-arms its triggers, and nothing else.
 */
import type { RunEnv } from "./instructions/kind.ts";
import type { Cursor, Node } from "./program.ts";
import { BlockEnded, Scope } from "./scope.ts";

/** What the walk needs from its run. */
export interface WalkHost {
  pausePoint(): Promise<void>;
  /** The env of `node` run at `scope` with `progress` units done. */
  envFor(scope: Scope, node: Node, progress: number): RunEnv;
  /** A leaf is about to run (not a replay): the run moves its cursor there. */
  enterLeaf(cursor: Cursor, node: Node, env: RunEnv): Promise<void>;
  /** A stop condition ended `scope`'s block. */
  blockEnded(scope: Scope, reason: string): Promise<void>;
}

/** Runs the program from `from` (START for a new run) to its end. */
export async function walk(nodes: readonly Node[], from: Cursor, host: WalkHost): Promise<void> {
  const top = Scope.top();
  try {
    await runList(nodes, top, from, host);
  } catch (err) {
    // An `until` at the top ends the whole program.
    if (!(err instanceof BlockEnded) || err.scope !== top) throw err;
    await host.blockEnded(top, err.reason);
  }
}

async function runList(
  nodes: readonly Node[],
  scope: Scope,
  from: Cursor | null,
  host: WalkHost,
): Promise<void> {
  const start = from?.at[scope.depth] ?? 0;
  if (start > 0) await replay(nodes.slice(0, start), scope, host);
  for (let i = start; i < nodes.length; i++) {
    const node = nodes[i]!;
    const resume = i === start ? from : null;
    await host.pausePoint();
    scope.checkStops(host.envFor(scope, node, 0));
    if (node.isBlock) {
      await runBlock(node, i, scope, resume, host);
    } else {
      const atLeaf = resume !== null && resume.at.length === scope.depth + 1;
      const progress = atLeaf ? resume.done : 0;
      const cursor = { at: [...scope.at, i], rounds: [...scope.rounds, 0], done: progress };
      const env = host.envFor(scope, node, progress);
      await host.enterLeaf(cursor, node, env);
      await node.kind.run?.(node.params, env);
    }
  }
}

async function runBlock(
  node: Node,
  index: number,
  parent: Scope,
  from: Cursor | null,
  host: WalkHost,
): Promise<void> {
  const inside = from !== null && from.at.length > parent.depth + 1;
  const first = inside ? from.rounds[parent.depth] ?? 0 : 0;
  const target = await node.kind.block?.enter?.(node.params, host.envFor(parent, node, 0)) ??
    null;
  let scope: Scope | null = null;
  try {
    for (let round = first; round < node.rounds; round++) {
      scope = parent.child(node, index, round, target);
      await runList(node.children, scope, inside && round === first ? from : null, host);
    }
  } catch (err) {
    if (!(err instanceof BlockEnded) || err.scope !== scope) throw err;
    await host.blockEnded(err.scope, err.reason);
  }
}

async function replay(before: readonly Node[], scope: Scope, host: WalkHost): Promise<void> {
  for (const node of replayed(before)) {
    await node.kind.run?.(node.params, host.envFor(scope, node, 0));
  }
}

/** What runs again before a resume point: the last leaf of each state key, every trigger. */
export function replayed(before: readonly Node[]): Node[] {
  const lastOfKey = new Map<string, Node>();
  for (const node of before) {
    if (typeof node.kind.replay === "string") lastOfKey.set(node.kind.replay, node);
  }
  return before.filter((node) =>
    !node.isBlock && (node.kind.replay === true ||
      (typeof node.kind.replay === "string" && lastOfKey.get(node.kind.replay) === node))
  );
}
