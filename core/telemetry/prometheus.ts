/**
 * Prometheus text exposition format 0.0.4: `# HELP`, `# TYPE`, then `name{label="v"} value` lines,
 * one family at a time. Label values escape backslash, double quote and newline; help text
 * escapes backslash and newline. A figure the machine cannot give is left out (Prometheus reads
 * an absent series as "unknown"), never written as 0.
 */

export const EXPOSITION_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export interface MetricSample {
  labels?: Record<string, string>;
  /** "_sum", "_count" for a summary's parts; "" otherwise. */
  suffix?: string;
  value: number | null;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: "gauge" | "counter" | "summary";
  samples: MetricSample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function renderExposition(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  for (const family of families) {
    if (!NAME.test(family.name)) throw new TypeError(`bad metric name ${family.name}`);
    const samples = family.samples.filter((s) => s.value !== null && Number.isFinite(s.value));
    if (samples.length === 0) continue;
    lines.push(`# HELP ${family.name} ${family.help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}`);
    lines.push(`# TYPE ${family.name} ${family.type}`);
    for (const s of samples) {
      lines.push(`${family.name}${s.suffix ?? ""}${labels(s.labels)} ${formatValue(s.value!)}`);
    }
  }
  return lines.join("\n") + "\n";
}

function labels(set: Record<string, string> | undefined): string {
  const entries = Object.entries(set ?? {});
  if (entries.length === 0) return "";
  return `{${
    entries.map(([k, v]) => {
      if (!LABEL.test(k)) throw new TypeError(`bad label name ${k}`);
      return `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
    }).join(",")
  }}`;
}

function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(15)));
}
