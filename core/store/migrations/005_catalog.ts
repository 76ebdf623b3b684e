/**
 * The object catalogue: deep-sky objects and named stars imported from siril's catalogue files
 * (core/catalog/), and their search keys. An object has one row; each way to find it — its
 * designation, a cross-reference, a common name, each folded by core/catalog/normalize.ts — has a
 * row in `catalog_keys`, whose primary key is ordered by key, so an exact or prefix lookup is an
 * index range and a substring match scans only short keys. The import replaces both tables in
 * one transaction and records the files' checksum in `kv`.
 */
import { sql } from "kysely";
import type { Migration } from "../migrate.ts";

const STATEMENTS = [
  `CREATE TABLE catalog_objects (
    id TEXT PRIMARY KEY NOT NULL,
    designation TEXT NOT NULL,
    catalogue TEXT NOT NULL,
    catalogue_rank INTEGER NOT NULL,
    type TEXT NOT NULL,
    names TEXT NOT NULL CHECK (json_valid(names)),
    aliases TEXT NOT NULL CHECK (json_valid(aliases)),
    ra_hours REAL NOT NULL CHECK (ra_hours >= 0 AND ra_hours < 24),
    dec_deg REAL NOT NULL CHECK (dec_deg BETWEEN -90 AND 90),
    magnitude REAL,
    size_arcmin REAL
  )`,
  `CREATE INDEX catalog_objects_type ON catalog_objects (type, catalogue_rank)`,
  `CREATE TABLE catalog_keys (
    key TEXT NOT NULL,
    object_id TEXT NOT NULL REFERENCES catalog_objects (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('designation', 'alias', 'name')),
    PRIMARY KEY (key, object_id, kind)
  ) WITHOUT ROWID`,
  `CREATE INDEX catalog_keys_object ON catalog_keys (object_id)`,
];

export const catalog: Migration = {
  version: 5,
  name: "catalog",
  async up(trx) {
    for (const statement of STATEMENTS) await sql.raw(statement).execute(trx);
  },
};
