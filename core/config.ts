/**
 * The box's configuration: `config.toml` (smol-toml) validated by one zod schema, which is also the
 * source of the `Config` type. A fresh box writes the file with a new API token (mode 0600, the
 * token is a secret); a file the user broke is reported with the offending key or line and never
 * overwritten, so a typo cannot cost them their settings. Unknown keys are warned about, not
 * rejected, so a config from a newer firmware still starts an older one. Where the file is, and
 * what flags and the environment override, is the command line's business (cli/paths.ts).
 */
import { dirname } from "node:path";
import { parse, stringify, TomlError } from "smol-toml";
import type { TomlTable } from "smol-toml";
import { z } from "zod";
import { KNOWN_TOKENS } from "./frames/file_name.ts";
import { LOG_LEVELS, type Logger, silentLogger } from "../lib/log.ts";
import { isValidCidr } from "../lib/net/cidr.ts";
import { RESERVED_SURVEY_NAMES, SURVEY_NAME } from "./schemas/hips.ts";

/** Loopback (v4, v6) and the hotspot subnet the box serves to phones. */
export const DEFAULT_TRUSTED_NETWORKS = ["127.0.0.0/8", "::1/128", "10.42.0.0/24"] as const;

/**
 * Frame file names, like NINA's image file pattern. "/" makes folders; ".fits" is appended.
 * Tokens: {object} target name · {date} the observing night, local YYYY-MM-DD (does not change at
 * midnight) · {time} exposure start, HHMMSS UTC · {frame_type} LIGHT/DARK/BIAS/FLAT · {filter}
 * filter name or NOFILTER · {exposure} seconds · {gain} · {offset} · {binning} e.g. 2x2 ·
 * {temp} sensor °C rounded, NA when unknown · {seq} 4-digit counter · {camera} camera name.
 */
export const DEFAULT_FILE_PATTERN =
  "{object}/{date}/{object}_{frame_type}_{filter}_{exposure}s_g{gain}_{temp}C_{seq}";

/** Sky surveys served through the HiPS cache out of the box: DSS2 in colour from CDS. */
export const DEFAULT_HIPS_SURVEYS = [{
  name: "dss2-color",
  urls: [
    "https://alasky.cds.unistra.fr/DSS/DSSColor",
    "https://alaskybis.cds.unistra.fr/DSS/DSSColor",
  ],
}] as const;

/** An error in the config file (or a flag, cli/paths.ts); callers report it and exit non-zero. */
export class ConfigError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ConfigError";
  }
}

const Port = z.number().int().min(0).max(65535).describe("0 lets the OS choose (tests)");

const ServerSchema = z.object({
  port: Port.default(7624),
  host: z.string().min(1).default("0.0.0.0"),
  trusted_networks: z.array(z.string().refine(isValidCidr, "expected a CIDR block like 10.0.0.0/8"))
    .default(() => [...DEFAULT_TRUSTED_NETWORKS])
    .describe("clients in these networks are local and need no token"),
  cors_origins: z.array(z.string().refine(isOrigin, "expected an origin like http://host:8080"))
    .default(() => []).describe("[] means same-origin only"),
  extra_ports: z.array(z.number().int().min(1).max(65535)).max(8).default(() => [])
    .describe("more ports the API and app answer on (80 on a box); one that fails is logged"),
  https_port: Port.optional().describe(
    "HTTPS with the box's own CA on this port too (443 on a box); unset: no HTTPS, no CA",
  ),
});

const StorageSchema = z.object({
  data_dir: z.string().min(1).optional().describe("--data-dir and OPENSKYLAB_DATA_DIR win"),
  file_pattern: z.string().min(1).superRefine(checkFilePattern).default(DEFAULT_FILE_PATTERN),
});

const FileAuthSchema = z.object({
  // A short token is guessable from the LAN; the generated one has 43 characters.
  token: z.string().min(16).optional().describe("generated at first start when absent"),
});

const HipsSurveySchema = z.object({
  name: z.string().regex(SURVEY_NAME, "letters, digits, . _ - (at most 64)")
    .refine(
      (n) => ![...RESERVED_SURVEY_NAMES, "tycho2"].includes(n),
      "a reserved name (tycho2 is the box's own catalogue)",
    )
    .describe("the name in /hips/{name}/…"),
  urls: z.array(z.url({ protocol: /^https?$/ })).min(1).max(8)
    .describe("base URLs of the survey on HiPS servers, tried in order (mirrors)"),
});

