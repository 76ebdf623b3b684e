/**
 * The Deno FFI binding of ZWO's EFW filter wheel SDK (libEFWFilter): symbols, EFW_INFO decoding
 * and a return-code check on every call, each `nonblocking` because it talks USB HID. Slots are
 * 0-based and EFWGetPosition answers −1 while the wheel turns; zwo_filterwheel.ts turns that into
 * the contract's `position: null`.
 */
import { sdkError } from "./errors.ts";
import { hostDataModel, StructReader, type ZwoLayouts, zwoLayouts } from "./layout.ts";
import { openLibrary } from "./library.ts";

export const EFW_DEFAULT_LIBRARY = "libEFWFilter.so";

const EFW_SYMBOLS = {
  EFWGetNum: { parameters: [], result: "i32", nonblocking: true },
  EFWGetID: { parameters: ["i32", "buffer"], result: "i32", nonblocking: true },
  EFWOpen: { parameters: ["i32"], result: "i32", nonblocking: true },
  EFWGetProperty: { parameters: ["i32", "buffer"], result: "i32", nonblocking: true },
  EFWGetPosition: { parameters: ["i32", "buffer"], result: "i32", nonblocking: true },
  EFWSetPosition: { parameters: ["i32", "i32"], result: "i32", nonblocking: true },
  EFWClose: { parameters: ["i32"], result: "i32", nonblocking: true },
} as const;

type EfwLibrary = Deno.DynamicLibrary<typeof EFW_SYMBOLS>;

export interface EfwInfo {
  id: number;
  name: string;
  slotCount: number;
}

export class EfwSdk {
  readonly layouts: ZwoLayouts;
  readonly #lib: EfwLibrary;

  private constructor(lib: EfwLibrary, layouts: ZwoLayouts) {
    this.#lib = lib;
    this.layouts = layouts;
  }

  static open(path = EFW_DEFAULT_LIBRARY, model = hostDataModel()): EfwSdk {
    return new EfwSdk(
      openLibrary("ZWO EFW filter wheel SDK", path, EFW_SYMBOLS),
      zwoLayouts(model),
    );
  }

  close(): void {
    this.#lib.close();
  }

  count(): Promise<number> {
    return this.#lib.symbols.EFWGetNum();
  }

  async idAt(index: number): Promise<number> {
    const id = new Int32Array(1);
    check("EFWGetID", await this.#lib.symbols.EFWGetID(index, id));
    return id[0]!;
  }

  async open(id: number): Promise<void> {
    check("EFWOpen", await this.#lib.symbols.EFWOpen(id));
  }

  async info(id: number): Promise<EfwInfo> {
    const layout = this.layouts.efwInfo;
    const bytes = new Uint8Array(layout.sizeBytes);
    check("EFWGetProperty", await this.#lib.symbols.EFWGetProperty(id, bytes));
    const s = new StructReader(layout, this.layouts.model, bytes);
    return { id: s.int("ID"), name: s.string("Name", 64), slotCount: s.int("slotNum") };
  }

  /** The current slot, or −1 while the wheel turns. */
  async position(id: number): Promise<number> {
    const slot = new Int32Array(1);
    check("EFWGetPosition", await this.#lib.symbols.EFWGetPosition(id, slot));
    return slot[0]!;
  }

  async setPosition(id: number, slot: number): Promise<void> {
    check("EFWSetPosition", await this.#lib.symbols.EFWSetPosition(id, slot));
  }

  async closeDevice(id: number): Promise<void> {
    check("EFWClose", await this.#lib.symbols.EFWClose(id));
  }
}

function check(call: string, code: number): void {
  if (code !== 0) throw sdkError("EFW", "filterwheel", call, code);
}
