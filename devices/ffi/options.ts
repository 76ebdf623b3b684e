/**
 * The ZWO drivers' profile options (`ZwoCameraOptions`, `ZwoFocuserOptions`,
 * `ZwoFilterWheelOptions`): `library` (path of the SDK's shared library; by default its usual name
 * on the loader's path), and at most one of `index` (enumeration order), `id` (the SDK's device
 * ID) or `name` (text the device's name contains, case-insensitive) to pick the device; by default
 * the first one found. Each driver adds its own timing keys. Also how a device is then found among
 * those the SDK enumerates.
 */
import { z } from "zod";
import { FilterSlotsOption } from "../filterwheel.ts";

export type DeviceSelector =
  | { by: "index"; index: number }
  | { by: "id"; id: number }
  | { by: "name"; name: string };

const ms = (fallback: number, min: number, max: number, what: string) =>
  z.number().int().min(min).max(max).default(fallback).describe(`${what}, ms`);

const DEVICE_CHOICE = {
  library: z.string().trim().min(1).optional()
    .describe("path of the SDK's shared library; default: its usual name on the loader's path"),
  index: z.number().int().min(0).optional().describe("pick the device by enumeration order"),
  id: z.number().int().min(0).optional().describe("pick the device by the SDK's device ID"),
  name: z.string().trim().min(1).optional()
    .describe("pick the device whose name contains this text (case-insensitive)"),
};

/** At most one of index, id and name. */
function oneChoice(o: { index?: number; id?: number; name?: string }, ctx: z.RefinementCtx): void {
  const chosen = (["index", "id", "name"] as const).filter((key) => o[key] !== undefined);
  if (chosen.length > 1) {
    ctx.addIssue({
      code: "custom",
      path: [chosen[1]!],
      message: `${chosen.join(" and ")} both pick the device; give only one`,
    });
  }
}

export const ZwoCameraOptions = z.strictObject({
  ...DEVICE_CHOICE,
  pollIntervalMs: ms(50, 5, 5000, "how often a running exposure is polled"),
  statusIntervalMs: ms(1000, 50, 60_000, "how often the cooler is read"),
  readoutTimeoutMs: ms(60_000, 100, 600_000, "the longest readout after the exposure time"),
}).superRefine(oneChoice).meta({ id: "ZwoCameraOptions" });
export type ZwoCameraOptions = z.output<typeof ZwoCameraOptions>;

export const ZwoFocuserOptions = z.strictObject({
  ...DEVICE_CHOICE,
  pollIntervalMs: ms(100, 10, 5000, "how often a move is polled"),
  statusIntervalMs: ms(1000, 50, 60_000, "how often position and temperature are read"),
}).superRefine(oneChoice).meta({ id: "ZwoFocuserOptions" });
export type ZwoFocuserOptions = z.output<typeof ZwoFocuserOptions>;

export const ZwoFilterWheelOptions = z.strictObject({
  ...DEVICE_CHOICE,
  pollIntervalMs: ms(100, 10, 5000, "how often a turn is polled"),
  statusIntervalMs: ms(1000, 50, 60_000, "how often the position is read"),
  filters: FilterSlotsOption.optional()
    .describe("names and offsets, one per slot; default: Filter 1, Filter 2, …"),
}).superRefine(oneChoice).meta({ id: "ZwoFilterWheelOptions" });
export type ZwoFilterWheelOptions = z.output<typeof ZwoFilterWheelOptions>;

/** Which device the options pick: the first one found when they name none. */
export function deviceSelector(o: { index?: number; id?: number; name?: string }): DeviceSelector {
  if (o.id !== undefined) return { by: "id", id: o.id };
  if (o.name !== undefined) return { by: "name", name: o.name };
  return { by: "index", index: o.index ?? 0 };
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
