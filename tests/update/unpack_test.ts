/**
 * The verified unpack of a release (core/update/unpack.ts) on the real NEW release, changed the
 * ways an attacker or a broken download could: the signature is checked before anything past the
 * MANIFEST is read (a release by another key is refused after a few kilobytes, a changed file
 * before the rest of the tarball is read), and a release whose MANIFEST does not come first, with
 * a file the MANIFEST does not name, a symbolic link, a missing file or a path leaving the
 * release folder is refused, naming it. Tarballs are packed by GNU tar, as the release build
 * packs them, except the path that tar itself would not write.
 */
import { join } from "node:path";
import { pemToDer } from "../../core/system/release_format.ts";
import { UnpackError, unpackVerified } from "../../core/update/unpack.ts";
import { drain } from "../../core/update/transfer.ts";
import { verifyTarball } from "../../core/update/verify.ts";
import { assert, assertEquals, assertMatch, assertRejects } from "../_assert.ts";
import { unpack } from "../release/_release.ts";
import { flipByte, resignWithOtherKey } from "./_fixture.ts";
import { NEW_VERSION, updateReleases } from "./_releases.ts";

const releases = await updateReleases();
const spki = pemToDer(
  await Deno.readTextFile(join(releases.dir, "release-key.pem")),
  "PUBLIC KEY",
);

