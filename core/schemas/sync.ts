/**
 * API shapes of cloud sync: the settings (stored with the secret, shown with the credentials
 * masked), the status, the queue and its history, and the bodies of the actions. The settings
 * schema is also what the settings file is validated with at start.
 */
import { z } from "zod";
import { FrameTypeSchema } from "./camera.ts";

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

export const Addressing = z.enum(["path", "virtual"]);

export const BackupSettings = z.object({
  enabled: z.boolean().default(true).describe("a daily snapshot of the database to the store"),
  time_local: z.string().regex(HHMM, "expected HH:MM, 24-hour").default("10:00")
    .describe("when, in the site's local mean solar time (after the night's frames are in)"),
  keep: z.number().int().min(1).max(365).default(14).describe("snapshots kept in the store"),
});

/** Everything but the credentials: what the phone edits and what is shown back. */
const SettingsFields = {
  enabled: z.boolean().default(false).describe("upload in the background"),
  endpoint: z.string().max(500).refine(isHttpUrl, "expected an http:// or https:// URL")
    .describe(
      "the store's S3 endpoint, e.g. https://s3.eu-central-1.amazonaws.com, " +
        "https://<account>.r2.cloudflarestorage.com, http://nas.local:9000",
    ),
  region: z.string().min(1).max(64).regex(/^[A-Za-z0-9-]+$/, "letters, digits and '-' only")
    .default("us-east-1").describe('signing region; R2 takes "auto"'),
  bucket: z.string().min(3).max(255).regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9]$/,
    "letters, digits, '.', '_' and '-', starting and ending with a letter or digit",
  ),
  prefix: z.string().max(200).refine((p) => !p.split("/").includes(".."), "must not contain '..'")
    .default("openskylab").describe("folder in the bucket every key starts with"),
  addressing: Addressing.default("path")
    .describe("path: endpoint/bucket/key (MinIO, most look-alikes); virtual: bucket.endpoint/key"),
  bandwidth_limit_bytes_per_s: z.number().int().min(8192).max(10_000_000_000).nullable()
    .default(null).describe("upload rate limit, bytes per second; null = unlimited"),
  part_size_mb: z.number().int().min(5).max(128).default(16)
    .describe("files larger than this go up in parts of this size (MiB), resumable part by part"),
  frame_types: z.array(FrameTypeSchema).max(4).default(["light", "dark", "flat", "bias"])
    .describe("which frames to upload"),
  sync_since: z.string().refine((v) => !Number.isNaN(Date.parse(v)), "expected an ISO 8601 date")
    .nullable().default(null)
    .describe("frames started from then on are uploaded; null = from when sync is first enabled"),
  delete_after_upload: z.boolean().default(false).describe(
    "remove the local FITS file once the store confirms it (HEAD with matching checksum); " +
      "never a frame a running sequence or the live stack still needs",
  ),
  backup: BackupSettings.prefault({}),
};

/** As stored in `<data dir>/sync.json` (mode 0600): with the secret. */
export const SyncSettings = z.object({
  ...SettingsFields,
  endpoint: SettingsFields.endpoint.nullable().default(null),
  bucket: SettingsFields.bucket.nullable().default(null),
  access_key_id: z.string().min(1).max(128).nullable().default(null),
  secret_access_key: z.string().min(1).max(256).nullable().default(null),
});
export type SyncSettings = z.infer<typeof SyncSettings>;

export const SyncConfigBody = z.object({
  ...SettingsFields,
  access_key_id: z.string().min(1).max(128).optional()
    .describe("omit (or send the masked value GET shows) to keep the stored one"),
  secret_access_key: z.string().min(1).max(256).optional()
    .describe("write-only; omit to keep the stored one"),
});
export type SyncConfigBody = z.infer<typeof SyncConfigBody>;

export const SyncConfigDto = z.object({
  ...SettingsFields,
  endpoint: z.string().nullable(),
  bucket: z.string().nullable(),
  access_key_id: z.string().nullable().describe("masked: the first and last 4 characters"),
  secret_access_key_set: z.boolean(),
  configured: z.boolean().describe("endpoint, bucket and both credentials are set"),
});
export type SyncConfigDto = z.infer<typeof SyncConfigDto>;

export const SYNC_STATES = [
  "disabled",
  "unconfigured",
  "paused",
  "offline",
  "idle",
  "uploading",
] as const;
export const SyncState = z.enum(SYNC_STATES);
export type SyncState = z.infer<typeof SyncState>;

export const ItemKind = z.enum(["frame", "backup"]);
export const ItemState = z.enum(["pending", "uploading", "done", "failed", "cancelled"]);