const HipsSchema = z.object({
  mirror_dir: z.string().min(1).optional()
    .describe(
      "local HiPS copies, one folder per survey with its properties (default <data dir>/hips/surveys)",
    ),
  cache_max_mb: z.number().min(1).max(1_000_000).default(2048)
    .describe("size cap of the fetch-through tile cache; least recently used tiles go first"),
  max_age_days: z.number().min(0).max(3650).default(180)
    .describe("a cached tile older than this is fetched again when the upstream answers"),
  upstream_timeout_s: z.number().min(0.1).max(120).default(8)
    .describe("per upstream request; then the stale tile or a 504"),
  offline_retry_s: z.number().min(0).max(3600).default(30)
    .describe("after an upstream failure, answer from the cache without asking it for this long"),
  prefetch_concurrency: z.number().int().min(1).max(16).default(4),
  prefetch_max_files: z.number().int().min(1).max(1_000_000).default(20_000)
    .describe("a prefetch asking for more files is refused"),
  surveys: z.array(HipsSurveySchema).max(50).default(() =>
    DEFAULT_HIPS_SURVEYS.map((s) => ({ ...s, urls: [...s.urls] }))
  )
    .superRefine((surveys, ctx) => {
      const seen = new Set<string>();
      surveys.forEach((s, i) => {
        if (seen.has(s.name)) {
          ctx.addIssue({ code: "custom", path: [i, "name"], message: `"${s.name}" appears twice` });
        }
        seen.add(s.name);
      });
    })
    .describe("upstream surveys served through the cache"),
});

const TelemetrySchema = z.object({
  sample_interval_s: z.number().int().min(1).max(300).default(10)
    .describe("seconds between health samples (the history keeps raw samples for 24 h)"),
  disk_warn_mb: z.number().int().min(1).default(4096)
    .describe("warn when the data disk has less free space than this"),
  disk_reserve_mb: z.number().int().min(1).default(1024)
    .describe("below this no new exposure or sequence frame starts; keep a few frames' worth"),
  cpu_temp_warn_c: z.number().min(30).max(120).default(80)
    .describe("warn when the CPU is this hot (a Raspberry Pi throttles from 80 °C)"),
  vcgencmd: z.string().default("vcgencmd")
    .describe('Raspberry Pi OS\'s vcgencmd, asked when sysfs has no get_throttled; "" = never'),
  host_root: z.string().min(1).default("/")
    .describe("where /proc and /sys are read from (tests point it at a recorded tree)"),
}).refine((t) => t.disk_reserve_mb <= t.disk_warn_mb, {
  message: "disk_reserve_mb must not be above disk_warn_mb",
  path: ["disk_reserve_mb"],
});

