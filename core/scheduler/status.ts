/**
 * The scheduler's status as the API shows it: state, the current target and why it was chosen,
 * why the others were not, frames done and wanted per target and group (read from the store, so
 * it includes the frame saved a moment ago), the next evaluation time and the last error.
 */
import type { SchedulerStatusDto } from "../schemas/scheduler.ts";
import type { SchedulerRepository } from "../store/scheduler.ts";
import type { RunView } from "./plan_run.ts";

export async function buildStatus(
  view: RunView | null,
  plans: SchedulerRepository,
  sequencerState: string,
): Promise<SchedulerStatusDto> {
  if (view === null) {
    return {
      state: "idle",
      plan_id: null,
      plan_name: null,
      current: null,
      rejected: [],
      progress: [],
      next_evaluation_at: null,
      message: null,
      last_error: null,
    };
  }
  const { plan } = view;
  // A plan deleted after it ended has no progress left to show.
  const done = await plans.progress(plan).catch(() =>
    plan.targets.map((t) => t.groups.map(() => 0))
  );
  const progress = plan.targets.map((target, index) => {
    const groups = target.groups.map((g, k) => ({
      filter: g.filter,
      exposure_s: g.exposure_s,
      done: done[index]?.[k] ?? 0,
      wanted: g.count,
    }));
    return {
      index,
      name: target.name,
      priority: target.priority,
      done: groups.reduce((sum, g) => sum + Math.min(g.done, g.wanted), 0),
      wanted: groups.reduce((sum, g) => sum + g.wanted, 0),
      groups,
    };
  });
  // The sequencer pauses a block by itself when a device fails: show that as paused.
  const state = view.state === "running" && sequencerState === "paused" ? "paused" : view.state;
  return {
    state,
    plan_id: plan.id,
    plan_name: plan.name,
    current: view.current,
    rejected: view.rejected,
    progress,
    next_evaluation_at: view.nextEvaluationMs === null
      ? null
      : new Date(view.nextEvaluationMs).toISOString(),
    message: view.message,
    last_error: view.lastError,
  };
}
