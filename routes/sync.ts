/**
 * Cloud sync group: the settings (credentials never shown back), status, queue and history, the
 * worker's pause/resume/retry, a database backup now, the snapshots in the store and a restore
 * staged for the next start. Progress comes as sync.* events.
 */
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import {
  BackupAccepted,
  BackupListDto,
  HistoryEntryDto,
  HistoryQuery,
  QueueItemDto,
  QueueQuery,
  RestoreBody,
  RestoreStagedDto,
  RetryBody,
  SyncConfigBody,
  SyncConfigDto,
  SyncStatusDto,
} from "../core/schemas/sync.ts";
import type { Services } from "../core/services.ts";
import { errors, json, jsonBody, okAction } from "./_openapi.ts";
import { newRouter } from "./app.ts";

const tags = ["Cloud Sync"];

export function syncRoutes(s: Pick<Services, "sync">) {
  const app = newRouter();

  app.openapi(
    createRoute({
      method: "get",
      path: "/config",
      tags,
      summary: "The store and what to upload; the access key masked, the secret never shown",
      responses: { 200: json(SyncConfigDto), ...errors([401]) },
    }),
    (c) => c.json(s.sync.config(), 200),
  );

  app.openapi(
    createRoute({
      method: "put",
      path: "/config",
      tags,
      summary:
        "Set the store (S3 endpoint, region, bucket, prefix, credentials) and what to upload",
      description:
        "Replaces the settings. access_key_id and secret_access_key may be left out to " +
        "keep the stored ones. Enabling needs both. Kept in <data dir>/sync.json (mode 0600), " +
        "not in the database, which is itself backed up to the store. A new store, bucket or " +
        "prefix gives queued items their new keys; failed items are tried again.",
      request: jsonBody(SyncConfigBody),
      responses: { 200: json(SyncConfigDto), ...errors([400, 401]) },
    }),
    async (c) => c.json(await s.sync.putConfig(c.req.valid("json")), 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/status",
      tags,
      summary: "What sync is doing: state, route, the upload in progress, queue counts, backups",
      responses: { 200: json(SyncStatusDto), ...errors([401]) },
    }),
    async (c) => c.json(await s.sync.status(), 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/queue",
      tags,
      summary: "Items to upload and uploaded (newest first), with multipart progress",
      request: { query: QueueQuery },
      responses: { 200: json(z.object({ items: z.array(QueueItemDto) })), ...errors([400, 401]) },
    }),
    async (c) => c.json({ items: await s.sync.queue(c.req.valid("query")) }, 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/history",
      tags,
      summary:
        "What happened: uploads, failures, local deletions, backups, restores (newest first)",
      request: { query: HistoryQuery },
      responses: {
        200: json(z.object({ entries: z.array(HistoryEntryDto) })),
        ...errors([400, 401]),
      },
    }),
    async (c) => c.json({ entries: await s.sync.history(c.req.valid("query")) }, 200),
  );

  okAction(
    app,
    tags,
    "/pause",
    "Pause uploads (the upload in flight stops, resumable)",
    () => s.sync.pause(),
  );
  okAction(app, tags, "/resume", "Resume uploads", () => s.sync.resume());

  app.openapi(
    createRoute({
      method: "post",
      path: "/retry",
      tags,
      summary: "Queue failed items again (these ids, or all)",
      request: {
        body: { content: { "application/json": { schema: RetryBody } }, required: false },
      },
      responses: { 200: json(z.object({ retried: z.number() })), ...errors([400, 401]) },
    }),
    async (c) => {
      const body = c.req.header("content-type")?.includes("json") ? c.req.valid("json") : {};
      return c.json({ retried: await s.sync.retry(body.ids) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/backup",
      tags,
      summary: "Snapshot the database now (consistent, online) and queue it for the store",
      description: "Answers 202 with the queue item; sync.backup_completed follows once it is in " +
        "the store. 409 when sync is not configured.",
      responses: { 202: json(BackupAccepted, "Snapshot taken and queued"), ...errors([401, 409]) },
    }),
    async (c) => c.json(await s.sync.backupNow(), 202),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/backups",
      tags,
      summary: "The database snapshots in the store, newest first",
      responses: { 200: json(BackupListDto), ...errors([401, 409, 502, 503]) },
    }),
    async (c) => c.json({ backups: await s.sync.listBackups() }, 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/restore",
      tags,
      summary: "Download a snapshot and stage it: it replaces the database at the next start",
      description: "The running box never swaps its database: the snapshot is downloaded, its " +
        "SHA-256 checked against the one recorded at upload, SQLite's integrity check run and its " +
        "schema version checked, then it is staged. At the next start it replaces the database, " +
        "and the replaced one is kept in <data dir>/sync/restore/previous/. Restart the box to " +
        "apply; DELETE /sync/restore cancels.",
      request: jsonBody(RestoreBody),
      responses: {
        200: json(RestoreStagedDto),
        ...errors([400, 401, 404, 409, 502, 503]),
      },
    }),
    async (c) => c.json(await s.sync.restore(c.req.valid("json").key), 200),
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: "/restore",
      tags,
      summary: "Cancel a staged restore",
      responses: { 200: json(z.object({ cancelled: z.boolean() })), ...errors([401]) },
    }),
    async (c) => c.json({ cancelled: await s.sync.cancelRestore() }, 200),
  );

  return app;
}
