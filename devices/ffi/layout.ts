/**
 * C struct layouts of the ZWO SDKs for the platform's data model. The vendor structs mix `int`,
 * `long`, `float`, `double` and char arrays, and `long` is 8 bytes on 64-bit Linux (LP64) but 4
 * on 32-bit ARM (ILP32), so offsets are computed here with the C alignment rules rather than
 * hard-coded once: each field sits at the next multiple of its alignment and the struct is
 * padded to its widest member. Readers take a DataView over a buffer the SDK filled.
 */

export interface DataModel {
  name: "LP64" | "ILP32";
  longBytes: 4 | 8;
  /** Alignment of a double inside a struct: 8 on x86_64, aarch64 and ARM EABI (armhf). */
  doubleAlignBytes: 4 | 8;
}

export const LP64: DataModel = { name: "LP64", longBytes: 8, doubleAlignBytes: 8 };
/** 32-bit ARM (EABI): 4-byte long, but doubles still 8-aligned. */
export const ILP32: DataModel = { name: "ILP32", longBytes: 4, doubleAlignBytes: 8 };

/** The data model of the running process (Deno runs on 64-bit Linux/macOS or 32-bit ARM). */
export function hostDataModel(): DataModel {
  const arch: string = Deno.build.arch;
  return arch === "x86_64" || arch === "aarch64" || arch === "riscv64" ? LP64 : ILP32;
}

export type CType = "char" | "int" | "long" | "float" | "double";

/** A field: name, C type, and the array length (1 for a scalar). */
export type FieldSpec = readonly [name: string, type: CType, count?: number];

export interface StructLayout {
  name: string;
  sizeBytes: number;
  offsets: Record<string, number>;
  types: Record<string, CType>;
}

function sizeOf(type: CType, model: DataModel): number {
  switch (type) {
    case "char":
      return 1;
    case "int":
    case "float":
      return 4;
    case "long":
      return model.longBytes;
    case "double":
      return 8;
  }
}

function alignOf(type: CType, model: DataModel): number {
  return type === "double" ? model.doubleAlignBytes : sizeOf(type, model);
}

function roundUp(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}

/** Lays a struct out as a C compiler does for `model`. */
export function layoutStruct(
  name: string,
  fields: readonly FieldSpec[],
  model: DataModel,
): StructLayout {
  const offsets: Record<string, number> = {};
  const types: Record<string, CType> = {};
  let offsetBytes = 0;
  let maxAlignBytes = 1;
  for (const [field, type, count = 1] of fields) {
    const alignBytes = alignOf(type, model);
    maxAlignBytes = Math.max(maxAlignBytes, alignBytes);
    offsetBytes = roundUp(offsetBytes, alignBytes);
    offsets[field] = offsetBytes;
    types[field] = type;
    offsetBytes += sizeOf(type, model) * count;
  }
  return { name, sizeBytes: roundUp(offsetBytes, maxAlignBytes), offsets, types };
}

/** ASICamera2.h, ASI_CAMERA_INFO; enums and ASI_BOOL are C ints. */
export const ASI_CAMERA_INFO_FIELDS: readonly FieldSpec[] = [
  ["Name", "char", 64],
  ["CameraID", "int"],
  ["MaxHeight", "long"],
  ["MaxWidth", "long"],
  ["IsColorCam", "int"],
  ["BayerPattern", "int"],
  ["SupportedBins", "int", 16],
  ["SupportedVideoFormat", "int", 8],
  ["PixelSize", "double"],
  ["MechanicalShutter", "int"],
  ["ST4Port", "int"],
  ["IsCoolerCam", "int"],
  ["IsUSB3Host", "int"],
  ["IsUSB3Camera", "int"],
  ["ElecPerADU", "float"],
  ["BitDepth", "int"],
  ["IsTriggerCam", "int"],
  ["Unused", "char", 16],
];

