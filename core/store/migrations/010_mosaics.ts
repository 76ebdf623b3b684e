/**
 * Saved mosaics: one JSON document each (the request as resolved — centre, field — and the
 * panels computed from it), checked against the zod schema on every read.
 */
import { sql } from "kysely";
import type { Migration } from "../migrate.ts";

const STATEMENTS = [
  `CREATE TABLE mosaics (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    data TEXT NOT NULL CHECK (json_valid(data)),
    created_at TEXT NOT NULL
  )`,
];

export const mosaics: Migration = {
  version: 10,
  name: "mosaics",
  async up(trx) {
    for (const statement of STATEMENTS) await sql.raw(statement).execute(trx);
  },
};
