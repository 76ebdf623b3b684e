// @ts-check
/**
 * How the app writes numbers, angles, times and sizes: one place, so every screen says "05h 35m
 * 17s", "+40° 00′ 12″", "1h 05m" and "3.2 GB" the same way. A missing value is "–" everywhere.
 */

export const NONE = "–";

/** @param {number} n */
const pad = (n) => String(n).padStart(2, "0");

/**
 * @param {number | null | undefined} value
 * @param {number} [digits]
 * @param {string} [unit] appended with no space when it starts with ° or ″, else with one
 */
export function num(value, digits = 1, unit = "") {
  if (value === null || value === undefined || !Number.isFinite(value)) return NONE;
  const text = value.toFixed(digits);
  if (!unit) return text;
  return /^[°″′%]/.test(unit) ? text + unit : `${text} ${unit}`;
}

/** Right ascension in hours → "05h 35m 17s". @param {number | null | undefined} hours */
export function ra(hours) {
  if (hours === null || hours === undefined || !Number.isFinite(hours)) return NONE;
  let s = Math.round((((hours % 24) + 24) % 24) * 3600);
  if (s >= 86400) s -= 86400;
  return `${pad(Math.floor(s / 3600))}h ${pad(Math.floor(s / 60) % 60)}m ${pad(s % 60)}s`;
}

/** Declination (or any signed angle) in degrees → "+40° 00′ 12″". @param {number | null | undefined} deg */
export function dec(deg) {
  if (deg === null || deg === undefined || !Number.isFinite(deg)) return NONE;
  const sign = deg < 0 ? "−" : "+";
  const s = Math.round(Math.abs(deg) * 3600);
  return `${sign}${pad(Math.floor(s / 3600))}° ${pad(Math.floor(s / 60) % 60)}′ ${pad(s % 60)}″`;
}

/** Seconds → "45 s", "12 min", "1h 05m". @param {number | null | undefined} seconds */
export function duration(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return NONE;
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${pad(s % 60)} s`;
  return `${Math.floor(s / 3600)}h ${pad(Math.floor(s / 60) % 60)}m`;
}

/** An instant → "21:47" in the phone's time. @param {string | number | null | undefined} when */
export function clock(when) {
  if (when === null || when === undefined) return NONE;
  const d = new Date(when);
  if (Number.isNaN(d.getTime())) return NONE;
  return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

/** An instant → "21:47:05". @param {string | number | null | undefined} when */
export function clockSeconds(when) {
  if (when === null || when === undefined) return NONE;
  const d = new Date(when);
  if (Number.isNaN(d.getTime())) return NONE;
  return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

/** An instant → "6 Dec 21:47". @param {string | number | null | undefined} when */
export function dateTime(when) {
  if (when === null || when === undefined) return NONE;
  const d = new Date(when);
  if (Number.isNaN(d.getTime())) return NONE;
  return d.toLocaleString([], {
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
  });
}

/** @param {number | null | undefined} bytes */
export function size(bytes) {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return NONE;
  const units = ["B", "KB", "MB", "GB", "TB"];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v.toFixed(i === 0 || v >= 100 ? 0 : 1)} ${units[i]}`;
}

/** 0..1 → "42%". @param {number | null | undefined} fraction */
export function percent(fraction) {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return NONE;
  return `${Math.round(fraction * 100)}%`;
}

/** Parses "05 35 17", "5:35:17", "5h35m17s" or "5.588" → hours or degrees; null if not. @param {string} text */
export function parseSexagesimal(text) {
  const t = text.trim().replace(/−/g, "-");
  if (t === "") return null;
  const m =
    /^([+-]?)\s*(\d+(?:\.\d+)?)(?:[\s:hd°]+(\d+(?:\.\d+)?))?(?:[\s:m′']+(\d+(?:\.\d+)?))?[s″"]?$/
      .exec(t);
  if (!m) return null;
  const v = Number(m[2]) + Number(m[3] ?? 0) / 60 + Number(m[4] ?? 0) / 3600;
  return m[1] === "-" ? -v : v;
}
