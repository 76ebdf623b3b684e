/**
 * The update group's API shapes: checking a configured URL for a newer release, uploading one
 * from the phone, applying the staged release, its status and a rollback by hand. The release
 * descriptor (the signed `.json` beside a tarball, tools/RELEASE.md) is parsed here as well.
 */
import { z } from "zod";
import { ReleaseInfoSchema } from "../system/release_format.ts";

/** What `deno task release` writes beside each tarball, signed in `<descriptor>.sig`. */
export const ReleaseDescriptorSchema = ReleaseInfoSchema.extend({
  tarball: z.string().regex(/^[0-9A-Za-z][0-9A-Za-z.+~_-]*\.tar\.xz$/),
  tarball_sha256: z.string().regex(/^[0-9a-f]{64}$/),
  tarball_bytes: z.number().int().positive(),
});
export type ReleaseDescriptor = z.infer<typeof ReleaseDescriptorSchema>;

export const UPDATE_STATES = [
  "idle",
  "checking",
  "downloading",
  "verifying",
  "ready",
  "applying",
  "failed",
] as const;
export type UpdateState = typeof UPDATE_STATES[number];

export const UpdateCheckBody = z.object({
  url: z.url({ protocol: /^https?$/ }).optional()
    .describe("descriptor URL instead of config `update.url`; `{arch}` becomes x86_64/aarch64"),
  download: z.boolean().default(true)
    .describe("download and verify a newer release at once (else only report it)"),
  force: z.boolean().default(false)
    .describe("accept a release older than the running one (a deliberate downgrade)"),
});

export const UpdateUploadQuery = z.object({
  force: z.enum(["true", "false"]).default("false")
    .describe("accept a release older than the running one (a deliberate downgrade)"),
});

export const StagedReleaseDto = z.object({
  version: z.string(),
  arch: z.string(),
  source: z.enum(["check", "upload"]),
  bytes: z.number().int(),
  build_time_ms: z.number().int(),
  commit: z.string().nullable(),
  forced: z.boolean().describe("older than the running release, accepted with force"),
  verified_at_ms: z.number(),
});
export type StagedRelease = z.infer<typeof StagedReleaseDto>;

export const UpdateOutcomeDto = z.object({
  result: z.enum(["applied", "rolled_back", "aborted"]),
  from: z.string(),
  to: z.string(),
  reason: z.string().nullable(),
  at_s: z.number().describe("Unix seconds, by the box's clock"),
});
export type UpdateOutcome = z.infer<typeof UpdateOutcomeDto>;

export const UpdateStatusDto = z.object({
  state: z.enum(UPDATE_STATES),
  message: z.string().nullable(),
  running: z.object({
    version: z.string(),
    kind: z.enum(["release", "source"]),
    installed: z.boolean().describe("runs from <install dir>/current: apply and rollback work"),
    reason: z.string().nullable().describe("why apply and rollback are refused, when they are"),
  }),
  available: z.object({
    version: z.string(),
    tarball_bytes: z.number(),
    newer: z.boolean(),
  }).nullable().describe("what the last check found"),
  staged: StagedReleaseDto.nullable().describe("verified and ready to apply"),
  progress: z.object({ done_bytes: z.number(), total_bytes: z.number().nullable() }).nullable(),
  pending: z.object({ from: z.string(), to: z.string(), phase: z.string() }).nullable()
    .describe("an apply under way (the box restarts into the new release)"),
  last: UpdateOutcomeDto.nullable().describe("how the last apply or rollback ended"),
  previous: z.string().nullable().describe("the release a rollback returns to"),
});
export type UpdateStatus = z.infer<typeof UpdateStatusDto>;
