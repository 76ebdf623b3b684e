/**
 * The plan of a sequence as pure arithmetic: every planned frame has a position (target →
 * repetition → group → frame) and a global index in that order, so a checkpoint is just "the
 * next position" plus counts, and resuming after a crash is "start from there". Loop conditions
 * (time, altitude, darkness) can cut a target short at run time; that is `skipTarget`. Also the
 * figures an ETA needs from what remains: exposure seconds, frames, filter changes.
 */
import type { Checkpoint, PlanPosition, Sequence, SequenceTarget } from "../schemas/sequence.ts";

type Plan = Pick<Sequence, "targets">;

/** Frames in one repetition of a target's groups. */
export function framesPerRepetition(target: SequenceTarget): number {
  return target.groups.reduce((sum, g) => sum + g.count, 0);
}

export function framesOfTarget(target: SequenceTarget): number {
  return framesPerRepetition(target) * target.loop.repeat;
}

export function totalFrames(plan: Plan): number {
  return plan.targets.reduce((sum, t) => sum + framesOfTarget(t), 0);
}

export function firstPosition(plan: Plan): PlanPosition | null {
  return plan.targets.length === 0
    ? null
    : { target_index: 0, loop_index: 0, group_index: 0, frame_index: 0 };
}

/** The position after `pos`, or null when `pos` was the last planned frame. */
export function advance(plan: Plan, pos: PlanPosition): PlanPosition | null {
  const target = targetAt(plan, pos);
  const group = target.groups[pos.group_index];
  if (group && pos.frame_index + 1 < group.count) {
    return { ...pos, frame_index: pos.frame_index + 1 };
  }
  if (pos.group_index + 1 < target.groups.length) {
    return { ...pos, group_index: pos.group_index + 1, frame_index: 0 };
  }
  if (pos.loop_index + 1 < target.loop.repeat) {
    return { ...pos, loop_index: pos.loop_index + 1, group_index: 0, frame_index: 0 };
  }
  return skipTarget(plan, pos);
}

/** The first position of the next target (a loop condition ended this one), or null. */
export function skipTarget(plan: Plan, pos: PlanPosition): PlanPosition | null {
  const next = pos.target_index + 1;
  return next < plan.targets.length
    ? { target_index: next, loop_index: 0, group_index: 0, frame_index: 0 }
    : null;
}

/** 0-based index of the planned frame at `pos` in the whole sequence. */
export function frameIndexOf(plan: Plan, pos: PlanPosition): number {
  let index = 0;
  for (let t = 0; t < pos.target_index; t++) index += framesOfTarget(plan.targets[t]!);
  const target = targetAt(plan, pos);
  index += pos.loop_index * framesPerRepetition(target);
  for (let g = 0; g < pos.group_index; g++) index += target.groups[g]!.count;
  return index + pos.frame_index;
}

/** 0-based index of the step (one group in one repetition of one target) holding `pos`. */
export function stepIndexOf(plan: Plan, pos: PlanPosition): number {
  let index = 0;
  for (let t = 0; t < pos.target_index; t++) {
    const target = plan.targets[t]!;
    index += target.groups.length * target.loop.repeat;
  }
  return index + pos.loop_index * targetAt(plan, pos).groups.length + pos.group_index;
}

/** Frames planned after skipping a target's rest at `pos` (they will never be taken). */
export function framesLeftInTarget(plan: Plan, pos: PlanPosition): number {
  const target = targetAt(plan, pos);
  const start = frameIndexOf(plan, { ...pos, loop_index: 0, group_index: 0, frame_index: 0 });
  return start + framesOfTarget(target) - frameIndexOf(plan, pos);
}

export interface Remaining {
  frames: number;
  exposureS: number;
  /** Changes of filter between consecutive remaining frames (the first counts if it differs). */
  filterChanges: number;
}

/**
 * What is left from `pos` on. Per target it counts one repetition and multiplies, so a plan of
 * a thousand repetitions costs no more than one.
 */
export function remainingFrom(
  plan: Plan,
  pos: PlanPosition | null,
  currentFilter: string | null,
): Remaining {
  const out: Remaining = { frames: 0, exposureS: 0, filterChanges: 0 };
  if (pos === null) return out;
  let filter = currentFilter;
  const visit = (target: SequenceTarget, fromGroup: number, firstFrame: number) => {
    target.groups.slice(fromGroup).forEach((group, i) => {
      const frames = group.count - (i === 0 ? firstFrame : 0);
      if (frames <= 0) return;
      out.frames += frames;
      out.exposureS += frames * group.exposure_s;
      if (group.filter !== null && group.filter !== filter) {
        out.filterChanges++;
        filter = group.filter;
      }
    });
  };
  for (let t = pos.target_index; t < plan.targets.length; t++) {
    const target = plan.targets[t]!;
    const here = t === pos.target_index;
    const firstLoop = here ? pos.loop_index : 0;
    if (here) visit(target, pos.group_index, pos.frame_index);
    const fullLoops = target.loop.repeat - firstLoop - (here ? 1 : 0);
    if (fullLoops <= 0) continue;
    const before = { ...out };
    visit(target, 0, 0);
    const once = {
      frames: out.frames - before.frames,
      exposureS: out.exposureS - before.exposureS,
      changes: out.filterChanges - before.filterChanges,
    };
    // The first full repetition is counted; the others repeat it, and a repetition whose last
    // filter differs from its first changes filter once more when it wraps around.
    const wrap = countFilterChangesPerWrap(target);
    out.frames += once.frames * (fullLoops - 1);
    out.exposureS += once.exposureS * (fullLoops - 1);
    out.filterChanges += wrap * (fullLoops - 1);
  }
  return out;
}

function countFilterChangesPerWrap(target: SequenceTarget): number {
  const filters = target.groups.map((g) => g.filter).filter((f): f is string => f !== null);
  let changes = 0;
  for (let i = 0; i < filters.length; i++) {
    const previous = i === 0 ? filters.at(-1) : filters[i - 1];
    if (filters[i] !== previous) changes++;
  }
  return changes;
}

export function emptyCheckpoint(plan: Plan, wallMs: number): Checkpoint {
  return {
    next: firstPosition(plan),
    frames_done: 0,
    done_per_group: plan.targets.map((t) => t.groups.map(() => 0)),
    wall_ms: wallMs,
  };
}

function targetAt(plan: Plan, pos: PlanPosition): SequenceTarget {
  const target = plan.targets[pos.target_index];
  if (!target || pos.group_index >= target.groups.length || pos.loop_index >= target.loop.repeat) {
    throw new RangeError(`plan position ${JSON.stringify(pos)} is outside the sequence`);
  }
  return target;
}
