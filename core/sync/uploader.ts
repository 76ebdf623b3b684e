/**
 * Uploads one queue item — a frame or a database snapshot — so that it lands in the store exactly
 * once, whatever happened before. Every run starts by asking the store (HEAD) what is at the key:
 *
 * - our object, complete and matching (size, the SHA-256 in its metadata, an ETag consistent with
 *   the MD5s): it got there before a crash cut us off (after the PUT or the multipart Complete, but
 *   before the commit) — it is recorded, nothing is sent;
 * - our object but not matching (a corrupt earlier attempt): it is overwritten at the same key;
 * - our object of an earlier version of the same frame (its metadata names this frame, with
 *   another SHA-256: the file was rewritten since, e.g. a plate solve wrote its WCS): it is
 *   replaced at the same key;
 * - someone else's object: the item moves to an alternate key (`name~<frame id>.fits`), never
 *   overwriting what it did not write;
 * - nothing: upload. One PUT up to the part size; beyond it a multipart upload whose id and
 *   confirmed parts are committed as they happen, so a restart sends only the missing parts of
 *   the same upload. A store that forgot the upload (NoSuchUpload) gets a new one.
 *
 * The file is opened once and digested and sent from that one open file, so a rewrite renamed
 * over it meanwhile cannot mix two versions in one object. The digests are taken again whenever
 * the file's stamp (size, modification time, inode) is not the one they were taken with — not on
 * size alone: a WCS written into a header's padding keeps the size — and a multipart upload of
 * other content is then abandoned. The result is verified with HEAD, and the file's stamp checked
 * once more, before the item is recorded as done: a file that changed during the upload is not a
 * failure but a FileChangedError, and the next run uploads the new version over the one just sent.
 */
import { join } from "node:path";
import type { Clock } from "../../lib/clock.ts";
import type { Logger } from "../../lib/log.ts";
import type { QueueRow, SyncRepository } from "../store/sync.ts";
import { alternateKey } from "./keys.ts";
import {
  digestFile,
  type FileSource,
  fileStamp,
  md5Of,
  multipartEtag,
  partMd5s,
  readRange,
  sha256Of,
} from "./hashing.ts";
import type { ObjectHead, S3Client } from "./s3/client.ts";
import { S3Error } from "./s3/errors.ts";

/** The local file is gone: nothing can be uploaded, and retrying will not change that. */
export class MissingFileError extends Error {
  constructor(path: string) {
    super(`the local file ${path} is gone`);
    this.name = "MissingFileError";
  }
}

/** The store holds something else than what was sent: the next attempt overwrites it. */
export class VerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "VerificationError";
  }
}

/**
 * The local file changed while it was being uploaded (rewritten in place, or a new version renamed
 * over it): what went up, if anything, is an older version. Not a failure: the next run digests
 * the file again and uploads it over what was sent.
 */
export class FileChangedError extends Error {
  constructor(path: string) {
    super(`${path} changed while it was being uploaded`);
    this.name = "FileChangedError";
  }
}

export interface UploadProgress {
  sentBytes: number;
  totalBytes: number;
  part: number | null;
  parts: number | null;
}

export interface UploadContext {
  client: S3Client;
  repo: SyncRepository;
  dataDir: string;
  clock: Clock;
  log: Logger;
  /** For items not yet under way; an upload in flight keeps the part size it started with. */
  partSizeBytes: number;
  /** x-amz-meta-* for the object (sha256 is added here); also how our own objects are known. */
  metadata: (item: QueueRow) => Record<string, string>;
  onProgress: (p: UploadProgress) => void;
  signal: AbortSignal;
}

export interface UploadOutcome {
  key: string;
  etag: string;
  bytes: number;
  sha256: string;
  /** It was already in the store (an earlier run got it there): nothing was sent now. */
  alreadyPresent: boolean;
  /** A multipart upload was resumed with parts confirmed before. */
  resumedParts: number;
  /** The SHA-256 of our own older object of this item that the upload overwrote, or null. */
  replaced: string | null;
}

type Verdict = "absent" | "ours" | "ours_corrupt" | "ours_outdated" | "foreign";

