/** The system group's API shapes: the box itself (versions, board, clock, storage, first boot). */
import { z } from "zod";

export const TIME_SOURCES = ["ntp", "rtc", "phone", "unknown"] as const;
export type TimeSource = typeof TIME_SOURCES[number];

export const FIRST_BOOT_STATES = ["pending", "running", "done", "skipped", "failed"] as const;

export const FirstBootStepDto = z.object({
  name: z.string().describe("hostname, preset, wifi_country, hotspot, home_network, config …"),
  state: z.enum(FIRST_BOOT_STATES),
  detail: z.string().optional(),
});

export const FirstBootDto = z.object({
  done: z.boolean().describe("every step of the box's first boot has ended"),
  steps: z.array(FirstBootStepDto),
});
export type FirstBootStatus = z.infer<typeof FirstBootDto>;

export const SystemInfoDto = z.object({
  version: z.string().describe("OpenSkyLab's version"),
  deno_version: z.string(),
  arch: z.string().describe("x86_64 or aarch64"),
  model: z.string().nullable().describe("the board, from the device tree (Raspberry Pi), or null"),
  serial: z.string().describe("the board's serial, or one derived from /etc/machine-id"),
  hostname: z.string(),
  uptime_s: z.number().describe("seconds since the box booted"),
  boot_time_ms: z.number().describe("Unix ms of the boot, by the box's clock"),
  time: z.object({
    now_ms: z.number().describe("the box's clock, Unix ms"),
    synchronized: z.boolean().describe("the clock is disciplined by NTP"),
    source: z.enum(TIME_SOURCES).describe("where the box's time came from"),
  }),
  storage: z.object({
    data_dir: z.string(),
    total_bytes: z.number(),
    free_bytes: z.number().describe("available to the box's user"),
  }),
  first_boot: FirstBootDto,
});
export type SystemInfo = z.infer<typeof SystemInfoDto>;

export const SetTimeBody = z.object({
  time_ms: z.number().int().describe("the phone's clock, Unix ms"),
});

export const TimeSetDto = z.object({
  time_ms: z.number(),
  source: z.literal("phone"),
});

export const POWER_ACTIONS = ["shutdown", "reboot"] as const;
export type PowerAction = typeof POWER_ACTIONS[number];
