/**
 * The Deno FFI binding of ZWO's ASI camera SDK (libASICamera2): the symbol table for the host's
 * data model (`long` arguments are i64 on LP64, i32 on ILP32), struct decoding through
 * layout.ts, and a return-code check on every call that throws the mapped error. Every call
 * that touches the USB bus is `nonblocking`, so it runs on a worker thread and an exposure poll
 * or a multi-megabyte download never stalls the event loop. This module knows the C API only;
 * the contract behaviour is in zwo_camera.ts.
 */
import { sdkError } from "./errors.ts";
import {
  type DataModel,
  hostDataModel,
  StructReader,
  type ZwoLayouts,
  zwoLayouts,
} from "./layout.ts";
import { openLibrary } from "./library.ts";

export const ASI_DEFAULT_LIBRARY = "libASICamera2.so";

/** ASI_CONTROL_TYPE values the driver uses. */
export const AsiControl = {
  GAIN: 0,
  EXPOSURE: 1,
  OFFSET: 5,
  BANDWIDTHOVERLOAD: 6,
  TEMPERATURE: 8,
  COOLER_POWER_PERC: 15,
  TARGET_TEMP: 16,
  COOLER_ON: 17,
} as const;

export const AsiImageType = { RAW8: 0, RGB24: 1, RAW16: 2, Y8: 3 } as const;
export const AsiExposureStatus = { IDLE: 0, WORKING: 1, SUCCESS: 2, FAILED: 3 } as const;

export interface AsiCameraInfo {
  name: string;
  cameraId: number;
  maxWidthPx: number;
  maxHeightPx: number;
  isColor: boolean;
  /** ASI_BAYER_PATTERN: 0 RG, 1 BG, 2 GR, 3 GB. */
  bayerPattern: number;
  supportedBins: number[];
  supportedImageTypes: number[];
  pixelSizeUm: number;
  hasShutter: boolean;
  hasCooler: boolean;
  isUsb3Camera: boolean;
  elecPerAdu: number;
  bitDepth: number;
}

export interface AsiControlCaps {
  name: string;
  description: string;
  minValue: number;
  maxValue: number;
  defaultValue: number;
  isAutoSupported: boolean;
  isWritable: boolean;
  controlType: number;
}

function asiSymbols(model: DataModel) {
  const long = model.longBytes === 8 ? "i64" as const : "i32" as const;
  return {
    ASIGetNumOfConnectedCameras: { parameters: [], result: "i32", nonblocking: true },
    ASIGetCameraProperty: { parameters: ["buffer", "i32"], result: "i32", nonblocking: true },
    ASIOpenCamera: { parameters: ["i32"], result: "i32", nonblocking: true },
    ASIInitCamera: { parameters: ["i32"], result: "i32", nonblocking: true },
    ASICloseCamera: { parameters: ["i32"], result: "i32", nonblocking: true },
    ASIGetNumOfControls: { parameters: ["i32", "buffer"], result: "i32", nonblocking: true },
    ASIGetControlCaps: {
      parameters: ["i32", "i32", "buffer"],
      result: "i32",
      nonblocking: true,
    },
    ASIGetControlValue: {
      parameters: ["i32", "i32", "buffer", "buffer"],
      result: "i32",
      nonblocking: true,
    },
    ASISetControlValue: {
      parameters: ["i32", "i32", long, "i32"],
      result: "i32",
      nonblocking: true,
    },
    ASISetROIFormat: {
      parameters: ["i32", "i32", "i32", "i32", "i32"],
      result: "i32",
      nonblocking: true,
    },
    ASIGetROIFormat: {
      parameters: ["i32", "buffer", "buffer", "buffer", "buffer"],
      result: "i32",
      nonblocking: true,
    },
    ASIStartExposure: { parameters: ["i32", "i32"], result: "i32", nonblocking: true },
    ASIStopExposure: { parameters: ["i32"], result: "i32", nonblocking: true },
    ASIGetExpStatus: { parameters: ["i32", "buffer"], result: "i32", nonblocking: true },
    ASIGetDataAfterExp: {
      parameters: ["i32", "buffer", long],
      result: "i32",
      nonblocking: true,
    },
    ASIGetSDKVersion: { parameters: [], result: "pointer" },
  } as const;
}

type AsiLibrary = Deno.DynamicLibrary<ReturnType<typeof asiSymbols>>;

export class AsiSdk {
  readonly layouts: ZwoLayouts;
  readonly #lib: AsiLibrary;
  readonly #model: DataModel;

  private constructor(lib: AsiLibrary, model: DataModel) {
    this.#lib = lib;
    this.#model = model;
    this.layouts = zwoLayouts(model);
  }

  /** Loads the library; a 503 AppError naming the path when it cannot. */
  static open(path = ASI_DEFAULT_LIBRARY, model = hostDataModel()): AsiSdk {
    return new AsiSdk(openLibrary("ZWO ASI camera SDK", path, asiSymbols(model)), model);
  }

  close(): void {
    this.#lib.close();
  }

  version(): string {
    const pointer = this.#lib.symbols.ASIGetSDKVersion();
    return pointer === null ? "unknown" : Deno.UnsafePointerView.getCString(pointer);
  }

  cameraCount(): Promise<number> {
    return this.#lib.symbols.ASIGetNumOfConnectedCameras();
  }

