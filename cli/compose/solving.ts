/**
 * Knowing where the telescope points: plate solving (ASTAP, then astrometry.net), the pointing
 * model fitted to the alignment points, three-point polar alignment and centre-on-target. The
 * routines solve through the box's solver (an abort kills the solve job) and ask `owner` whether
 * another routine, a sequence or an exposure holds the rig before they start.
 */
import { CenteringService } from "../../core/centering/centering_service.ts";
import { solverMissing } from "../../core/centering/solve_adapter.ts";
import type { CatalogService } from "../../core/catalog/catalog_service.ts";
import { PointingService } from "../../core/pointing/pointing_service.ts";
import { PolarAlignmentService } from "../../core/polar/polar_service.ts";
import { solveWithService } from "../../core/polar/solver_adapter.ts";
import type { ProfileService } from "../../core/profiles/profile_service.ts";
import type { RigRoutine } from "../../core/rig_owner.ts";
import { profileScale } from "../../core/solver/profile_scale.ts";
import { SolverService } from "../../core/solver/solver_service.ts";
import { AlignmentRepository } from "../../core/store/alignment.ts";
import type { FrameRepository } from "../../core/store/frames.ts";
import type { FrameSink } from "../../core/frames/frame_sink.ts";
import type { FrameFileChanges } from "../../core/frames/file_changes.ts";
import type { Rig } from "../../devices/rig.ts";
import { type BoxContext, CAMERA_DEFAULTS } from "./context.ts";

export interface SolvingNeeds {
  hub: Rig;
  profiles: ProfileService;
  frames: FrameRepository;
  frameFiles: FrameFileChanges;
  sink: FrameSink;
  resolveTarget: CatalogService["resolveTarget"];
  /** Who holds the rig, as seen by `routine` (core/rig_owner.ts). */
  owner: (routine: RigRoutine) => () => string | null;
}

export function composeSolving(ctx: BoxContext, needs: SolvingNeeds) {
  const { config, dataDir, clock, logs, bus, db } = ctx;
  const { hub, profiles, frames, sink } = needs;
  const solver = new SolverService({
    bus,
    clock,
    log: logs.logger("solver"),
    dataDir,
    pixelScaleArcsec: () => profileScale(hub, profiles.active)?.pixelScaleArcsec ?? null,
    fieldWidthArcmin: () => profileScale(hub, profiles.active)?.fieldWidthArcmin ?? null,
    timeoutMs: config.solver.timeout_s * 1000,
    concurrency: config.solver.concurrency,
    searchRadiusDeg: config.solver.search_radius_deg,
    indexMirror: config.solver.index_mirror,
    frames,
    frameFiles: needs.frameFiles,
    backends: {
      indexDir: config.solver.index_dir,
      astapDatabaseDir: config.solver.astap_database_dir,
    },
  });
  const solve = solveWithService(solver);
  const alignment = new AlignmentRepository(db, { clock });
  const pointing = new PointingService({
    alignment,
    activeProfile: () => profiles.active,
    apply: config.pointing.apply,
    log: logs.logger("pointing"),
  });
  const routine = { hub, bus, clock, sink };
  const polarAlignment = new PolarAlignmentService({
    ...routine,
    log: logs.logger("polar"),
    solve: (path, hint) => solve(path, hint),
    cameraDefaults: CAMERA_DEFAULTS,
    otherOwner: needs.owner("polar alignment"),
  });
  const centering = new CenteringService({
    ...routine,
    log: logs.logger("centering"),
    // Gotos go through the pointing model.
    pointing: { demandFor: (...args) => pointing.demandFor(...args) },
    solve,
    solverMissing: solverMissing(solver),
    cameraDefaults: CAMERA_DEFAULTS,
    resolveTarget: needs.resolveTarget,
    otherOwner: needs.owner("centring"),
  });
  return { solver, alignment, pointing, polarAlignment, centering };
}
