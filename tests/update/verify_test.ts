/**
 * What an update accepts, on real releases built by tools/release and signed with the test key:
 * a good newer release is staged; one byte changed, a release signed by another key, a downgrade
 * (without force) and the running release itself are refused with nothing staged; uploads past
 * the size limit or beyond the free disk are refused before or while reading; the check reads the
 * signed descriptor from a URL, downloads the tarball and verifies it; and a box that is not an
 * installed release refuses apply with the reason.
 */
import { join } from "node:path";
import { AppError } from "../../lib/errors.ts";
import { assert, assertEquals, assertMatch, assertRejects } from "../_assert.ts";
import { freePort } from "../bench/_util.ts";
import { fileStream, flipByte, repacked, resignWithOtherKey, serviceAs } from "./_fixture.ts";
import { NEW_VERSION, OLD_VERSION, updateReleases } from "./_releases.ts";

const releases = await updateReleases();
if (releases.buildSeconds > 0) {
  console.log(`update releases built in ${releases.buildSeconds.toFixed(0)} s`);
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const err = await assertRejects(() => promise);
  assert(err instanceof AppError, `an AppError, got ${err}`);
  return err;
}

Deno.test("upload: a good newer release is verified and staged, unpacked for the root side", async () => {
  await using box = await serviceAs(releases, OLD_VERSION);
  const tarball = releases.tarball(NEW_VERSION);
  const status = await box.service.upload(
    await fileStream(tarball),
    (await Deno.stat(tarball)).size,
    false,
  );
  assertEquals(status.state, "ready");
  assertEquals(status.staged?.version, NEW_VERSION);
  assertEquals(status.staged?.source, "upload");
  assertEquals(status.staged?.forced, false);
  const staged = box.service.paths.stagedRelease;
  assert((await Deno.stat(join(staged, "MANIFEST"))).isFile);
  assertMatch(await Deno.readTextFile(join(staged, "release.json")), /"version": "0\.9\.0-ota\.2"/);
  // Nothing half-received is left, and the steps were announced.
  assertEquals([...Deno.readDirSync(box.service.paths.incoming)], []);
  assert(box.events.includes("update.state"));
});

Deno.test("upload: one byte changed in one file is refused, and nothing is staged", async () => {
  await using box = await serviceAs(releases, OLD_VERSION);
  const bad = await repacked(releases.tarball(NEW_VERSION), (r) => flipByte(r, "app/main.js"));
  try {
    const err = await refusal(box.service.upload(await fileStream(bad.path), null, false));
    assertEquals(err.status, 400);
    assertMatch(err.message, /^release: .*app\/main\.js does not match its sha256/);
    const status = await box.service.status();
    assertEquals(status.staged, null);
    assertEquals(status.state, "failed");
    assertEquals([...Deno.readDirSync(box.service.paths.incoming)], []);
  } finally {
    await bad.cleanup();
  }
});

Deno.test("upload: a release signed with another key is refused", async () => {
  await using box = await serviceAs(releases, OLD_VERSION);
  const bad = await repacked(releases.tarball(NEW_VERSION), resignWithOtherKey);
  try {
    const err = await refusal(box.service.upload(await fileStream(bad.path), null, false));
    assertEquals(err.status, 400);
    assertMatch(err.message, /MANIFEST\.sig is not a signature of MANIFEST by the trusted key/);
    assertEquals((await box.service.status()).staged, null);
  } finally {
    await bad.cleanup();
  }
});

Deno.test("upload: a byte changed in the compressed tarball is refused as no release", async () => {
  await using box = await serviceAs(releases, OLD_VERSION);
  const bytes = await Deno.readFile(releases.tarball(NEW_VERSION));
  const at = bytes.length >> 1;
  bytes[at] = bytes[at]! ^ 0x40;
  const err = await refusal(
    box.service.upload(new Blob([bytes]).stream(), bytes.length, false),
  );
  assertEquals(err.status, 400);
  assertMatch(err.message, /^release: /);
  assertEquals((await box.service.status()).staged, null);
});

Deno.test("upload: a downgrade needs force; the running release itself is never staged", async () => {
  await using box = await serviceAs(releases, NEW_VERSION);
  const old = releases.tarball(OLD_VERSION);
  const down = await refusal(box.service.upload(await fileStream(old), null, false));
  assertEquals(down.status, 409);
  assertMatch(down.message, /older than the running 0\.9\.0-ota\.2: a downgrade needs force/);
  assertEquals((await box.service.status()).staged, null);
  const same = await refusal(
    box.service.upload(await fileStream(releases.tarball(NEW_VERSION)), null, true),
  );
  assertEquals(same.status, 409);
  assertMatch(same.message, /is the release this box runs/);
  const forced = await box.service.upload(await fileStream(old), null, true);
  assertEquals(forced.staged?.version, OLD_VERSION);
  assertEquals(forced.staged?.forced, true);
});

