/**
 * API shapes of the catalog group (search, object lookup, "what is up tonight", import status)
 * and the mappings from the catalogue's own records. Coordinates are J2000, RA in hours and Dec
 * in degrees, as everywhere in the API; altitudes and azimuths are degrees, times ISO 8601 UTC.
 */
import { z } from "zod";
import type { CatalogStatus, TonightAnswer, TonightObject } from "../catalog/catalog_service.ts";
import { CATALOGUES, OBJECT_TYPES, TYPE_GROUPS } from "../catalog/types.ts";
import type { CatalogEntry, ObjectType } from "../catalog/types.ts";
import { MATCH_KINDS, type SearchHit } from "../store/catalog.ts";
import { decDeg, raHours } from "./common.ts";

const TYPE_WORDS = [...OBJECT_TYPES, ...Object.keys(TYPE_GROUPS)] as [string, ...string[]];

export const CatalogObjectDto = z.object({
  id: z.string().describe("Stable id for /catalog/objects/{id}: M42, NGC7000, Sh2-155, alf_Lyr"),
  designation: z.string().describe("As people write it: M42, NGC 7000, IC 434, alf Lyr"),
  name: z.string().nullable().describe("The first common name, if any"),
  names: z.array(z.string()).describe("Every common name"),
  aliases: z.array(z.string()).describe("The same object in other catalogues"),
  catalogue: z.enum(CATALOGUES),
  type: z.enum(OBJECT_TYPES),
  ra: raHours,
  dec: decDeg,
  magnitude: z.number().nullable().describe("Visual magnitude; null where the catalogue has none"),
  size_arcmin: z.number().nullable().describe("Largest dimension, arcminutes; null if unknown"),
});