export async function uploadItem(item: QueueRow, ctx: UploadContext): Promise<UploadOutcome> {
  const path = join(ctx.dataDir, item.path);
  using file = await openLocal(path, item.path);
  const stamp = fileStamp(await file.stat());
  let row = item;
  if (row.sha256 === null || row.md5 === null || row.file_stamp !== stamp) {
    const digests = await digestFile(file, ctx.signal);
    const same = digests.sha256 === row.sha256 && digests.md5 === row.md5 &&
      digests.bytes === row.bytes;
    // An upload under way of other content (the file changed under it) cannot be finished.
    if (!same && row.upload_id !== null) await abandonUpload(row, ctx);
    await ctx.repo.update(row.id, {
      bytes: digests.bytes,
      sha256: digests.sha256,
      md5: digests.md5,
      file_stamp: stamp,
    });
    row = {
      ...row,
      bytes: digests.bytes,
      sha256: digests.sha256,
      md5: digests.md5,
      file_stamp: stamp,
      ...(same ? {} : { upload_id: null, part_size: null }),
    };
  }
  if (row.state !== "uploading") {
    await ctx.repo.update(row.id, { state: "uploading" });
    row = { ...row, state: "uploading" };
  }

  let replaced: string | null = null;
  for (let round = 0; round < 3; round++) {
    const head = await ctx.client.headObject(row.key, ctx.signal);
    const verdict = await judge(head, row, file, ctx.metadata(row));
    if (verdict === "ours") {
      if (row.upload_id !== null) await abandonUpload(row, ctx);
      await requireUnchanged(path, stamp, row.path);
      return {
        key: row.key,
        etag: head!.etag,
        bytes: row.bytes,
        sha256: row.sha256!,
        alreadyPresent: true,
        resumedParts: 0,
        replaced: null,
      };
    }
    if (verdict === "foreign") {
      const key = alternateKey(row.key, row.frame_id ?? `item${row.id}`);
      if (key === row.key) throw new VerificationError(`${row.key} holds another object`);
      ctx.log.warn("the key holds another object; uploading beside it", {
        key: row.key,
        instead: key,
      });
      if (row.upload_id !== null) await abandonUpload(row, ctx);
      await ctx.repo.update(row.id, { key });
      row = { ...row, key, upload_id: null, part_size: null };
      continue;
    }
    if (verdict === "ours_outdated") {
      replaced = head!.metadata["sha256"] ?? "unknown";
      ctx.log.info("replacing our older copy of a changed file", {
        key: row.key,
        old_sha256: replaced,
        sha256: row.sha256,
      });
    }
    // absent, ours but damaged, or ours but outdated: (over)write it at this key.
    const sent = row.bytes <= ctx.partSizeBytes && row.upload_id === null
      ? await putWhole(row, file, ctx)
      : await putMultipart(row, file, ctx);
    const after = await ctx.client.headObject(row.key, ctx.signal);
    const check = await judge(after, row, file, ctx.metadata(row), sent.partMd5s);
    if (check !== "ours") {
      // Forget the upload: the next attempt starts clean and overwrites the damaged object.
      if (row.upload_id !== null || sent.uploadId !== null) await ctx.repo.resetUpload(row.id);
      throw new VerificationError(
        `${row.key}: the store's object does not match what was sent ` +
          `(size ${after?.size ?? "none"} of ${row.bytes}, ETag ${after?.etag ?? "none"})`,
      );
    }
    await requireUnchanged(path, stamp, row.path);
    return {
      key: row.key,
      etag: after!.etag,
      bytes: row.bytes,
      sha256: row.sha256!,
      alreadyPresent: false,
      resumedParts: sent.resumedParts,
      replaced,
    };
  }
  throw new VerificationError(`${item.key}: no free key found beside other objects`);
}

async function openLocal(path: string, name: string): Promise<Deno.FsFile> {
  try {
    return await Deno.open(path, { read: true });
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) throw new MissingFileError(name);
    throw err;
  }
}

/** The file at `path` is still the one digested (and sent) under `stamp`. */
async function requireUnchanged(path: string, stamp: string, name: string): Promise<void> {
  const now = await Deno.stat(path).catch(() => null);
  if (now === null || fileStamp(now) !== stamp) throw new FileChangedError(name);
}

