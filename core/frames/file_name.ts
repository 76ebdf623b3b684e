/**
 * Frame file names from a pattern, like NINA's image file pattern: tokens in braces are replaced
 * and made safe for every filesystem a user might copy frames to (FAT on a USB stick included).
 *
 * Tokens: {object} {date} (local night, YYYY-MM-DD) {time} (HHMMSS UTC) {frame_type} {filter}
 * {exposure} (seconds) {gain} {offset} {binning} {temp} (sensor °C, rounded) {seq} (the frame
 * number, at least 4 digits: one counter for every frame the box saves, kept in the database)
 * {camera}. A "/" in the pattern makes folders.
 */

export interface FileNameFields {
  object: string;
  startedAtMs: number;
  /** Site longitude, so the "night" date does not change at midnight UTC. */
  longitudeDeg: number;
  frameType: string;
  filter: string | null;
  exposureS: number;
  gain: number;
  offset: number;
  binning: number;
  sensorTempC: number | null;
  frameNumber: number;
  camera: string;
}

export const KNOWN_TOKENS = [
  "object",
  "date",
  "time",
  "frame_type",
  "filter",
  "exposure",
  "gain",
  "offset",
  "binning",
  "temp",
  "seq",
  "camera",
] as const;

/** Renders the pattern to a relative path ending in ".fits". */
export function frameFileName(pattern: string, f: FileNameFields): string {
  const started = new Date(f.startedAtMs);
  // The observing night is named after the local date at its start: shift by solar time, then
  // by 12 h so a night from 20:00 to 05:00 keeps one date.
  const nightMs = f.startedAtMs + (f.longitudeDeg / 15) * 3_600_000 - 12 * 3_600_000;
  const values: Record<typeof KNOWN_TOKENS[number], string> = {
    object: f.object,
    date: new Date(nightMs).toISOString().slice(0, 10),
    time: started.toISOString().slice(11, 19).replaceAll(":", ""),
    frame_type: f.frameType.toUpperCase(),
    filter: f.filter ?? "NOFILTER",
    exposure: trimNumber(f.exposureS),
    gain: String(f.gain),
    offset: String(f.offset),
    binning: `${f.binning}x${f.binning}`,
    temp: f.sensorTempC === null ? "NA" : String(Math.round(f.sensorTempC)),
    seq: String(f.frameNumber).padStart(4, "0"),
    camera: f.camera,
  };
  const rendered = pattern.replace(/\{([a-z_]+)\}/g, (whole, token: string) => {
    const value = (values as Record<string, string>)[token];
    return value === undefined ? whole : safeSegment(value);
  });
  const segments = rendered.split("/").map(safeSegment).filter((s) =>
    s !== "" && s !== "." && s !== ".."
  );
  if (segments.length === 0) throw new RangeError(`file pattern "${pattern}" renders to nothing`);
  return `${segments.join("/")}.fits`;
}

function safeSegment(value: string): string {
  // deno-lint-ignore no-control-regex -- control characters are exactly what must go
  return value.replace(/[\\/:*?"<>|\x00-\x1f]/g, "_").replace(/\s+/g, "_").slice(0, 100);
}

function trimNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(3)));
}
