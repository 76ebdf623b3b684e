/**
 * Verification of a release before it may be applied, with the key built into the running release
 * (`update_key_spki_b64`): the descriptor a check downloads is verified against its `.sig` before
 * anything else is read; a tarball (downloaded or uploaded) is unpacked into a scratch folder and
 * checked by `verifyReleaseDir` — the MANIFEST's signature, every file's SHA-256, no file the
 * MANIFEST does not name — then its release.json is read for the version and architecture. The
 * floor: nothing older than the running release (and never the same one) unless forced.
 */
import { join } from "node:path";
import { AppError, conflict } from "../../lib/errors.ts";
import { type ReleaseDescriptor, ReleaseDescriptorSchema } from "../schemas/update.ts";
import {
  fromBase64,
  type ReleaseInfo,
  ReleaseInfoSchema,
  verifyEd25519,
  verifyReleaseDir,
} from "../system/release_format.ts";
import type { BuildInfo } from "../system/build_info.ts";
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
 * Unpacks `tarball` under `scratchDir` and verifies it against `spki`: the release's info and
 * unpacked folder when good (the caller keeps or removes it), a 400 naming the first problems
 * when not (nothing is left behind). The root side installs from the verified folder, so a box
 * decompresses a release once.
 */
export async function verifyTarball(
  tarball: string,
  spki: Uint8Array,
  scratchDir: string,
): Promise<VerifiedRelease> {
  await Deno.mkdir(scratchDir, { recursive: true });
  const dir = await Deno.makeTempDir({ dir: scratchDir, prefix: "verify-" });
  try {
    const out = await new Deno.Command("tar", {
      args: ["-xJf", tarball, "-C", dir, "--no-same-owner", "--no-same-permissions"],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!out.success) {
      const why = new TextDecoder().decode(out.stderr).trim().split("\n")[0];
      throw refused(`the upload is not a release tarball (tar.xz): ${why}`);
    }
    const entries = await Array.fromAsync(Deno.readDir(dir));
    if (entries.length !== 1 || !entries[0]!.isDirectory) {
      throw refused("the tarball is not one release folder");
    }
    const release = join(dir, entries[0]!.name);
    const problems = await verifyReleaseDir(release, spki).catch((err) => [
      `the release cannot be read: ${err instanceof Error ? err.message : String(err)}`,
    ]);
    if (problems.length > 0) {
      throw refused(`the release does not verify: ${problems.slice(0, 3).join("; ")}`, {
        problems: problems.slice(0, 20),
      });
    }
    // Signed and whole: its release.json is what the signer wrote.
    const info = ReleaseInfoSchema.parse(
      JSON.parse(await Deno.readTextFile(join(release, "release.json"))),
    );
    if (info.arch !== boxArch()) {
      throw refused(`the release is for ${info.arch}; this box is ${boxArch()}`);
    }
    if (entries[0]!.name !== `openskylab-${info.version}-linux-${info.arch}`) {
      throw refused(`the release folder ${entries[0]!.name} does not match its release.json`);
    }
    return { info, dir: release, scratch: dir };
  } catch (err) {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw err;
  }
}
