/**
 * The health gate after an update restarted the box into this release (core/update/gate.ts): it
 * runs in the background once the box listens, asks the box's own /health over loopback — the
 * listening address, or 127.0.0.1 when the box listens on every address — and the rig's roles,
 * and is stopped at shutdown without a verdict. The root side rolls back on a bad verdict or none.
 */
import type { UpdatePaths } from "../../core/update/layout.ts";
import { runHealthGate } from "../../core/update/gate.ts";
import type { RoleStatus } from "../../devices/rig.ts";
import type { Logger } from "../../lib/log.ts";
import type { BoxContext } from "./context.ts";

export interface UpdateGateNeeds {
  paths: UpdatePaths;
  version: string;
  /** Where the box listens: its address and the API port. */
  hostname: string;
  port: number;
  roles: () => RoleStatus[];
  /** The box's own log, which says when the gate itself failed. */
  log: Logger;
}

const ANY_ADDRESS = ["0.0.0.0", "::", "localhost"];

/** Starts the gate; the returned function stops it (at shutdown). */
export function startUpdateGate(ctx: BoxContext, needs: UpdateGateNeeds): () => void {
  const stop = new AbortController();
  const loopback = ANY_ADDRESS.includes(needs.hostname) ? "127.0.0.1" : needs.hostname;
  const host = loopback.includes(":") ? `[${loopback}]` : loopback;
  void runHealthGate({
    paths: needs.paths,
    version: needs.version,
    clock: ctx.clock,
    log: ctx.logs.logger("update"),
    healthUrl: `http://${host}:${needs.port}/api/v1/health`,
    roles: needs.roles,
    timeoutMs: ctx.config.update.gate_timeout_s * 1000,
    signal: stop.signal,
  }).catch((err) => needs.log.error("update: the health gate failed", { err: String(err) }));
  return () => stop.abort();
}
