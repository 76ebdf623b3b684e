/**
 * The build cache outside git (npm tarballs, the debootstrap tarball and downloaded .debs, built
 * test images and test releases): $OPENSKYLAB_BUILD_CACHE, else $XDG_CACHE_HOME/openskylab-build
 * or ~/.cache/openskylab-build. Entries are keyed on a hash of what they are built from, so a
 * change rebuilds and a rerun reuses; `withLock` keeps two processes (parallel test files, two
 * shells) from building the same entry at once.
 */
import { join, relative } from "node:path";

export function buildCacheDir(env: Record<string, string | undefined> = Deno.env.toObject()) {
  return env.OPENSKYLAB_BUILD_CACHE ??
    join(env.XDG_CACHE_HOME ?? join(env.HOME ?? "/tmp", ".cache"), "openskylab-build");
}

/**
 * SHA-256 over the paths, exec bits and contents of every file under `paths` (relative to
 * `root`), documentation (`*.md`) left out: it goes into no artefact.
 */
export async function hashTree(root: string, paths: readonly string[]): Promise<string> {
  const files: string[] = [];
  const walk = async (path: string) => {
    const info = await Deno.stat(path);
    if (info.isFile && !path.endsWith(".md")) files.push(path);
    else if (info.isDirectory) {
      for await (const entry of Deno.readDir(path)) await walk(join(path, entry.name));
    }
  };
  for (const p of paths) await walk(join(root, p));
  files.sort();
  const parts: Uint8Array[] = [];
  const encoder = new TextEncoder();
  for (const file of files) {
    const info = await Deno.stat(file);
    parts.push(encoder.encode(`${relative(root, file)}\0${(info.mode ?? 0) & 0o111}\0`));
    parts.push(new Uint8Array(await crypto.subtle.digest("SHA-256", await Deno.readFile(file))));
  }
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Runs `fn` holding an exclusive lock named `path` (a file created with createNew). A lock older
 * than `staleMs` is taken to be left by a killed process and broken.
 */
export async function withLock<T>(
  path: string,
  fn: () => Promise<T>,
  o: { waitMs?: number; staleMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (o.waitMs ?? 60 * 60_000);
  const staleMs = o.staleMs ?? 60 * 60_000;
  while (true) {
    try {
      const file = await Deno.open(path, { write: true, createNew: true });
      await file.write(new TextEncoder().encode(`${Deno.pid}\n`));
      file.close();
      break;
    } catch (err) {
      if (!(err instanceof Deno.errors.AlreadyExists)) throw err;
      const info = await Deno.stat(path).catch(() => null);
      if (info?.mtime && Date.now() - info.mtime.getTime() > staleMs) {
        await Deno.remove(path).catch(() => {});
        continue;
      }
      if (Date.now() > deadline) throw new Error(`${path}: still locked after waiting`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    await Deno.remove(path).catch(() => {});
  }
}
