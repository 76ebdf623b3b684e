/**
 * The Kysely view of the database: one interface per table, as SQLite stores it (booleans as 0/1,
 * JSON as text, times as ISO 8601 UTC text, which sorts chronologically). Where a row mirrors an
 * API shape the type is derived from that zod schema, so a field added to the DTO fails to compile
 * here until a migration adds the column. The DDL itself lives in `migrations/`.
 */
import type { Generated } from "kysely";
import type { FrameDto } from "../schemas/camera.ts";

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: string;
}

export interface ProfilesTable {
  id: string;
  name: string;
  /** 1 for the one active profile (a partial unique index allows no second), else 0. */
  active: number;
  /** JSON of the profile's site, optics and devices, validated on every read. */
  data: string;
  created_at: string;
  updated_at: string;
}

/** A frame row: the API's FrameDto (its WCS as JSON text) plus bookkeeping the API does not show. */
export type FramesTable = Omit<FrameDto, "wcs"> & {
  /** JSON of FrameDto["wcs"]; null until the frame is plate-solved. */
  wcs: string | null;
  /** The sequence that took the frame; null for frames taken by hand. */
  sequence_id: string | null;
  created_at: string;
  /** How many times the file was rewritten in place since it was recorded (a solve's WCS). */
  file_revision: Generated<number>;
};

/** Named counters that must survive restarts and never repeat (the frame number). */
export interface CountersTable {
  name: string;
  value: number;
}

export interface KvTable {
  key: string;
  /** JSON text. */
  value: string;
}

export interface AlignmentPointsTable {
  id: string;
  profile_id: string;
  solved_ra_hours: number;
  solved_dec_deg: number;
  mount_ra_hours: number;
  mount_dec_deg: number;
  lst_hours: number;
  pier_side: string;
  alt_deg: number;
  az_deg: number;
  created_at: string;
}

/** A master of the calibration library; `frame_ids` is a JSON array of the source frames. */
export interface CalibrationMastersTable {
  id: string;
  /** bias | dark | flat | darkflat */
  type: string;
  path: string;
  camera: string | null;
  gain: number;
  offset: number;
  binning: number;
  width: number;
  height: number;
  temp_c: number | null;
  exposure_s: number;
  filter: string | null;
  date_obs: string;
  frame_count: number;
  method: string;
  kappa: number;
  frame_ids: string;
  notes: string | null;
  created_at: string;
}

export interface DB {
  schema_migrations: SchemaMigrationsTable;
  profiles: ProfilesTable;
  frames: FramesTable;
  kv: KvTable;
  alignment_points: AlignmentPointsTable;
  calibration_masters: CalibrationMastersTable;
  sequences: SequencesTable;
  sequence_runs: SequenceRunsTable;
  sequence_templates: SequenceTemplatesTable;
  catalog_objects: CatalogObjectsTable;
  catalog_keys: CatalogKeysTable;
  scheduler_plans: SchedulerPlansTable;
  scheduler_blocks: SchedulerBlocksTable;
  autofocus_runs: AutofocusRunsTable;
  sync_queue: SyncQueueTable;
  sync_parts: SyncPartsTable;
  sync_history: SyncHistoryTable;
  mosaics: MosaicsTable;
  hips_tiles: HipsTilesTable;
  hips_prefetch_jobs: HipsPrefetchJobsTable;
  telemetry_samples: TelemetrySamplesTable;
  counters: CountersTable;
}

/** A sequence: its name beside the whole document as JSON, validated on every read. */
export interface SequencesTable {
  id: string;
  name: string;
  data: string;
  created_at: string;
  updated_at: string;
}

/** One run of a sequence; `checkpoint` is JSON, moved in the same commit as each frame row. */
export interface SequenceRunsTable {
  id: string;
  sequence_id: string;
  state: string;
  checkpoint: string;
  frames_done: number;
  message: string | null;
  started_at: string;
  updated_at: string;
  ended_at: string | null;
}

export interface SequenceTemplatesTable {
  id: string;
  name: string;
  data: string;
  created_at: string;
}

