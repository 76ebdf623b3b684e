/**
 * The ZWO section of discovery: loads each SDK (ASI cameras, EAF focusers, EFW filter wheels) and
 * asks it what is plugged in. A missing library is the usual answer on a box without ZWO gear, so
 * it is reported with the loader's reason, not as an error; each SDK is probed on its own, so a
 * broken one does not hide the others. EAF and EFW only tell a device's name once it is open, and
 * the box's own driver may hold it open in this very process (same library, same state): the
 * name is asked first as is, and only a device that answers "closed" is opened and closed again.
 */
import { ASI_DEFAULT_LIBRARY, AsiSdk } from "./asi_sdk.ts";
import { EAF_DEFAULT_LIBRARY, EafSdk } from "./eaf_sdk.ts";
import { EFW_DEFAULT_LIBRARY, EfwSdk } from "./efw_sdk.ts";
import { join } from "node:path";
import type { DeviceKind } from "../device.ts";
import type { ZwoSdkDto, ZwoSection } from "../discovery.ts";

export interface ZwoLibraries {
  asi: string;
  eaf: string;
  efw: string;
}

/** The libraries in `dir`, or the bare names (the loader's search path) when there is none. */
export function zwoLibraries(dir?: string): ZwoLibraries {
  const at = (name: string) => dir === undefined ? name : join(dir, name);
  return {
    asi: at(ASI_DEFAULT_LIBRARY),
    eaf: at(EAF_DEFAULT_LIBRARY),
    efw: at(EFW_DEFAULT_LIBRARY),
  };
}

export async function zwoSection(libs: ZwoLibraries): Promise<Omit<ZwoSection, "elapsed_ms">> {
  const sdks = await Promise.all([
    probeAsi(libs.asi),
    probeMotor("eaf", "focuser", libs.eaf, () => EafSdk.open(libs.eaf)),
    probeMotor("efw", "filterwheel", libs.efw, () => EfwSdk.open(libs.efw)),
  ]);
  return { error: null, sdks };
}

async function probeAsi(library: string): Promise<ZwoSdkDto> {
  const result = empty("asi", "camera", library);
  let sdk: AsiSdk;
  try {
    sdk = AsiSdk.open(library);
  } catch (err) {
    return { ...result, reason: message(err) };
  }
  try {
    result.found = true;
    result.version = sdk.version();
    const count = await sdk.cameraCount();
    for (let index = 0; index < count; index++) {
      const info = await sdk.cameraInfo(index);
      result.devices.push({
        index,
        id: info.cameraId,
        name: info.name,
        details: {
          max_width_px: info.maxWidthPx,
          max_height_px: info.maxHeightPx,
          pixel_size_um: info.pixelSizeUm,
          is_color: info.isColor,
          has_cooler: info.hasCooler,
          bit_depth: info.bitDepth,
          usb3: info.isUsb3Camera,
        },
        assignment: assignment(library, info.cameraId),
      });
    }
  } catch (err) {
    result.reason = message(err);
  } finally {
    sdk.close();
  }
  return result;
}

/** What EAF and EFW share: count, ids, and a property read that needs the device open. */
interface MotorSdk {
  count(): Promise<number>;
  idAt(index: number): Promise<number>;
  open(id: number): Promise<void>;
  info(id: number): Promise<{ id: number; name: string }>;
  closeDevice(id: number): Promise<void>;
  close(): void;
}

async function probeMotor(
  sdkName: "eaf" | "efw",
  role: DeviceKind,
  library: string,
  load: () => MotorSdk,
): Promise<ZwoSdkDto> {
  const result = empty(sdkName, role, library);
  let sdk: MotorSdk;
  try {
    sdk = load();
  } catch (err) {
    return { ...result, reason: message(err) };
  }
  try {
    result.found = true;
    const count = await sdk.count();
    for (let index = 0; index < count; index++) {
      const id = await sdk.idAt(index);
      const device: ZwoSdkDto["devices"][number] = {
        index,
        id,
        name: null,
        details: {},
        assignment: assignment(library, id),
      };
      try {
        const info = await readInfo(sdk, id);
        device.name = info.name;
        // The rest of EAF_INFO / EFW_INFO (max step, slot count) as details.
        device.details = Object.fromEntries(
          Object.entries(info).filter(([key, value]) =>
            key !== "id" && key !== "name" && typeof value === "number"
          ).map(([key, value]) => [snakeCase(key), value as number]),
        );
      } catch (err) {
        device.details = { error: message(err) };
      }
      result.devices.push(device);
    }
  } catch (err) {
    result.reason = message(err);
  } finally {
    sdk.close();
  }
  return result;
}

async function readInfo(sdk: MotorSdk, id: number) {
  try {
    // Already open (by the box's own driver): asking does not disturb it.
    return await sdk.info(id);
  } catch {
    await sdk.open(id);
    try {
      return await sdk.info(id);
    } finally {
      await sdk.closeDevice(id);
    }
  }
}

function empty(sdk: ZwoSdkDto["sdk"], role: DeviceKind, library: string): ZwoSdkDto {
  return { sdk, role, library, found: false, reason: null, version: null, devices: [] };
}

/** The profile assignment; `library` only when it is not the loader's default search. */
function assignment(library: string, id: number) {
  const options: Record<string, unknown> = { id };
  if (library.includes("/")) options.library = library;
  return { driver: "zwo", options };
}

function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
