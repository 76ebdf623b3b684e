/**
 * Cloud sync's durable state: the upload queue (one row per frame or database backup to copy to
 * the object store, with the multipart upload id in flight), the parts of that upload the store
 * has confirmed (each committed as it is confirmed, so a restart resumes the same upload and
 * sends only what is missing), and a history of what was uploaded, failed, deleted or restored.
 * A frame has at most one queue row (`frame_id` is unique): that row, kept after the upload, is
 * what says "this frame is in the store", so nothing is queued — or uploaded — twice.
 */
import { sql } from "kysely";
import type { Migration } from "../migrate.ts";

const STATEMENTS = [
  `CREATE TABLE sync_queue (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('frame', 'backup')),
    frame_id TEXT UNIQUE,
    path TEXT NOT NULL,
    key TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    sha256 TEXT,
    md5 TEXT,
    state TEXT NOT NULL CHECK (state IN ('pending', 'uploading', 'done', 'failed', 'cancelled')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    last_error TEXT,
    upload_id TEXT,
    part_size INTEGER,
    etag TEXT,
    meta_state TEXT NOT NULL CHECK (meta_state IN ('none', 'pending', 'done')),
    wcs TEXT CHECK (wcs IS NULL OR json_valid(wcs)),
    local_state TEXT NOT NULL CHECK (local_state IN ('kept', 'delete_pending', 'deleted')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    uploaded_at TEXT
  )`,
  `CREATE INDEX sync_queue_state ON sync_queue (state, next_attempt_at, id)`,
  `CREATE INDEX sync_queue_local ON sync_queue (local_state) WHERE local_state = 'delete_pending'`,
  `CREATE INDEX sync_queue_meta ON sync_queue (meta_state) WHERE meta_state = 'pending'`,
  `CREATE TABLE sync_parts (
    item_id INTEGER NOT NULL REFERENCES sync_queue (id) ON DELETE CASCADE,
    upload_id TEXT NOT NULL,
    part_number INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    md5 TEXT NOT NULL,
    etag TEXT NOT NULL,
    PRIMARY KEY (item_id, part_number)
  )`,
  `CREATE TABLE sync_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    item_id INTEGER,
    key TEXT,
    bytes INTEGER,
    duration_ms INTEGER,
    message TEXT
  )`,
];

export const sync: Migration = {
  version: 9,
  name: "sync",
  async up(trx) {
    for (const statement of STATEMENTS) await sql.raw(statement).execute(trx);
  },
};
