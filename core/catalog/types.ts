/**
 * The shapes shared by the catalogue parsers, the importer and the service: one entry per line of
 * a siril catalogue file, in the units the API speaks (J2000 RA in hours, Dec in degrees, size in
 * arcminutes). The object types are ours: the siril files carry none, so they are assigned from
 * the catalogue a file stands for and from small reference tables (see object_types.ts).
 */

/** The catalogues of /usr/share/siril/catalogue, in the order a tie in search prefers them. */
export const CATALOGUES = ["messier", "ngc", "ic", "sh2", "ldn", "stars"] as const;
export type CatalogueName = typeof CATALOGUES[number];

/** What an object is; `unknown` where no source says (most NGC/IC lines). */
export const OBJECT_TYPES = [
  "galaxy",
  "open_cluster",
  "globular_cluster",
  "emission_nebula",
  "reflection_nebula",
  "planetary_nebula",
  "supernova_remnant",
  "dark_nebula",
  "star_cloud",
  "asterism",
  "double_star",
  "star",
  "unknown",
] as const;
export type ObjectType = typeof OBJECT_TYPES[number];

/** Filter words that stand for several types (`type=nebula` finds every kind of nebula). */
export const TYPE_GROUPS: Readonly<Record<string, readonly ObjectType[]>> = {
  nebula: [
    "emission_nebula",
    "reflection_nebula",
    "planetary_nebula",
    "supernova_remnant",
    "dark_nebula",
  ],
  cluster: ["open_cluster", "globular_cluster"],
};

/** One line of a catalogue file, parsed and unit-checked. */
export interface ParsedEntry {
  /** The designation exactly as the file writes it ("M42", "NGC7000", "LdN-1", "alf Lyr"). */
  code: string;
  raHours: number;
  decDeg: number;
  /** Apparent visual magnitude; null where the file has none (empty or the 99 placeholder). */
  magnitude: number | null;
  /** Largest dimension in arcminutes; null where unknown (empty, 0 or the −1 placeholder). */
  sizeArcmin: number | null;
  /** Common names ("Orion nebula"). */
  names: string[];
  /** Other designations of the same object, compacted ("NGC1976", "Sh2-281", "M8"). */
  aliases: string[];
}

/** An entry ready for the database: designation, catalogue, type and every search key. */
export interface CatalogEntry {
  /** URL-safe and unique: "M42", "NGC7000", "Sh2-155", "LDN1", "alf_Lyr". */
  id: string;
  /** As people write it: "M42", "NGC 7000", "IC 434", "Sh2-155", "LDN 1", "alf Lyr". */
  designation: string;
  catalogue: CatalogueName;
  type: ObjectType;
  names: string[];
  aliases: string[];
  raHours: number;
  decDeg: number;
  magnitude: number | null;
  sizeArcmin: number | null;
}
