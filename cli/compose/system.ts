/**
 * The box itself: what the host is (model, serial, storage, host name, read under a prefix tests
 * can lay out), and the system service behind /system — versions, the OS clock, the first-boot
 * steps, shutdown and reboot. A power request is only accepted here; the process that runs the
 * box does the rest once `powerRequested` resolves. The OS clock is set on a box alone
 * (`system.os_control`), and tests bring their own control so the host's clock is left alone.
 */
import type { PowerAction } from "../../core/schemas/system.ts";
import { buildInfo } from "../../core/system/build_info.ts";
import { type ClockControl, systemClockControl } from "../../core/system/clock_control.ts";
import type { FirstBoot } from "../../core/system/first_boot.ts";
import { HostInfo } from "../../core/system/host_info.ts";
import { SystemService } from "../../core/system/system_service.ts";
import type { BoxContext } from "./context.ts";

export interface SystemNeeds {
  firstBoot: FirstBoot;
  /** Prefix of the system paths read for GET /system (tests lay out a fake /sys and /etc). */
  hostRoot?: string;
  /** The OS clock's probe and setter (tests pass their own). */
  clockControl?: ClockControl;
}

export function composeSystem(ctx: BoxContext, needs: SystemNeeds) {
  const host = new HostInfo(needs.hostRoot);
  const power = Promise.withResolvers<PowerAction>();
  const system = new SystemService({
    clock: ctx.clock,
    bus: ctx.bus,
    log: ctx.logs.logger("system"),
    dataDir: ctx.dataDir,
    build: buildInfo,
    host,
    clockControl: needs.clockControl ?? systemClockControl(ctx.config.system.os_control),
    firstBoot: needs.firstBoot,
    onPower: (action) => power.resolve(action),
  });
  return { host, system, powerRequested: power.promise };
}
