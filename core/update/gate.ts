/**
 * The health gate a new release runs on itself after an update restarted the box into it: when
 * `pending.json` (written by the root side) says the box is updating to this very version, it
 * waits until its own API answers /health over loopback and every device role the profile
 * assigns is connected again, within a bounded time, and writes its verdict to `gate.json`. The
 * root side confirms the update on a good verdict and rolls back on a bad one — or on none at
 * all, when this release cannot even get this far.
 */
import type { Clock } from "../../lib/clock.ts";
import type { Logger } from "../../lib/log.ts";
import type { RoleStatus } from "../../devices/rig.ts";
import { type GateVerdict, readPending, type UpdatePaths, writeJsonAtomic } from "./layout.ts";

export interface GateDeps {
  paths: UpdatePaths;
  version: string;
  clock: Clock;
  log: Logger;
  /** The loopback URL of this box's /api/v1/health. */
  healthUrl: string;
  roles: () => RoleStatus[];
  timeoutMs: number;
  pollMs?: number;
  signal?: AbortSignal;
}

/** Runs the gate when an update to this version is pending; null when there is none. */
export async function runHealthGate(d: GateDeps): Promise<GateVerdict | null> {
  const pending = await readPending(d.paths);
  // Any phase but a rollback: a release that runs as `to` is past the switch (a power cut may
  // have come before the root side wrote "gate").
  if (pending === null || pending.to !== d.version || pending.phase === "rollback") return null;
  d.log.info("update: health gate", { from: pending.from, to: pending.to });
  // Monotonic: a box without a real-time clock often has its time set by the phone right after
  // it starts, which must not cut the gate short (or stretch it).
  const deadline = performance.now() + d.timeoutMs;
  let why = "not checked yet";
  while (true) {
    why = await unhealthy(d);
    if (why === "" || performance.now() >= deadline || d.signal?.aborted) break;
    await new Promise((r) => setTimeout(r, d.pollMs ?? 1000));
  }
  // Stopped half-way (the box shuts down): no verdict; the root side decides on its own deadline.
  if (why !== "" && d.signal?.aborted) return null;
  const verdict: GateVerdict = {
    version: d.version,
    ok: why === "",
    reason: why === "" ? null : `not healthy within ${Math.round(d.timeoutMs / 1000)} s: ${why}`,
    at_ms: d.clock.now(),
  };
  await writeJsonAtomic(d.paths.gate, verdict);
  if (verdict.ok) d.log.info("update: health gate passed", { version: d.version });
  else d.log.error("update: health gate failed", { reason: verdict.reason });
  return verdict;
}

/** "" when healthy, else what is not. */
async function unhealthy(d: GateDeps): Promise<string> {
  try {
    const response = await fetch(d.healthUrl, { signal: AbortSignal.timeout(10_000) });
    await response.body?.cancel();
    if (!response.ok) return `/health answered ${response.status}`;
  } catch (err) {
    return `/health did not answer (${(err as Error).message})`;
  }
  const waiting = d.roles().filter((r) => r.state !== "unassigned" && r.state !== "connected");
  return waiting.length === 0
    ? ""
    : `not connected: ${waiting.map((r) => `${r.role} (${r.state})`).join(", ")}`;
}
