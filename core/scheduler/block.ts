/**
 * Setting up one block of a plan: the sequence for the chosen target's remaining frames, stopped
 * by the block's end (the block length, the time the target's limits stop it, dawn), stored so
 * the sequencer can run it with its crash-recovery record, and the block row that maps its
 * groups back to the plan's. Also the interruptible wait the runner sleeps in between blocks.
 */
import type { Clock } from "../../lib/clock.ts";
import type { SchedulerPlanDto } from "../schemas/scheduler.ts";
import type { SequenceDto } from "../schemas/sequence.ts";
import type { SchedulerRepository } from "../store/scheduler.ts";
import type { SequencerService } from "../sequencer/service.ts";
import type { ChosenTarget } from "./choose.ts";
import { blockSequence, type Progress } from "./plan_math.ts";

const MINUTE_MS = 60_000;

export async function prepareBlock(
  ctx: { sequencer: SequencerService; plans: SchedulerRepository; clock: Clock },
  plan: SchedulerPlanDto,
  choice: { target: ChosenTarget; reason: string },
  progress: Progress,
  nightEndMs: number | null,
): Promise<{ sequence: SequenceDto; blockId: string; untilMs: number }> {
  const { target } = choice;
  const untilMs = Math.min(
    ctx.clock.now() + plan.block_minutes * MINUTE_MS,
    target.usableUntilMs,
    nightEndMs ?? Infinity,
  );
  const { sequence, groupIndexes } = blockSequence(
    plan,
    target.index,
    progress[target.index],
    untilMs,
    plan.startup.start_guiding,
  );
  const stored = await ctx.sequencer.sequences.create(sequence);
  const blockId = await ctx.plans.addBlock({
    planId: plan.id,
    targetIndex: target.index,
    sequenceId: stored.id,
    groupIndexes,
    reason: choice.reason,
  });
  return { sequence: stored, blockId, untilMs };
}

/**
 * Sleeps on `clock` until `untilMs` (null: until woken). `setWake` receives the function that
 * ends the nap early (a control: resume, skip, release) and null once it is over; `stop` ends
 * it too. Never rejects: the caller re-evaluates either way.
 */
export async function nap(
  clock: Clock,
  untilMs: number | null,
  stop: AbortSignal,
  setWake: (wake: (() => void) | null) => void,
): Promise<void> {
  const woken = new AbortController();
  setWake(() => woken.abort());
  const signal = AbortSignal.any([woken.signal, stop]);
  try {
    if (untilMs === null) {
      await new Promise<void>((resolve) => {
        if (signal.aborted) return resolve();
        signal.addEventListener("abort", () => resolve(), { once: true });
      });
    } else {
      await clock.sleep(Math.max(0, untilMs - clock.now()), signal);
    }
  } catch {
    // Woken early.
  } finally {
    setWake(null);
  }
}
