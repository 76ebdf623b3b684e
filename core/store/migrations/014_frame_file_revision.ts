/**
 * A frame's file can change after it was recorded — a plate solve writes the WCS into its header
 * — and whoever copied the file (cloud sync) must know. `frames.file_revision` counts those
 * in-place rewrites and moves in the same commit as the row's new size, so the change is durable
 * the moment it is recorded, whichever process made it. A sync queue row keeps the revision it
 * was queued for (a row behind its frame is queued again) and the file's size, modification time
 * and inode when its digests were taken (`file_stamp`), so a file that changed unannounced —
 * even to the same size — is digested again instead of being sent with stale checksums.
 *
 * Frames solved before this migration may have been uploaded before their solve: they start at
 * revision 1, so sync looks at each once (a HEAD and a digest; nothing is sent when the store
 * already holds the solved file).
 */
import { sql } from "kysely";
import type { Migration } from "../migrate.ts";

const STATEMENTS = [
  `ALTER TABLE frames ADD COLUMN file_revision INTEGER NOT NULL DEFAULT 0`,
  `UPDATE frames SET file_revision = 1 WHERE wcs IS NOT NULL`,
  `CREATE INDEX frames_file_revision ON frames (file_revision) WHERE file_revision > 0`,
  `ALTER TABLE sync_queue ADD COLUMN file_revision INTEGER NOT NULL DEFAULT 0`,
  `ALTER TABLE sync_queue ADD COLUMN file_stamp TEXT`,
];

export const frameFileRevision: Migration = {
  version: 14,
  name: "frame_file_revision",
  async up(trx) {
    for (const statement of STATEMENTS) await sql.raw(statement).execute(trx);
  },
};
