/**
 * The simulated camera: the camera contract with no hardware, so the whole box — sequencer,
 * previews, FITS files, the Alpaca bridge — runs on a laptop and in CI. Exposures follow the
 * injected clock through exposing → reading → downloading, honour their AbortSignal, and end
 * with a frame from sky.ts, drawn on a worker thread while connected (synth_off_loop.ts); the
 * cooler follows camera_cooler.ts and reports about once a second while its temperature moves.
 * Every command passes the fault switchboard first, so tests can make it hang, fail or drop the
 * connection. Through the registry's optics link (optics_link.ts)
 * its lights show the true sky at the simulated mount's pointing, turned by the simulated rotator
 * (camera_sky.ts), and with a `focus` option its star size follows the simulated focuser along a
 * V-curve.
 */
import { conflict, DeviceNotConnectedError } from "../../lib/errors.ts";
import type { Clock } from "../../lib/clock.ts";
import type { Logger } from "../../lib/log.ts";
import {
  type Camera,
  type CameraCapabilities,
  type CameraStatus,
  type ExposureRequest,
  type ExposureState,
  type RawFrame,
} from "../camera.ts";
import type { DeviceInfo, DriverContext } from "../device.ts";
import { Emitter } from "../emitter.ts";
import { CoolerModel } from "./camera_cooler.ts";
import {
  type FocusModel,
  type SimCameraOptions,
  type SimCameraSetup,
  simCameraSetup,
} from "./camera_options.ts";
import { SimFaults, type Simulated } from "./faults.ts";
import type { Scene } from "./sky.ts";
import { FrameDrawer } from "./synth_off_loop.ts";
import { CameraSky, cameraSkyFor } from "./camera_sky.ts";
import { simCameraCapabilities } from "./camera_request.ts";
import { checkExposureRequest } from "../exposure_check.ts";
import { bestFocusSteps, defocusBlurPx, type SimOpticsLink } from "./optics_link.ts";

/** How often status is pushed while the cooler's temperature moves. */
const COOLER_TICK_MS = 1000;

interface RunningExposure {
  request: ExposureRequest;
  startedAtMs: number;
  state: ExposureState;
  abort: AbortController;
}

export class SimCamera implements Camera, Simulated {
  readonly kind = "camera" as const;
  readonly info: DeviceInfo;
  readonly capabilities: CameraCapabilities;
  readonly faults: SimFaults;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #options: SimCameraSetup;
  readonly #cooler: CoolerModel;
  readonly #statusListeners = new Emitter<CameraStatus>();
  readonly #lostListeners = new Emitter<string>();
  #connected = false;
  #exposure: RunningExposure | null = null;
  #coolerTicks: AbortController | null = null;
  #framesTaken = 0;
  #focusBlurPx = 0;
  readonly #optics: SimOpticsLink | null;
  readonly #focusModel: FocusModel | null;
  readonly #sky: CameraSky;
  readonly #drawer: FrameDrawer;
  readonly #sensorText: string;

