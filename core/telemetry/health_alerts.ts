/**
 * Alerts on the machine's health, raised on the edge (when a condition starts) and cleared with
 * an info alert (when it ends), never repeated every sample: under-voltage now (error: a sagging
 * supply corrupts SD-card writes and USB transfers), thermal throttling or frequency capping now
 * (warning), either having happened since boot while not present now (warning, once per flag),
 * and a CPU temperature above the configured limit where the firmware says nothing (a PC, or
 * Debian's kernel, which reports under-voltage only).
 */
import type { AlertLevel } from "../events.ts";
import type { ThrottleFlag } from "../schemas/telemetry.ts";

export interface HealthInput {
  /** Throttling flags now (null: unknown on this machine). */
  now: Record<ThrottleFlag, boolean | null> | null;
  /** Bits 0..3 that have occurred since boot, latched by the service. */
  sinceBootBits: number;
  cpuTempC: number | null;
}

export interface HealthAlert {
  level: AlertLevel;
  message: string;
  details?: Record<string, unknown>;
}

const FLAG_TEXT: Record<ThrottleFlag, string> = {
  under_voltage: "under-voltage",
  arm_freq_capped: "ARM frequency capped",
  throttled: "CPU throttled",
  soft_temp_limit: "soft temperature limit",
};
const THROTTLING: ThrottleFlag[] = ["arm_freq_capped", "throttled", "soft_temp_limit"];
/** Cooling this far below the limit clears a temperature alert (no flapping at the limit). */
const TEMP_HYSTERESIS_C = 5;

export class HealthAlerts {
  readonly #cpuTempWarnC: number;
  #underVoltage = false;
  #throttling = false;
  #hot = false;
  #reportedSinceBoot: number;

  /** `knownSinceBootBits`: flags already reported this boot (kept across a restart). */
  constructor(options: { cpuTempWarnC: number; knownSinceBootBits?: number }) {
    this.#cpuTempWarnC = options.cpuTempWarnC;
    this.#reportedSinceBoot = options.knownSinceBootBits ?? 0;
  }

  evaluate(input: HealthInput): HealthAlert[] {
    const alerts: HealthAlert[] = [];
    const temp = input.cpuTempC === null ? "" : ` (CPU at ${input.cpuTempC.toFixed(1)} °C)`;
    const under = input.now?.under_voltage === true;
    if (under !== this.#underVoltage) {
      this.#underVoltage = under;
      alerts.push(
        under
          ? {
            level: "error",
            message: "Under-voltage: the power supply is too weak for the box and its USB " +
              "devices; frames and the SD card are at risk. Use a stronger supply or a shorter, " +
              "thicker cable.",
          }
          : { level: "info", message: "Under-voltage has ended." },
      );
    }
    const active = THROTTLING.filter((f) => input.now?.[f] === true);
    if ((active.length > 0) !== this.#throttling) {
      this.#throttling = active.length > 0;
      alerts.push(
        this.#throttling
          ? {
            level: "warning",
            message: `The CPU is being slowed: ${
              active.map((f) => FLAG_TEXT[f]).join(", ")
            }${temp}. ` +
              "Give the box air or a fan; imaging continues more slowly.",
            details: { flags: active },
          }
          : { level: "info", message: `The CPU runs at full speed again${temp}.` },
      );
    }
    // Since boot, not now: worth knowing once (a supply that dips under load), not every sample.
    const news = input.sinceBootBits & ~this.#reportedSinceBoot & ~bitsOf(input.now);
    if (news !== 0) {
      const flags = (["under_voltage", ...THROTTLING] as ThrottleFlag[])
        .filter((_, bit) => (news >> bit) & 1);
      alerts.push({
        level: "warning",
        message: `Since the box started: ${flags.map((f) => FLAG_TEXT[f]).join(", ")} ` +
          "(not now). The power supply or cooling is marginal.",
        details: { flags },
      });
    }
    this.#reportedSinceBoot |= input.sinceBootBits;
    if (input.cpuTempC !== null) {
      const hot = this.#hot
        ? input.cpuTempC > this.#cpuTempWarnC - TEMP_HYSTERESIS_C
        : input.cpuTempC >= this.#cpuTempWarnC;
      if (hot !== this.#hot) {
        this.#hot = hot;
        alerts.push(
          hot
            ? {
              level: "warning",
              message: `The CPU is hot: ${
                input.cpuTempC.toFixed(1)
              } °C (limit ${this.#cpuTempWarnC} °C).`,
            }
            : { level: "info", message: `The CPU has cooled to ${input.cpuTempC.toFixed(1)} °C.` },
        );
      }
    }
    return alerts;
  }
}

function bitsOf(now: HealthInput["now"]): number {
  if (now === null) return 0;
  return (now.under_voltage ? 1 : 0) | (now.arm_freq_capped ? 2 : 0) | (now.throttled ? 4 : 0) |
    (now.soft_temp_limit ? 8 : 0);
}
