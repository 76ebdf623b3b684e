/**
 * Parser of siril's named-star file (/usr/share/siril/catalogue/stars.txt): no header, CRLF line
 * ends, seven columns `designation;RA;sign;|Dec|;0;mag;name` — the designation in the IAU/Bayer
 * or Flamsteed form ("alf Lyr", "kap01 Scl", "29 Psc", "mu. Cas"), RA in decimal hours (J2000),
 * the Dec sign apart from its magnitude in degrees, a size column that is always 0 (stars are
 * points), the V magnitude, and the proper name or "-" ("Vega", "Deneb Kaitos Shemali").
 */
import { CatalogParseError, optionalNumber } from "./parse_dso.ts";
import type { ParsedEntry } from "./types.ts";

/** Parses the whole file; `file` only labels errors. */
export function parseStarsFile(text: string, file: string): ParsedEntry[] {
  const entries: ParsedEntry[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === "") return;
    entries.push(parseStarLine(line, file, index + 1));
  });
  return entries;
}

/** Parses one row; throws CatalogParseError naming the field that is wrong. */
export function parseStarLine(line: string, file = "stars.txt", lineNo = 0): ParsedEntry {
  const fields = line.split(";").map((f) => f.trim());
  if (fields.length !== 7) {
    throw new CatalogParseError(file, lineNo, `expected 7 columns, found ${fields.length}`);
  }
  const [code, ra, sign, dec, , mag, name] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (code === "") throw new CatalogParseError(file, lineNo, "no designation in the first column");
  const raHours = Number(ra);
  if (ra === "" || !(raHours >= 0 && raHours < 24)) {
    throw new CatalogParseError(file, lineNo, `RA "${ra}" is not in hours [0, 24)`);
  }
  if (sign !== "+" && sign !== "-") {
    throw new CatalogParseError(file, lineNo, `Dec sign "${sign}" is neither + nor -`);
  }
  const decAbsDeg = Number(dec);
  if (dec === "" || !(decAbsDeg >= 0 && decAbsDeg <= 90)) {
    throw new CatalogParseError(file, lineNo, `|Dec| "${dec}" is not in degrees [0, 90]`);
  }
  return {
    code,
    raHours,
    decDeg: sign === "-" ? -decAbsDeg : decAbsDeg,
    magnitude: optionalNumber(mag, (v) => v < 90, "magnitude", file, lineNo),
    sizeArcmin: null,
    names: name === "-" || name === "" ? [] : [name],
    aliases: [],
  };
}
