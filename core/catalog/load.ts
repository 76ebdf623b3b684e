/**
 * Reads siril's catalogue directory into catalogue entries: each file through its parser, then
 * one pass that makes the files agree with each other. Cross-references run both ways (M42 lists
 * NGC1976, so NGC1976 lists M42), common names and types travel along them (NGC 224 is the
 * Andromeda galaxy), and each entry gets its URL-safe id and display designation. The checksum
 * covers every file's name and bytes, so the importer knows when the package changed.
 */
import { join } from "node:path";
import { COMMON_NAMES } from "./common_names.ts";
import { displayDesignation, searchKey } from "./normalize.ts";
import { catalogueType, messierType } from "./object_types.ts";
import { parseDsoFile } from "./parse_dso.ts";
import { parseStarsFile } from "./parse_stars.ts";
import type { CatalogEntry, CatalogueName, ObjectType, ParsedEntry } from "./types.ts";

/** Where Debian's siril-common puts the catalogues. */
export const SIRIL_CATALOGUE_DIR = "/usr/share/siril/catalogue";

/** The files, by catalogue; every one must be present. */
export const CATALOGUE_FILES: Readonly<Record<CatalogueName, string>> = {
  messier: "messier.txt",
  ngc: "ngc.txt",
  ic: "ic.txt",
  sh2: "sh2.txt",
  ldn: "ldn.txt",
  stars: "stars.txt",
};

/** The directory or one of its files is missing. */
export class CatalogMissingError extends Error {
  constructor(dir: string, file: string) {
    super(
      `The catalogue file ${join(dir, file)} is missing: install the Debian package ` +
        `siril-common (apt-get install siril-common)`,
    );
    this.name = "CatalogMissingError";
  }
}

export interface CatalogFiles {
  /** SHA-256 (hex) over every file's name and contents, in CATALOGUE_FILES order. */
  checksum: string;
  texts: Record<CatalogueName, string>;
}

/** Reads every file and its checksum; throws CatalogMissingError naming the first one absent. */
export async function readCatalogFiles(dir: string): Promise<CatalogFiles> {
  const texts = {} as Record<CatalogueName, string>;
  const chunks: Uint8Array[] = [];
  for (const [catalogue, file] of Object.entries(CATALOGUE_FILES)) {
    let bytes: Uint8Array;
    try {
      bytes = await Deno.readFile(join(dir, file));
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) throw new CatalogMissingError(dir, file);
      throw err;
    }
    chunks.push(new TextEncoder().encode(`${file}\n${bytes.length}\n`), bytes);
    texts[catalogue as CatalogueName] = new TextDecoder().decode(bytes);
  }
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  const checksum = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  return { checksum, texts };
}

/** Parses every file and reconciles them into entries (pure; no I/O). */
export function buildEntries(texts: Record<CatalogueName, string>): CatalogEntry[] {
  const entries: CatalogEntry[] = [];
  const usedIds = new Set<string>();
  for (const [catalogue, file] of Object.entries(CATALOGUE_FILES) as [CatalogueName, string][]) {
    const parsed = catalogue === "stars"
      ? parseStarsFile(texts[catalogue], file)
      : parseDsoFile(texts[catalogue], file);
    for (const p of parsed) entries.push(toEntry(p, catalogue, usedIds));
  }
  crossReference(entries);
  return entries;
}

function toEntry(p: ParsedEntry, catalogue: CatalogueName, usedIds: Set<string>): CatalogEntry {
  const designation = displayDesignation(p.code);
  // Seven designations appear twice in stars.txt (components of a pair): number the later ones.
  const base = designation.replace(/\s+/g, catalogue === "stars" ? "_" : "");
  let id = base;
  for (let n = 2; usedIds.has(id); n++) id = `${base}_${n}`;
  usedIds.add(id);
  const messier = catalogue === "messier" ? Number(/\d+/.exec(p.code)?.[0]) : NaN;
  const type: ObjectType = messierType(messier) ?? catalogueType(catalogue) ?? "unknown";
  return {
    id,
    designation,
    catalogue,
    type,
    names: [...p.names],
    aliases: p.aliases.map(displayDesignation),
    raHours: p.raHours,
    decDeg: p.decDeg,
    magnitude: p.magnitude,
    sizeArcmin: p.sizeArcmin,
  };
}

/** Links entries that name each other, and shares names and types along the links. */
function crossReference(entries: CatalogEntry[]): void {
  const byKey = new Map<string, CatalogEntry>();
  for (const e of entries) {
    if (e.catalogue !== "stars") byKey.set(searchKey(e.designation), e);
  }
  for (const common of COMMON_NAMES) {
    const e = byKey.get(searchKey(common.code));
    if (!e) continue;
    e.type = common.type;
    for (const name of common.names) addUnique(e.names, name);
  }
  // Two rounds: M8 → NGC6523 → NGC6533 reaches across two hops of the alias graph.
  for (let round = 0; round < 2; round++) {
    for (const e of entries) {
      for (const alias of e.aliases) {
        const other = byKey.get(searchKey(alias));
        if (!other || other === e) continue;
        addUnique(other.aliases, e.designation);
        for (const name of e.names) addUnique(other.names, name);
        if (other.type === "unknown") other.type = e.type;
        if (e.type === "unknown") e.type = other.type;
      }
    }
  }
}

function addUnique(list: string[], value: string): void {
  const key = searchKey(value);
  if (!list.some((v) => searchKey(v) === key)) list.push(value);
}
