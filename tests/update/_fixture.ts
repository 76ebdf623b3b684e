/**
 * An UpdateService over a temporary data dir that runs "as" a given release of the update tests
 * (its version and the test key), with the host's disk figures unless told otherwise, plus the
 * tampering the tests need: a release with one byte changed, and one re-signed with another key —
 * both repacked as real tarballs.
 */
import { join } from "node:path";
import { EventBus } from "../../core/event_bus.ts";
import { base64, pemToDer } from "../../core/system/release_format.ts";
import { HostInfo } from "../../core/system/host_info.ts";
import { UpdateService, type UpdateServiceDeps } from "../../core/update/update_service.ts";
import { systemClock } from "../../lib/clock.ts";
import { LogSink } from "../../lib/log.ts";
import { unpack } from "../release/_release.ts";
import type { UpdateReleases } from "./_releases.ts";

export async function serviceAs(
  releases: UpdateReleases,
  version: string,
  over: Partial<UpdateServiceDeps> = {},
) {
  const dataDir = await Deno.makeTempDir({ prefix: "openskylab-update-" });
  const pem = await Deno.readTextFile(join(releases.dir, "release-key.pem"));
  const bus = new EventBus({ clock: systemClock, validate: true });
  const events: string[] = [];
  bus.subscribe((e) => events.push(e.type));
  const service = new UpdateService({
    dataDir,
    installDir: join(dataDir, "opt"),
    clock: systemClock,
    bus,
    log: new LogSink({ consoleLevel: "silent" }).logger("update"),
    build: () => ({
      version,
      kind: "release",
      build_time_ms: 0,
      commit: null,
      update_key_spki_b64: base64(pemToDer(pem, "PUBLIC KEY")),
    }),
    settings: { url: "", maxReleaseBytes: 400 * 1024 * 1024, fetchTimeoutMs: 120_000 },
    installation: () =>
      Promise.resolve({ installed: false, reason: "a test service", releaseDir: null }),
    busy: () => Promise.resolve(null),
    freeBytes: async (dir) => (await new HostInfo().storage(dir)).free_bytes,
    startUnit: () => Promise.reject(new Error("no units in this test")),
    ...over,
  });
  await service.init();
  return {
    service,
    dataDir,
    events,
    async [Symbol.asyncDispose]() {
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    },
  };
}

export function fileStream(path: string): Promise<ReadableStream<Uint8Array>> {
  return Deno.open(path).then((f) => f.readable);
}

/** `tarball` unpacked, changed by `change(releaseDir)`, packed again (xz) into a temp file. */
export async function repacked(
  tarball: string,
  change: (release: string) => Promise<void>,
): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const { root, release } = await unpack(tarball);
  await change(release);
  const path = join(root, "repacked.tar.xz");
  const name = release.slice(root.length + 1);
  const out = await new Deno.Command("tar", {
    // As the release build packs it (sorted: the MANIFEST and its signature first).
    args: ["--sort=name", "-cJf", path, "-C", root, name],
    env: { XZ_OPT: "-0" },
  }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  return { path, cleanup: () => Deno.remove(root, { recursive: true }) };
}

/** Flips one byte in the middle of `file` inside the release. */
export async function flipByte(release: string, file: string): Promise<void> {
  const path = join(release, file);
  const bytes = await Deno.readFile(path);
  const at = bytes.length >> 1;
  bytes[at] = bytes[at]! ^ 0x01;
  await Deno.writeFile(path, bytes);
}

/** Signs the release's MANIFEST with a key made now (openssl): a release by someone else. */
export async function resignWithOtherKey(release: string): Promise<void> {
  const key = join(release, "..", "other.key");
  const run = async (args: string[]) => {
    const out = await new Deno.Command("openssl", { args }).output();
    if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  };
  await run(["genpkey", "-algorithm", "ed25519", "-out", key]);
  await run([
    "pkeyutl",
    "-sign",
    "-inkey",
    key,
    "-rawin",
    "-in",
    join(release, "MANIFEST"),
    "-out",
    join(release, "MANIFEST.sig"),
  ]);
  await Deno.remove(key);
}
