/**
 * Cloud sync upload throughput to s3rver on loopback: a 64 MB file through the real upload path
 * (hashing, HEAD before, multipart with each part committed to the database, HEAD to verify) as
 * one PUT and in 8 MiB parts — the difference is the multipart overhead — against rclone copying
 * the same file to the same store in the same run (the reference: ratio = ours / rclone time).
 * Loopback measures our overhead, not a network; s3rver writes every part to disk and joins them
 * on Complete, which both clients pay.
 */
import { join } from "node:path";
import { systemClock } from "../../lib/clock.ts";
import { silentLogger } from "../../lib/log.ts";
import { openDatabase } from "../../core/store/db.ts";
import { SyncRepository } from "../../core/store/sync.ts";
import { S3Client } from "../../core/sync/s3/client.ts";
import { uploadItem } from "../../core/sync/uploader.ts";
import { ACCESS_KEY, BUCKET, rclone, SECRET_KEY, startStore } from "../s3/store.ts";
import { report } from "./_util.ts";

const BYTES = 64 * 1024 * 1024;
const ROUNDS = 3;

export async function syncBench(): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "openskylab-sync-bench-" });
  await using store = await startStore();
  const db = await openDatabase(join(dir, "data"));
  const client = new S3Client({
    target: {
      endpoint: store.endpoint,
      region: "us-east-1",
      bucket: BUCKET,
      addressing: "path",
      credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY },
    },
    clock: systemClock,
  });
  try {
    const file = join(dir, "data", "frame.fits");
    const bytes = new Uint8Array(BYTES);
    for (let i = 0; i < BYTES; i += 65_536) crypto.getRandomValues(bytes.subarray(i, i + 65_536));
    await Deno.writeFile(file, bytes);
    const repo = new SyncRepository(db, systemClock);
    const upload = async (key: string, partBytes: number) => {
      const id = await repo.enqueueOne({
        kind: "backup",
        frameId: null,
        path: "frame.fits",
        key,
        bytes: BYTES,
      });
      const t = performance.now();
      await uploadItem((await repo.get(id))!, {
        client,
        repo,
        dataDir: join(dir, "data"),
        clock: systemClock,
        log: silentLogger,
        partSizeBytes: partBytes,
        metadata: () => ({}),
        onProgress: () => {},
        signal: new AbortController().signal,
      });
      return performance.now() - t;
    };
    const single: number[] = [];
    const multi: number[] = [];
    const ref: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      single.push(await upload(`bench/single-${round}.fits`, 128 * 1024 * 1024));
      multi.push(await upload(`bench/multi-${round}.fits`, 8 * 1024 * 1024));
      const t = performance.now();
      await rclone(
        store,
        "copyto",
        file,
        `store:${BUCKET}/bench/rclone-${round}.fits`,
        "--s3-upload-cutoff",
        "8M",
        "--s3-chunk-size",
        "8M",
      );
      ref.push(performance.now() - t);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const mb = BYTES / 1e6;
    report("sync upload 64 MB to s3rver on loopback", {
      single_put_ms: median(single),
      single_put_mb_s: mb / (median(single) / 1000),
      multipart_8mib_ms: median(multi),
      multipart_8mib_mb_s: mb / (median(multi) / 1000),
      multipart_overhead_pct: (median(multi) / median(single) - 1) * 100,
      rclone_8mib_ms: median(ref),
      ratio_vs_rclone: median(multi) / median(ref),
    });
  } finally {
    client.close();
    await db.close();
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) await syncBench();