export const CatalogSearchQuery = z.object({
  q: z.string().trim().min(1).max(100).describe('Designation or name: "M 42", "NGC7000", "Vega"'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  type: z.enum(TYPE_WORDS).optional().describe("An object type, or nebula / cluster"),
  catalogue: z.enum(CATALOGUES).optional(),
});

export const CatalogSearchDto = z.object({
  query: z.string(),
  results: z.array(CatalogObjectDto.extend({
    match: z.enum(MATCH_KINDS as [string, ...string[]]).describe(
      "designation > alias (exact name or cross-reference) > prefix > substring",
    ),
  })),
});

export const TonightQuery = z.object({
  min_alt: z.coerce.number().min(0).max(89).default(30).describe("Altitude limit, degrees"),
  type: z.enum(TYPE_WORDS).optional().describe("An object type, or nebula / cluster"),
  catalogue: z.enum(CATALOGUES).optional(),
  max_mag: z.coerce.number().min(-30).max(30).optional().describe("Only objects this bright"),
  limit: z.coerce.number().int().min(1).max(500).default(20),
  at: z.iso.datetime({ offset: true }).optional().describe("Plan for this instant, not now"),
});

export const TonightObjectDto = CatalogObjectDto.extend({
  alt_now: z.number().describe("Altitude at `at`, degrees"),
  az_now: z.number().describe("Azimuth at `at`, degrees from north through east"),
  minutes_above: z.number().describe("Minutes above min_alt during the dark window"),
  peak_alt: z.number().describe("Highest altitude during the dark window, degrees"),
  peak_at: z.string(),
  transit_at: z.string().describe("Meridian transit nearest the middle of the night"),
  transit_alt: z.number().describe("Altitude at upper culmination, degrees"),
  above_from: z.string().nullable().describe("First sample above min_alt"),
  above_until: z.string().nullable().describe("Last sample above min_alt"),
  score: z.number().describe(
    "0–100, what the list is ranked by: visibility × framing × brightness × moon (score_parts)",
  ),
  score_parts: z.object({
    visibility: z.number().describe("dark hours above min_alt, weighted by altitude, 0–1"),
    framing: z.number().describe("size against the camera's field, 0–1 (0.5: size unknown)"),
    brightness: z.number().describe(
      "magnitude and surface brightness, 0–1 (0.15: no magnitude in the catalogue)",
    ),
    moon: z.number().describe("1 with the Moon down or new; less the brighter and nearer it is"),
  }),
  dark_hours_above: z.number().describe("Hours above min_alt during the dark window"),
  max_alt_deg: z.number().describe("Highest altitude during the dark window, degrees"),
  moon_sep_deg: z.number().nullable().describe(
    "Distance from the Moon at the object's highest point in the dark window, degrees",
  ),
  fits_field: z.boolean().nullable().describe(
    "Whether its largest dimension fits the field's long side; null when size or field unknown",
  ),
  surface_brightness: z.number().nullable().describe(
    "Mean over a disc of size_arcmin, mag/arcsec²; null without size and magnitude",
  ),
});

export const TonightDto = z.object({
  at: z.string(),
  site: z.object({ latitude: z.number(), longitude: z.number() }),
  min_alt: z.number(),
  night: z.object({
    darkness: z.enum(["astronomical", "nautical", "civil"]).describe(
      "The darkest twilight the night reaches (astronomical: Sun below −18°)",
    ),
    start: z.string(),
    end: z.string(),
    minutes: z.number(),
  }).nullable().describe("null when the Sun never goes 6° below the horizon"),
  field: z.object({ width_deg: z.number(), height_deg: z.number() }).nullable().describe(
    "The camera's field with the active optics, which framing is judged against; null if unknown",
  ),
  moon_illumination: z.number().describe("Fraction of the Moon lit at the middle of the night"),
  objects: z.array(TonightObjectDto),
});

export const CatalogStatusDto = z.object({
  state: z.enum(["importing", "ready", "missing", "failed"]),
  message: z.string().nullable(),
  dir: z.string(),
  counts: z.record(z.string(), z.number()).describe("Objects per catalogue"),
  imported: z.boolean().describe("Whether this start imported the files (they had changed)"),
  import_ms: z.number().nullable(),
});

/** The object types a `type` filter word stands for. */
export function typesFor(word: string | undefined): ObjectType[] | undefined {
  if (word === undefined) return undefined;
  return [...(TYPE_GROUPS[word] ?? [word as ObjectType])];
}

export function toObjectDto(e: CatalogEntry): z.infer<typeof CatalogObjectDto> {
  return {
    id: e.id,
    designation: e.designation,
    name: e.names[0] ?? null,
    names: e.names,
    aliases: e.aliases,
    catalogue: e.catalogue,
    type: e.type,
    ra: e.raHours,
    dec: e.decDeg,
    magnitude: e.magnitude,
    size_arcmin: e.sizeArcmin,
  };
}

export function toSearchResult(hit: SearchHit) {
  return { ...toObjectDto(hit.entry), match: hit.match };
}

const iso = (ms: number) => new Date(ms).toISOString();
const round2 = (x: number) => Math.round(x * 100) / 100;
const round3 = (x: number) => Math.round(x * 1000) / 1000;

function toTonightObject(v: TonightObject): z.infer<typeof TonightObjectDto> {
  return {
    ...toObjectDto(v.entry),
    alt_now: round2(v.altNowDeg),
    az_now: round2(v.azNowDeg),
    minutes_above: Math.round(v.minutesAbove),
    peak_alt: round2(v.peakAltDeg),
    peak_at: iso(v.peakAtMs),
    transit_at: iso(v.transitAtMs),
    transit_alt: round2(v.transitAltDeg),
    above_from: v.aboveFromMs === null ? null : iso(v.aboveFromMs),
    above_until: v.aboveUntilMs === null ? null : iso(v.aboveUntilMs),
    score: round2(v.score.score),
    score_parts: {
      visibility: round3(v.score.visibility),
      framing: round3(v.score.framing),
      brightness: round3(v.score.brightness),
      moon: round3(v.score.moon),
    },
    dark_hours_above: round2(v.minutesAbove / 60),
    max_alt_deg: round2(v.peakAltDeg),
    moon_sep_deg: v.score.moonSepDeg === null ? null : round2(v.score.moonSepDeg),
    fits_field: v.score.fitsField,
    surface_brightness: v.score.surfaceBrightness === null
      ? null
      : round2(v.score.surfaceBrightness),
  };
}

export function toTonightDto(a: TonightAnswer, minAltDeg: number): z.infer<typeof TonightDto> {
  return {
    at: iso(a.atMs),
    site: { latitude: a.site.latitudeDeg, longitude: a.site.longitudeDeg },
    min_alt: minAltDeg,
    night: a.night && {
      darkness: a.night.darkness,
      start: iso(a.night.startMs),
      end: iso(a.night.endMs),
      minutes: Math.round((a.night.endMs - a.night.startMs) / 60_000),
    },
    field: a.field &&
      { width_deg: round3(a.field.widthDeg), height_deg: round3(a.field.heightDeg) },
    moon_illumination: round3(a.moonIllumination),
    objects: a.objects.map(toTonightObject),
  };
}

export function toStatusDto(s: CatalogStatus): z.infer<typeof CatalogStatusDto> {
  return {
    state: s.state,
    message: s.message,
    dir: s.dir,
    counts: s.counts,
    imported: s.imported,
    import_ms: s.importMs,
  };
}
