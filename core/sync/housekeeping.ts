/**
 * What the sync worker does when nothing is waiting to upload: send the metadata sidecars still
 * due (the first after an upload, or again once a plate solution arrives), remove the local files
 * of uploaded frames once the store confirms them, nothing on the box needs them and the file is
 * still the one uploaded (a file rewritten since goes up again instead), and abort
 * multipart uploads that nothing refers to any more and that are older than a day (a crash
 * between creating an upload and recording it leaves one; a day's wait spares an upload another
 * box sharing the prefix may have under way).
 */
import { join } from "node:path";
import type { Clock } from "../../lib/clock.ts";
import type { Logger } from "../../lib/log.ts";
import type { EventBus } from "../event_bus.ts";
import type { SyncSettings } from "../schemas/sync.ts";
import type { QueueRow, SyncRepository } from "../store/sync.ts";
import { fileStamp, md5Of, sha256Of } from "./hashing.ts";
import { nightDate, normalizePrefix, sidecarKey } from "./keys.ts";
import type { S3Client } from "./s3/client.ts";
import { S3Error } from "./s3/errors.ts";
import { confirmInStore } from "./uploader.ts";
import type { FrameHold, Site } from "./worker.ts";

const STALE_UPLOAD_MS = 24 * 3_600_000;

export interface HousekeepingOptions {
  repo: SyncRepository;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  dataDir: string;
  site: () => Site | null;
  holds: FrameHold;
  version: string;
  client: (s: SyncSettings) => S3Client;
  /** x-amz-meta-* the worker gives every object of an item. */
  metadata: (row: QueueRow) => Record<string, string>;
}

export class Housekeeping {
  readonly #o: HousekeepingOptions;
  #staleSwept = false;

  constructor(o: HousekeepingOptions) {
    this.#o = o;
  }

  /** The store changed: look for its stale uploads again. */
  reset(): void {
    this.#staleSwept = false;
  }

