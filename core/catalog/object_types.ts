/**
 * Object types. The siril files carry no type column, so a type comes from, in order: the
 * supplementary table of well-known objects (common_names.ts), the classification of the Messier
 * catalogue below, a cross-reference to an entry already typed (NGC 224 is M31), and the
 * catalogue itself (every Sharpless object is an H II region, every Lynds object a dark nebula,
 * every line of stars.txt a star). NGC and IC objects that none of these reaches stay `unknown`
 * rather than guessed.
 */
import type { CatalogueName, ObjectType } from "./types.ts";

/**
 * The Messier objects by type, as the SEDS Messier database classifies them (messier.seds.org):
 * 40 galaxies, 29 globular clusters, 27 open clusters (M16 counted as its nebula here), 4
 * planetary nebulae, 1 supernova remnant, 7 diffuse nebulae, a star cloud, an asterism and a
 * double star — 110.
 */
const MESSIER_BY_TYPE: Readonly<Partial<Record<ObjectType, readonly number[]>>> = {
  galaxy: [
    31,
    32,
    33,
    49,
    51,
    58,
    59,
    60,
    61,
    63,
    64,
    65,
    66,
    74,
    77,
    81,
    82,
    83,
    84,
    85,
    86,
    87,
    88,
    89,
    90,
    91,
    94,
    95,
    96,
    98,
    99,
    100,
    101,
    102,
    104,
    105,
    106,
    108,
    109,
    110,
  ],
  globular_cluster: [
    2,
    3,
    4,
    5,
    9,
    10,
    12,
    13,
    14,
    15,
    19,
    22,
    28,
    30,
    53,
    54,
    55,
    56,
    62,
    68,
    69,
    70,
    71,
    72,
    75,
    79,
    80,
    92,
    107,
  ],
  open_cluster: [
    6,
    7,
    11,
    18,
    21,
    23,
    25,
    26,
    29,
    34,
    35,
    36,
    37,
    38,
    39,
    41,
    44,
    45,
    46,
    47,
    48,
    50,
    52,
    67,
    93,
    103,
  ],
  planetary_nebula: [27, 57, 76, 97],
  supernova_remnant: [1],
  emission_nebula: [8, 16, 17, 20, 42, 43],
  reflection_nebula: [78],
  star_cloud: [24],
  asterism: [73],
  double_star: [40],
};

const MESSIER_TYPES: ReadonlyMap<number, ObjectType> = new Map(
  Object.entries(MESSIER_BY_TYPE).flatMap(([type, numbers]) =>
    numbers.map((n) => [n, type as ObjectType] as const)
  ),
);

/** The type of Messier object `number` (1–110), or undefined outside the catalogue. */
export function messierType(number: number): ObjectType | undefined {
  return MESSIER_TYPES.get(number);
}

/** The type every object of a catalogue has, where the catalogue is of one kind. */
export function catalogueType(catalogue: CatalogueName): ObjectType | undefined {
  switch (catalogue) {
    case "sh2":
      return "emission_nebula";
    case "ldn":
      return "dark_nebula";
    case "stars":
      return "star";
    default:
      return undefined;
  }
}