/** Whether the store holds this item, complete and matching (HEAD; the check before a delete). */
export async function confirmInStore(
  row: QueueRow,
  ctx: Pick<UploadContext, "client" | "dataDir" | "signal">,
): Promise<boolean> {
  const head = await ctx.client.headObject(row.key, ctx.signal);
  return await judge(head, row, join(ctx.dataDir, row.path), null) === "ours";
}

/**
 * What is at the key, relative to this item. `mine` is the metadata we give the item's objects:
 * an object with another SHA-256 but naming the same frame is ours, of an earlier version.
 */
async function judge(
  head: ObjectHead | null,
  row: QueueRow,
  source: FileSource,
  mine: Record<string, string> | null,
  knownPartMd5s?: string[],
): Promise<Verdict> {
  if (head === null) return "absent";
  const claimed = head.metadata["sha256"];
  if (claimed !== row.sha256) return isSameFrame(head, mine) ? "ours_outdated" : "foreign";
  if (head.size !== row.bytes) return "ours_corrupt";
  return await etagConsistent(head.etag, row, source, knownPartMd5s) ? "ours" : "ours_corrupt";
}

function isSameFrame(head: ObjectHead, mine: Record<string, string> | null): boolean {
  const frameId = mine?.["openskylab-frame-id"];
  return frameId !== undefined && head.metadata["openskylab-frame-id"] === frameId &&
    head.metadata["openskylab-kind"] === mine?.["openskylab-kind"];
}

/**
 * An ETag in MD5 form must match: a plain MD5 is the whole object's (a single PUT; s3rver also
 * gives it for multipart), "<md5>-N" is S3's multipart form. Other forms (encrypted objects, some
 * look-alikes) say nothing about the bytes; size and the SHA-256 metadata then decide.
 */
async function etagConsistent(
  etag: string,
  row: QueueRow,
  source: FileSource,
  known?: string[],
): Promise<boolean> {
  if (/^[0-9a-f]{32}$/.test(etag)) return etag === row.md5;
  const m = /^([0-9a-f]{32})-(\d+)$/.exec(etag);
  if (!m) return true;
  const parts = Number(m[2]);
  if (known && known.length === parts) return multipartEtag(known) === etag;
  const partBytes = row.part_size ?? Math.ceil(row.bytes / parts);
  if (Math.ceil(row.bytes / partBytes) !== parts) return false;
  return multipartEtag(await partMd5s(source, row.bytes, partBytes)) === etag;
}

interface Sent {
  uploadId: string | null;
  partMd5s?: string[];
  resumedParts: number;
}

async function putWhole(row: QueueRow, file: Deno.FsFile, ctx: UploadContext): Promise<Sent> {
  const body = await readRange(file, 0, row.bytes);
  const md5 = md5Of(body);
  // Read from the file the digests were taken from: a difference is an edit in place.
  if (body.length !== row.bytes || md5.hex !== row.md5) throw new FileChangedError(row.path);
  const { etag } = await ctx.client.putObject(row.key, body, {
    metadata: { ...ctx.metadata(row), sha256: row.sha256! },
    contentType: contentType(row),
    md5Base64: md5.base64,
    sha256Hex: row.sha256!,
    onProgress: (sent) =>
      ctx.onProgress({ sentBytes: sent, totalBytes: row.bytes, part: null, parts: null }),
  }, ctx.signal);
  if (/^[0-9a-f]{32}$/.test(etag) && etag !== md5.hex) {
    throw new VerificationError(`${row.key}: the store computed MD5 ${etag}, we sent ${md5.hex}`);
  }
  return { uploadId: null, resumedParts: 0 };
}

