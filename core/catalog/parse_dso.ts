/**
 * Parser of siril's deep-sky catalogue files (messier.txt, ngc.txt, ic.txt, sh2.txt, ldn.txt in
 * /usr/share/siril/catalogue). They share one row layout, `code;RA;sign;|Dec|;size;mag;…`:
 * RA in decimal hours (J2000), the Dec sign in its own column and the Dec magnitude in degrees,
 * the size in arcminutes, the visual magnitude, then a common name and "/"-separated aliases.
 * The files are hand-edited and not as regular as their headers claim, so the parser reads the
 * data, not the header: ldn.txt's header has a column its rows lack; some sh2.txt rows put the
 * name one column late ("-;Lagoon nebula;M8/NGC6523"); a few messier.txt rows lost the ";"
 * between magnitude and name ("8.8 Cetus A"); sizes and magnitudes use −1 and 99 for "unknown".
 */
import type { ParsedEntry } from "./types.ts";

/** A line the parser could not read: the file, the 1-based line and why. */
export class CatalogParseError extends Error {
  constructor(file: string, line: number, reason: string) {
    super(`${file}:${line}: ${reason}`);
    this.name = "CatalogParseError";
  }
}

/** A designation as the alias columns write one: M8, NGC6523, NGC 6302, IC4715, Sh2-244. */
const DESIGNATION = /^(M|NGC|IC|Sh2-|LdN-|LDN)\s*\d+[A-Za-z]?$/i;

/** Parses one whole file; `file` only labels errors. Skips the header and blank lines. */
export function parseDsoFile(text: string, file: string): ParsedEntry[] {
  const entries: ParsedEntry[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === "" || /^code;/i.test(trimmed)) return;
    entries.push(parseDsoLine(trimmed, file, index + 1));
  });
  return entries;
}

/** Parses one data row; throws CatalogParseError naming the field that is wrong. */
export function parseDsoLine(line: string, file = "catalogue", lineNo = 0): ParsedEntry {
  const fields = line.split(";").map((f) => f.trim());
  const [code, ra, sign, dec, size, mag, ...rest] = fields;
  if (!code) throw new CatalogParseError(file, lineNo, "no designation in the first column");
  const raHours = number(ra, "RA", file, lineNo);
  if (raHours < 0 || raHours >= 24) {
    throw new CatalogParseError(file, lineNo, `RA ${ra} is not in hours [0, 24)`);
  }
  if (sign !== "+" && sign !== "-") {
    throw new CatalogParseError(file, lineNo, `Dec sign "${sign}" is neither + nor -`);
  }
  const decAbsDeg = number(dec, "Dec", file, lineNo);
  if (decAbsDeg < 0 || decAbsDeg > 90) {
    throw new CatalogParseError(file, lineNo, `|Dec| ${dec} is not in degrees [0, 90]`);
  }
  // "8.8 Cetus A": the magnitude swallowed the name column; split it back out.
  const fused = /^(-?\d+(?:\.\d+)?)\s+(\S.*)$/.exec(mag ?? "");
  const magText = fused ? fused[1] : mag;
  const tail = fused ? [fused[2]!, ...rest] : rest;
  const names: string[] = [];
  const aliases: string[] = [];
  for (const cell of tail) {
    if (cell === "" || cell === "-") continue;
    const parts = cell.split("/").map((p) => p.trim()).filter((p) => p !== "");
    if (parts.every((p) => DESIGNATION.test(p))) {
      for (const p of parts) {
        const compact = p.replace(/\s+/g, "");
        if (compact.toLowerCase() !== code.toLowerCase()) aliases.push(compact);
      }
    } else {
      names.push(cell);
    }
  }
  return {
    code,
    raHours,
    decDeg: sign === "-" ? -decAbsDeg : decAbsDeg,
    magnitude: optionalNumber(magText, (v) => v < 90, "magnitude", file, lineNo),
    sizeArcmin: optionalNumber(size, (v) => v > 0, "size", file, lineNo),
    names,
    aliases,
  };
}

function number(text: string | undefined, what: string, file: string, lineNo: number): number {
  const value = text === undefined || text === "" ? NaN : Number(text);
  if (!Number.isFinite(value)) {
    throw new CatalogParseError(file, lineNo, `${what} "${text ?? ""}" is not a number`);
  }
  return value;
}

/** A number where the files may leave the cell empty or write a placeholder (99, −1, 0). */
export function optionalNumber(
  text: string | undefined,
  isReal: (value: number) => boolean,
  what: string,
  file: string,
  lineNo: number,
): number | null {
  if (text === undefined || text === "") return null;
  const value = number(text, what, file, lineNo);
  return isReal(value) ? value : null;
}
