/**
 * Raspberry Pi under-voltage and throttling flags. The firmware keeps one word (the mailbox
 * property GET_THROTTLED): bit 0 under-voltage, 1 ARM frequency capped, 2 throttled, 3 soft
 * temperature limit — each present now — and bits 16–19 the same "has occurred since boot".
 *
 * Three ways to read it, tried in this order:
 * - sysfs `/sys/devices/platform/soc/soc:firmware/get_throttled` (Raspberry Pi kernels; the word
 *   in hex without "0x"). Newer Raspberry Pi kernels keep it as deprecated: it shows the word the
 *   firmware gave last (refreshed every 2 s by the hwmon driver's poll) and prints a one-time
 *   kernel warning on first read. Mainline kernels (Debian's) do not have it.
 * - `vcgencmd get_throttled` ("throttled=0x50005"); needs /dev/vcio, which the box's service
 *   sandbox does not grant, and Raspberry Pi OS's utilities, which Debian does not ship.
 * - hwmon "rpi_volt" `in0_lcrit_alarm` (mainline and Raspberry Pi kernels): under-voltage only.
 *   Its driver asks the firmware to clear the sticky bits on every 2 s poll, so on such kernels
 *   "since boot" from the firmware really means "since the last poll"; the telemetry service
 *   therefore also latches every flag it sees for the rest of the boot.
 */
import { THROTTLE_FLAGS, type ThrottleFlag, type ThrottlingDto } from "../schemas/telemetry.ts";
import type { HostFiles } from "./host_files.ts";

export const SYSFS_GET_THROTTLED = "sys/devices/platform/soc/soc:firmware/get_throttled";

type Flags = Record<ThrottleFlag, boolean | null>;

export interface ThrottleReading {
  source: NonNullable<ThrottlingDto["source"]>;
  /** The firmware word, or null when only the hwmon alarm was available. */
  word: number | null;
  now: Flags;
  sinceBoot: Flags;
}

/** Runs `vcgencmd get_throttled`; its stdout, or null when it cannot run or fails. */
export type VcgencmdRunner = () => Promise<string | null>;

/** Bits 0..3 of `word` (or 16..19 with `sinceBoot`) as named flags. */
export function decodeThrottled(word: number, sinceBoot = false): Record<ThrottleFlag, boolean> {
  const shift = sinceBoot ? 16 : 0;
  return Object.fromEntries(
    THROTTLE_FLAGS.map((flag, bit) => [flag, ((word >>> (bit + shift)) & 1) === 1]),
  ) as Record<ThrottleFlag, boolean>;
}

/** Flags → bits 0..3 (null counts as not set). */
export function encodeFlags(flags: Partial<Flags>): number {
  return THROTTLE_FLAGS.reduce((bits, flag, bit) => bits | (flags[flag] ? 1 << bit : 0), 0);
}

/** `throttled=0x50005` → 0x50005; null for anything else (an error message, empty output). */
export function parseVcgencmdThrottled(text: string): number | null {
  const match = /^\s*throttled=0x([0-9a-f]{1,8})\s*$/i.exec(text);
  return match ? parseInt(match[1]!, 16) : null;
}

/** The sysfs file's `50005\n` → 0x50005. */
export function parseSysfsThrottled(text: string): number | null {
  const match = /^\s*(?:0x)?([0-9a-f]{1,8})\s*$/i.exec(text);
  return match ? parseInt(match[1]!, 16) : null;
}

export async function readThrottled(
  files: HostFiles,
  vcgencmd: VcgencmdRunner | null,
): Promise<ThrottleReading | null> {
  const sysfs = await files.text(SYSFS_GET_THROTTLED);
  const fromSysfs = sysfs === null ? null : parseSysfsThrottled(sysfs);
  if (fromSysfs !== null) return fromWord("sysfs", fromSysfs);
  const output = vcgencmd ? await vcgencmd() : null;
  const fromTool = output === null ? null : parseVcgencmdThrottled(output);
  if (fromTool !== null) return fromWord("vcgencmd", fromTool);
  const alarm = await readHwmonUnderVoltage(files);
  if (alarm === null) return null;
  const unknown = { arm_freq_capped: null, throttled: null, soft_temp_limit: null };
  return {
    source: "hwmon",
    word: null,
    now: { under_voltage: alarm, ...unknown },
    sinceBoot: { under_voltage: alarm ? true : null, ...unknown },
  };
}

function fromWord(source: "sysfs" | "vcgencmd", word: number): ThrottleReading {
  return { source, word, now: decodeThrottled(word), sinceBoot: decodeThrottled(word, true) };
}

/** The "rpi_volt" hwmon device's under-voltage alarm, or null without one. */
export async function readHwmonUnderVoltage(files: HostFiles): Promise<boolean | null> {
  for (const name of await files.list("sys/class/hwmon")) {
    const dir = `sys/class/hwmon/${name}`;
    if ((await files.text(`${dir}/name`))?.trim() !== "rpi_volt") continue;
    const alarm = (await files.text(`${dir}/in0_lcrit_alarm`))?.trim();
    return alarm === "1" ? true : alarm === "0" ? false : null;
  }
  return null;
}

/**
 * A runner for the real `vcgencmd` (or a recorded stand-in in tests). A missing program is
 * remembered, so a PC does not try to spawn it every sample; a failing one is retried.
 */
export function vcgencmdRunner(command: string, timeoutMs = 2000): VcgencmdRunner {
  let missing = false;
  return async () => {
    if (missing) return null;
    try {
      const out = await new Deno.Command(command, {
        args: ["get_throttled"],
        stdin: "null",
        stdout: "piped",
        stderr: "null",
        signal: AbortSignal.timeout(timeoutMs),
      }).output();
      return out.success ? new TextDecoder().decode(out.stdout) : null;
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) missing = true;
      return null;
    }
  };
}
