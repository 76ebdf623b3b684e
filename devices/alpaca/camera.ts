/**
 * A remote Alpaca Camera behind our Camera contract. `expose` sets binning, full-frame size, gain
 * and offset, starts the exposure, polls DeviceState (CameraState, PercentCompleted, ImageReady)
 * and downloads the image as ImageBytes (JSON ImageArray when the server does not speak it).
 * Requests are checked against the capabilities first, so a bad one is refused naming the field
 * before anything reaches the wire.
 */
import { decodeImageBytes } from "../../lib/alpaca/image_bytes.ts";
import { conflict } from "../../lib/errors.ts";
import type {
  BayerPattern,
  Camera,
  CameraCapabilities,
  CameraStatus,
  ExposureRequest,
  ExposureState,
  RawFrame,
} from "../camera.ts";
import { FRAME_TYPES } from "../camera.ts";
import type { DriverContext } from "../device.ts";
import { AlpacaDriver, bool, num } from "./base.ts";
import type { AlpacaOptions } from "./options.ts";

const STATES: ExposureState[] = ["idle", "exposing", "exposing", "reading", "downloading", "error"];
/** BayerOffsetX/Y relative to SensorType RGGB → our pattern at (0, 0). */
const BAYER: Record<string, BayerPattern> = {
  "0,0": "RGGB",
  "1,0": "GRBG",
  "0,1": "GBRG",
  "1,1": "BGGR",
};
const EXPOSURE_POLL_MS = 25;

