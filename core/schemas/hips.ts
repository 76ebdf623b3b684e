/**
 * API shapes of the HiPS group: the tile address in the path (IVOA HiPS 1.0 layout
 * `Norder{k}/Dir{d}/Npix{n}.{ext}` with d = ⌊n / 10000⌋ × 10000), the surveys the box serves and
 * where each comes from (a local mirror, the fetch-through cache of upstream servers, or the
 * Tycho-2 catalogue the box generates), the cache's state, and prefetch jobs.
 */
import { z } from "zod";
import { decDeg, raHours } from "./common.ts";

/** Names routes use under /hips; a survey may not take them. */
export const RESERVED_SURVEY_NAMES = ["status", "surveys", "prefetch", "cutout"] as const;
export const SURVEY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const SurveyName = z.string().regex(SURVEY_NAME, "letters, digits, . _ - (at most 64)")
  .refine((s) => !(RESERVED_SURVEY_NAMES as readonly string[]).includes(s), "a reserved name")
  .describe("the survey's short name on this box, e.g. dss2-color or tycho2");

export const TILE_FORMATS = ["jpg", "png", "fits", "tsv"] as const;
export type TileFormat = typeof TILE_FORMATS[number];

export const SurveyParam = z.object({ survey: SurveyName });

export const NorderSegment = z.string().regex(
  /^Norder\d{1,2}$/,
  'expected "Norder" and the order, e.g. Norder3',
)
  .describe("`Norder{k}`: the HEALPix order k of the tile");
export const DirSegment = z.string().regex(
  /^Dir\d{1,16}$/,
  'expected "Dir" and a number, e.g. Dir0',
)
  .describe("`Dir{d}` with d = ⌊n / 10000⌋ × 10000");
export const TileSegment = z.string()
  .regex(/^Npix\d{1,16}\.(jpg|png|fits|tsv)$/, "expected Npix{n}.jpg, .png, .fits or .tsv")
  .describe("`Npix{n}.{ext}`: the NESTED HEALPix cell n at order k");

export const TileParams = SurveyParam.extend({
  norder: NorderSegment,
  dir: DirSegment,
  tile: TileSegment,
});

export const AllskyParams = SurveyParam.extend({
  norder: NorderSegment,
  file: z.string().regex(/^Allsky\.(jpg|png|fits|tsv)$/, "expected Allsky.jpg, .png, .fits or .tsv")
    .describe("`Allsky.{ext}`: every tile of the order in one file"),
});

export const ROOT_FILES = [
  "properties",
  "Metadata.xml",
  "metadata.xml",
  "Moc.fits",
  "preview.jpg",
] as const;
export const RootFileParams = SurveyParam.extend({
  file: z.enum(ROOT_FILES).describe("a file at the survey's root"),
});

export const UPSTREAM_STATES = ["unknown", "online", "offline"] as const;

export const SurveyDto = z.object({
  name: z.string(),
  title: z.string().nullable().describe("obs_title once the properties are known"),
  kind: z.enum(["image", "catalog"]).nullable()
    .describe("the properties' dataproduct_type; null until they have been read"),
  base_url: z.string().describe("the HiPS base URL on this box, for a HiPS client (Aladin Lite …)"),
  sources: z.object({
    mirror: z.boolean().describe("a local copy under the data dir (served as is)"),
    upstream: z.boolean().describe("configured upstream servers behind the cache"),
    generated: z.boolean().describe("made by the box (the Tycho-2 catalogue)"),
  }),
  hips_order: z.number().int().nullable(),
  hips_order_min: z.number().int().nullable(),
  tile_formats: z.array(z.string()),
  upstream: z.object({
    urls: z.array(z.string()),
    state: z.enum(UPSTREAM_STATES),
    last_error: z.string().nullable(),
    retry_at: z.string().nullable().describe("while offline: when the upstream is tried again"),
  }).nullable(),
  cached_files: z.number().int(),
  cached_bytes: z.number().int(),
});
export type SurveyDto = z.infer<typeof SurveyDto>;

export const SurveyList = z.object({ surveys: z.array(SurveyDto) });

export const PREFETCH_STATES = ["queued", "running", "completed", "failed", "cancelled"] as const;
export type PrefetchState = typeof PREFETCH_STATES[number];

export const PrefetchRequest = z.object({
  survey: SurveyName,
  ra: raHours.describe("centre, J2000 hours"),
  dec: decDeg,
  radius_deg: z.number().gt(0).max(30).describe("radius of the disc to download, degrees"),
  max_order: z.number().int().min(0).max(13).describe("deepest HiPS order to download"),
  min_order: z.number().int().min(0).max(13).optional()
    .describe("shallowest order (default: the survey's hips_order_min, at least 3 for images)"),
  format: z.enum(TILE_FORMATS).optional()
    .describe("tile format (default: the survey's first hips_tile_format)"),
}).refine((r) => r.min_order === undefined || r.min_order <= r.max_order, {
  path: ["min_order"],
  message: "must not exceed max_order",
});
export type PrefetchRequest = z.infer<typeof PrefetchRequest>;

export const PrefetchJobDto = z.object({
  id: z.string(),
  survey: z.string(),
  state: z.enum(PREFETCH_STATES),
  request: z.object({
    ra: z.number(),
    dec: z.number(),
    radius_deg: z.number(),
    min_order: z.number().int(),
    max_order: z.number().int(),
    format: z.enum(TILE_FORMATS),
  }),
  total: z.number().int().describe(
    "files to fetch: the tiles of every order, the properties, the Allsky",
  ),
  done: z.number().int().describe("files now in the cache or the mirror (already there counts)"),
  failed: z.number().int().describe("files the upstream had not (404) or would not give"),
  bytes: z.number().int().describe("bytes downloaded by this job"),
  files_per_s: z.number().nullable(),
  message: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type PrefetchJobDto = z.infer<typeof PrefetchJobDto>;

export const PrefetchJobList = z.object({ jobs: z.array(PrefetchJobDto) });
export const JobIdParam = z.object({ id: z.string().min(1).max(100) });

export const HipsStatusDto = z.object({
  cache: z.object({
    dir: z.string(),
    files: z.number().int(),
    bytes: z.number().int(),
    max_bytes: z.number().int(),
  }),
  mirror_dir: z.string(),
  surveys: z.array(SurveyDto),
  prefetch: z.object({
    running: PrefetchJobDto.nullable(),
    queued: z.number().int(),
  }),
});

export const CutoutQuery = z.object({
  ra: z.coerce.number().min(0).lt(24).describe("centre, J2000 hours"),
  dec: z.coerce.number().min(-90).max(90).describe("centre, J2000 degrees"),
  fov_deg: z.coerce.number().gt(0).max(60).describe("angle across the picture's width"),
  width: z.coerce.number().int().min(16).max(2048).default(600),
  height: z.coerce.number().int().min(16).max(2048).default(600),
  survey: z.literal("tycho2").default("tycho2")
    .describe("only the box's own stars are drawn; image surveys are used through their tiles"),
});

export const UpstreamChangedDto = z.object({
  survey: z.string(),
  online: z.boolean(),
  url: z.string().nullable(),
  reason: z.string().nullable(),
});
