/**
 * Frames whose file was rewritten after they were queued or uploaded — a plate solve writes its
 * WCS into the header — are queued again: the frame row's file revision (moved in the same commit
 * as the row's new size) is ahead of the queue row's. Read from the frames table, like new
 * frames, so a rewrite made while sync was off, by another process, or just before a crash is
 * found all the same. The uploader then digests the file again and replaces our outdated object
 * at the same key.
 */
import { join } from "node:path";
import type { Logger } from "../../lib/log.ts";
import type { SyncRepository } from "../store/sync.ts";

const PAGE = 200;

/** Queues changed frames again; answers how many. */
export async function requeueChangedFrames(
  o: { repo: SyncRepository; dataDir: string; log: Logger },
): Promise<number> {
  let requeued = 0;
  for (let page = 0; page < 20; page++) {
    const rows = await o.repo.changedFrames(PAGE);
    for (const row of rows) {
      const present = await Deno.stat(join(o.dataDir, row.path)).then(
        (info) => info.isFile,
        () => false,
      );
      if (!present) {
        // Removed after its upload (or by hand): there is nothing newer here to send.
        await o.repo.update(row.id, { file_revision: row.frame_revision });
        continue;
      }
      const message = row.state === "done"
        ? `file revision ${row.frame_revision}: the copy in the store is outdated; uploading it again`
        : `file revision ${row.frame_revision}: digesting it again before it goes up`;
      if (await o.repo.requeueChanged(row, message)) {
        requeued++;
        o.log.info("a frame's file changed; queued again", {
          key: row.key,
          frame_id: row.frame_id,
          revision: row.frame_revision,
          was: row.state,
        });
      }
    }
    if (rows.length < PAGE) break;
  }
  return requeued;
}