  /** `optics`: the registry's link to the simulated focuser (see optics_link.ts). */
  constructor(ctx: DriverContext<SimCameraOptions>, optics: SimOpticsLink | null = null) {
    this.#optics = optics;
    this.#focusModel = ctx.options.focus ?? null;
    const options = simCameraSetup(ctx.options);
    this.#options = options;
    this.#clock = ctx.clock;
    this.#log = ctx.log;
    this.#cooler = new CoolerModel(ctx.clock, options.ambientC, options.coolerRateCPerMin);
    this.faults = new SimFaults((reason) => this.#lose(reason));
    this.#sky = cameraSkyFor(ctx, options, optics, this.#log);
    this.#drawer = new FrameDrawer({
      widthPx: options.widthPx,
      heightPx: options.heightPx,
      bayerPattern: options.bayerPattern,
      seed: options.seed,
    });
    this.#sensorText = `Synthetic ${options.widthPx}×${options.heightPx} CMOS sensor with noise, ` +
      "dark current and hot pixels; lights show ";
    this.info = {
      name: `Simulated ${options.model} camera`,
      driver: "sim",
      description: this.#sensorText + this.#sky.note,
      driverVersion: "1.0.0",
    };
    this.capabilities = simCameraCapabilities(options);
  }

  /** Simulator only: extra PSF blur in pixels, which a simulated focuser sets from its position. */
  setFocusBlurPx(blurPx: number): void {
    if (!(blurPx >= 0 && blurPx <= 100)) {
      throw new RangeError(`focus blur must be within 0..100 px, got ${blurPx}`);
    }
    this.#focusBlurPx = blurPx;
  }

  /** Simulator only: the V-curve's true best focus now (steps), or null without a V-curve. */
  trueBestFocusSteps(): number | null {
    const reading = this.#optics?.reading();
    if (!this.#focusModel || !reading) return null;
    return bestFocusSteps(this.#focusModel, reading.temperatureC);
  }

  /** The V-curve's blur when the profile asks for one and a focuser is linked, else the set one. */
  #blurNowPx(): number {
    const reading = this.#optics?.reading();
    if (!this.#focusModel || !reading) return this.#focusBlurPx;
    return defocusBlurPx(this.#focusModel, reading);
  }

  async connect(signal?: AbortSignal): Promise<void> {
    await this.faults.check("connect");
    signal?.throwIfAborted();
    if (this.#connected) return;
    this.#connected = true;
    // Started now: starting a worker blocks this thread for tens of milliseconds.
    this.#drawer.start();
    this.#log.info("sim camera connected", { model: this.#options.model });
    this.#emitStatus();
    this.#startCoolerTicks();
  }

  // No fault check here: tests and the hub must always be able to let go of a device. A star
  // catalogue still loading for an aborted light is waited for, so nothing outlives the camera.
  async disconnect(): Promise<void> {
    if (this.#connected) this.#release("was disconnected during the exposure");
    this.#drawer.close();
    await this.#sky.settled();
  }

  status(): CameraStatus {
    const exposure = this.#exposure;
    const nowMs = this.#clock.now();
    let progress = 0;
    let remainingS = 0;
    if (exposure) {
      const durationMs = exposure.request.durationS * 1000;
      const elapsedMs = Math.max(0, nowMs - exposure.startedAtMs);
      progress = exposure.state !== "exposing" || durationMs === 0
        ? 1
        : Math.min(1, elapsedMs / durationMs);
      remainingS = exposure.state === "exposing" ? Math.max(0, durationMs - elapsedMs) / 1000 : 0;
    }
    return {
      connected: this.#connected,
      exposure: {
        state: exposure?.state ?? "idle",
        progress,
        remainingS,
        request: exposure ? { ...exposure.request } : null,
      },
      cooler: {
        enabled: this.#cooler.enabled,
        powerPct: this.#cooler.powerPct(),
        tempC: Math.round(this.#cooler.tempC() * 100) / 100,
        targetC: this.#cooler.targetC,
      },
    };
  }

  onStatus(listener: (status: CameraStatus) => void): () => void {
    return this.#statusListeners.on(listener);
  }

  onLost(listener: (reason: string) => void): () => void {
    return this.#lostListeners.on(listener);
  }

  async expose(request: ExposureRequest, signal?: AbortSignal): Promise<RawFrame> {
    await this.faults.check("expose");
    this.#requireConnected();
    checkExposureRequest(request, this.capabilities);
    if (this.#exposure) {
      throw conflict("An exposure is already running", { state: this.#exposure.state });
    }
    signal?.throwIfAborted();
    const abort = new AbortController();
    const stop = signal ? AbortSignal.any([signal, abort.signal]) : abort.signal;
    const exposure: RunningExposure = {
      request: { ...request },
      startedAtMs: this.#clock.now(),
      state: "exposing",
      abort,
    };
    this.#exposure = exposure;
    const sensorTempC = this.#cooler.tempC();
    const focusBlurPx = this.#blurNowPx();
    this.#emitStatus();
    try {
      // The pointing is read as the shutter opens and as it closes: a moving mount trails stars.
      const sky = request.frameType === "light" ? this.#sky.open() : null;
      await this.#clock.sleep(request.durationS * 1000, stop);
      const scene = sky?.close() ?? Promise.resolve(null);
      scene.catch(() => {}); // awaited below; an abort during readout must not leave it unhandled
      this.#setState(exposure, "reading");
      await this.#clock.sleep(this.#options.readoutMs, stop);
      this.#setState(exposure, "downloading");
      const shown: Scene | null = await scene;
      this.info.description = this.#sensorText + this.#sky.note;
      stop.throwIfAborted();
      // Drawn off the event loop (synth_off_loop.ts).
      const frame = await this.#drawer.draw(
        {
          ...exposure.request,
          exposureS: request.durationS,
          sensorTempC,
          focusBlurPx,
          noiseSeed: (this.#options.seed * 7919 + ++this.#framesTaken) >>> 0,
        },
        shown,
        stop,
      );
      stop.throwIfAborted();
      return {
        ...frame,
        // The contract: the pattern only describes unbinned colour frames.
        bayerPattern: request.binning === 1 ? this.#options.bayerPattern : null,
        request: { ...exposure.request },
        startedAtMs: exposure.startedAtMs,
        sensorTempC: Math.round(sensorTempC * 10) / 10,
      };
    } finally {
      if (this.#exposure === exposure) {
        this.#exposure = null;
        this.#emitStatus();
      }
    }
  }

  async setCooler(enabled: boolean, targetC: number): Promise<void> {
    await this.faults.check("setCooler");
    this.#requireConnected();
    if (!this.capabilities.hasCooler) throw conflict("This camera has no cooler");
    if (typeof enabled !== "boolean") {
      throw new TypeError(`cooler enabled must be a boolean, got ${JSON.stringify(enabled)}`);
    }
    if (typeof targetC !== "number" || !(targetC >= -60 && targetC <= 60)) {
      throw new RangeError(`cooler targetC must be within -60..60 °C, got ${targetC}`);
    }
    this.#cooler.set(enabled, targetC);
    this.#emitStatus();
    this.#startCoolerTicks();
  }

  #requireConnected(): void {
    if (!this.#connected) throw new DeviceNotConnectedError("camera");
  }

  #setState(exposure: RunningExposure, state: ExposureState): void {
    exposure.state = state;
    this.#emitStatus();
  }

  #emitStatus(): void {
    this.#statusListeners.emit(this.status());
  }

  /** Pushes status about once a second until the temperature settles (or we disconnect). */
  #startCoolerTicks(): void {
    if (this.#coolerTicks || !this.#connected || !this.#cooler.isMoving()) return;
    const ticks = new AbortController();
    this.#coolerTicks = ticks;
    (async () => {
      try {
        while (this.#cooler.isMoving()) {
          await this.#clock.sleep(COOLER_TICK_MS, ticks.signal);
          this.#emitStatus();
        }
      } catch {
        // Aborted by a disconnect: nothing left to report.
      } finally {
        if (this.#coolerTicks === ticks) this.#coolerTicks = null;
      }
    })();
  }

  /** Drops the connection: stops the ticks, discards a running exposure, turns the cooler off. */
  #release(exposureReason: string): void {
    this.#connected = false;
    this.#coolerTicks?.abort();
    this.#coolerTicks = null;
    this.#exposure?.abort.abort(new DeviceNotConnectedError("camera", exposureReason));
    this.#drawer.close();
    this.#cooler.set(false, this.#cooler.targetC);
    this.#emitStatus();
  }

  #lose(reason: string): void {
    if (!this.#connected) return;
    this.#log.warn("sim camera connection lost", { reason });
    this.#release(`connection was lost: ${reason}`);
    this.#lostListeners.emit(reason);
  }
}