/** The file as written: the token may be missing until `loadConfig` adds one. */
export const ConfigFileSchema = z.object({
  server: ServerSchema.prefault({}),
  auth: FileAuthSchema.prefault({}),
  storage: StorageSchema.prefault({}),
  logging: z.object({ level: z.enum(LOG_LEVELS).default("info") }).prefault({}),
  alpaca: z.object({
    port: Port.default(11111),
    // Where device discovery sends its probe: the LAN broadcast on a box, loopback in tests.
    discovery_address: z.string().min(1).default("255.255.255.255")
      .describe("address the Alpaca discovery probe is sent to"),
    discovery_port: z.number().int().min(1).max(65535).default(32227)
      .describe("UDP port Alpaca servers answer discovery on"),
  }).prefault({}),
  indi: z.object({
    port: Port.default(7625).describe("the box's own indiserver (INDI's usual 7624 is the API's)"),
  }).prefault({}),
  devices: z.object({
    zwo_library_dir: z.string().min(1).optional()
      .describe("folder holding libASICamera2.so, libEAFFocuser.so, libEFWFilter.so"),
    cooler_ramp_step_s: z.number().min(1).max(300).default(10)
      .describe("how often a cooler ramp moves the camera's set point"),
  }).prefault({}),
  sequencer: z.object({
    auto_resume: z.boolean().default(false)
      .describe("resume a sequence run interrupted by a crash or power cut at start"),
  }).prefault({}),
  safety: z.object({
    enabled: z.boolean().default(true),
    resume_after_safe_s: z.number().min(0).max(86_400).default(900)
      .describe("how long it must stay safe before the box reopens and resumes"),
    weather_lost_grace_s: z.number().min(0).max(3600).default(120)
      .describe("a weather station that stays disconnected this long counts as unsafe"),
  }).prefault({}),
  solver: z.object({
    timeout_s: z.number().min(1).max(3600).default(120).describe("per plate-solve job"),
    concurrency: z.number().int().min(1).max(16).default(1)
      .describe("solves at once; solvers are CPU-bound (1 on a 2-core box)"),
    search_radius_deg: z.number().min(0.1).max(180).default(15)
      .describe("search radius around a position hint"),
    index_mirror: z.string().default("")
      .describe("base URL solver databases are downloaded from; empty = not configured"),
    index_dir: z.string().min(1).default("/usr/share/astrometry")
      .describe("astrometry.net index files (where solve-field looks and downloads go)"),
    astap_database_dir: z.string().min(1).default("/usr/share/astap/data")
      .describe("ASTAP star databases"),
  }).prefault({}),
  pointing: z.object({
    apply: z.boolean().default(false)
      .describe("send gotos through the pointing model fitted to the alignment points"),
  }).prefault({}),
  // Cloud sync's pacing. What to upload and where is set at run time (PUT /sync/config, kept in
  // <data dir>/sync.json); these are the box's rhythms, which tests shorten.
  sync: z.object({
    probe_interval_s: z.number().min(0.01).max(3600).default(30)
      .describe("how often a box without a route to the store checks again"),
    scan_interval_s: z.number().min(0.01).max(3600).default(15)
      .describe("how often the frames table is read for frames to upload, besides each new frame"),
    retry_base_s: z.number().min(0.01).max(3600).default(30)
      .describe("wait after a failed upload attempt; doubles with each attempt"),
    retry_max_s: z.number().min(0.01).max(86_400).default(900)
      .describe("longest wait between attempts"),
    max_attempts: z.number().int().min(1).max(100).default(5)
      .describe("attempts before an upload the store refuses is marked failed"),
    request_attempts: z.number().int().min(1).max(20).default(5)
      .describe("tries of one request when the store fails transiently (5xx, reset, SlowDown)"),
    request_retry_base_ms: z.number().min(1).max(60_000).default(500),
    request_timeout_s: z.number().min(0.1).max(3600).default(60)
      .describe("a request during which no byte moves for this long is retried"),
  }).prefault({}),
  update: z.object({
    url: z.string().default("")
      .describe("URL of the release descriptor checked for updates ({arch} = x86_64/aarch64)"),
    max_release_mb: z.number().min(1).max(4096).default(400)
      .describe("largest release tarball accepted, downloaded or uploaded"),
    fetch_timeout_s: z.number().min(1).max(86_400).default(1800)
      .describe("longest a descriptor or tarball download may take"),
    gate_timeout_s: z.number().min(1).max(3600).default(120)
      .describe("how long a new release may take to answer and reconnect its devices"),
    install_dir: z.string().min(1).default("/opt/openskylab")
      .describe("where releases/<version>/ and the current symlink are"),
  }).prefault({}),
  system: z.object({
    os_control: z.boolean().default(false)
      .describe("let the API set this machine's clock and power it off or reboot it (a box)"),
    park_on_shutdown: z.boolean().default(false)
      .describe("park the mount before stopping: SIGTERM, shutdown and reboot from the phone"),
    park_timeout_s: z.number().min(1).max(900).default(120)
      .describe("how long a park at shutdown may take before the box goes down anyway"),
  }).prefault({}),
  hips: HipsSchema.prefault({}),
  telemetry: TelemetrySchema.prefault({}),
});

/** The configuration the rest of the box sees: always with a token. */
export const ConfigSchema = ConfigFileSchema.extend({
  auth: FileAuthSchema.extend({ token: z.string().min(16) }),
});
export type Config = z.infer<typeof ConfigSchema>;

/** Reads (or first creates) the config file. Throws ConfigError for anything the user must fix. */
export async function loadConfig(path: string, log: Logger): Promise<Config> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) {
      throw new ConfigError(`${path}: cannot read the config file: ${errorText(err)}`, {
        cause: err,
      });
    }
    const token = generateToken();
    await writeSecretFile(path, defaultConfigText(token));
    log.info("Created the config file with a new API token", { path });
    return ConfigSchema.parse({ auth: { token } });
  }
  const raw = parseToml(path, text);
  for (const key of unknownKeys(ConfigFileSchema, raw, [])) {
    log.warn(`${path}: unknown key "${key}" is ignored`, { path, key });
  }
  const file = validate(path, raw);
  if (file.auth.token !== undefined) {
    await warnIfShared(path, log);
    return { ...file, auth: { ...file.auth, token: file.auth.token } };
  }
  const token = generateToken();
  const auth = { ...(isTable(raw.auth) ? raw.auth : {}), token };
  await writeSecretFile(path, editPreservingText(text, { ...raw, auth }, insertToken(text, token)));
  log.info("Added a new API token to the config file", { path });
  return { ...file, auth: { ...file.auth, token } };
}

