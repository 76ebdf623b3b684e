/**
 * The npm packages deno.lock pins: every one, transitive and platform-specific ones included,
 * with the integrity the lock checks and the os/cpu it records for native builds. A lock key is
 * `name@version` with, for packages resolved against peers, `_peer@version` suffixes
 * (`@hono/zod-openapi@1.6.3_hono@4.13.19_zod@4.6.7`); the key is the package's identity here.
 */

export interface LockPackage {
  /** The lock's key, e.g. `@libsql/client@0.18.0`. */
  id: string;
  name: string;
  version: string;
  integrity: string | null;
  os: string[] | null;
  cpu: string[] | null;
}

export interface DenoLock {
  version?: string;
  specifiers?: Record<string, string>;
  npm?: Record<string, { integrity?: string; os?: string[]; cpu?: string[] }>;
}

/** `@scope/name@1.2.3_peer@4` → name and version. */
export function splitPackageId(id: string): { name: string; version: string } {
  const at = id.indexOf("@", 1);
  if (at < 0) throw new Error(`"${id}" is not a name@version`);
  const name = id.slice(0, at);
  const version = id.slice(at + 1).split("_", 1)[0]!;
  return { name, version };
}

export function lockPackages(lock: DenoLock): LockPackage[] {
  return Object.entries(lock.npm ?? {}).map(([id, entry]) => ({
    id,
    ...splitPackageId(id),
    integrity: entry.integrity ?? null,
    os: entry.os ?? null,
    cpu: entry.cpu ?? null,
  }));
}

/** The lock key a specifier like `npm:swagger-ui-dist@5.35.0` resolves to, or null. */
export function resolveSpecifier(lock: DenoLock, name: string, range: string): string | null {
  const resolved = lock.specifiers?.[`npm:${name}@${range}`];
  return resolved === undefined ? null : `${name}@${resolved}`;
}
