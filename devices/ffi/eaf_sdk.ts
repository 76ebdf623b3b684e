/**
 * The Deno FFI binding of ZWO's EAF focuser SDK (libEAFFocuser): symbols, EAF_INFO decoding and
 * a return-code check on every call. Calls go over USB HID, so every one is `nonblocking` and
 * runs off the event loop. Positions are absolute steps in 0..MaxStep; the contract behaviour is
 * in zwo_focuser.ts.
 */
import { sdkError } from "./errors.ts";
import { hostDataModel, StructReader, type ZwoLayouts, zwoLayouts } from "./layout.ts";
import { openLibrary } from "./library.ts";

export const EAF_DEFAULT_LIBRARY = "libEAFFocuser.so";

const EAF_SYMBOLS = {
  EAFGetNum: { parameters: [], result: "i32", nonblocking: true },
  EAFGetID: { parameters: ["i32", "buffer"], result: "i32", nonblocking: true },
  EAFOpen: { parameters: ["i32"], result: "i32", nonblocking: true },
  EAFGetProperty: { parameters: ["i32", "buffer"], result: "i32", nonblocking: true },
  EAFMove: { parameters: ["i32", "i32"], result: "i32", nonblocking: true },
  EAFStop: { parameters: ["i32"], result: "i32", nonblocking: true },
  EAFIsMoving: { parameters: ["i32", "buffer", "buffer"], result: "i32", nonblocking: true },
  EAFGetPosition: { parameters: ["i32", "buffer"], result: "i32", nonblocking: true },
  EAFGetTemp: { parameters: ["i32", "buffer"], result: "i32", nonblocking: true },
  EAFClose: { parameters: ["i32"], result: "i32", nonblocking: true },
} as const;

type EafLibrary = Deno.DynamicLibrary<typeof EAF_SYMBOLS>;

export interface EafInfo {
  id: number;
  name: string;
  maxStep: number;
}

export class EafSdk {
  readonly layouts: ZwoLayouts;
  readonly #lib: EafLibrary;

  private constructor(lib: EafLibrary, layouts: ZwoLayouts) {
    this.#lib = lib;
    this.layouts = layouts;
  }

  static open(path = EAF_DEFAULT_LIBRARY, model = hostDataModel()): EafSdk {
    return new EafSdk(openLibrary("ZWO EAF focuser SDK", path, EAF_SYMBOLS), zwoLayouts(model));
  }

  close(): void {
    this.#lib.close();
  }

  count(): Promise<number> {
    return this.#lib.symbols.EAFGetNum();
  }

  async idAt(index: number): Promise<number> {
    const id = new Int32Array(1);
    check("EAFGetID", await this.#lib.symbols.EAFGetID(index, id));
    return id[0]!;
  }

  async open(id: number): Promise<void> {
    check("EAFOpen", await this.#lib.symbols.EAFOpen(id));
  }

  async info(id: number): Promise<EafInfo> {
    const layout = this.layouts.eafInfo;
    const bytes = new Uint8Array(layout.sizeBytes);
    check("EAFGetProperty", await this.#lib.symbols.EAFGetProperty(id, bytes));
    const s = new StructReader(layout, this.layouts.model, bytes);
    return { id: s.int("ID"), name: s.string("Name", 64), maxStep: s.int("MaxStep") };
  }

  async move(id: number, step: number): Promise<void> {
    check("EAFMove", await this.#lib.symbols.EAFMove(id, step));
  }

  async stop(id: number): Promise<void> {
    check("EAFStop", await this.#lib.symbols.EAFStop(id));
  }

  /** `handControl` is true while someone turns the EAF with its hand controller. */
  async isMoving(id: number): Promise<{ moving: boolean; handControl: boolean }> {
    // C++ bool: one byte each.
    const moving = new Uint8Array(1);
    const handControl = new Uint8Array(1);
    check("EAFIsMoving", await this.#lib.symbols.EAFIsMoving(id, moving, handControl));
    return { moving: moving[0] !== 0, handControl: handControl[0] !== 0 };
  }

  async position(id: number): Promise<number> {
    const step = new Int32Array(1);
    check("EAFGetPosition", await this.#lib.symbols.EAFGetPosition(id, step));
    return step[0]!;
  }

  /** °C; the SDK reports −273 with an error while the EAF is moved by hand. */
  async temperatureC(id: number): Promise<number> {
    const temp = new Float32Array(1);
    check("EAFGetTemp", await this.#lib.symbols.EAFGetTemp(id, temp));
    return temp[0]!;
  }

  async closeDevice(id: number): Promise<void> {
    check("EAFClose", await this.#lib.symbols.EAFClose(id));
  }
}

function check(call: string, code: number): void {
  if (code !== 0) throw sdkError("EAF", "focuser", call, code);
}
