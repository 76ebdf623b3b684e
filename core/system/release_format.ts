/**
 * The release format (tools/RELEASE.md), shared by the build that writes it (tools/release/) and
 * the box that checks it (the update check): a folder with `release.json`, `MANIFEST` (one
 * `sha256  path` line per file, as `sha256sum` writes and checks) and `MANIFEST.sig`, the raw
 * 64-byte Ed25519 signature of the MANIFEST bytes. Signing the manifest rather than the tarball
 * keeps verification in memory-sized pieces: the signature covers a few kilobytes, each file is
 * hashed as it is read. Verification is WebCrypto's Ed25519, which accepts what
 * `openssl pkeyutl -sign -rawin` makes, so either side can be checked with openssl.
 */
import { join } from "node:path";
import { z } from "zod";

export const RELEASE_INFO_FILE = "release.json";
export const MANIFEST_FILE = "MANIFEST";
export const SIGNATURE_FILE = "MANIFEST.sig";
/** The public key (SPKI PEM) the *next* release must be signed with. */
export const UPDATE_KEY_FILE = "release-key.pem";

export const RELEASE_ARCHES = ["x86_64", "aarch64"] as const;
export type ReleaseArch = typeof RELEASE_ARCHES[number];

export const ReleaseInfoSchema = z.object({
  format: z.literal(1),
  name: z.literal("openskylab"),
  version: z.string().regex(/^[0-9A-Za-z][0-9A-Za-z.+~-]*$/),
  arch: z.enum(RELEASE_ARCHES),
  /** "bundle": lib/deno runs app/main.js; "compiled": bin/openskylab is one deno-compiled file. */
  kind: z.enum(["bundle", "compiled"]),
  deno_version: z.string(),
  build_time_ms: z.number().int(),
  commit: z.string().nullable(),
  update_key_spki_b64: z.string(),
  /** Signed with a throwaway key made by the build: no update will ever verify against it. */
  dev_key: z.boolean(),
});
export type ReleaseInfo = z.infer<typeof ReleaseInfoSchema>;

const MANIFEST_LINE = /^([0-9a-f]{64}) {2}(.+)$/;

/** `sha256  path` lines → path → hex digest; throws on anything else (or a path leaving the folder). */
export function parseManifest(text: string): Map<string, string> {
  const entries = new Map<string, string>();
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  for (const [i, line] of lines.entries()) {
    const match = MANIFEST_LINE.exec(line);
    if (!match) throw new SyntaxError(`MANIFEST line ${i + 1} is not "sha256  path": ${line}`);
    const path = match[2]!;
    if (path.startsWith("/") || path.split("/").some((p) => p === ".." || p === "." || p === "")) {
      throw new SyntaxError(`MANIFEST line ${i + 1} names a path outside the release: ${path}`);
    }
    if (entries.has(path)) throw new SyntaxError(`MANIFEST names ${path} twice`);
    entries.set(path, match[1]!);
  }
  return entries;
}

/** The MANIFEST text for `entries` (path → hex digest), sorted by path. */
export function formatManifest(entries: Map<string, string>): string {
  return [...entries].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)
    .map(([path, digest]) => `${digest}  ${path}\n`).join("");
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function pemToDer(pem: string, label: string): Uint8Array {
  const match = new RegExp(`-----BEGIN ${label}-----([^-]+)-----END ${label}-----`).exec(pem);
  if (!match) throw new SyntaxError(`expected a PEM "${label}" block`);
  return Uint8Array.from(atob(match[1]!.replace(/\s+/g, "")), (c) => c.charCodeAt(0));
}

export function derToPem(der: Uint8Array, label: string): string {
  const b64 = btoa(String.fromCharCode(...der));
  return `-----BEGIN ${label}-----\n${b64.match(/.{1,64}/g)!.join("\n")}\n-----END ${label}-----\n`;
}

export function base64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

export function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/** True when `signature` is `spki`'s Ed25519 signature of `message`. */
export async function verifyEd25519(
  spki: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  const key = await crypto.subtle.importKey(
    "spki",
    spki as Uint8Array<ArrayBuffer>,
    { name: "Ed25519" },
    false,
    ["verify"],
  );
  return await crypto.subtle.verify(
    { name: "Ed25519" },
    key,
    signature as Uint8Array<ArrayBuffer>,
    message as Uint8Array<ArrayBuffer>,
  );
}

/**
 * Checks an unpacked release folder against a trusted key: the MANIFEST's signature, every file's
 * hash, and no file the MANIFEST does not name. Returns the problems found ([] when it is good).
 */
export async function verifyReleaseDir(dir: string, trustedSpki: Uint8Array): Promise<string[]> {
  const manifestBytes = await Deno.readFile(join(dir, MANIFEST_FILE));
  const signature = await Deno.readFile(join(dir, SIGNATURE_FILE));
  if (!await verifyEd25519(trustedSpki, manifestBytes, signature)) {
    return ["MANIFEST.sig is not a signature of MANIFEST by the trusted key"];
  }
  const problems: string[] = [];
  const listed = parseManifest(new TextDecoder().decode(manifestBytes));
  for (const [path, digest] of listed) {
    const actual = await Deno.readFile(join(dir, path)).then(sha256Hex, () => null);
    if (actual === null) problems.push(`${path} is missing`);
    else if (actual !== digest) problems.push(`${path} does not match its sha256`);
  }
  for (const path of await listFiles(dir)) {
    if (path !== MANIFEST_FILE && path !== SIGNATURE_FILE && !listed.has(path)) {
      problems.push(`${path} is not in the MANIFEST`);
    }
  }
  return problems;
}

/** Every regular file under `dir`, as a relative path with "/" separators. */
export async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(join(dir, prefix))) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory) found.push(...await listFiles(dir, path));
    else found.push(path);
  }
  return found.sort();
}
