/**
 * The telemetry API shapes: the box's health now (`GET /telemetry`, the `telemetry.update` event)
 * and its history (`GET /telemetry/history`). A figure the machine cannot give (no Raspberry Pi
 * firmware on a PC, no Wi-Fi interface, /proc hidden by a sandbox) is null, never a made-up zero.
 */
import { z } from "zod";

export const THROTTLE_FLAGS = [
  "under_voltage",
  "arm_freq_capped",
  "throttled",
  "soft_temp_limit",
] as const;
export type ThrottleFlag = typeof THROTTLE_FLAGS[number];

const FlagSet = z.object(
  Object.fromEntries(THROTTLE_FLAGS.map((f) => [f, z.boolean().nullable()])) as Record<
    ThrottleFlag,
    z.ZodNullable<z.ZodBoolean>
  >,
);

export const THROTTLE_SOURCES = ["sysfs", "vcgencmd", "hwmon"] as const;

export const ThrottlingDto = z.object({
  source: z.enum(THROTTLE_SOURCES).nullable()
    .describe("where the flags came from; null where the machine is not a Raspberry Pi"),
  raw: z.string().nullable().describe('the firmware\'s get_throttled word, e.g. "0x50005"'),
  now: FlagSet.describe("the condition is present now"),
  since_boot: FlagSet.describe(
    "it has happened since the machine booted (the firmware's sticky bits and every reading " +
      "the box made this boot)",
  ),
}).meta({ id: "Throttling" });
export type ThrottlingDto = z.infer<typeof ThrottlingDto>;

export const DISK_STATES = ["ok", "low", "reserve"] as const;

export const DiskDto = z.object({
  path: z.string().describe("the data directory"),
  total_bytes: z.number().nullable(),
  free_bytes: z.number().nullable().describe("free to the box's user"),
  free_percent: z.number().nullable(),
  warn_bytes: z.number().describe("below this the box warns"),
  reserve_bytes: z.number().describe("below this no new exposure or sequence frame starts"),
  state: z.enum(DISK_STATES).describe("ok, low (under warn_bytes), reserve (imaging stopped)"),
}).meta({ id: "TelemetryDisk" });

export const ImagingGateDto = z.object({
  allowed: z.boolean().describe("whether a new exposure or sequence frame may start"),
  reason: z.string().nullable(),
  paused_sequence: z.boolean().describe(
    "a sequence was paused for lack of space and resumes " +
      "by itself once space is freed",
  ),
}).meta({ id: "ImagingGate" });

export const TelemetryDto = z.object({
  ts: z.string().describe("ISO 8601 UTC of the sample"),
  cpu: z.object({
    temperature_c: z.number().nullable(),
    load_1m: z.number().nullable(),
    load_5m: z.number().nullable(),
    load_15m: z.number().nullable(),
    cores: z.number(),
  }),
  throttling: ThrottlingDto,
  memory: z.object({
    total_bytes: z.number().nullable(),
    available_bytes: z.number().nullable(),
    used_percent: z.number().nullable(),
  }),
  disk: DiskDto,
  uptime_s: z.number().nullable().describe("seconds since the machine booted"),
  wifi: z.object({
    interface: z.string(),
    signal_dbm: z.number().nullable(),
    link_quality: z.number().nullable().describe("the driver's own scale (often 0..70)"),
  }).nullable().describe("null when the machine has no wireless interface (or cannot read it)"),
  process: z.object({
    rss_bytes: z.number(),
    heap_used_bytes: z.number(),
    heap_total_bytes: z.number(),
    external_bytes: z.number(),
    uptime_s: z.number().describe("seconds since the box's process started"),
  }),
  event_loop: z.object({
    delay_mean_ms: z.number().nullable(),
    delay_p99_ms: z.number().nullable(),
    delay_max_ms: z.number().nullable(),
    samples: z.number().describe("timer ticks measured since the previous sample"),
  }).describe("how late a timer fired: the box's responsiveness"),
  imaging: ImagingGateDto,
}).meta({ id: "Telemetry" });
export type TelemetryDto = z.infer<typeof TelemetryDto>;

/** One stored point of the history: raw samples, or means (max, any) over a bucket. */
export const HistoryPointDto = z.object({
  ts: z.string().describe("ISO 8601 UTC: the sample's time, or the start of its bucket"),
  n: z.number().describe("raw samples behind this point"),
  cpu_temp_c: z.number().nullable().describe("mean"),
  cpu_temp_max_c: z.number().nullable().describe("highest"),
  load_1m: z.number().nullable(),
  mem_available_bytes: z.number().nullable(),
  mem_total_bytes: z.number().nullable(),
  disk_free_bytes: z.number().nullable(),
  disk_total_bytes: z.number().nullable(),
  wifi_signal_dbm: z.number().nullable(),
  rss_bytes: z.number().nullable(),
  heap_used_bytes: z.number().nullable(),
  loop_delay_mean_ms: z.number().nullable(),
  loop_delay_max_ms: z.number().nullable().describe("highest"),
  under_voltage: z.boolean().nullable().describe("at any time within the point"),
  throttled: z.boolean().nullable().describe("throttled or frequency-capped at any time"),
}).meta({ id: "TelemetryHistoryPoint" });
export type HistoryPointDto = z.infer<typeof HistoryPointDto>;

export const RESOLUTIONS = ["auto", "raw", "1m", "10m"] as const;

export const HistoryQuery = z.object({
  from: z.iso.datetime({ offset: true }).optional()
    .describe("ISO 8601; default one hour before `to`"),
  to: z.iso.datetime({ offset: true }).optional().describe("ISO 8601; default now"),
  resolution: z.enum(RESOLUTIONS).default("auto").describe(
    "raw: every sample (kept 24 h); 1m: one-minute means (7 days); 10m: ten-minute means " +
      "(90 days); auto: the finest that still holds `from` and gives at most 1500 points " +
      "(else 10m)",
  ),
});

export const HistoryDto = z.object({
  from: z.string(),
  to: z.string(),
  resolution: z.enum(["raw", "1m", "10m"]),
  step_s: z.number().describe("seconds between points at this resolution"),
  points: z.array(HistoryPointDto),
}).meta({ id: "TelemetryHistory" });
export type HistoryDto = z.infer<typeof HistoryDto>;
