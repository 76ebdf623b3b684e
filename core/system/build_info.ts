/**
 * What this build of OpenSkyLab is: its version, when it was built, the commit, and the Ed25519
 * public key its updates must be signed with. A release bakes these in: `deno task release`
 * bundles a generated entry that calls `setBuildInfo` before the CLI runs. A source checkout has
 * none baked, and reports the source version with a fixed build floor. Read it with `buildInfo()`
 * when needed, never at import time, so the baked values are the ones seen.
 */
import { z } from "zod";

/** The version of the source tree; a release may be built under another (`--version`). */
export const SOURCE_VERSION = "0.1.0";

/** A source run accepts no clock earlier than this (a release uses its own build time). */
export const SOURCE_BUILD_FLOOR_MS = Date.UTC(2026, 0, 1);

export const BuildInfoSchema = z.object({
  version: z.string().min(1),
  /** "release" when baked by tools/release, "source" for a checkout run through deno. */
  kind: z.enum(["release", "source"]),
  /** Unix ms of the build; for a source run, SOURCE_BUILD_FLOOR_MS. */
  build_time_ms: z.number().int(),
  commit: z.string().nullable(),
  /** SPKI DER, base64: the key the next release must be signed with; null in a source run. */
  update_key_spki_b64: z.string().nullable(),
});
export type BuildInfo = z.infer<typeof BuildInfoSchema>;

let baked: BuildInfo | null = null;

/** Called once by a release's generated entry, before anything else runs. */
export function setBuildInfo(info: BuildInfo): void {
  baked = BuildInfoSchema.parse(info);
}

export function buildInfo(): BuildInfo {
  return baked ?? {
    version: SOURCE_VERSION,
    kind: "source",
    build_time_ms: SOURCE_BUILD_FLOOR_MS,
    commit: null,
    update_key_spki_b64: null,
  };
}
