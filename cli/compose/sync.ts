/**
 * Cloud sync: the queue over the database, the settings file in the data dir, the pacing from
 * config.toml's [sync], and what the worker must know of the rest of the box — the site (the
 * night of a frame is local), plate solutions (into each frame's sidecar), frame files rewritten
 * after they were recorded (uploaded again, replacing the copy), and which frames must
 * stay on disk whatever delete-after-upload says: a running sequence's, every light while the live
 * stack runs or has frames queued, a calibration capture's until its master is built.
 */
import { join } from "node:path";
import type { FrameFileChanges } from "../../core/frames/file_changes.ts";
import type { CalibrationService } from "../../core/calibration/calibration_service.ts";
import type { LivestackService } from "../../core/livestack/livestack_service.ts";
import type { SequencerService } from "../../core/sequencer/service.ts";
import type { SolverService } from "../../core/solver/solver_service.ts";
import { KvRepository } from "../../core/store/kv.ts";
import { snapshotDatabase } from "../../core/store/snapshot.ts";
import { SyncRepository } from "../../core/store/sync.ts";
import { SETTINGS_FILE } from "../../core/sync/settings.ts";
import { SyncService } from "../../core/sync/sync_service.ts";
import type { FrameHold } from "../../core/sync/worker.ts";
import type { Rig } from "../../devices/rig.ts";
import type { BoxContext } from "./context.ts";

export interface SyncParts {
  hub: Pick<Rig, "site">;
  livestack: Pick<LivestackService, "status">;
  sequencer: () => Pick<SequencerService, "status">;
  calibration: Pick<CalibrationService, "capture">;
  solver: Pick<SolverService, "get">;
  frameFiles: Pick<FrameFileChanges, "listen">;
  version: string;
}

export function composeSync(ctx: BoxContext, p: SyncParts): SyncService {
  const t = ctx.config.sync;
  return new SyncService({
    repo: new SyncRepository(ctx.db, ctx.clock),
    kv: new KvRepository(ctx.db),
    bus: ctx.bus,
    clock: ctx.clock,
    log: ctx.logs.logger("sync"),
    dataDir: ctx.dataDir,
    settingsPath: join(ctx.dataDir, SETTINGS_FILE),
    tunables: {
      probeIntervalMs: t.probe_interval_s * 1000,
      scanIntervalMs: t.scan_interval_s * 1000,
      retryBaseMs: t.retry_base_s * 1000,
      retryMaxMs: t.retry_max_s * 1000,
      maxAttempts: t.max_attempts,
      requestAttempts: t.request_attempts,
      requestRetryBaseMs: t.request_retry_base_ms,
      requestTimeoutMs: t.request_timeout_s * 1000,
    },
    site: () => p.hub.site,
    holds: frameHolds(p),
    snapshot: (path) => snapshotDatabase(ctx.db, path),
    solves: {
      get: (id) => {
        const job = p.solver.get(id);
        return job ? { imagePath: job.imagePath, solution: job.solution } : undefined;
      },
    },
    frameFiles: p.frameFiles,
    version: p.version,
  });
}

function frameHolds(p: SyncParts): FrameHold {
  return (frame) => {
    const stack = p.livestack.status();
    // The live stack reads queued frames from disk later: keep every light while it works. (Its
    // reference is kept as star positions in its saved state, not re-read from the file.)
    if (
      frame.frame_type === "light" &&
      (stack.state === "running" || stack.processing || stack.queued > 0)
    ) return "the live stack is running";
    const run = p.sequencer().status();
    if (
      (run.state === "running" || run.state === "paused") && frame.sequence_id !== null &&
      frame.sequence_id === run.sequence_id
    ) return "its sequence is running";
    const capture = p.calibration.capture.status();
    if (
      capture && (capture.state === "capturing" || capture.state === "building") &&
      capture.frame_ids.includes(frame.id)
    ) return "a calibration master is being built from it";
    return null;
  };
}