/** A catalogue object (core/catalog/); `names` and `aliases` are JSON arrays of strings. */
export interface CatalogObjectsTable {
  id: string;
  designation: string;
  catalogue: string;
  /** The catalogue's place in core/catalog/types.ts CATALOGUES: a tie in search prefers lower. */
  catalogue_rank: number;
  type: string;
  names: string;
  aliases: string;
  ra_hours: number;
  dec_deg: number;
  magnitude: number | null;
  size_arcmin: number | null;
}

/** One folded search key of a catalogue object. */
export interface CatalogKeysTable {
  key: string;
  object_id: string;
  /** designation | alias | name */
  kind: string;
}

/** A scheduler plan: the JSON document (coordinates resolved) and its last run's state. */
export interface SchedulerPlansTable {
  id: string;
  name: string;
  data: string;
  state: string;
  message: string | null;
  created_at: string;
  updated_at: string;
}

/** One block of a plan: the sequence run for a target; `group_indexes` maps its groups back. */
export interface SchedulerBlocksTable {
  id: string;
  plan_id: string;
  target_index: number;
  sequence_id: string;
  group_indexes: string;
  reason: string;
  started_at: string;
  ended_at: string | null;
  outcome: string | null;
}

export interface AutofocusRunsTable {
  id: string;
  started_at: string;
  ended_at: string;
  /** 1 when the run moved the focuser to a verified best focus. */
  ok: number;
  reason: string | null;
  temperature_c: number | null;
  filter: string | null;
  start_position: number;
  best_position: number | null;
  hfr_px: number | null;
  r_squared: number | null;
  exposures: number;
}

/** One frame or database backup to copy to the object store (core/sync/). */
export interface SyncQueueTable {
  id: Generated<number>;
  /** frame | backup */
  kind: string;
  frame_id: string | null;
  /** Relative to the data directory. */
  path: string;
  key: string;
  bytes: number;
  /** Hex digests of the whole file, computed before the first byte is sent. */
  sha256: string | null;
  md5: string | null;
  /** pending | uploading | done | failed | cancelled */
  state: string;
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
  /** The multipart upload in flight and its part size, so a restart resumes it. */
  upload_id: string | null;
  part_size: number | null;
  etag: string | null;
  /** The metadata sidecar: none (backups) | pending | done */
  meta_state: string;
  /** JSON of the frame's plate solution, when it was solved. */
  wcs: string | null;
  /** kept | delete_pending | deleted */
  local_state: string;
  created_at: string;
  updated_at: string;
  uploaded_at: string | null;
  /** The frame's `file_revision` this row was (re)queued for; a row behind it is queued again. */
  file_revision: number;
  /** The file's size, mtime and inode when the digests were taken (uploader.ts `fileStamp`). */
  file_stamp: string | null;
}

/** A part of a multipart upload that the store confirmed. */
export interface SyncPartsTable {
  item_id: number;
  upload_id: string;
  part_number: number;
  bytes: number;
  md5: string;
  etag: string;
}

export interface SyncHistoryTable {
  id: Generated<number>;
  at: string;
  kind: string;
  item_id: number | null;
  key: string | null;
  bytes: number | null;
  duration_ms: number | null;
  message: string | null;
}

/** A saved mosaic: its name beside the whole document as JSON, validated on every read. */
export interface MosaicsTable {
  id: string;
  name: string;
  data: string;
  created_at: string;
}

/** One file of the HiPS cache; times in Unix ms. */
export interface HipsTilesTable {
  survey: string;
  /** Relative to the survey's root, e.g. "Norder3/Dir0/Npix12.jpg" or "properties". */
  path: string;
  bytes: number;
  content_type: string;
  fetched_at: number;
  last_used_at: number;
}

export interface HipsPrefetchJobsTable {
  id: string;
  survey: string;
  /** The request as JSON (centre, radius, orders). */
  request: string;
  state: string;
  total: number;
  done: number;
  failed: number;
  bytes: number;
  message: string | null;
  created_at: string;
  updated_at: string;
}

/**
 * A point of the telemetry history (migrations/012): a raw sample (tier 0) or the aggregate of a
 * bucket of the tier below, `n` raw samples behind it; `data` is the JSON array of its figures
 * (see store/telemetry_samples.ts).
 */
export interface TelemetrySamplesTable {
  tier: number;
  ts_ms: number;
  n: number;
  data: string;
}
