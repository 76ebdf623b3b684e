/**
 * Where the box's TLS files live (`<data dir>/tls/`, mode 0700) and how a new pair of key and
 * certificate is put there: openssl writes into a private staging folder beside them, the key
 * gets mode 0600, and the files are renamed into place key first, certificate last. A power cut
 * in between leaves at worst a new key beside the old certificate, which the next start treats
 * as "no certificate yet" or "does not match" and repairs; never a half-written file.
 */
import { join } from "node:path";
import { syncDirectory } from "../../lib/durable_write.ts";

export const CA_KEY = "ca.key";
export const CA_CERT = "ca.crt";
export const LEAF_KEY = "server.key";
export const LEAF_CERT = "server.crt";

export async function ensurePrivateDir(dir: string): Promise<void> {
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  // mkdir's mode goes through the umask and leaves an existing folder alone.
  await Deno.chmod(dir, 0o700);
}

/** A fresh staging folder inside `dir`; `fn` fills it, then `install` moves the named files. */
export async function withStaging<T>(
  dir: string,
  fn: (staging: string) => Promise<T>,
): Promise<T> {
  const staging = await Deno.makeTempDir({ dir, prefix: ".new-" });
  try {
    return await fn(staging);
  } finally {
    await Deno.remove(staging, { recursive: true }).catch(() => {});
  }
}

/** Moves `key` (mode 0600) then `cert` (0644) from `staging` into `dir`, each atomically. */
export async function installPair(
  staging: string,
  dir: string,
  key: string,
  cert: string,
): Promise<void> {
  await Deno.chmod(join(staging, key), 0o600);
  await Deno.chmod(join(staging, cert), 0o644);
  await Deno.rename(join(staging, key), join(dir, key));
  await Deno.rename(join(staging, cert), join(dir, cert));
  await syncDirectory(dir);
}

/** The file's text, or null when it does not exist. */
export async function readIfPresent(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
}
