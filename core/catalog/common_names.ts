/**
 * Well-known NGC, IC and Sharpless objects whose common names the siril files leave out (they
 * name Messier objects and stars only), with their types. The names are the ones observing
 * guides and planetarium programs use (Stellarium's and KStars' name lists, the SEDS NGC notes);
 * keeping them here lets "North America Nebula" or "Horsehead" find their object. A designation
 * the catalogue files do not hold is ignored by the importer.
 */
import type { ObjectType } from "./types.ts";

export interface CommonName {
  /** As in the catalogue files' first column: "NGC7000", "IC434", "Sh2-155". */
  code: string;
  type: ObjectType;
  names: readonly string[];
}

export const COMMON_NAMES: readonly CommonName[] = [
  { code: "NGC7000", type: "emission_nebula", names: ["North America Nebula"] },
  { code: "IC5070", type: "emission_nebula", names: ["Pelican Nebula"] },
  { code: "IC434", type: "emission_nebula", names: ["Horsehead Nebula"] },
  { code: "NGC2024", type: "emission_nebula", names: ["Flame Nebula"] },
  { code: "NGC1977", type: "reflection_nebula", names: ["Running Man Nebula"] },
  { code: "NGC6960", type: "supernova_remnant", names: ["Western Veil Nebula", "Witch's Broom"] },
  { code: "NGC6992", type: "supernova_remnant", names: ["Eastern Veil Nebula"] },
  { code: "NGC6995", type: "supernova_remnant", names: ["Network Nebula"] },
  { code: "NGC2237", type: "emission_nebula", names: ["Rosette Nebula"] },
  { code: "NGC2244", type: "open_cluster", names: ["Rosette Cluster"] },
  { code: "IC1805", type: "emission_nebula", names: ["Heart Nebula"] },
  { code: "IC1848", type: "emission_nebula", names: ["Soul Nebula"] },
  { code: "IC5146", type: "emission_nebula", names: ["Cocoon Nebula"] },
  { code: "IC405", type: "emission_nebula", names: ["Flaming Star Nebula"] },
  { code: "IC410", type: "emission_nebula", names: ["Tadpoles Nebula"] },
  { code: "IC443", type: "supernova_remnant", names: ["Jellyfish Nebula"] },
  { code: "IC1396", type: "emission_nebula", names: ["Elephant's Trunk Nebula"] },
  { code: "IC2118", type: "reflection_nebula", names: ["Witch Head Nebula"] },
  { code: "IC2177", type: "emission_nebula", names: ["Seagull Nebula"] },
  { code: "IC1318", type: "emission_nebula", names: ["Butterfly Nebula", "Sadr Region"] },
  { code: "NGC1499", type: "emission_nebula", names: ["California Nebula"] },
  { code: "NGC7293", type: "planetary_nebula", names: ["Helix Nebula"] },
  { code: "NGC6543", type: "planetary_nebula", names: ["Cat's Eye Nebula"] },
  { code: "NGC7635", type: "emission_nebula", names: ["Bubble Nebula"] },
  { code: "NGC6888", type: "emission_nebula", names: ["Crescent Nebula"] },
  { code: "NGC281", type: "emission_nebula", names: ["Pacman Nebula"] },
  { code: "NGC7023", type: "reflection_nebula", names: ["Iris Nebula"] },
  { code: "NGC2392", type: "planetary_nebula", names: ["Eskimo Nebula", "Clown Face Nebula"] },
  { code: "NGC2359", type: "emission_nebula", names: ["Thor's Helmet"] },
  { code: "NGC2264", type: "open_cluster", names: ["Christmas Tree Cluster", "Cone Nebula"] },
  { code: "NGC2174", type: "emission_nebula", names: ["Monkey Head Nebula"] },
  { code: "NGC7380", type: "emission_nebula", names: ["Wizard Nebula"] },
  { code: "NGC6302", type: "planetary_nebula", names: ["Bug Nebula"] },
  { code: "NGC6334", type: "emission_nebula", names: ["Cat's Paw Nebula"] },
  { code: "NGC6357", type: "emission_nebula", names: ["War and Peace Nebula"] },
  { code: "NGC2070", type: "emission_nebula", names: ["Tarantula Nebula"] },
  { code: "NGC3372", type: "emission_nebula", names: ["Carina Nebula", "Eta Carinae Nebula"] },
  { code: "IC2944", type: "emission_nebula", names: ["Running Chicken Nebula"] },
  { code: "NGC7009", type: "planetary_nebula", names: ["Saturn Nebula"] },
  { code: "NGC3242", type: "planetary_nebula", names: ["Ghost of Jupiter"] },
  { code: "NGC6826", type: "planetary_nebula", names: ["Blinking Planetary"] },
  { code: "NGC246", type: "planetary_nebula", names: ["Skull Nebula"] },
  { code: "IC418", type: "planetary_nebula", names: ["Spirograph Nebula"] },
  { code: "NGC869", type: "open_cluster", names: ["Double Cluster", "h Persei"] },
  { code: "NGC884", type: "open_cluster", names: ["Double Cluster", "chi Persei"] },
  { code: "NGC457", type: "open_cluster", names: ["Owl Cluster", "ET Cluster"] },
  { code: "NGC5139", type: "globular_cluster", names: ["Omega Centauri"] },
  { code: "NGC104", type: "globular_cluster", names: ["47 Tucanae"] },
  { code: "NGC253", type: "galaxy", names: ["Sculptor Galaxy", "Silver Coin Galaxy"] },
  { code: "NGC4565", type: "galaxy", names: ["Needle Galaxy"] },
  { code: "NGC4631", type: "galaxy", names: ["Whale Galaxy"] },
  { code: "NGC4656", type: "galaxy", names: ["Hockey Stick Galaxy"] },
  { code: "NGC6946", type: "galaxy", names: ["Fireworks Galaxy"] },
  { code: "NGC891", type: "galaxy", names: ["Silver Sliver Galaxy"] },
  { code: "NGC5128", type: "galaxy", names: ["Centaurus A"] },
  { code: "NGC7331", type: "galaxy", names: ["Deer Lick Galaxy"] },
  { code: "NGC3628", type: "galaxy", names: ["Hamburger Galaxy"] },
  { code: "NGC4038", type: "galaxy", names: ["Antennae Galaxies"] },
  { code: "NGC55", type: "galaxy", names: ["String of Pearls Galaxy"] },
  { code: "NGC300", type: "galaxy", names: ["Sculptor Pinwheel Galaxy"] },
  { code: "NGC4449", type: "galaxy", names: ["Box Galaxy"] },
  { code: "Sh2-155", type: "emission_nebula", names: ["Cave Nebula"] },
  { code: "Sh2-129", type: "emission_nebula", names: ["Flying Bat Nebula"] },
  { code: "Sh2-240", type: "supernova_remnant", names: ["Spaghetti Nebula", "Simeis 147"] },
  { code: "Sh2-276", type: "emission_nebula", names: ["Barnard's Loop"] },
];
