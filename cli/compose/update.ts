/**
 * Over-the-air updates: the service over the data dir's `update/` folder, config.toml's [update],
 * what may hold an apply back (a sequence or a plan that runs), the disk figures, and systemd,
 * through which the root-side units install, switch and roll back (the service user cannot write
 * the install dir; polkit lets it start exactly those units).
 */
import type { SchedulerService } from "../../core/scheduler/scheduler_service.ts";
import type { SequencerService } from "../../core/sequencer/service.ts";
import { buildInfo } from "../../core/system/build_info.ts";
import type { HostInfo } from "../../core/system/host_info.ts";
import { detectInstallation } from "../../core/update/layout.ts";
import { UpdateService } from "../../core/update/update_service.ts";
import { conflict } from "../../lib/errors.ts";
import type { BoxContext } from "./context.ts";

export interface UpdateParts {
  sequencer: () => Pick<SequencerService, "status">;
  scheduler: () => Pick<SchedulerService, "status">;
  host: Pick<HostInfo, "storage">;
}

const SEQUENCE_LIVE = new Set(["running", "paused"]);
const PLAN_LIVE = new Set(["starting", "running", "waiting", "paused", "shutting_down"]);

export function composeUpdate(ctx: BoxContext, p: UpdateParts): UpdateService {
  const u = ctx.config.update;
  return new UpdateService({
    dataDir: ctx.dataDir,
    installDir: u.install_dir,
    clock: ctx.clock,
    bus: ctx.bus,
    log: ctx.logs.logger("update"),
    build: buildInfo,
    settings: {
      url: u.url,
      maxReleaseBytes: u.max_release_mb * 1024 * 1024,
      fetchTimeoutMs: u.fetch_timeout_s * 1000,
    },
    installation: () => detectInstallation(buildInfo(), u.install_dir),
    busy: async () => {
      const sequence = p.sequencer().status();
      if (SEQUENCE_LIVE.has(sequence.state)) {
        return `the sequence "${sequence.sequence_name}" is ${sequence.state}`;
      }
      const plan = await p.scheduler().status();
      if (PLAN_LIVE.has(plan.state)) return `a plan is ${plan.state}`;
      return null;
    },
    freeBytes: async (dir) => (await p.host.storage(dir)).free_bytes,
    startUnit: async (unit) => {
      const out = await new Deno.Command("systemctl", {
        args: ["--no-ask-password", "start", "--no-block", unit],
        stdin: "null",
        stdout: "null",
        stderr: "piped",
      }).output().catch((err) => {
        throw conflict(`systemctl could not run: ${(err as Error).message}`);
      });
      if (!out.success) {
        throw conflict(
          `systemctl start ${unit} failed: ${new TextDecoder().decode(out.stderr).trim()}`,
        );
      }
    },
  });
}
