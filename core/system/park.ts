/**
 * Parks the mount before the box goes down (config `system.park_on_shutdown`), so a shutdown or
 * reboot from the phone leaves the telescope in its safe position rather than tracking into the
 * pier. Best effort within a deadline: a mount that is missing, cannot park or does not arrive in
 * time is logged, and the shutdown goes on — the frame being written and the database still need
 * closing whatever the mount does.
 */
import type { Clock } from "../../lib/clock.ts";
import type { Logger } from "../../lib/log.ts";
import type { Rig } from "../../devices/rig.ts";

export type ParkOutcome = "parked" | "already_parked" | "no_mount" | "cannot_park" | "failed";

const POLL_MS = 250;

export async function parkForShutdown(o: {
  hub: Pick<Rig, "device">;
  clock: Clock;
  log: Logger;
  timeoutMs: number;
}): Promise<ParkOutcome> {
  let mount;
  try {
    mount = o.hub.device("mount");
  } catch {
    o.log.info("no connected mount to park before shutdown");
    return "no_mount";
  }
  try {
    if (!mount.capabilities.canPark) {
      o.log.warn("the mount cannot park; it is left where it is");
      return "cannot_park";
    }
    if (mount.status().parked) return "already_parked";
    o.log.info("parking the mount before shutdown", { timeout_s: o.timeoutMs / 1000 });
    await mount.park();
    const deadline = o.clock.now() + o.timeoutMs;
    while (!mount.status().parked) {
      if (o.clock.now() >= deadline) {
        o.log.error("the mount did not reach its park position in time; shutting down anyway", {
          timeout_s: o.timeoutMs / 1000,
        });
        return "failed";
      }
      await o.clock.sleep(POLL_MS);
    }
    o.log.info("parked the mount for shutdown");
    return "parked";
  } catch (err) {
    o.log.error("parking before shutdown failed; shutting down anyway", { err: String(err) });
    return "failed";
  }
}
