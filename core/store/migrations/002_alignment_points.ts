/**
 * Alignment points of the pointing model: where a plate solve says the scope pointed (J2000)
 * beside where the mount believed it pointed, with the sidereal time and pier side that a
 * physical model needs. Points belong to a profile: another rig has another model.
 */
import { sql } from "kysely";
import type { Migration } from "../migrate.ts";

const STATEMENTS = [
  `CREATE TABLE alignment_points (
    id TEXT PRIMARY KEY NOT NULL,
    profile_id TEXT NOT NULL,
    solved_ra_hours REAL NOT NULL,
    solved_dec_deg REAL NOT NULL,
    mount_ra_hours REAL NOT NULL,
    mount_dec_deg REAL NOT NULL,
    lst_hours REAL NOT NULL,
    pier_side TEXT NOT NULL,
    alt_deg REAL NOT NULL,
    az_deg REAL NOT NULL,
    created_at TEXT NOT NULL
  )`,
  `CREATE INDEX alignment_points_profile ON alignment_points (profile_id, created_at)`,
];

export const alignmentPoints: Migration = {
  version: 2,
  name: "alignment_points",
  async up(trx) {
    for (const statement of STATEMENTS) await sql.raw(statement).execute(trx);
  },
};
