import { join } from "node:path";
import { assertEquals, assertRejects } from "../../tests/_assert.ts";
import { AppError } from "../../lib/errors.ts";
import { encodeFits } from "../../lib/fits/mod.ts";
import { checkImagePath } from "./image_path.ts";

async function withDirs(fn: (data: string, outside: string) => Promise<void>) {
  const root = await Deno.makeTempDir();
  const data = join(root, "data");
  const outside = join(root, "outside");
  await Deno.mkdir(join(data, "frames"), { recursive: true });
  await Deno.mkdir(outside);
  const fits = encodeFits({ pixels: new Uint16Array(64 * 48), widthPx: 64, heightPx: 48 }, [
    { key: "XBINNING", value: 2 },
  ]);
  await Deno.writeFile(join(data, "frames", "a.fits"), fits);
  await Deno.writeFile(join(outside, "b.fits"), fits);
  try {
    await fn(data, outside);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

async function refused(data: string, path: string, reason: RegExp) {
  const err = await assertRejects(() => checkImagePath(data, path), AppError);
  assertEquals((err as AppError).status, 400);
  const msg = (err as AppError).message;
  if (!msg.startsWith("body.image_path: ") || !reason.test(msg)) {
    throw new Error(`unexpected message: ${msg}`);
  }
}

Deno.test("a FITS frame inside the data dir is accepted, relative or absolute", async () => {
  await withDirs(async (data) => {
    const rel = await checkImagePath(data, "frames/a.fits");
    assertEquals([rel.widthPx, rel.heightPx, rel.binning], [64, 48, 2]);
    const abs = await checkImagePath(data, join(data, "frames", "a.fits"));
    assertEquals(abs.path, rel.path);
  });
});

Deno.test("traversal, outside paths, symlink escapes, missing files and non-FITS are 400", async () => {
  await withDirs(async (data, outside) => {
    await refused(data, "../../etc/passwd", /inside the data directory/);
    await refused(data, "frames/../../outside/b.fits", /inside the data directory/);
    await refused(data, join(outside, "b.fits"), /inside the data directory/);
    await refused(data, "/etc/passwd", /inside the data directory/);
    await Deno.symlink(join(outside, "b.fits"), join(data, "frames", "link.fits"));
    await refused(data, "frames/link.fits", /symlink/);
    await Deno.symlink(outside, join(data, "dirlink"));
    await refused(data, "dirlink/b.fits", /symlink/);
    await refused(data, "frames/none.fits", /no such file/);
    await Deno.writeTextFile(join(data, "frames", "notes.fits"), "hello ".repeat(1000));
    await refused(data, "frames/notes.fits", /not a FITS file/);
    await refused(data, "frames", /not a regular file/);
  });
});
