/**
 * The Alpaca management API and setup pages: which API versions we speak, who we are, and which
 * devices are configured — each with a UniqueID of 122 random bits kept in the database's kv
 * table, so NINA recognises the same camera after the box restarts.
 */
import type { KvRepository } from "../../core/store/kv.ts";
import type { DeviceType } from "./device_type.ts";

export const UNIQUE_IDS_KEY = "alpaca.unique_ids";

/** Loads the stored UniqueIDs, creating (and storing) one for every type that lacks it. */
export async function loadUniqueIds(
  kv: KvRepository | null,
  types: readonly DeviceType[],
): Promise<Map<string, string>> {
  const stored = (await kv?.get<Record<string, string>>(UNIQUE_IDS_KEY)) ?? {};
  let changed = false;
  for (const t of types) {
    const key = `${t.type}/0`;
    if (typeof stored[key] !== "string") {
      stored[key] = crypto.randomUUID();
      changed = true;
    }
  }
  if (changed) await kv?.set(UNIQUE_IDS_KEY, stored);
  return new Map(Object.entries(stored));
}

export interface ConfiguredDevice {
  DeviceName: string;
  DeviceType: string;
  DeviceNumber: number;
  UniqueID: string;
}

export function setupPage(title: string, lines: string[]): Response {
  const escape = (s: string) =>
    s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${escape(title)}</title>
<meta name="viewport" content="width=device-width"></head><body><h1>${escape(title)}</h1>
${lines.map((l) => `<p>${escape(l)}</p>`).join("\n")}</body></html>`;
  return new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } });
}