export class AlpacaCamera extends AlpacaDriver<CameraStatus> implements Camera {
  readonly kind = "camera";
  readonly capabilities: CameraCapabilities = {
    widthPx: 0,
    heightPx: 0,
    pixelSizeUm: 0,
    bitDepth: 16,
    bayerPattern: null,
    maxBinning: 1,
    gainMin: 0,
    gainMax: 0,
    offsetMin: 0,
    offsetMax: 0,
    exposureMinS: 0,
    exposureMaxS: 3600,
    hasCooler: false,
    hasShutter: false,
  };
  protected readonly stateMembers = {
    CameraState: "camerastate",
    CCDTemperature: "ccdtemperature",
    CoolerPower: "coolerpower",
    ImageReady: "imageready",
    PercentCompleted: "percentcompleted",
  };
  #exposure: CameraStatus["exposure"] = {
    state: "idle",
    progress: 0,
    remainingS: 0,
    request: null,
  };
  #cooler: CameraStatus["cooler"] = { enabled: false, powerPct: 0, tempC: null, targetC: null };
  #imageReady = false;
  #busy = false;

  constructor(ctx: DriverContext<AlpacaOptions>) {
    super(ctx, "camera");
  }

  protected async load(): Promise<void> {
    const get = <T>(member: string, fallback: T) => this.http.get<T>(member).catch(() => fallback);
    const caps = this.capabilities;
    caps.widthPx = await this.http.get<number>("cameraxsize");
    caps.heightPx = await this.http.get<number>("cameraysize");
    caps.pixelSizeUm = await get("pixelsizex", 1);
    caps.bitDepth = Math.min(
      16,
      Math.max(8, Math.ceil(Math.log2((await get("maxadu", 65535)) + 1))),
    );
    const sensorType = await get("sensortype", 0);
    caps.bayerPattern = sensorType === 2
      ? BAYER[`${await get("bayeroffsetx", 0)},${await get("bayeroffsety", 0)}`] ?? "RGGB"
      : null;
    caps.maxBinning = await get("maxbinx", 1);
    caps.gainMin = await get("gainmin", 0);
    caps.gainMax = await get("gainmax", 0);
    caps.offsetMin = await get("offsetmin", 0);
    caps.offsetMax = await get("offsetmax", 0);
    caps.exposureMinS = await get("exposuremin", 0);
    caps.exposureMaxS = await get("exposuremax", 3600);
    caps.hasCooler = await get("cansetccdtemperature", false);
    caps.hasShutter = await get("hasshutter", false);
    this.#cooler.enabled = await get("cooleron", false);
    this.#cooler.targetC = caps.hasCooler
      ? await get<number | null>("setccdtemperature", null)
      : null;
  }

  protected apply(state: Record<string, unknown>): void {
    const cameraState = num(state.CameraState, 0);
    this.#imageReady = bool(state.ImageReady, false);
    this.#cooler.tempC = typeof state.CCDTemperature === "number" ? state.CCDTemperature : null;
    this.#cooler.powerPct = Math.min(100, Math.max(0, num(state.CoolerPower, 0)));
    if (!this.#busy) return;
    const request = this.#exposure.request;
    const stateName = STATES[cameraState] ?? "idle";
    const progress = Math.min(1, Math.max(0, num(state.PercentCompleted, 0) / 100));
    this.#exposure = {
      // Between StartExposure and the first poll the server may still say idle: we are exposing.
      state: stateName === "idle" && !this.#imageReady ? "exposing" : stateName,
      progress: stateName === "exposing"
        ? progress
        : this.#imageReady
        ? 1
        : this.#exposure.progress,
      remainingS: request ? Math.max(0, (1 - progress) * request.durationS) : 0,
      request,
    };
  }

  protected snapshot(): CameraStatus {
    return {
      connected: this.connected,
      exposure: { ...this.#exposure },
      cooler: { ...this.#cooler },
    };
  }

  async expose(request: ExposureRequest, signal?: AbortSignal): Promise<RawFrame> {
    this.requireConnected();
    this.#validate(request);
    if (this.#busy) throw conflict("An exposure is already running");
    signal?.throwIfAborted();
    this.#busy = true;
    const asked = { ...request };
    try {
      const width = Math.floor(this.capabilities.widthPx / request.binning);
      const height = Math.floor(this.capabilities.heightPx / request.binning);
      for (
        const [member, form] of [
          ["binx", { BinX: request.binning }],
          ["biny", { BinY: request.binning }],
          ["startx", { StartX: 0 }],
          ["starty", { StartY: 0 }],
          ["numx", { NumX: width }],
          ["numy", { NumY: height }],
          ["gain", { Gain: request.gain }],
          ["offset", { Offset: request.offset }],
        ] as const
      ) {
        await this.http.put(member, form);
      }
      this.#exposure = {
        state: "exposing",
        progress: 0,
        remainingS: request.durationS,
        request: asked,
      };
      const startedAtMs = this.ctx.clock.now();
      await this.http.put("startexposure", {
        Duration: request.durationS,
        Light: request.frameType === "light" || request.frameType === "flat",
      });
      this.emit();
      await this.#waitForImage(signal);
      this.#exposure = { ...this.#exposure, state: "downloading", progress: 1, remainingS: 0 };
      this.emit();
      const image = await this.http.imageArray();
      const frame = image instanceof Uint8Array ? decodeImageBytes(image) : fromJson(image.Value);
      signal?.throwIfAborted();
      return {
        pixels: frame.pixels,
        widthPx: frame.widthPx,
        heightPx: frame.heightPx,
        bayerPattern: request.binning === 1 ? this.capabilities.bayerPattern : null,
        request: asked,
        startedAtMs,
        sensorTempC: this.#cooler.tempC,
      };
    } finally {
      this.#busy = false;
      this.#exposure = { state: "idle", progress: 0, remainingS: 0, request: null };
      this.emit();
    }
  }

  async setCooler(enabled: boolean, targetC: number): Promise<void> {
    this.requireConnected();
    if (!this.capabilities.hasCooler) throw conflict("This camera has no cooler");
    if (!Number.isFinite(targetC) || targetC < -60 || targetC > 60) {
      throw new RangeError(`cooler targetC must be within -60..60 °C, got ${targetC}`);
    }
    await this.http.put("setccdtemperature", { SetCCDTemperature: targetC });
    await this.http.put("cooleron", { CoolerOn: enabled });
    this.#cooler.enabled = enabled;
    this.#cooler.targetC = targetC;
    await this.reload();
  }

  async #waitForImage(signal?: AbortSignal): Promise<void> {
    while (true) {
      if (signal?.aborted) {
        await this.http.put("abortexposure").catch(() => {});
        throw signal.reason;
      }
      await this.reload();
      if (this.#imageReady) return;
      if (this.#exposure.state === "error") throw new Error("the camera reported an error");
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, EXPOSURE_POLL_MS);
        signal?.addEventListener("abort", done, { once: true });
        function done() {
          clearTimeout(timer);
          signal?.removeEventListener("abort", done);
          resolve();
        }
      });
    }
  }

  #validate(request: ExposureRequest): void {
    const caps = this.capabilities;
    check("durationS", request.durationS, caps.exposureMinS, caps.exposureMaxS, false);
    check("gain", request.gain, caps.gainMin, caps.gainMax, true);
    check("offset", request.offset, caps.offsetMin, caps.offsetMax, true);
    check("binning", request.binning, 1, caps.maxBinning, true);
    if (!FRAME_TYPES.includes(request.frameType)) {
      throw new RangeError(`frameType must be one of ${FRAME_TYPES.join(", ")}`);
    }
  }
}

function check(field: string, value: number, min: number, max: number, integer: boolean): void {
  if (
    typeof value !== "number" || !(value >= min && value <= max) ||
    (integer && !Number.isInteger(value))
  ) {
    throw new RangeError(
      `${field} must be ${integer ? "an integer " : ""}within ${min}..${max}, got ${value}`,
    );
  }
}

/** A JSON ImageArray ([x][y]) back to a row-major 16-bit frame. */
function fromJson(columns: number[][]): { pixels: Uint16Array; widthPx: number; heightPx: number } {
  const widthPx = columns.length;
  const heightPx = columns[0]?.length ?? 0;
  const pixels = new Uint16Array(widthPx * heightPx);
  for (let x = 0; x < widthPx; x++) {
    const column = columns[x]!;
    for (let y = 0; y < heightPx; y++) {
      pixels[y * widthPx + x] = Math.min(65535, Math.max(0, column[y] ?? 0));
    }
  }
  return { pixels, widthPx, heightPx };
}