export const SyncProgressDto = z.object({
  item_id: z.number(),
  kind: ItemKind,
  key: z.string(),
  bytes_sent: z.number().describe("of this item, confirmed parts included"),
  bytes_total: z.number(),
  percent: z.number().describe("0..100"),
  rate_bytes_per_s: z.number().nullable().describe("over the last seconds"),
  part: z.number().nullable().describe("multipart: the part being sent"),
  parts: z.number().nullable(),
});
export type SyncProgressDto = z.infer<typeof SyncProgressDto>;

export const QueueCountsDto = z.object({
  pending: z.number(),
  uploading: z.number(),
  failed: z.number(),
  done: z.number(),
  pending_bytes: z.number().describe("bytes still to upload (pending and uploading)"),
  delete_pending: z.number().describe("uploaded frames waiting to be removed locally"),
});

export const SyncStatusDto = z.object({
  state: SyncState,
  reason: z.string().nullable().describe("why offline, paused or unconfigured"),
  online: z.boolean().nullable().describe("last route check; null before the first"),
  checked_at: z.string().nullable(),
  current: SyncProgressDto.nullable(),
  queue: QueueCountsDto,
  bandwidth_limit_bytes_per_s: z.number().nullable(),
  last_uploaded_at: z.string().nullable(),
  last_error: z.string().nullable(),
  backup: z.object({
    last_completed_at: z.string().nullable(),
    last_key: z.string().nullable(),
    next_due_at: z.string().nullable(),
  }),
  restore: z.object({
    staged: z.object({ key: z.string(), bytes: z.number(), staged_at: z.string() }).nullable()
      .describe("a snapshot downloaded and waiting: it replaces the database at the next start"),
  }),
});
export type SyncStatusDto = z.infer<typeof SyncStatusDto>;

export const QueueItemDto = z.object({
  id: z.number(),
  kind: ItemKind,
  frame_id: z.string().nullable(),
  path: z.string().describe("relative to the data directory"),
  key: z.string(),
  bytes: z.number(),
  state: ItemState,
  attempts: z.number(),
  last_error: z.string().nullable(),
  next_attempt_at: z.string().nullable(),
  sha256: z.string().nullable(),
  etag: z.string().nullable(),
  multipart: z.object({
    upload_id: z.string(),
    part_size: z.number(),
    parts_done: z.number(),
    parts_total: z.number(),
  }).nullable(),
  metadata: z.enum(["none", "pending", "done"]).describe("the JSON sidecar beside the frame"),
  local: z.enum(["kept", "delete_pending", "deleted"]),
  created_at: z.string(),
  updated_at: z.string(),
  uploaded_at: z.string().nullable(),
});
export type QueueItemDto = z.infer<typeof QueueItemDto>;

export const QueueQuery = z.object({
  state: ItemState.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z.coerce.number().int().min(1).optional().describe("an item id: only older items"),
});

export const HISTORY_KINDS = [
  "uploaded",
  "already_present",
  "failed",
  "gave_up",
  "deleted_local",
  "backup_completed",
  "backup_pruned",
  "restore_staged",
  "restore_cancelled",
  "restore_applied",
  "upload_aborted",
  // The local file changed after it was queued or uploaded (a plate solve wrote its WCS): the
  // item is digested and uploaded again.
  "file_changed",
  // An upload overwrote our own older object at the key (an earlier version of the same frame).
  "replaced",
] as const;

export const HistoryEntryDto = z.object({
  id: z.number(),
  at: z.string(),
  kind: z.enum(HISTORY_KINDS),
  item_id: z.number().nullable(),
  key: z.string().nullable(),
  bytes: z.number().nullable(),
  duration_ms: z.number().nullable(),
  message: z.string().nullable(),
});
export type HistoryEntryDto = z.infer<typeof HistoryEntryDto>;

export const HistoryQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z.coerce.number().int().min(1).optional().describe("an entry id: only older entries"),
});

export const RetryBody = z.object({
  ids: z.array(z.number().int().min(1)).max(1000).optional()
    .describe("failed items to queue again; all failed items when omitted"),
});

export const BackupAccepted = z.object({ item_id: z.number(), key: z.string() });

export const BackupListDto = z.object({
  backups: z.array(z.object({
    key: z.string(),
    bytes: z.number(),
    last_modified: z.string(),
  })).describe("newest first"),
});

export const RestoreBody = z.object({
  key: z.string().min(1).max(1024).describe("a key from GET /sync/backups"),
});

export const RestoreStagedDto = z.object({
  staged: z.literal(true),
  key: z.string(),
  bytes: z.number(),
  sha256: z.string(),
  apply: z.literal("at_next_start").describe(
    "the box swaps the database when it next starts, keeping the current one in " +
      "<data dir>/sync/restore/previous/",
  ),
});

function isHttpUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const url = new URL(text);
  return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "" &&
    url.search === "" && url.hash === "" && url.username === "" && url.password === "";
}
