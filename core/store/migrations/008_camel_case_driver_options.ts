/**
 * Driver options have one casing: camelCase with units in the name, like the rest of the options
 * and the TypeScript that reads them. Only the Alpaca drivers used snake_case (`device_number`,
 * `poll_ms`, `timeout_ms`, `safety_device_number`); this renames those keys in every stored
 * profile. A key whose camelCase twin is already there is dropped rather than allowed to win, and
 * anything it does not recognise (a row it cannot parse, another driver) is left exactly as it was.
 * The renames are written out here, not taken from the driver schemas: a migration must do the same
 * thing forever, whatever the schemas become.
 */
import type { Migration } from "../migrate.ts";

const RENAMES: Record<string, string> = {
  device_number: "deviceNumber",
  poll_ms: "pollMs",
  timeout_ms: "timeoutMs",
  safety_device_number: "safetyDeviceNumber",
};

export const camelCaseDriverOptions: Migration = {
  version: 8,
  name: "camel_case_driver_options",
  async up(trx) {
    const rows = await trx.selectFrom("profiles").select(["id", "data"]).execute();
    for (const row of rows) {
      const data = renamed(row.data);
      if (data !== null) {
        await trx.updateTable("profiles").set({ data }).where("id", "=", row.id).execute();
      }
    }
  },
};

/** The profile document with the Alpaca roles' keys renamed, or null when nothing changes. */
export function renamed(text: string): string | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  const devices = isRecord(data) && isRecord(data.devices) ? data.devices : null;
  if (devices === null) return null;
  let changed = false;
  for (const role of Object.values(devices)) {
    if (!isRecord(role) || role.driver !== "alpaca" || !isRecord(role.options)) continue;
    const options = role.options;
    for (const [from, to] of Object.entries(RENAMES)) {
      if (!(from in options)) continue;
      if (!(to in options)) options[to] = options[from];
      delete options[from];
      changed = true;
    }
  }
  return changed ? JSON.stringify(data) : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