/** Replaces the API token (creating the file first if needed) and returns the new one. */
export async function rotateToken(path: string, log: Logger = silentLogger): Promise<string> {
  const old = (await loadConfig(path, log)).auth.token;
  const text = await Deno.readTextFile(path);
  const raw = parseToml(path, text);
  const token = generateToken();
  const auth = { ...(isTable(raw.auth) ? raw.auth : {}), token };
  // The old token is random, so its first quoted occurrence is the value itself.
  const edited = text.replace(`"${old}"`, `"${token}"`).replace(`'${old}'`, `"${token}"`);
  await writeSecretFile(path, editPreservingText(text, { ...raw, auth }, edited));
  log.info("Rotated the API token", { path });
  return token;
}

function parseToml(path: string, text: string): TomlTable {
  try {
    return parse(text);
  } catch (err) {
    if (!(err instanceof TomlError)) throw err;
    const reason = err.message.split("\n")[0]?.replace(/^Invalid TOML document: /, "");
    throw new ConfigError(
      `${path}:${err.line}:${err.column}: invalid TOML: ${reason}\n${err.codeblock}`,
      { cause: err },
    );
  }
}

function validate(path: string, raw: TomlTable): z.infer<typeof ConfigFileSchema> {
  const result = ConfigFileSchema.safeParse(raw, { reportInput: true });
  if (result.success) return result.data;
  const problems = result.error.issues.map(describeIssue);
  throw new ConfigError(
    problems.length === 1
      ? `${path}: ${problems[0]}`
      : `${path}: invalid configuration:\n  ${problems.join("\n  ")}`,
  );
}

