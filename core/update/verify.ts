/**
 * Verification of a release before it may be applied, with the key built into the running release
 * (`update_key_spki_b64`): the descriptor a check downloads is verified against its `.sig` before
 * anything else is read; a tarball (downloaded or uploaded) is unpacked into a scratch folder
 * while it is checked (unpack.ts: the MANIFEST's signature first, then every file's SHA-256 as it
 * arrives, no file the MANIFEST does not name, no link), then its release.json is read for the
 * version and architecture. The floor: nothing older than the running release (and never the same
 * one) unless forced.
 */
import { join } from "node:path";
import { AppError, conflict } from "../../lib/errors.ts";
import { type ReleaseDescriptor, ReleaseDescriptorSchema } from "../schemas/update.ts";
import {
  fromBase64,
  type ReleaseInfo,
  ReleaseInfoSchema,
  verifyEd25519,
} from "../system/release_format.ts";
import type { BuildInfo } from "../system/build_info.ts";
import { UnpackError, unpackVerified } from "./unpack.ts";
import { compareVersions } from "./version.ts";

/** The release architecture this box runs. */
export function boxArch(): "x86_64" | "aarch64" {
  return Deno.build.arch;
}

/** A release that does not verify: 400 naming `release` and the reason; nothing is kept. */
export function refused(message: string, details?: unknown): AppError {
  return new AppError(400, "validation_failed", `release: ${message}`, {
    issues: [{ field: "release", reason: message }],
    ...(details ? { more: details } : {}),
  });
}

/** The running release's update key; a source run has none, so it can verify nothing. */
export function trustedKey(build: BuildInfo): Uint8Array {
  if (build.update_key_spki_b64 === null) {
    throw conflict("this box runs from a source checkout: it has no release key to verify with");
  }
  return fromBase64(build.update_key_spki_b64);
}

/** The descriptor's bytes, verified against `.sig` and parsed; throws a 409 otherwise. */
export async function verifyDescriptor(
  bytes: Uint8Array,
  signature: Uint8Array,
  spki: Uint8Array,
): Promise<ReleaseDescriptor> {
  if (signature.length !== 64 || !await verifyEd25519(spki, bytes, signature)) {
    throw refused("the release descriptor's signature is not by this box's release key");
  }
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw refused("the release descriptor is not JSON");
  }
  const parsed = ReleaseDescriptorSchema.safeParse(raw);
  if (!parsed.success) {
    throw refused(`the release descriptor is malformed: ${parsed.error.issues[0]?.message}`);
  }
  return parsed.data;
}

/** The floor: refuses the running version, and anything older unless `force`. */
export function checkFloor(candidate: string, running: string, force: boolean): void {
  const order = compareVersions(candidate, running);
  if (order === 0) throw conflict(`${candidate} is the release this box runs`);
  if (order < 0 && !force) {
    throw conflict(
      `${candidate} is older than the running ${running}: a downgrade needs force`,
      { version: candidate, running },
    );
  }
}

export interface VerifiedRelease {
  info: ReleaseInfo;
  /** The unpacked, verified release folder (`openskylab-<version>-linux-<arch>/`). */
  dir: string;
  /** Its parent, a scratch folder the caller removes. */
  scratch: string;
}

/**
 * Unpacks the tar.xz `source` under `scratchDir`, verifying it against `spki` as it streams out of
 * xz (unpack.ts): the release's info and unpacked folder when good (the caller keeps or removes
 * it), a 400 naming the first problem when not, with nothing left behind. The MANIFEST and its
 * signature come first in a release, so a release by another key is refused before anything else
 * is unpacked, and a changed file as soon as it has arrived. `source` may be an upload or a
 * download on its way in: receiving and unpacking overlap, and no tarball is kept. On a refusal
 * `source` is left unlocked and uncancelled, for the caller to drain or cancel. The root side
 * installs from the verified folder, so a box decompresses a release once.
 */
export async function verifyStream(
  source: ReadableStream<Uint8Array>,
  spki: Uint8Array,
  scratchDir: string,
  o: { maxUnpackedBytes: number },
): Promise<VerifiedRelease> {
  await Deno.mkdir(scratchDir, { recursive: true });
  const dir = await Deno.makeTempDir({ dir: scratchDir, prefix: "verify-" });
  // On stdin, so what xz says names no path of the box.
  const xz = new Deno.Command("xz", {
    args: ["--decompress", "--stdout"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(xz.stderr).text();
  // A failed feed (xz gone, or the source's own error) shows in what xz and the unpack say.
  const fed = source.pipeTo(xz.stdin, { preventCancel: true }).catch(() => {});
  const stopXz = async () => {
    try {
      xz.kill("SIGKILL");
    } catch { /* exited already */ }
    await xz.status;
  };
  try {
    let top: string;
    try {
      top = await unpackVerified(xz.stdout, dir, spki, { maxBytes: o.maxUnpackedBytes });
    } catch (err) {
      // xz's own word, when it refused the input (not a .xz, or damaged), explains more.
      await stopXz();
      const status = await xz.status;
      if (!status.success && status.signal === null) {
        throw refused(`the upload is not a release tarball (tar.xz): ${firstLine(await stderr)}`);
      }
      throw err instanceof UnpackError ? refused(err.message) : err;
    }
    // The padding after the end block, to xz's own end (and its check of the stream's CRC).
    let trailing = 0;
    for await (const chunk of xz.stdout) {
      trailing += chunk.length;
      if (trailing > 1024 * 1024) throw refused("the tarball goes on after its end");
    }
    const status = await xz.status;
    if (!status.success) {
      throw refused(`the upload is not a release tarball (tar.xz): ${firstLine(await stderr)}`);
    }
    const release = join(dir, top);
    // Signed and whole: its release.json is what the signer wrote.
    const info = ReleaseInfoSchema.parse(
      JSON.parse(await Deno.readTextFile(join(release, "release.json"))),
    );
    if (info.arch !== boxArch()) {
      throw refused(`the release is for ${info.arch}; this box is ${boxArch()}`);
    }
    if (top !== `openskylab-${info.version}-linux-${info.arch}`) {
      throw refused(`the release folder ${top} does not match its release.json`);
    }
    return { info, dir: release, scratch: dir };
  } catch (err) {
    await stopXz();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw err;
  } finally {
    await fed;
  }
}

/** `verifyStream` of a tarball file. */
export async function verifyTarball(
  tarball: string,
  spki: Uint8Array,
  scratchDir: string,
): Promise<VerifiedRelease> {
  const file = await Deno.open(tarball);
  const bytes = (await file.stat()).size;
  try {
    return await verifyStream(file.readable, spki, scratchDir, {
      maxUnpackedBytes: bytes * MAX_UNPACK_RATIO,
    });
  } finally {
    try {
      file.close();
    } catch { /* closed by its stream */ }
  }
}

/** A release unpacks to about 3× its tarball; past this it is refused (an xz bomb). */
export const MAX_UNPACK_RATIO = 10;

/** xz's first line of complaint, as `xz: …` (it names itself by the path it was run as). */
const firstLine = (text: string) =>
  (text.trim().split("\n")[0] ?? "").replace(/^\S*\/xz: /, "xz: ");
