/**
 * Applying a staged restore at start, including after a power cut in the middle of it: the swap
 * is renames plus a marker removed last, so running it again finishes the job and never moves the
 * restored database away.
 */
import { join } from "node:path";
import { assertEquals } from "../../tests/_assert.ts";
import { silentLogger } from "../../lib/log.ts";
import { applyStagedRestore, readStaged, RESTORE_DIR, takeAppliedRestore } from "./restore.ts";

async function setup() {
  const dataDir = await Deno.makeTempDir({ prefix: "openskylab-restore-" });
  const dir = join(dataDir, RESTORE_DIR);
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(join(dataDir, "openskylab.db"), "current");
  await Deno.writeTextFile(join(dataDir, "openskylab.db-wal"), "current wal");
  await Deno.writeTextFile(join(dir, "staged.db"), "snapshot");
  const staged = {
    key: "p/_backups/openskylab-20260106T100000Z.db",
    bytes: 8,
    sha256: "x",
    staged_at: "2026-01-06T10:00:00.000Z",
  };
  await Deno.writeTextFile(join(dir, "staged.json"), JSON.stringify(staged));
  return { dataDir, dir };
}

Deno.test("restore: the staged snapshot replaces the database; the old one and its WAL are kept", async () => {
  const { dataDir, dir } = await setup();
  const applied = await applyStagedRestore(dataDir, silentLogger, Date.UTC(2026, 0, 7));
  assertEquals(await Deno.readTextFile(join(dataDir, "openskylab.db")), "snapshot");
  assertEquals(await Deno.readTextFile(applied!.previous!), "current");
  assertEquals(await Deno.readTextFile(`${applied!.previous!}-wal`), "current wal");
  assertEquals(await Deno.stat(join(dataDir, "openskylab.db-wal")).catch(() => null), null);
  assertEquals(await readStaged(dataDir), null);
  assertEquals((await takeAppliedRestore(dataDir))?.key, applied!.key);
  assertEquals(await takeAppliedRestore(dataDir), null);
  assertEquals(await applyStagedRestore(dataDir, silentLogger, Date.UTC(2026, 0, 8)), null);
  assertEquals([...Deno.readDirSync(join(dir, "previous"))].length, 2);
  await Deno.remove(dataDir, { recursive: true });
});

Deno.test("restore: a power cut after the swap, before the marker went, does not swap again", async () => {
  const { dataDir, dir } = await setup();
  // The state a power cut leaves between the last rename and the marker's removal.
  await Deno.mkdir(join(dir, "previous"));
  await Deno.rename(join(dataDir, "openskylab.db"), join(dir, "previous", "openskylab-x.db"));
  await Deno.rename(
    join(dataDir, "openskylab.db-wal"),
    join(dir, "previous", "openskylab-x.db-wal"),
  );
  await Deno.rename(join(dir, "staged.db"), join(dataDir, "openskylab.db"));
  const applied = await applyStagedRestore(dataDir, silentLogger, Date.UTC(2026, 0, 7));
  assertEquals(applied?.key, "p/_backups/openskylab-20260106T100000Z.db");
  assertEquals(await Deno.readTextFile(join(dataDir, "openskylab.db")), "snapshot");
  assertEquals(await readStaged(dataDir), null);
  await Deno.remove(dataDir, { recursive: true });
});