/** `server.port: expected number ≤ 65535, got 70000` — the key path first, then what and why. */
function describeIssue(issue: z.core.$ZodIssue): string {
  const key = issue.path.length > 0 ? issue.path.map(String).join(".") : "(top level)";
  const bound = (inclusive: boolean | undefined, op: "<" | ">") =>
    op === "<" ? (inclusive ? "≤" : "<") : (inclusive ? "≥" : ">");
  let what: string;
  switch (issue.code) {
    case "invalid_type":
      what = `expected ${issue.expected}`;
      break;
    case "too_big":
      what = `expected ${issue.origin} ${bound(issue.inclusive, "<")} ${issue.maximum}` +
        (issue.origin === "string" || issue.origin === "array" ? " long" : "");
      break;
    case "too_small":
      what = `expected ${issue.origin} ${bound(issue.inclusive, ">")} ${issue.minimum}` +
        (issue.origin === "string" || issue.origin === "array" ? " long" : "");
      break;
    case "invalid_value":
      what = `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
      break;
    default:
      what = issue.message;
  }
  const input = (issue as { input?: unknown }).input;
  return `${key}: ${what}${input === undefined ? "" : `, got ${JSON.stringify(input)}`}`;
}

function checkFilePattern(pattern: string, ctx: z.RefinementCtx): void {
  for (const [, token] of pattern.matchAll(/\{([^}]*)\}/g)) {
    if (!(KNOWN_TOKENS as readonly string[]).includes(token ?? "")) {
      ctx.addIssue({
        code: "custom",
        message: `unknown token {${token}}; known: ${KNOWN_TOKENS.map((t) => `{${t}}`).join(" ")}`,
      });
    }
  }
  // Frames must land inside the data directory, whatever the pattern says.
  if (pattern.startsWith("/") || pattern.split("/").some((segment) => segment === "..")) {
    ctx.addIssue({ code: "custom", message: "must be a relative path without '..'" });
  }
}

/** Names every key of `value` the schema does not know, as dotted paths. */
function unknownKeys(schema: z.ZodType, value: unknown, path: string[]): string[] {
  let inner: z.ZodType = schema;
  // Peel default/prefault/optional wrappers down to the object schema.
  while ("innerType" in inner.def) inner = inner.def.innerType as z.ZodType;
  if (!(inner instanceof z.ZodObject) || !isTable(value)) return [];
  const shape = inner.shape as Record<string, z.ZodType>;
  return Object.entries(value).flatMap(([key, child]) => {
    const known = shape[key];
    return known === undefined
      ? [[...path, key].join(".")]
      : unknownKeys(known, child, [...path, key]);
  });
}

/** Adds `token = …` under an existing [auth] header, or appends an [auth] table. */
function insertToken(text: string, token: string): string {
  const line = `token = "${token}"`;
  const header = /^[ \t]*\[auth\][ \t]*(#.*)?$/m.exec(text);
  if (header === null) {
    return `${text}${text.endsWith("\n") || text === "" ? "" : "\n"}\n[auth]\n${line}\n`;
  }
  const at = header.index + header[0].length;
  return `${text.slice(0, at)}\n${line}${text.slice(at)}`;
}

/**
 * Keeps the user's comments and layout when a small text edit gives exactly the wanted document;
 * otherwise (inline tables, dotted keys…) re-serialises the values, losing only the comments.
 */
function editPreservingText(original: string, wanted: TomlTable, edited: string): string {
  try {
    if (edited !== original && canonical(parse(edited)) === canonical(wanted)) return edited;
  } catch {
    // The edit broke the document: fall through to a clean rewrite.
  }
  return stringify(wanted);
}

function canonical(value: unknown): string {
  const sortKeys = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sortKeys) : isTable(v)
      ? Object.fromEntries(
        Object.entries(v).sort(([a], [b]) => a < b ? -1 : 1).map((
          [k, x],
        ) => [k, sortKeys(x)]),
      )
      : v;
  return JSON.stringify(sortKeys(value));
}

/** Writes beside the target, fsyncs, renames: a power cut leaves the old file or the new one. */
async function writeSecretFile(path: string, text: string): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${crypto.randomUUID()}.tmp`;
  try {
    const file = await Deno.open(tmp, { write: true, createNew: true, mode: 0o600 });
    try {
      const bytes = new TextEncoder().encode(text);
      for (let done = 0; done < bytes.length;) done += await file.write(bytes.subarray(done));
      await file.sync();
    } finally {
      file.close();
    }
    // The umask may have widened or narrowed the mode; the token needs exactly 0600.
    await Deno.chmod(tmp, 0o600);
    await Deno.rename(tmp, path);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw new ConfigError(`${path}: cannot write the config file: ${errorText(err)}`, {
      cause: err,
    });
  }
}

async function warnIfShared(path: string, log: Logger): Promise<void> {
  const { mode } = await Deno.stat(path);
  if (mode !== null && (mode & 0o077) !== 0) {
    log.warn(`${path} holds the API token but other users can read it: chmod 600 it`, { path });
  }
}

function defaultConfigText(token: string): string {
  const d = ConfigFileSchema.parse({});
  const v = (value: unknown) => JSON.stringify(value);
  return [
    "# OpenSkyLab configuration, written at first start. Edit it and restart to apply.",
    "# Commented-out keys show their defaults.",
    "",
    "[server]",
    `# port = ${d.server.port}  # --port or OPENSKYLAB_PORT override it`,
    `# host = ${v(d.server.host)}`,
    "# Clients in these networks are local and need no token (loopback, the box's hotspot).",
    `# trusted_networks = ${v(d.server.trusted_networks)}`,
    "# Browser origins allowed to call the API from other pages; [] means same-origin only.",
    `# cors_origins = []`,
    "# More ports to answer on as well (a box uses [80] for the phone and captive-portal probes).",
    `# extra_ports = []`,
    "# HTTPS too, with a certificate of the box's own CA under <data dir>/tls (a box uses 443).",
    `# https_port = 443`,
    "",
    "[auth]",
    '# Remote clients send "Authorization: Bearer <token>". Keep this file private (mode 0600).',
    `token = ${v(token)}`,
    "",
    "[storage]",
    '# data_dir = "~/.local/share/openskylab"  # --data-dir or OPENSKYLAB_DATA_DIR override it',
    `# Frame file names. Tokens: ${KNOWN_TOKENS.map((t) => `{${t}}`).join(" ")}`,
    `# file_pattern = ${v(d.storage.file_pattern)}`,
    "",
    "[logging]",
    `# level = ${v(d.logging.level)}  # one of ${LOG_LEVELS.join(", ")}`,
    "",
    "[alpaca]",
    `# port = ${d.alpaca.port}`,
    "# Device discovery probes for Alpaca servers here.",
    `# discovery_address = ${v(d.alpaca.discovery_address)}`,
    `# discovery_port = ${d.alpaca.discovery_port}`,
    "",
    "[devices]",
    "# Folder of the ZWO SDK libraries, when they are not on the loader's search path.",
    '# zwo_library_dir = "/usr/local/lib"',
    "# A cooler ramp (ramp_c_per_min) moves the camera's set point this often.",
    `# cooler_ramp_step_s = ${d.devices.cooler_ramp_step_s}`,
    "",
    "[sequencer]",
    "# Resume a sequence run interrupted by a crash or power cut when the box starts.",
    `# auto_resume = ${d.sequencer.auto_resume}`,
    "",
    "[solver]",
    `# timeout_s = ${d.solver.timeout_s}`,
    `# concurrency = ${d.solver.concurrency}  # solvers are CPU-bound: 1 on a 2-core box`,
    `# search_radius_deg = ${d.solver.search_radius_deg}`,
    "# Base URL POST /solver/download-index fetches <database> (and <database>.sha256) from.",
    '# index_mirror = ""',
    `# index_dir = ${v(d.solver.index_dir)}`,
    `# astap_database_dir = ${v(d.solver.astap_database_dir)}`,
    "",
    "[pointing]",
    "# Send gotos through the pointing model fitted to the /mount/alignment points.",
    `# apply = ${d.pointing.apply}`,
    "",
    "[sync]",
    "# Cloud sync's rhythm; the store and what to upload are set with PUT /api/v1/sync/config.",
    `# probe_interval_s = ${d.sync.probe_interval_s}  # a box without a route checks this often`,
    `# retry_base_s = ${d.sync.retry_base_s}  # doubles per failed attempt, up to retry_max_s`,
    `# retry_max_s = ${d.sync.retry_max_s}`,
    `# max_attempts = ${d.sync.max_attempts}  # then an upload the store refuses is marked failed`,
    "",
    "[update]",
    "# Where the update check looks: the descriptor (.json) `deno task release` writes beside a",
    "# tarball, with its .sig beside it; {arch} becomes x86_64 or aarch64. Empty: upload only.",
    '# url = ""',
    `# max_release_mb = ${d.update.max_release_mb}`,
    `# gate_timeout_s = ${d.update.gate_timeout_s}  # a new release must be healthy by then`,
    "",
    "[system]",
    "# Let POST /system/time set this machine's clock and /system/shutdown and /reboot power it",
    "# off or reboot it (the box image turns this on). Off, shutdown and reboot only stop OpenSkyLab.",
    `# os_control = ${d.system.os_control}`,
    "# Park the mount before stopping (SIGTERM, shutdown and reboot from the phone).",
    `# park_on_shutdown = ${d.system.park_on_shutdown}`,
    `# park_timeout_s = ${d.system.park_timeout_s}`,
    "",
    "[hips]",
    "# Sky survey tiles for the framing view (/api/v1/hips/...). Local copies: one folder per",
    "# survey (with its properties file) under mirror_dir. Upstream surveys go through a cache.",
    '# mirror_dir = "<data dir>/hips/surveys"',
    `# cache_max_mb = ${d.hips.cache_max_mb}`,
    `# max_age_days = ${d.hips.max_age_days}`,
    `# upstream_timeout_s = ${d.hips.upstream_timeout_s}`,
    `# offline_retry_s = ${d.hips.offline_retry_s}`,
    `# prefetch_concurrency = ${d.hips.prefetch_concurrency}`,
    `# prefetch_max_files = ${d.hips.prefetch_max_files}`,
    "# Upstream surveys (each replaces the whole default list):",
    "# [[hips.surveys]]",
    `# name = ${v(DEFAULT_HIPS_SURVEYS[0].name)}`,
    `# urls = ${v(DEFAULT_HIPS_SURVEYS[0].urls)}`,
    "",
    "[telemetry]",
    `# sample_interval_s = ${d.telemetry.sample_interval_s}`,
    "# Warn below this much free space on the data disk; below the reserve no new exposure or",
    "# sequence frame starts (a running sequence pauses and resumes once space is freed).",
    `# disk_warn_mb = ${d.telemetry.disk_warn_mb}`,
    `# disk_reserve_mb = ${d.telemetry.disk_reserve_mb}`,
    `# cpu_temp_warn_c = ${d.telemetry.cpu_temp_warn_c}`,
    "",
  ].join("\n");
}

/** 32 random bytes, base64url without padding: 43 characters, safe in a header or a URL. */
function generateToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_")
    .replace(/=+$/, "");
}

function isOrigin(text: string): boolean {
  return URL.canParse(text) && new URL(text).origin === text;
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
    !(value instanceof Date);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