  /** One round; true if it did work (the worker then looks again at once). */
  async run(
    s: SyncSettings,
    signal: AbortSignal,
  ): Promise<{ worked: boolean; error: string | null }> {
    let worked = false;
    for (const row of await this.#o.repo.pendingSidecars()) {
      try {
        await this.sidecar(row, s, signal);
        worked = true;
      } catch (err) {
        if (signal.aborted) return { worked: true, error: null };
        // The store is not answering: the worker tries again after its idle wait.
        return { worked: false, error: (err as Error).message };
      }
    }
    for (const row of await this.#o.repo.pendingDeletes()) {
      if (signal.aborted) return { worked: true, error: null };
      if (await this.#deleteLocal(row, s, signal)) worked = true;
    }
    if (!this.#staleSwept) await this.#sweepStaleUploads(s, signal);
    return { worked, error: null };
  }

  /** The JSON sidecar of an uploaded frame: its catalogue row, the object, the site, the solve. */
  async sidecar(row: QueueRow, s: SyncSettings, signal: AbortSignal): Promise<void> {
    if (row.kind !== "frame" || row.meta_state !== "pending" || row.frame_id === null) return;
    const frame = await this.#o.repo.frame(row.frame_id);
    const site = this.#o.site();
    const doc = {
      schema: "openskylab.frame/1",
      frame,
      object: { key: row.key, bytes: row.bytes, sha256: row.sha256, md5: row.md5, etag: row.etag },
      night: frame ? nightDate(Date.parse(frame.started_at), site?.longitudeDeg ?? 0) : null,
      site: site
        ? {
          latitude_deg: site.latitudeDeg,
          longitude_deg: site.longitudeDeg,
          elevation_m: site.elevationM,
        }
        : null,
      solution: row.wcs === null ? null : JSON.parse(row.wcs),
      uploaded_at: row.uploaded_at,
      firmware: `openskylab ${this.#o.version}`,
    };
    const body = new TextEncoder().encode(`${JSON.stringify(doc, null, 2)}\n`);
    const sha256 = sha256Of(body);
    await this.#o.client(s).putObject(sidecarKey(row.key), body, {
      contentType: "application/json",
      md5Base64: md5Of(body).base64,
      sha256Hex: sha256,
      metadata: { sha256, ...this.#o.metadata(row) },
    }, signal);
    await this.#o.repo.update(row.id, { meta_state: "done" });
  }

  /** Removes an uploaded frame's file once the store confirms it and nothing needs it. */
  async #deleteLocal(row: QueueRow, s: SyncSettings, signal: AbortSignal): Promise<boolean> {
    if (row.meta_state === "pending" || row.frame_id === null) return false;
    const frame = await this.#o.repo.frame(row.frame_id);
    if (frame && this.#o.holds(frame) !== null) return false;
    const path = join(this.#o.dataDir, row.path);
    const info = await Deno.stat(path).catch(() => null);
    const gone = info === null;
    const changed =
      (row.file_stamp !== null && info !== null && fileStamp(info) !== row.file_stamp) ||
      (frame?.file_revision ?? 0) > row.file_revision;
    if (info !== null && changed) {
      // Rewritten after its upload (a solve's WCS, before the scan queued it again): what the
      // store holds is outdated, and this file the only copy of the new version.
      this.#o.log.info("an uploaded frame's file changed; uploading it again before removing it", {
        key: row.key,
      });
      await this.#o.repo.requeueChanged(
        {
          ...row,
          frame_revision: Math.max(row.file_revision, frame?.file_revision ?? 0),
          frame_bytes: info.size,
        },
        "changed since its upload: uploading it again before removing it",
      );
      return true;
    }
    // Gone already (removed just before a crash, or by hand): it was verified in the store when
    // it was marked done, and there is nothing left to remove.
    const confirmed = gone ||
      await confirmInStore(row, { client: this.#o.client(s), dataDir: this.#o.dataDir, signal });
    if (!confirmed) {
      // The store does not hold it as it should: upload it again rather than lose it.
      this.#o.log.warn("the store does not confirm an uploaded frame; uploading it again", {
        key: row.key,
      });
      await this.#o.repo.update(row.id, {
        state: "pending",
        local_state: "kept",
        attempts: 0,
        next_attempt_at: null,
      });
      return true;
    }
    await Deno.remove(path).catch((err) => {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    });
    await this.#o.repo.update(row.id, { local_state: "deleted" });
    await this.#o.repo.history({
      kind: "deleted_local",
      itemId: row.id,
      key: row.key,
      bytes: row.bytes,
      message: row.path,
    });
    this.#o.bus.publish("sync.local_deleted", {
      item_id: row.id,
      frame_id: row.frame_id,
      path: row.path,
      key: row.key,
    });
    return true;
  }

  /** Aborts old multipart uploads under our prefix that no queue item refers to (once a start). */
  async #sweepStaleUploads(s: SyncSettings, signal: AbortSignal): Promise<void> {
    this.#staleSwept = true;
    const client = this.#o.client(s);
    let uploads;
    try {
      const prefix = normalizePrefix(s.prefix);
      uploads = await client.listMultipartUploads(prefix === "" ? "" : `${prefix}/`, signal);
    } catch (err) {
      if (!(err instanceof S3Error && err.unsupported)) throw err;
      this.#o.log.debug(
        "the store cannot list multipart uploads; stale ones are left to its lifecycle rules",
      );
      return;
    }
    const ours = new Set(
      (await this.#o.repo.list({ state: "uploading", limit: 500 }))
        .map((r) => r.upload_id).filter((id) => id !== null),
    );
    const now = this.#o.clock.now();
    for (const u of uploads) {
      const started = Date.parse(u.initiated);
      if (ours.has(u.uploadId) || !(now - started > STALE_UPLOAD_MS)) continue;
      if (await client.abortMultipartUpload(u.key, u.uploadId, signal).catch(() => false)) {
        await this.#o.repo.history({
          kind: "upload_aborted",
          key: u.key,
          message: `stale upload ${u.uploadId} from ${u.initiated}`,
        });
      }
    }
  }
}
