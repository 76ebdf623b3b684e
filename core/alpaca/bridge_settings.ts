/**
 * The Alpaca bridge's settings as stored (the database's kv table, key `alpaca.settings`), with
 * the defaults a fresh box starts from: the server on, every role exposed, served only to the
 * trusted networks, no credentials. The password is kept as a salted scrypt hash, never as
 * text; `verifyPassword` compares in constant time.
 */
import { Buffer } from "node:buffer";
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { ALPACA_ACCESS, BRIDGE_ROLES } from "../schemas/alpaca_bridge.ts";
import type { KvRepository } from "../store/kv.ts";

export const SETTINGS_KEY = "alpaca.settings";

const StoredCredentials = z.object({
  username: z.string(),
  salt: z.string().describe("base64"),
  hash: z.string().describe("base64 scrypt(password, salt), 32 bytes"),
});
export type StoredCredentials = z.infer<typeof StoredCredentials>;

export const StoredSettings = z.object({
  enabled: z.boolean().default(true),
  access: z.enum(ALPACA_ACCESS).default("trusted"),
  roles: z.array(z.enum(BRIDGE_ROLES)).default(() => [...BRIDGE_ROLES]),
  credentials: StoredCredentials.nullable().default(null),
});
export type StoredSettings = z.infer<typeof StoredSettings>;

/** The stored settings, or the defaults when none (or unreadable ones, which are reported). */
export async function loadSettings(
  kv: KvRepository | null,
  onBad: (why: string) => void = () => {},
): Promise<StoredSettings> {
  const raw = await kv?.get<unknown>(SETTINGS_KEY) ?? {};
  const parsed = StoredSettings.safeParse(raw);
  if (parsed.success) return parsed.data;
  onBad(parsed.error.message);
  return StoredSettings.parse({});
}

export async function saveSettings(kv: KvRepository | null, settings: StoredSettings) {
  await kv?.set(SETTINGS_KEY, settings);
}

/** scrypt's default cost (N = 16384): tens of ms on a Pi, once per new Authorization header. */
function derive(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize("NFC"), salt, 32, (err, key) => err ? reject(err) : resolve(key))
  );
}

export async function hashCredentials(
  username: string,
  password: string,
): Promise<StoredCredentials> {
  const salt = randomBytes(16);
  const hash = await derive(password, salt);
  return { username, salt: salt.toString("base64"), hash: hash.toString("base64") };
}

export async function verifyPassword(
  stored: StoredCredentials,
  password: string,
): Promise<boolean> {
  const expected = Buffer.from(stored.hash, "base64");
  const actual = await derive(password, Buffer.from(stored.salt, "base64"));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