async function putMultipart(
  row: QueueRow,
  file: Deno.FsFile,
  ctx: UploadContext,
): Promise<Sent> {
  let uploadId = row.upload_id;
  let partSize = row.part_size ?? ctx.partSizeBytes;
  for (let restart = 0; restart < 2; restart++) {
    if (uploadId === null) {
      partSize = ctx.partSizeBytes;
      uploadId = await ctx.client.createMultipartUpload(row.key, {
        metadata: { ...ctx.metadata(row), sha256: row.sha256! },
        contentType: contentType(row),
      }, ctx.signal);
      await ctx.repo.update(row.id, { upload_id: uploadId, part_size: partSize });
      row.upload_id = uploadId;
      row.part_size = partSize;
    }
    const parts = Math.ceil(row.bytes / partSize);
    const confirmed = new Map<number, { etag: string; md5: string }>();
    for (const p of await ctx.repo.parts(row.id, uploadId)) {
      const expected = Math.min(partSize, row.bytes - (p.part_number - 1) * partSize);
      if (p.part_number <= parts && p.bytes === expected) {
        confirmed.set(p.part_number, { etag: p.etag, md5: p.md5 });
      }
    }
    const resumedParts = confirmed.size;
    let doneBytes = [...confirmed.keys()].reduce(
      (n, k) => n + Math.min(partSize, row.bytes - (k - 1) * partSize),
      0,
    );
    try {
      for (let n = 1; n <= parts; n++) {
        if (confirmed.has(n)) continue;
        const offset = (n - 1) * partSize;
        const body = await readRange(file, offset, Math.min(partSize, row.bytes - offset));
        const md5 = md5Of(body);
        const base = doneBytes;
        const { etag } = await ctx.client.uploadPart(row.key, uploadId, n, body, {
          md5Base64: md5.base64,
          sha256Hex: sha256Of(body),
          onProgress: (sent) =>
            ctx.onProgress({ sentBytes: base + sent, totalBytes: row.bytes, part: n, parts }),
        }, ctx.signal);
        if (/^[0-9a-f]{32}$/.test(etag) && etag !== md5.hex) {
          throw new VerificationError(
            `part ${n} of ${row.key}: the store computed MD5 ${etag}, we sent ${md5.hex}`,
          );
        }
        await ctx.repo.addPart({
          item_id: row.id,
          upload_id: uploadId,
          part_number: n,
          bytes: body.length,
          md5: md5.hex,
          etag,
        });
        confirmed.set(n, { etag, md5: md5.hex });
        doneBytes += body.length;
      }
      const list = [...confirmed.entries()].sort(([a], [b]) => a - b);
      try {
        await ctx.client.completeMultipartUpload(
          row.key,
          uploadId,
          list.map(([partNumber, p]) => ({ partNumber, etag: p.etag })),
          ctx.signal,
        );
      } catch (err) {
        // The Complete may have succeeded with its answer lost (a retry then finds no upload).
        const head = await ctx.client.headObject(row.key, ctx.signal).catch(() => null);
        if (!(head !== null && head.metadata["sha256"] === row.sha256 && head.size === row.bytes)) {
          throw err;
        }
      }
      return { uploadId, partMd5s: list.map(([, p]) => p.md5), resumedParts };
    } catch (err) {
      if (
        !(err instanceof S3Error &&
          (err.code === "NoSuchUpload" || (err.status === 404 && err.code !== "NoSuchBucket")))
      ) throw err;
      ctx.log.warn("the store forgot the multipart upload; starting a new one", {
        key: row.key,
        upload_id: uploadId,
      });
      await ctx.repo.resetUpload(row.id);
      await ctx.repo.history({
        kind: "upload_aborted",
        itemId: row.id,
        key: row.key,
        message: `the store no longer knew upload ${uploadId}`,
      });
      uploadId = null;
      row.upload_id = null;
      row.part_size = null;
    }
  }
  throw new VerificationError(`${row.key}: the store kept losing the multipart upload`);
}

/** Aborts the item's multipart upload (best effort) and forgets it. */
export async function abandonUpload(
  row: QueueRow,
  ctx: Pick<UploadContext, "client" | "repo" | "log" | "signal">,
): Promise<void> {
  if (row.upload_id === null) return;
  try {
    if (await ctx.client.abortMultipartUpload(row.key, row.upload_id, ctx.signal)) {
      await ctx.repo.history({
        kind: "upload_aborted",
        itemId: row.id,
        key: row.key,
        message: `upload ${row.upload_id}`,
      });
    }
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    // A store without AbortMultipartUpload (s3rver) or a transient failure: the upload stays
    // until the bucket's lifecycle rule clears it; nothing of ours refers to it any more.
    ctx.log.debug("could not abort a multipart upload", {
      key: row.key,
      error: (err as Error).message,
    });
  }
  await ctx.repo.resetUpload(row.id);
}

function contentType(row: QueueRow): string {
  return row.kind === "backup" ? "application/vnd.sqlite3" : "application/fits";
}
