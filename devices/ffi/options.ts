/**
 * Profile options shared by the ZWO drivers, validated when the driver is built so a typo is a
 * RangeError naming the option instead of silently opening the wrong device: `library` (path of
 * the SDK's shared library), and at most one of `index` (enumeration order), `id` (the SDK's
 * device ID) or `name` (text the device's name contains, case-insensitive) to pick the device;
 * by default the first one found. Each driver adds its own timing keys.
 */
import { checkNumber } from "../sim/motion.ts";

export type DeviceSelector =
  | { by: "index"; index: number }
  | { by: "id"; id: number }
  | { by: "name"; name: string };

export interface ZwoOptions {
  library: string;
  selector: DeviceSelector;
  /** Every other validated number option, by key. */
  numbers: Record<string, number>;
}

export interface NumberOptionSpec {
  fallback: number;
  min: number;
  max: number;
}

const COMMON_KEYS = ["library", "index", "id", "name"];

export function parseZwoOptions(
  options: Record<string, unknown>,
  defaultLibrary: string,
  numberSpecs: Record<string, NumberOptionSpec>,
  otherKeys: string[] = [],
): ZwoOptions {
  const known = [...COMMON_KEYS, ...Object.keys(numberSpecs), ...otherKeys];
  const unknown = Object.keys(options).filter((key) => !known.includes(key));
  if (unknown.length > 0) {
    throw new RangeError(
      `unknown option${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}; ` +
        `known: ${known.join(", ")}`,
    );
  }
  const library = options.library ?? defaultLibrary;
  if (typeof library !== "string" || library.trim() === "") {
    throw new RangeError(
      `option library must be a path to the shared library, got ${JSON.stringify(library)}`,
    );
  }
  const chosen = ["index", "id", "name"].filter((key) => options[key] !== undefined);
  if (chosen.length > 1) {
    throw new RangeError(`options ${chosen.join(" and ")} both pick the device; give only one`);
  }
  let selector: DeviceSelector = { by: "index", index: 0 };
  if (options.index !== undefined) {
    checkNumber("option index", options.index, { min: 0, integer: true });
    selector = { by: "index", index: options.index as number };
  } else if (options.id !== undefined) {
    checkNumber("option id", options.id, { min: 0, integer: true });
    selector = { by: "id", id: options.id as number };
  } else if (options.name !== undefined) {
    if (typeof options.name !== "string" || options.name.trim() === "") {
      throw new RangeError(
        `option name must be non-empty text, got ${JSON.stringify(options.name)}`,
      );
    }
    selector = { by: "name", name: options.name.trim() };
  }
  const numbers: Record<string, number> = {};
  for (const [key, spec] of Object.entries(numberSpecs)) {
    const value = options[key] ?? spec.fallback;
    checkNumber(`option ${key}`, value, { min: spec.min, max: spec.max, integer: true });
    numbers[key] = value as number;
  }
  return { library, selector, numbers };
}

/** A device the SDK enumerated, as far as selection needs it. */
export interface Candidate {
  index: number;
  id: number;
  name: string;
}

/**
 * Finds the selected device among `count` enumerated ones; `describe` reads one by index. The
 * error lists what was found, so a wrong option is fixed from the message alone.
 */
export async function selectDevice(
  what: string,
  selector: DeviceSelector,
  count: number,
  describe: (index: number) => Promise<Candidate>,
): Promise<Candidate> {
  if (count <= 0) throw new Error(`no ${what} found: the SDK sees none connected`);
  if (selector.by === "index") {
    if (selector.index >= count) {
      throw new RangeError(
        `option index ${selector.index} is out of range: the SDK sees ${count} ${what}(s)`,
      );
    }
    return await describe(selector.index);
  }
  const seen: Candidate[] = [];
  for (let index = 0; index < count; index++) {
    const candidate = await describe(index);
    seen.push(candidate);
    const match = selector.by === "id"
      ? candidate.id === selector.id
      : candidate.name.toLowerCase().includes(selector.name.toLowerCase());
    if (match) return candidate;
  }
  const wanted = selector.by === "id" ? `id ${selector.id}` : `name "${selector.name}"`;
  const found = seen.map((c) => `#${c.index} id ${c.id} "${c.name}"`).join(", ");
  throw new RangeError(`no ${what} with ${wanted}; found ${found}`);
}

/** What the EAF and EFW SDKs have in common for finding and opening one device. */
export interface AccessorySdk<I extends { name: string }> {
  count(): Promise<number>;
  idAt(index: number): Promise<number>;
  open(id: number): Promise<void>;
  info(id: number): Promise<I>;
  closeDevice(id: number): Promise<void>;
}

/**
 * Finds the selected EAF/EFW, opens it and reads its properties. Their SDKs answer
 * GetProperty only for an open device, so choosing by name opens each candidate in turn; every
 * one but the chosen is closed again, and on failure all are.
 */
export async function openSelectedAccessory<I extends { name: string }>(
  sdk: AccessorySdk<I>,
  what: string,
  selector: DeviceSelector,
): Promise<{ id: number; info: I }> {
  const opened = new Set<number>();
  try {
    const byName = selector.by === "name";
    const chosen = await selectDevice(what, selector, await sdk.count(), async (index) => {
      const id = await sdk.idAt(index);
      if (!byName) return { index, id, name: "" };
      await sdk.open(id);
      opened.add(id);
      return { index, id, name: (await sdk.info(id)).name };
    });
    for (const id of opened) if (id !== chosen.id) await sdk.closeDevice(id).catch(() => {});
    opened.clear();
    await sdk.open(chosen.id);
    opened.add(chosen.id);
    return { id: chosen.id, info: await sdk.info(chosen.id) };
  } catch (err) {
    for (const id of opened) await sdk.closeDevice(id).catch(() => {});
    throw err;
  }
}
