/**
 * Where things go in the bucket. Frames by target and night:
 * `<prefix>/<target>/<night>/<file>`, with the night named after the local date at its start
 * (noon to noon in the site's mean solar time, as the `{date}` token of frame file names does, so
 * a night from 20:00 to 05:00 is one folder). Frames without a target go under `_calibration`
 * (darks, flats, bias) or `_untitled` (lights). Each frame's metadata sidecar is `<key>.json`;
 * database backups are `<prefix>/_backups/openskylab-<UTC stamp>.db`.
 */
import { basename } from "node:path";

export const BACKUP_FOLDER = "_backups";
const HOUR_MS = 3_600_000;

/** YYYY-MM-DD of the night containing `startedAtMs` at a site at `longitudeDeg` (east +). */
export function nightDate(startedAtMs: number, longitudeDeg: number): string {
  if (!Number.isFinite(longitudeDeg) || longitudeDeg < -180 || longitudeDeg > 180) {
    throw new RangeError(`longitude must be in [-180, 180] degrees, got ${longitudeDeg}`);
  }
  return new Date(startedAtMs + (longitudeDeg / 15) * HOUR_MS - 12 * HOUR_MS).toISOString().slice(
    0,
    10,
  );
}

/** A prefix without leading, trailing or doubled slashes ("" for the bucket's root). */
export function normalizePrefix(prefix: string): string {
  return prefix.split("/").filter((s) => s !== "").join("/");
}

/** One path segment safe on every store and on any disk the user downloads to. */
export function safeSegment(text: string): string {
  // deno-lint-ignore no-control-regex -- control characters are exactly what must go
  const cleaned = text.replace(/[\\/:*?"<>|\x00-\x1f\x7f]/g, "_").replace(/\s+/g, "_").slice(
    0,
    100,
  );
  return cleaned === "" || cleaned === "." || cleaned === ".." ? "_" : cleaned;
}

export interface KeyedFrame {
  path: string;
  object: string | null;
  frame_type: string;
  started_at: string;
}

export function frameKey(prefix: string, frame: KeyedFrame, longitudeDeg: number): string {
  const target = frame.object !== null && frame.object.trim() !== ""
    ? safeSegment(frame.object.trim())
    : frame.frame_type === "light"
    ? "_untitled"
    : "_calibration";
  const night = nightDate(Date.parse(frame.started_at), longitudeDeg);
  return join(normalizePrefix(prefix), target, night, safeSegment(basename(frame.path)));
}

/** The key to use when `key` is taken by a different object: the frame id before the extension. */
export function alternateKey(key: string, frameId: string): string {
  const slash = key.lastIndexOf("/");
  const dot = key.lastIndexOf(".");
  const at = dot > slash ? dot : key.length;
  return `${key.slice(0, at)}~${safeSegment(frameId).slice(0, 40)}${key.slice(at)}`;
}

export function sidecarKey(key: string): string {
  return `${key}.json`;
}

export function backupPrefix(prefix: string): string {
  return `${join(normalizePrefix(prefix), BACKUP_FOLDER)}/`;
}

/** `openskylab-20260105T101500Z.db` keys sort by time. */
export function backupKey(prefix: string, atMs: number): string {
  const stamp = new Date(atMs).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  return `${backupPrefix(prefix)}openskylab-${stamp}.db`;
}

function join(...segments: string[]): string {
  return segments.filter((s) => s !== "").join("/");
}