Deno.test("upload limits: too large is refused before reading or while reading; too little disk before", async () => {
  const limit = 1024 * 1024;
  await using box = await serviceAs(releases, OLD_VERSION, {
    settings: { url: "", maxReleaseBytes: limit, fetchTimeoutMs: 60_000 },
  });
  const tarball = releases.tarball(NEW_VERSION);
  const size = (await Deno.stat(tarball)).size;
  // Announced too large: refused without a byte read.
  let pulled = 0;
  const counting = (await fileStream(tarball)).pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, c) {
        pulled += chunk.length;
        c.enqueue(chunk);
      },
    }),
  );
  const early = await refusal(box.service.upload(counting, size, false));
  assertEquals(early.status, 413);
  assertMatch(early.message, /^body: larger than the limit of 1\.0 MiB/);
  assert(pulled <= 256 * 1024, `read ${pulled} bytes of a refused upload`);
  // Not announced: cut off once past the limit, and nothing stays on disk.
  const late = await refusal(box.service.upload(await fileStream(tarball), null, false));
  assertEquals(late.status, 413);
  assertEquals([...Deno.readDirSync(box.service.paths.incoming)], []);

  await using small = await serviceAs(releases, OLD_VERSION, {
    freeBytes: () => Promise.resolve(50 * 1024 * 1024),
  });
  const disk = await refusal(small.service.upload(await fileStream(tarball), size, false));
  assertEquals(disk.status, 409);
  assertMatch(disk.message, /too little disk for a release of .* 50\.0 MiB free/);
  assertEquals((await small.service.status()).staged, null);
  // A chunked body (no length): refused once what has arrived would not fit, nothing left.
  await using tight = await serviceAs(releases, OLD_VERSION, {
    freeBytes: () => Promise.resolve(100 * 1024 * 1024),
  });
  const chunked = await refusal(tight.service.upload(await fileStream(tarball), null, false));
  assertEquals(chunked.status, 409);
  assertMatch(chunked.message, /too little disk for a release of 4\.\d MiB: 100\.0 MiB free/);
  assertEquals([...Deno.readDirSync(tight.service.paths.incoming)], []);
});

Deno.test("check: the signed descriptor from a URL, then the tarball, verified and staged", async () => {
  const port = freePort();
  const tampered = new Set<string>();
  const server = Deno.serve({ port, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
    const name = new URL(req.url).pathname.slice(1);
    const file = await Deno.readFile(join(releases.dir, name)).catch(() => null);
    if (!file) return new Response("no such file", { status: 404 });
    const at = file.length >> 1;
    if (tampered.has(name)) file[at] = file[at]! ^ 0x01;
    return new Response(file);
  });
  try {
    await using box = await serviceAs(releases, OLD_VERSION);
    const url = `http://127.0.0.1:${port}/openskylab-${NEW_VERSION}-linux-{arch}.json`;
    const only = await box.service.check({ url, download: false, force: false });
    assertEquals(only.available, {
      version: NEW_VERSION,
      tarball_bytes: (await Deno.stat(releases.tarball(NEW_VERSION))).size,
      newer: true,
    });
    assertEquals(only.staged, null);

    const name = `openskylab-${NEW_VERSION}-linux-x86_64.json`;
    tampered.add(name);
    const bad = await refusal(box.service.check({ url, download: true, force: false }));
    assertEquals(bad.status, 400);
    assertMatch(bad.message, /descriptor's signature is not by this box's release key/);
    tampered.delete(name);

    tampered.add(`openskylab-${NEW_VERSION}-linux-x86_64.tar.xz`);
    const badTar = await refusal(box.service.check({ url, download: true, force: false }));
    assertEquals(badTar.status, 409);
    assertMatch(badTar.message, /does not match its descriptor/);
    tampered.clear();

    const got = await box.service.check({ url, download: true, force: false });
    assertEquals(got.staged?.version, NEW_VERSION);
    assertEquals(got.staged?.source, "check");

    // An older release offered by the URL is reported, not downloaded.
    await using newer = await serviceAs(releases, NEW_VERSION);
    const older = await newer.service.check({
      url: `http://127.0.0.1:${port}/openskylab-${OLD_VERSION}-linux-{arch}.json`,
      download: true,
      force: false,
    });
    assertEquals(older.available?.newer, false);
    assertEquals(older.staged, null);
  } finally {
    await server.shutdown();
  }
});

Deno.test("apply: refused with the reason on a box that is not an installed release", async () => {
  await using box = await serviceAs(releases, OLD_VERSION);
  await box.service.upload(await fileStream(releases.tarball(NEW_VERSION)), null, false);
  const err = await refusal(box.service.apply());
  assertEquals(err.status, 409);
  assertMatch(err.message, /cannot apply an update: a test service/);
  const rollback = await refusal(box.service.rollback());
  assertEquals(rollback.status, 409);
});

Deno.test("apply: refused while a sequence runs", async () => {
  await using box = await serviceAs(releases, OLD_VERSION, {
    installation: () => Promise.resolve({ installed: true, reason: null, releaseDir: "/x" }),
    busy: () => Promise.resolve('the sequence "M31" is running'),
  });
  await box.service.upload(await fileStream(releases.tarball(NEW_VERSION)), null, false);
  const err = await refusal(box.service.apply());
  assertEquals(err.status, 409);
  assertMatch(err.message, /not while the sequence "M31" is running/);
  assertEquals((await box.service.status()).staged?.version, NEW_VERSION);
});

Deno.test("apply: when the root side gives up without a restart, status says how (not applying)", async () => {
  let lastPath = "";
  await using box = await serviceAs(releases, OLD_VERSION, {
    installation: () => Promise.resolve({ installed: true, reason: null, releaseDir: "/x" }),
    // What update-release writes when the staged release does not install.
    startUnit: () =>
      Deno.writeTextFile(
        lastPath,
        JSON.stringify({
          result: "aborted",
          from: OLD_VERSION,
          to: NEW_VERSION,
          reason: "the staged release did not install",
          at_s: Math.floor(Date.now() / 1000),
        }),
      ),
  });
  lastPath = box.service.paths.last;
  const staged = await box.service.upload(
    await fileStream(releases.tarball(NEW_VERSION)),
    null,
    false,
  );
  assertEquals(staged.message, `${NEW_VERSION} is verified and ready to apply`);
  await box.service.apply();
  const after = await box.service.status();
  assertEquals(after.state, "ready");
  assertEquals(
    after.message,
    `aborted (${OLD_VERSION} → ${NEW_VERSION}): the staged release did not install`,
  );
  assertEquals(after.staged?.version, NEW_VERSION);
});
