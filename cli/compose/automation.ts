/**
 * Running the night: the object catalogue that names targets, autofocus, the sequencer, the
 * multi-target scheduler, and the safety monitor that stops them all when the weather turns and
 * resumes them — every planned frame still exactly once — once it has been safe long enough.
 */
import { AutofocusService } from "../../core/autofocus/service.ts";
import type { ExposureService } from "../../core/camera/exposure_service.ts";
import type { FrameSink } from "../../core/frames/frame_sink.ts";
import type { CatalogService } from "../../core/catalog/catalog_service.ts";
import type { CenteringService } from "../../core/centering/centering_service.ts";
import type { CoolerControl } from "../../core/cooler/cooler_service.ts";
import type { WorkerPool } from "../../core/imaging/worker_pool.ts";
import type { RigRoutine } from "../../core/rig_owner.ts";
import { SafetyMonitor } from "../../core/safety/safety_monitor.ts";
import { SchedulerService } from "../../core/scheduler/scheduler_service.ts";
import { SequencerService } from "../../core/sequencer/service.ts";
import { AutofocusRunRepository } from "../../core/store/autofocus_runs.ts";
import type { Rig } from "../../devices/rig.ts";
import { type BoxContext, CAMERA_DEFAULTS } from "./context.ts";

export interface AutomationNeeds {
  hub: Rig;
  /** The camera's cooler: cool_down, warm_up and the plans' procedures ramp through it. */
  cooler: CoolerControl;
  imaging: WorkerPool;
  exposures: ExposureService;
  sink: FrameSink;
  catalog: CatalogService;
  /** Looked up at each run (the integration tests swap in a centring with their own solver). */
  centering: () => CenteringService;
  owner: (routine: RigRoutine) => () => string | null;
  /** Why no sequence or plan may start now besides the weather (the disk guard), or null. */
  mayStart?: () => string | null;
}

export function composeAutomation(ctx: BoxContext, needs: AutomationNeeds) {
  const { config, dataDir, clock, logs, bus, db } = ctx;
  const { hub, imaging, exposures, sink, catalog } = needs;
  const safety = new SafetyMonitor({
    hub,
    bus,
    clock,
    log: logs.logger("safety"),
    resumeAfterSafeMs: config.safety.resume_after_safe_s * 1000,
    weatherLostGraceMs: config.safety.weather_lost_grace_s * 1000,
  });
  const mayStart = () =>
    safety.isSafe()
      ? needs.mayStart?.() ?? null
      : `conditions are unsafe (${safety.status().reasons.join("; ")})`;
  // A catalog that is missing or still importing simply does not know the name.
  const resolveTarget = async (name: string) => {
    const hit = await catalog.resolveTarget(name).catch(() => null);
    return hit && { ra: hit.ra, dec: hit.dec };
  };
  const autofocus = new AutofocusService({
    hub,
    bus,
    clock,
    log: logs.logger("autofocus"),
    runs: new AutofocusRunRepository(db),
    runner: imaging,
    sink,
    // A sequence's own autofocus runs do not ask.
    otherOwner: needs.owner("autofocus"),
  });
  const sequencer = new SequencerService({
    hub,
    bus,
    clock,
    log: logs.logger("sequencer"),
    db,
    dataDir,
    sink,
    defaults: CAMERA_DEFAULTS,
    cooler: needs.cooler,
    hooks: {
      resolveTarget,
      mayStart,
      autofocus: (signal) => autofocus.runAndWait(signal),
      // The sequence's centring uses the service defaults.
      centerOnTarget: (target, signal) => needs.centering().runAndWait(target, {}, signal),
    },
  });
  const scheduler = new SchedulerService({
    hub,
    bus,
    clock,
    log: logs.logger("scheduler"),
    db,
    sequencer,
    cooler: needs.cooler,
    resolveTarget,
    mayStart,
  });

  // A single exposure is stopped when it rains, and not retaken.
  safety.register({
    name: "exposure",
    stop: () => Promise.resolve(exposures.abort()),
    resume: () => Promise.resolve(),
  });
  // Before the sequencer's hook: the scheduler interrupts its own block and resumes its plan,
  // so the sequencer's hook must find no run of the scheduler's left to resume on its own.
  safety.register(scheduler.safetyHook());
  // When it rains the run is interrupted with its checkpoint kept, and resumed once it has been
  // safe long enough: every planned frame still exactly once.
  let stoppedSequenceId: string | null = null;
  safety.register({
    name: "sequencer",
    stop: async (reason) => (stoppedSequenceId = await sequencer.stop(reason)) !== null,
    resume: async () => {
      if (stoppedSequenceId) await sequencer.start(stoppedSequenceId, { resume: true });
      stoppedSequenceId = null;
    },
  });
  return { safety, autofocus, sequencer, scheduler };
}