/** NEW unpacked, changed by `change`, packed again as a plain tar by `pack` (default: sorted). */
async function changedTar(
  change: (release: string) => Promise<void>,
  pack: (root: string, name: string, out: string) => string[] = (root, name, out) => [
    "--sort=name",
    "-cf",
    out,
    "-C",
    root,
    name,
  ],
) {
  const { root, release } = await unpack(releases.tarball(NEW_VERSION));
  await change(release);
  const name = release.slice(root.length + 1);
  const path = join(root, "changed.tar");
  const out = await new Deno.Command("tar", { args: pack(root, name, path) }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  return {
    path,
    name,
    bytes: (await Deno.stat(path)).size,
    [Symbol.asyncDispose]: () => Deno.remove(root, { recursive: true }),
  };
}

/** Unpacks `tar` into a fresh folder, counting the bytes read; the refusal and the count. */
async function refusedAfter(tar: string): Promise<{ error: UnpackError; readBytes: number }> {
  const dest = await Deno.makeTempDir({ prefix: "openskylab-unpack-" });
  let readBytes = 0;
  let cancelled = false;
  let atEnd = false;
  // Counted on the way without a pipe, whose cancel would reach the file only later: the
  // unpacker's cancel closes the file before the refusal returns.
  const reader = (await Deno.open(tar)).readable.getReader();
  const counted = new ReadableStream<Uint8Array>({
    async pull(c) {
      const { done, value } = await reader.read();
      if (done) {
        atEnd = true;
        return c.close();
      }
      readBytes += value.length;
      c.enqueue(value);
    },
    cancel: (reason) => {
      cancelled = true;
      return reader.cancel(reason);
    },
  });
  try {
    const error = await assertRejects(() =>
      unpackVerified(counted, dest, spki, { maxBytes: 1 << 30 })
    );
    assert(error instanceof UnpackError, `an UnpackError, got ${error}`);
    // Every refusal, even one after the end block (a missing file), leaves the file closed:
    // cancelled, or read to its end (where the file closes itself).
    assert(cancelled || atEnd, `the file is left open by the refusal "${error.message}"`);
    return { error, readBytes };
  } finally {
    await Deno.remove(dest, { recursive: true });
  }
}

Deno.test("unpack: the good release unpacks whole, with its launcher and runtime executable", async () => {
  await using tar = await changedTar(() => Promise.resolve());
  const dest = await Deno.makeTempDir({ prefix: "openskylab-unpack-" });
  try {
    const file = await Deno.open(tar.path);
    const top = await unpackVerified(file.readable, dest, spki, { maxBytes: 1 << 30 });
    // The archive's zero padding after its end block is the caller's (the file closes at its end).
    await drain(file.readable);
    assertEquals(top, tar.name);
    for (const exe of ["bin/openskylab", "lib/deno"]) {
      assert(((await Deno.stat(join(dest, top, exe))).mode! & 0o100) !== 0, `${exe} executable`);
    }
    assertMatch(await Deno.readTextFile(join(dest, top, "release.json")), /0\.9\.0-ota\.2/);
    // Bounded: the same release refused past a limit below its size.
    const bounded = await assertRejects(() =>
      Deno.open(tar.path).then((f) =>
        unpackVerified(f.readable, join(dest, "again"), spki, { maxBytes: 1024 * 1024 })
      )
    );
    assertMatch(String(bounded), /unpacks to more than 1048576 bytes/);
  } finally {
    await Deno.remove(dest, { recursive: true });
  }
});

Deno.test("unpack: another key is refused after the MANIFEST, before the rest is read", async () => {
  await using tar = await changedTar(resignWithOtherKey);
  const { error, readBytes } = await refusedAfter(tar.path);
  assertMatch(error.message, /MANIFEST\.sig is not a signature of MANIFEST by the trusted key/);
  assert(readBytes < 1024 * 1024, `read ${readBytes} of ${tar.bytes} bytes`);
});

Deno.test("unpack: one byte changed is refused at that file, before the files after it", async () => {
  await using tar = await changedTar((r) => flipByte(r, "app/main.js"));
  const { error, readBytes } = await refusedAfter(tar.path);
  assertMatch(error.message, /^app\/main\.js does not match its sha256/);
  // lib/deno (most of the release) comes after app/.
  assert(readBytes < tar.bytes / 2, `read ${readBytes} of ${tar.bytes} bytes`);
});

Deno.test("unpack: a MANIFEST that does not come first is refused", async () => {
  await using tar = await changedTar(
    () => Promise.resolve(),
    (root, name, out) => ["-cf", out, "-C", root, `${name}/release.json`, name],
  );
  const { error } = await refusedAfter(tar.path);
  assertMatch(error.message, /^release\.json comes before the signed MANIFEST/);
});

Deno.test("unpack: a file the MANIFEST does not name, a link, a missing file are refused", async () => {
  await using extra = await changedTar((r) => Deno.writeTextFile(join(r, "web/extra.js"), "1"));
  assertMatch(
    (await refusedAfter(extra.path)).error.message,
    /^web\/extra\.js is not in the MANIFEST/,
  );
  await using link = await changedTar((r) => Deno.symlink("/etc/passwd", join(r, "bin/passwd")));
  assertMatch((await refusedAfter(link.path)).error.message, /^bin\/passwd is a symbolic link/);
  await using missing = await changedTar((r) => Deno.remove(join(r, "web/index.html")));
  assertMatch((await refusedAfter(missing.path)).error.message, /^web\/index\.html is missing/);
});

Deno.test("unpack: a path leaving the release folder is refused before it is written", async () => {
  // GNU tar will not write such a name: a header made here (ustar, checksummed as tar does).
  await using tar = await changedTar(() => Promise.resolve());
  const good = await Deno.readFile(tar.path);
  // The first three members (folder, MANIFEST, MANIFEST.sig) as GNU tar wrote them, then this.
  const evil = header(`${tar.name}/../../evil`, 1);
  const body = new Uint8Array(512);
  body[0] = 0x41;
  const firstThree = endOfMember(good, 3);
  const crafted = new Uint8Array([...good.subarray(0, firstThree), ...evil, ...body]);
  const path = `${tar.path}.evil`;
  await Deno.writeFile(path, new Uint8Array([...crafted, ...new Uint8Array(1024)]));
  const { error } = await refusedAfter(path);
  assertMatch(error.message, /\.\.\/\.\.\/evil is a path outside the release folder/);
});

Deno.test("verifyTarball: what xz refuses is named as xz says it", async () => {
  const scratch = await Deno.makeTempDir({ prefix: "openskylab-verify-" });
  try {
    const junk = join(scratch, "junk.tar.xz");
    await Deno.writeTextFile(junk, "not a tarball at all\n".repeat(100));
    const err = await assertRejects(() => verifyTarball(junk, spki, join(scratch, "in")));
    assertMatch(
      String(err),
      /not a release tarball \(tar\.xz\): xz: \(stdin\): File format not recognized/,
    );
    assertEquals([...Deno.readDirSync(join(scratch, "in"))], []);
  } finally {
    await Deno.remove(scratch, { recursive: true });
  }
});

/** A ustar header for a regular file `name` of `size` bytes. */
function header(name: string, size: number): Uint8Array {
  const h = new Uint8Array(512);
  const put = (at: number, text: string) => h.set(new TextEncoder().encode(text), at);
  put(0, name);
  put(100, "0000644\0");
  put(108, "0000000\0");
  put(116, "0000000\0");
  put(124, size.toString(8).padStart(11, "0") + "\0");
  put(136, "00000000000\0");
  put(156, "0");
  put(257, "ustar\0" + "00");
  put(148, "        ");
  const sum = h.reduce((a, b) => a + b, 0);
  put(148, sum.toString(8).padStart(6, "0") + "\0 ");
  return h;
}

/** The byte offset just past the `count`th member of a plain tar (no long-name members). */
function endOfMember(tar: Uint8Array, count: number): number {
  let at = 0;
  for (let i = 0; i < count; i++) {
    const size = parseInt(new TextDecoder().decode(tar.subarray(at + 124, at + 135)), 8);
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return at;
}