  async cameraInfo(index: number): Promise<AsiCameraInfo> {
    const layout = this.layouts.cameraInfo;
    const bytes = new Uint8Array(layout.sizeBytes);
    check("ASIGetCameraProperty", await this.#lib.symbols.ASIGetCameraProperty(bytes, index));
    const s = new StructReader(layout, this.#model, bytes);
    return {
      name: s.string("Name", 64),
      cameraId: s.int("CameraID"),
      maxWidthPx: s.long("MaxWidth"),
      maxHeightPx: s.long("MaxHeight"),
      isColor: s.int("IsColorCam") !== 0,
      bayerPattern: s.int("BayerPattern"),
      supportedBins: s.intList("SupportedBins", 16, 0),
      supportedImageTypes: s.intList("SupportedVideoFormat", 8, -1),
      pixelSizeUm: s.double("PixelSize"),
      hasShutter: s.int("MechanicalShutter") !== 0,
      hasCooler: s.int("IsCoolerCam") !== 0,
      isUsb3Camera: s.int("IsUSB3Camera") !== 0,
      elecPerAdu: s.float("ElecPerADU"),
      bitDepth: s.int("BitDepth"),
    };
  }

  async openCamera(id: number): Promise<void> {
    check("ASIOpenCamera", await this.#lib.symbols.ASIOpenCamera(id));
  }

  async initCamera(id: number): Promise<void> {
    check("ASIInitCamera", await this.#lib.symbols.ASIInitCamera(id));
  }

  async closeCamera(id: number): Promise<void> {
    check("ASICloseCamera", await this.#lib.symbols.ASICloseCamera(id));
  }

  async controls(id: number): Promise<AsiControlCaps[]> {
    const count = new Int32Array(1);
    check("ASIGetNumOfControls", await this.#lib.symbols.ASIGetNumOfControls(id, count));
    const layout = this.layouts.controlCaps;
    const caps: AsiControlCaps[] = [];
    for (let index = 0; index < count[0]!; index++) {
      const bytes = new Uint8Array(layout.sizeBytes);
      check("ASIGetControlCaps", await this.#lib.symbols.ASIGetControlCaps(id, index, bytes));
      const s = new StructReader(layout, this.#model, bytes);
      caps.push({
        name: s.string("Name", 64),
        description: s.string("Description", 128),
        minValue: s.long("MinValue"),
        maxValue: s.long("MaxValue"),
        defaultValue: s.long("DefaultValue"),
        isAutoSupported: s.int("IsAutoSupported") !== 0,
        isWritable: s.int("IsWritable") !== 0,
        controlType: s.int("ControlType"),
      });
    }
    return caps;
  }

  async getControl(id: number, controlType: number): Promise<number> {
    const value = new Uint8Array(this.#model.longBytes);
    const isAuto = new Int32Array(1);
    check(
      "ASIGetControlValue",
      await this.#lib.symbols.ASIGetControlValue(id, controlType, value, isAuto),
    );
    const view = new DataView(value.buffer);
    return this.#model.longBytes === 8 ? Number(view.getBigInt64(0, true)) : view.getInt32(0, true);
  }

  /** The SDK clamps an out-of-range value to the control's range. */
  async setControl(id: number, controlType: number, value: number): Promise<void> {
    const long = this.#model.longBytes === 8 ? BigInt(Math.round(value)) : Math.round(value);
    check(
      "ASISetControlValue",
      await this.#lib.symbols.ASISetControlValue(id, controlType, long, 0),
    );
  }

  /** Width and height are after binning; the SDK wants width % 8 == 0 and height % 2 == 0. */
  async setRoi(
    id: number,
    widthPx: number,
    heightPx: number,
    binning: number,
    imageType: number,
  ): Promise<void> {
    check(
      "ASISetROIFormat",
      await this.#lib.symbols.ASISetROIFormat(id, widthPx, heightPx, binning, imageType),
    );
  }

  async getRoi(
    id: number,
  ): Promise<{ widthPx: number; heightPx: number; binning: number; imageType: number }> {
    const [w, h, bin, type] = [0, 0, 0, 0].map(() => new Int32Array(1)) as [
      Int32Array,
      Int32Array,
      Int32Array,
      Int32Array,
    ];
    check("ASIGetROIFormat", await this.#lib.symbols.ASIGetROIFormat(id, w, h, bin, type));
    return { widthPx: w[0]!, heightPx: h[0]!, binning: bin[0]!, imageType: type[0]! };
  }

  async startExposure(id: number, isDark: boolean): Promise<void> {
    check("ASIStartExposure", await this.#lib.symbols.ASIStartExposure(id, isDark ? 1 : 0));
  }

  async stopExposure(id: number): Promise<void> {
    check("ASIStopExposure", await this.#lib.symbols.ASIStopExposure(id));
  }

  /** ASI_EXPOSURE_STATUS: see AsiExposureStatus. */
  async exposureStatus(id: number): Promise<number> {
    const status = new Int32Array(1);
    check("ASIGetExpStatus", await this.#lib.symbols.ASIGetExpStatus(id, status));
    return status[0]!;
  }

  /** Downloads the finished frame into `buffer` (w·h bytes for RAW8, w·h·2 for RAW16). */
  async download(id: number, buffer: Uint8Array): Promise<void> {
    const size = this.#model.longBytes === 8 ? BigInt(buffer.byteLength) : buffer.byteLength;
    check("ASIGetDataAfterExp", await this.#lib.symbols.ASIGetDataAfterExp(id, buffer, size));
  }
}

function check(call: string, code: number): void {
  if (code !== 0) throw sdkError("ASI", "camera", call, code);
}
