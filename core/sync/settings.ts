/**
 * Cloud sync's settings live in `<data dir>/sync.json`, mode 0600, written durably (temporary
 * file, fsync, rename). Not in config.toml, because the phone edits them at run time; not in the
 * database, because the database is itself backed up to the store, and a copy of the store's own
 * credentials inside that store would hand them to anyone who can read a backup. The secret never
 * leaves this file: GET shows the access key masked and only whether a secret is set, and nothing
 * logs either.
 */
import { dirname } from "node:path";
import type { Logger } from "../../lib/log.ts";
import { badRequest } from "../../lib/errors.ts";
import { SyncConfigBody, type SyncConfigDto, SyncSettings } from "../schemas/sync.ts";

export const SETTINGS_FILE = "sync.json";

export class SettingsStore {
  readonly #path: string;
  readonly #log: Logger;
  #current: SyncSettings = SyncSettings.parse({});
  /** Why the file could not be used (it is then left untouched), or null. */
  #problem: string | null = null;

  constructor(path: string, log: Logger) {
    this.#path = path;
    this.#log = log;
  }

  get current(): SyncSettings {
    return this.#current;
  }

  get problem(): string | null {
    return this.#problem;
  }

  async load(): Promise<SyncSettings> {
    let text: string;
    try {
      text = await Deno.readTextFile(this.#path);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
      return this.#current;
    }
    try {
      this.#current = SyncSettings.parse(JSON.parse(text));
      this.#problem = null;
    } catch (err) {
      // A broken file is kept for the user to fix; sync stays off meanwhile.
      this.#problem = `${this.#path} is not valid: ${(err as Error).message.slice(0, 300)}`;
      this.#log.error("cloud sync settings cannot be used; sync stays off", { path: this.#path });
    }
    await warnIfShared(this.#path, this.#log);
    return this.#current;
  }

  async save(settings: SyncSettings): Promise<void> {
    const valid = SyncSettings.parse(settings);
    await writeSecretDurably(this.#path, `${JSON.stringify(valid, null, 2)}\n`);
    this.#current = valid;
    this.#problem = null;
  }
}

/** "AKIA…MPLE": enough to recognise a key, not enough to use it. */
export function maskKey(id: string | null): string | null {
  if (id === null) return null;
  return id.length <= 8 ? "…" : `${id.slice(0, 4)}…${id.slice(-4)}`;
}

export function isConfigured(s: SyncSettings): boolean {
  return s.endpoint !== null && s.bucket !== null && s.access_key_id !== null &&
    s.secret_access_key !== null;
}

export function toConfigDto(s: SyncSettings): SyncConfigDto {
  const { secret_access_key, ...rest } = s;
  return {
    ...rest,
    access_key_id: maskKey(s.access_key_id),
    secret_access_key_set: secret_access_key !== null,
    configured: isConfigured(s),
  };
}

/**
 * The settings after a PUT: the body replaces every field, except credentials left out (or sent
 * back masked), which keep their stored values. Enabling without complete credentials is a 400
 * naming the missing field; enabling the first time with no `sync_since` starts from now.
 */
export function applyConfigBody(
  current: SyncSettings,
  raw: SyncConfigBody,
  nowMs: number,
): SyncSettings {
  const body = SyncConfigBody.parse(raw);
  const keepId = body.access_key_id === undefined ||
    body.access_key_id === maskKey(current.access_key_id);
  const next: SyncSettings = {
    ...body,
    access_key_id: keepId ? current.access_key_id : body.access_key_id!,
    secret_access_key: body.secret_access_key ?? current.secret_access_key,
  };
  if (!keepId && body.access_key_id!.includes("…")) {
    throw badRequest("access_key_id", "looks masked; send the full key or leave it out to keep it");
  }
  if (next.enabled) {
    if (next.access_key_id === null) throw badRequest("access_key_id", "required to enable sync");
    if (next.secret_access_key === null) {
      throw badRequest("secret_access_key", "required to enable sync");
    }
    if (next.sync_since === null) next.sync_since = new Date(nowMs).toISOString();
  }
  return SyncSettings.parse(next);
}

async function writeSecretDurably(path: string, text: string): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const temp = `${path}.tmp-${crypto.randomUUID().slice(0, 8)}`;
  const file = await Deno.open(temp, { write: true, createNew: true, mode: 0o600 });
  try {
    await file.write(new TextEncoder().encode(text));
    await file.syncData();
  } finally {
    file.close();
  }
  try {
    await Deno.chmod(temp, 0o600); // the umask cannot loosen it, but be explicit
    await Deno.rename(temp, path);
  } catch (err) {
    await Deno.remove(temp).catch(() => {});
    throw err;
  }
  const dir = await Deno.open(dirname(path), { read: true }).catch(() => null);
  try {
    await dir?.sync();
  } catch {
    /* some filesystems cannot fsync a directory */
  } finally {
    dir?.close();
  }
}

async function warnIfShared(path: string, log: Logger): Promise<void> {
  const { mode } = await Deno.stat(path);
  if (mode !== null && (mode & 0o077) !== 0) {
    log.warn(`${path} holds the store's credentials but other users can read it: chmod 600 it`, {
      path,
    });
  }
}
