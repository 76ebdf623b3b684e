/**
 * The box itself as the API sees it: what it is (`info`), the phone's time when the box has no
 * better clock (`setTime`), and power (`requestPower`). The operating system is reached only
 * through what is passed in (host readers, clock control, the power hook), so route tests never
 * touch the machine's clock or power. `requestPower` only announces the request: the process owner
 * (cli/serve.ts) parks, finishes the frame being written and closes the database, then asks the
 * operating system to power off or reboot.
 */
import type { Clock } from "../../lib/clock.ts";
import { AppError, badRequest, conflict } from "../../lib/errors.ts";
import type { EventBus } from "../event_bus.ts";
import type { Logger } from "../../lib/log.ts";
import type { PowerAction, SystemInfo, TimeSource } from "../schemas/system.ts";
import type { BuildInfo } from "./build_info.ts";
import type { ClockControl } from "./clock_control.ts";
import type { FirstBoot } from "./first_boot.ts";
import type { HostInfo } from "./host_info.ts";

/** The phone's time is refused this long after the build: years ahead is a broken clock. */
export const MAX_TIME_AFTER_BUILD_MS = 20 * 365.25 * 86_400_000;

export interface SystemServiceDeps {
  clock: Clock;
  bus: EventBus;
  log: Logger;
  dataDir: string;
  build: () => BuildInfo;
  host: HostInfo;
  clockControl: ClockControl;
  firstBoot: FirstBoot;
  /** Called once per accepted power request, after its 202 has been answered. */
  onPower: (action: PowerAction) => void;
}

export class SystemService {
  readonly #d: SystemServiceDeps;
  #phoneTimeSet = false;
  #powerRequested: PowerAction | null = null;

  constructor(deps: SystemServiceDeps) {
    this.#d = deps;
  }

  firstBoot() {
    return this.#d.firstBoot.status();
  }

  async info(): Promise<SystemInfo> {
    const { host, clock } = this.#d;
    const [model, serial, storage, sync] = await Promise.all([
      host.model(),
      host.serial(),
      host.storage(this.#d.dataDir),
      this.#d.clockControl.probe(),
    ]);
    const nowMs = clock.now();
    const uptimeS = host.uptimeS();
    return {
      version: this.#d.build().version,
      deno_version: Deno.version.deno,
      arch: Deno.build.arch,
      model,
      serial,
      hostname: host.hostname(),
      uptime_s: uptimeS,
      boot_time_ms: Math.round(nowMs - uptimeS * 1000),
      time: { now_ms: nowMs, synchronized: sync.synchronized, source: this.#source(sync) },
      storage: { data_dir: this.#d.dataDir, ...storage },
      first_boot: this.firstBoot(),
    };
  }

  /** Sets the box's clock from the phone's; 409 when NTP keeps it, 400 when `timeMs` is absurd. */
  async setTime(timeMs: number): Promise<{ time_ms: number; source: "phone" }> {
    const build = this.#d.build();
    if (timeMs < build.build_time_ms) {
      throw badRequest(
        "time_ms",
        `${iso(timeMs)} is before this release was built (${iso(build.build_time_ms)})`,
      );
    }
    if (timeMs > build.build_time_ms + MAX_TIME_AFTER_BUILD_MS) {
      throw badRequest(
        "time_ms",
        `${
          iso(timeMs)
        } is more than 20 years after this release was built; check the phone's clock`,
      );
    }
    const sync = await this.#d.clockControl.probe();
    if (sync.synchronized) {
      throw conflict("The box's clock is synchronised by NTP; it keeps its own time", {
        source: "ntp",
      });
    }
    const set = this.#d.clockControl.set;
    if (!set) {
      throw conflict(
        "OpenSkyLab does not manage this machine's clock (config system.os_control is off)",
        { source: "os" },
      );
    }
    const previousMs = this.#d.clock.now();
    try {
      await set(timeMs);
    } catch (err) {
      throw new AppError(503, "unavailable", `The box could not set its clock: ${err}`);
    }
    this.#phoneTimeSet = true;
    this.#d.log.info("set the clock from the phone", { time_ms: timeMs, previous_ms: previousMs });
    this.#d.bus.publish("system.time_set", {
      time_ms: timeMs,
      previous_ms: previousMs,
      source: "phone",
    });
    return { time_ms: timeMs, source: "phone" };
  }

  /** Accepts a shutdown or reboot; 409 when one is already under way. */
  requestPower(action: PowerAction): void {
    if (this.#powerRequested) {
      throw conflict(`A ${this.#powerRequested} is already under way`, {
        action: this.#powerRequested,
      });
    }
    this.#powerRequested = action;
    this.#d.log.info(`${action} requested`);
    this.#d.bus.publish("system.power", { action });
    // After the handler has answered: the orderly stop closes the server this reply leaves by.
    setTimeout(() => this.#d.onPower(action), 0);
  }

  #source(sync: { synchronized: boolean; rtc: boolean }): TimeSource {
    if (sync.synchronized) return "ntp";
    if (this.#phoneTimeSet) return "phone";
    return sync.rtc ? "rtc" : "unknown";
  }
}

function iso(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : String(ms);
}