/** ASICamera2.h, ASI_CONTROL_CAPS. */
export const ASI_CONTROL_CAPS_FIELDS: readonly FieldSpec[] = [
  ["Name", "char", 64],
  ["Description", "char", 128],
  ["MaxValue", "long"],
  ["MinValue", "long"],
  ["DefaultValue", "long"],
  ["IsAutoSupported", "int"],
  ["IsWritable", "int"],
  ["ControlType", "int"],
  ["Unused", "char", 32],
];

/** EAF_focuser.h, EAF_INFO. */
export const EAF_INFO_FIELDS: readonly FieldSpec[] = [
  ["ID", "int"],
  ["Name", "char", 64],
  ["MaxStep", "int"],
];

/** EFW_filter.h, EFW_INFO. */
export const EFW_INFO_FIELDS: readonly FieldSpec[] = [
  ["ID", "int"],
  ["Name", "char", 64],
  ["slotNum", "int"],
];

export interface ZwoLayouts {
  model: DataModel;
  cameraInfo: StructLayout;
  controlCaps: StructLayout;
  eafInfo: StructLayout;
  efwInfo: StructLayout;
}

export function zwoLayouts(model: DataModel): ZwoLayouts {
  return {
    model,
    cameraInfo: layoutStruct("ASI_CAMERA_INFO", ASI_CAMERA_INFO_FIELDS, model),
    controlCaps: layoutStruct("ASI_CONTROL_CAPS", ASI_CONTROL_CAPS_FIELDS, model),
    eafInfo: layoutStruct("EAF_INFO", EAF_INFO_FIELDS, model),
    efwInfo: layoutStruct("EFW_INFO", EFW_INFO_FIELDS, model),
  };
}

/**
 * Reads fields of one struct instance. The SDK fills the buffer in the host's byte order,
 * which is little-endian on every platform ZWO ships for.
 */
export class StructReader {
  readonly #layout: StructLayout;
  readonly #view: DataView;
  readonly #model: DataModel;

  constructor(layout: StructLayout, model: DataModel, bytes: Uint8Array) {
    if (bytes.byteLength < layout.sizeBytes) {
      throw new RangeError(
        `${layout.name} needs ${layout.sizeBytes} bytes, the buffer has ${bytes.byteLength}`,
      );
    }
    this.#layout = layout;
    this.#model = model;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, layout.sizeBytes);
  }

  #offset(field: string, type: CType): number {
    const offset = this.#layout.offsets[field];
    if (offset === undefined || this.#layout.types[field] !== type) {
      throw new TypeError(`${this.#layout.name} has no ${type} field ${field}`);
    }
    return offset;
  }

  int(field: string, index = 0): number {
    return this.#view.getInt32(this.#offset(field, "int") + 4 * index, true);
  }

  long(field: string): number {
    const offset = this.#offset(field, "long");
    return this.#model.longBytes === 8
      ? Number(this.#view.getBigInt64(offset, true))
      : this.#view.getInt32(offset, true);
  }

  float(field: string): number {
    return this.#view.getFloat32(this.#offset(field, "float"), true);
  }

  double(field: string): number {
    return this.#view.getFloat64(this.#offset(field, "double"), true);
  }

  /** A NUL-terminated char array of `lengthBytes`. */
  string(field: string, lengthBytes: number): string {
    const offset = this.#offset(field, "char");
    const bytes = new Uint8Array(this.#view.buffer, this.#view.byteOffset + offset, lengthBytes);
    const end = bytes.indexOf(0);
    return new TextDecoder().decode(end < 0 ? bytes : bytes.subarray(0, end)).trim();
  }

  /** An int array that ends at the first `terminator` (SupportedBins ends at 0, formats at −1). */
  intList(field: string, length: number, terminator: number): number[] {
    const values: number[] = [];
    for (let i = 0; i < length; i++) {
      const value = this.int(field, i);
      if (value === terminator) break;
      values.push(value);
    }
    return values;
  }
}
