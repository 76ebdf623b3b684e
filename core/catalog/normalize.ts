/**
 * Search keys: every way a person may type a designation or a name folds to one key, so "M 42",
 * "m42" and "M042" meet, as do "NGC 7000" and "ngc7000", "Sh2-155" and "sh 2 155", "alf Lyr"
 * and "alpha lyr". Folding drops case, accents, spaces and punctuation, and leading zeros of a
 * catalogue number; Bayer letters, which the star file abbreviates the IAU way ("alf", "tet"),
 * also get the spelled-out Greek name as a second key.
 */

/** Catalogue prefixes whose number loses leading zeros ("M042" → "m42"). */
const NUMBERED_PREFIX = /^(m|ngc|ic|sh2|ldn|lbn|b)0+(?=\d)/;

/** The IAU three-letter Greek abbreviations of the star file, spelled out. */
const GREEK: Readonly<Record<string, string>> = {
  alf: "alpha",
  bet: "beta",
  gam: "gamma",
  del: "delta",
  eps: "epsilon",
  zet: "zeta",
  eta: "eta",
  tet: "theta",
  iot: "iota",
  kap: "kappa",
  lam: "lambda",
  mu: "mu",
  nu: "nu",
  ksi: "xi",
  omi: "omicron",
  pi: "pi",
  rho: "rho",
  sig: "sigma",
  tau: "tau",
  ups: "upsilon",
  phi: "phi",
  chi: "chi",
  psi: "psi",
  ome: "omega",
};

/** Folds a designation or name to its search key; "" when nothing searchable is left. */
export function searchKey(text: string): string {
  const folded = text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/[^a-z0-9]+/g, "");
  // "Sharpless 2-155" and "Sh 2-155" are written out often enough to meet "Sh2-155".
  return folded.replace(/^sharpless2?/, "sh2").replace(NUMBERED_PREFIX, "$1");
}

/**
 * The keys of a star designation: the folded form, plus the spelled-out Greek form when it starts
 * with a Bayer abbreviation ("alf Lyr" → "alflyr", "alphalyr"; "kap01 Scl" → …, "kappa01scl").
 */
export function starKeys(code: string): string[] {
  const keys = [searchKey(code)];
  const match = /^([a-z]{2,3})\.?(\d*)\s+(.+)$/i.exec(code.trim());
  const greek = match ? GREEK[match[1]!.toLowerCase()] : undefined;
  if (match && greek && greek !== match[1]!.toLowerCase()) {
    keys.push(searchKey(`${greek}${match[2]} ${match[3]}`));
  }
  return keys.filter((k) => k !== "");
}

/**
 * A designation as people write it: "M42", "NGC 7000", "IC 434", "Sh2-155", "LDN 1". Anything
 * else (a star's "alf Lyr") is returned trimmed.
 */
export function displayDesignation(code: string): string {
  const trimmed = code.trim();
  const m = /^(M|NGC|IC|LDN|Sh2)[\s-]*0*(\d+\w*)$/i.exec(trimmed);
  if (!m) return trimmed;
  const prefix = m[1]!.toUpperCase();
  if (prefix === "M") return `M${m[2]}`;
  if (prefix === "SH2") return `Sh2-${m[2]}`;
  return `${prefix} ${m[2]}`;
}
