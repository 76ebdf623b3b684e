/**
 * The box's wall clock as the operating system keeps it. A Raspberry Pi has no real-time clock:
 * until NTP reaches a server (there is none on the hotspot in a field) its clock starts wherever
 * the last shutdown left it, so the phone may lend its time. `probeTimeSync` says whether the
 * kernel's clock is disciplined by NTP (systemd's NTPSynchronized, which chrony and timesyncd
 * both set) and whether a real-time clock exists; `setSystemClock` steps the clock, which needs
 * CAP_SYS_TIME (the unit grants it to the service, and `date` inherits it as an ambient
 * capability).
 */
import { join } from "node:path";
import { runBounded } from "../../lib/bounded_command.ts";

export interface TimeSyncState {
  synchronized: boolean;
  /** A real-time clock device exists (a Pi 5 with its battery, a PC, a VM). */
  rtc: boolean;
}

export interface ClockControl {
  probe(): Promise<TimeSyncState>;
  /**
   * Steps the system clock to `timeMs` (Unix ms); throws with the reason when it cannot. Absent
   * when OpenSkyLab does not manage this machine's clock (config `system.os_control` off).
   */
  set?(timeMs: number): Promise<void>;
}

const PROBE_TIMEOUT_MS = 3000;

export async function probeTimeSync(root = "/"): Promise<TimeSyncState> {
  const rtc = await exists(join(root, "sys/class/rtc/rtc0"));
  const answer = await timedatectl(["show", "--property=NTPSynchronized", "--value"]);
  if (answer === "yes" || answer === "no") return { synchronized: answer === "yes", rtc };
  // No timedated (a container, a minimal system): systemd-timesyncd's flag file, if any.
  return { synchronized: await exists(join(root, "run/systemd/timesync/synchronized")), rtc };
}

export async function setSystemClock(timeMs: number): Promise<void> {
  const seconds = (timeMs / 1000).toFixed(3);
  const out = await new Deno.Command("date", {
    args: ["--utc", "--set", `@${seconds}`],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(new TextDecoder().decode(out.stderr).trim() || `date exited ${out.code}`);
  }
}

/** The operating system's clock; `manage` lets the API set it (a box), otherwise it only reads. */
export function systemClockControl(manage: boolean): ClockControl {
  return manage ? { probe: () => probeTimeSync(), set: setSystemClock } : {
    probe: () => probeTimeSync(),
  };
}

async function timedatectl(args: string[]): Promise<string | null> {
  try {
    const out = await runBounded("timedatectl", args, PROBE_TIMEOUT_MS);
    return out.code === 0 ? out.stdout.trim() : null;
  } catch {
    return null; // not installed
  }
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}
