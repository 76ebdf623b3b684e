/**
 * The HiPS `properties` file: UTF-8 `key = value` lines, `#` comments and blank lines ignored,
 * spaces around `=` ignored, a key possibly repeated (HiPS 1.0 §4.4.1). Parsed into a map of the
 * first value of each key, which is all the box reads (title, type, orders, tile formats).
 */

export type HipsProperties = Map<string, string>;

export function parseProperties(text: string): HipsProperties {
  const out: HipsProperties = new Map();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    if (/\s/.test(key) || out.has(key)) continue;
    out.set(key, line.slice(eq + 1).trim());
  }
  return out;
}

export function formatProperties(entries: readonly (readonly [string, string | number])[]): string {
  const width = Math.max(...entries.map(([k]) => k.length));
  return entries.map(([k, v]) => `${k.padEnd(width)} = ${v}`).join("\n") + "\n";
}

/** What the box needs from a survey's properties. */
export interface SurveyFacts {
  title: string | null;
  kind: "image" | "catalog" | null;
  hipsOrder: number | null;
  hipsOrderMin: number | null;
  tileFormats: string[];
}

export function surveyFacts(p: HipsProperties): SurveyFacts {
  const int = (key: string) => {
    const value = Number(p.get(key));
    return p.has(key) && Number.isInteger(value) && value >= 0 ? value : null;
  };
  const type = p.get("dataproduct_type");
  return {
    title: p.get("obs_title") ?? p.get("label") ?? null,
    kind: type === "catalog" ? "catalog" : type === undefined ? null : "image",
    hipsOrder: int("hips_order") ?? int("maxOrder"),
    hipsOrderMin: int("hips_order_min"),
    // "jpeg" in properties, ".jpg" on files.
    tileFormats: (p.get("hips_tile_format") ?? p.get("format") ?? "").split(/\s+/).filter(Boolean)
      .map((f) => f.toLowerCase() === "jpeg" ? "jpg" : f.toLowerCase()),
  };
}
