/**
 * Parsers of nmcli's terse output (`nmcli -t`): one record a line, fields separated by ":", a
 * literal ":" or "\" inside a value escaped with "\" (BSSIDs, SSIDs with colons). `-g`/`-t` with
 * `-f` keeps the fields in the order asked, so each parser names the fields it asked for.
 * Tested against output recorded from the real nmcli in the VM (core/wifi/terse_test.ts).
 */

/** Splits one terse line into its fields, undoing nmcli's escapes. */
export function splitTerse(line: string): string[] {
  const fields: string[] = [];
  let current = "";
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === "\\" && i + 1 < line.length) {
      current += line[++i];
    } else if (ch === ":") {
      fields.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  fields.push(current);
  return fields;
}

/** Terse records as objects keyed by the fields asked for; a line of the wrong width throws. */
export function parseTerse<const F extends readonly string[]>(
  text: string,
  fields: F,
): Record<F[number], string>[] {
  return text.split("\n").filter((line) => line.trim() !== "").map((line) => {
    const values = splitTerse(line);
    if (values.length !== fields.length) {
      throw new RangeError(
        `nmcli printed ${values.length} fields where ${fields.length} (${
          fields.join(",")
        }) were asked: ${JSON.stringify(line)}`,
      );
    }
    return Object.fromEntries(fields.map((f, i) => [f, values[i]!])) as Record<F[number], string>;
  });
}

/** `nmcli -t -f SSID,SIGNAL,SECURITY,CHAN,IN-USE device wifi list`, one entry per SSID. */
export const WIFI_LIST_FIELDS = ["SSID", "SIGNAL", "SECURITY", "CHAN", "IN-USE"] as const;

export interface VisibleNetwork {
  ssid: string;
  signalPct: number;
  security: string;
  channel: number;
  inUse: boolean;
}

/** Hidden networks (empty SSID) are dropped; an SSID seen on several BSSIDs keeps its best. */
export function parseWifiList(text: string): VisibleNetwork[] {
  const best = new Map<string, VisibleNetwork>();
  for (const r of parseTerse(text, WIFI_LIST_FIELDS)) {
    if (r.SSID === "") continue;
    const seen: VisibleNetwork = {
      ssid: r.SSID,
      signalPct: Number(r.SIGNAL) || 0,
      security: r.SECURITY,
      channel: Number(r.CHAN) || 0,
      inUse: r["IN-USE"] === "*",
    };
    const before = best.get(seen.ssid);
    if (!before || seen.signalPct > before.signalPct || seen.inUse) {
      best.set(seen.ssid, { ...seen, inUse: seen.inUse || (before?.inUse ?? false) });
    }
  }
  return [...best.values()].sort((a, b) => b.signalPct - a.signalPct);
}

/** `nmcli -t -f NAME,UUID,TYPE,AUTOCONNECT-PRIORITY,ACTIVE,DEVICE connection show`. */
export const CONNECTION_FIELDS = [
  "NAME",
  "UUID",
  "TYPE",
  "AUTOCONNECT-PRIORITY",
  "ACTIVE",
  "DEVICE",
] as const;

export interface ConnectionRow {
  name: string;
  uuid: string;
  type: string;
  priority: number;
  active: boolean;
  device: string;
}

export function parseConnections(text: string): ConnectionRow[] {
  return parseTerse(text, CONNECTION_FIELDS).map((r) => ({
    name: r.NAME,
    uuid: r.UUID,
    type: r.TYPE,
    priority: Number(r["AUTOCONNECT-PRIORITY"]) || 0,
    active: r.ACTIVE === "yes",
    device: r.DEVICE,
  }));
}

/** `nmcli -t -f DEVICE,TYPE,STATE,CONNECTION device status`. */
export const DEVICE_FIELDS = ["DEVICE", "TYPE", "STATE", "CONNECTION"] as const;

export interface DeviceRow {
  device: string;
  type: string;
  /** connected, connecting (…), disconnected, unavailable, unmanaged. */
  state: string;
  connection: string;
}

export function parseDevices(text: string): DeviceRow[] {
  return parseTerse(text, DEVICE_FIELDS).map((r) => ({
    device: r.DEVICE,
    type: r.TYPE,
    state: r.STATE,
    connection: r.CONNECTION,
  }));
}

/**
 * `nmcli -t -g <settings> connection show <id>` prints one value per line, in the order asked,
 * unescaped except for the multi-value separators; we ask single-valued settings only.
 */
export function parseValues<const F extends readonly string[]>(
  text: string,
  fields: F,
): Record<F[number], string> {
  const lines = text.replace(/\n$/, "").split("\n");
  return Object.fromEntries(fields.map((f, i) => [f, lines[i] ?? ""])) as Record<
    F[number],
    string
  >;
}
