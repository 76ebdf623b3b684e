/**
 * Licence shapes: the third-party inventory that `deno task licenses` (tools/licenses.ts)
 * generates at build time into core/license/third_party.generated.json, and what the License
 * group answers. Notice texts are kept once each, keyed by their SHA-256, and sent only when a
 * component's notice is asked for, so the summary a phone loads stays a few kilobytes.
 */
import { z } from "zod";

export const LICENCE_USES = ["shipped", "test", "platform", "types"] as const;

export const LicenceUse = z.enum(LICENCE_USES).describe(
  "shipped: in the app's module graph, the phone app (web/vendor) or the runtime; test: used " +
    "only by tests and build tools; platform: a native build for a platform no release " +
    "targets; types: type declarations only, never run",
);

export const ShippedIn = z.enum(["app", "web", "runtime"]);

export const NoticeRef = z.object({
  /** Where the text comes from: a file of the package, or of the component named before it. */
  file: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
});

export const ThirdPartyComponent = z.object({
  kind: z.enum(["npm", "runtime"]),
  name: z.string(),
  version: z.string(),
  licence: z.string().nullable().describe("SPDX expression; null when unknown"),
  licence_declared: z.string().nullable().describe("as the package declares it"),
  licence_problem: z.string().nullable().describe("why the licence is unknown or doubtful"),
  use: LicenceUse,
  shipped_in: z.array(ShippedIn),
  platforms: z.array(z.string()).nullable().describe(
    "native packages: the release platforms that carry it (os-cpu-libc)",
  ),
  repository: z.string().nullable(),
  integrity: z.string().nullable().describe("the lockfile's integrity of what was read"),
  notices: z.array(NoticeRef),
  notice_missing: z.string().nullable().describe("why there is no notice text"),
});

export const ProjectLicence = z.object({
  name: z.string(),
  spdx: z.string().nullable(),
  reason: z.string().nullable().describe("why spdx is null"),
  notice: NoticeRef.nullable(),
});

export const ThirdPartyDocument = z.object({
  format: z.literal(1),
  generated_by: z.string(),
  project: ProjectLicence,
  release_platforms: z.array(z.string()),
  components: z.array(ThirdPartyComponent),
  /** SHA-256 → notice text. */
  texts: z.record(z.string(), z.string()),
});

export type ThirdPartyComponentT = z.infer<typeof ThirdPartyComponent>;
export type ThirdPartyDocumentT = z.infer<typeof ThirdPartyDocument>;
export type NoticeRefT = z.infer<typeof NoticeRef>;

// ---- the API ----

export const ComponentSummaryDto = ThirdPartyComponent.pick({
  kind: true,
  name: true,
  version: true,
  licence: true,
  licence_problem: true,
  use: true,
  shipped_in: true,
  platforms: true,
  repository: true,
  notice_missing: true,
}).extend({ notice_bytes: z.number().int().describe("size of the notice texts") });

export const DebianSummaryDto = z.object({
  available: z.boolean(),
  os: z.string().nullable(),
  package_count: z.number().int().nullable(),
  reason: z.string().nullable().describe("why the Debian packages cannot be listed"),
});

export const LicenseSummaryDto = z.object({
  project: ProjectLicence.omit({ notice: true }).extend({
    notice_bytes: z.number().int().nullable(),
  }),
  counts: z.object({
    components: z.number().int(),
    shipped: z.number().int(),
    test: z.number().int(),
    platform: z.number().int(),
    types: z.number().int(),
    without_notice: z.number().int(),
    unknown_licence: z.number().int(),
  }),
  components: z.array(ComponentSummaryDto),
  debian: DebianSummaryDto,
});

export const NoticeTextDto = z.object({ file: z.string(), text: z.string() });

export const ComponentNoticeDto = ComponentSummaryDto.extend({
  notices: z.array(NoticeTextDto),
});

export const LicenseNoticeDto = z.object({
  name: z.string(),
  components: z.array(ComponentNoticeDto).describe("every version of that name the box carries"),
});

export const ProjectNoticeDto = ProjectLicence.omit({ notice: true }).extend({
  notice: NoticeTextDto.nullable(),
});

export const DebianPackageDto = z.object({
  name: z.string(),
  version: z.string(),
  architecture: z.string(),
  licence: z.string().nullable().describe("SPDX expression read from a DEP-5 copyright file"),
  declared: z.array(z.string()),
  machine_readable: z.boolean(),
  has_copyright: z.boolean(),
});

export const DebianPackagesDto = z.object({
  available: z.boolean(),
  os: z.string().nullable(),
  reason: z.string().nullable(),
  packages: z.array(DebianPackageDto),
});

export const DebianNoticeDto = z.object({
  name: z.string(),
  packages: z.array(DebianPackageDto).describe("one per installed architecture"),
  copyright: z.string().nullable().describe("/usr/share/doc/<name>/copyright"),
});

export const LicenseNameParam = z.object({
  name: z.string().min(1).describe("a component's name; a scoped npm name as %40scope%2Fname"),
});

export const LicenseScopedParam = z.object({
  scope: z.string().regex(/^@[^/]+$/, "must be an npm scope starting with @"),
  name: z.string().min(1),
});

export const LicenseNoticeQuery = z.object({
  version: z.string().min(1).optional().describe("only this version"),
});

export const DebianPackageParam = z.object({
  package: z.string().regex(/^[a-z0-9][a-z0-9+.-]+$/, "must be a Debian package name"),
});
