/**
 * The Kysely view of the database: one interface per table, as SQLite stores it (booleans as 0/1,
 * JSON as text, times as ISO 8601 UTC text, which sorts chronologically). Where a row mirrors an
 * API shape the type is derived from that zod schema, so a field added to the DTO fails to compile
 * here until a migration adds the column. The DDL itself lives in `migrations/`.
 */
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

/** A frame row: the API's FrameDto plus bookkeeping the API does not show. */
export type FramesTable = FrameDto & {
  /** The sequence that took the frame; null for frames taken by hand. */
  sequence_id: string | null;
  created_at: string;
};

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

export interface DB {
  schema_migrations: SchemaMigrationsTable;
  profiles: ProfilesTable;
  frames: FramesTable;
  kv: KvTable;
  alignment_points: AlignmentPointsTable;
}
