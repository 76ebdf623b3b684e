/**
 * ZWO ASI cameras through the vendor SDK (registry id "zwo"). Connecting loads the library,
 * picks the camera (options index / id / name), opens and initialises it and reads its
 * capabilities from the SDK; a timer then polls temperature and cooler every
 * `statusIntervalMs`. Exposures follow zwo_exposure.ts. All SDK calls of one camera go through
 * one queue; SDK codes that mean the camera is gone (closed, removed, unknown id) end the
 * connection and fire onLost so the hub reconnects, any other code fails only that command.
 * Options: library, index | id | name, pollIntervalMs (exposure status, 50), statusIntervalMs
 * (cooler, 1000), readoutTimeoutMs (shutter close to SUCCESS, 60000).
 */
import type { Clock } from "../../lib/clock.ts";
import { conflict, DeviceNotConnectedError } from "../../lib/errors.ts";
import type { Logger } from "../../lib/log.ts";
import type {
  Camera,
  CameraCapabilities,
  CameraStatus,
  ExposureRequest,
  RawFrame,
} from "../camera.ts";
import type { DeviceInfo, DriverContext } from "../device.ts";
import { Emitter } from "../emitter.ts";
import { type AsiCameraInfo, AsiControl, AsiSdk } from "./asi_sdk.ts";
import { CallQueue } from "./library.ts";
import { deviceSelector, selectDevice, type ZwoCameraOptions } from "./options.ts";
import { PollLoop } from "./poll_loop.ts";
import { capabilitiesOf, UNKNOWN_CAPABILITIES } from "./zwo_camera_caps.ts";
import { checkExposureRequest } from "../exposure_check.ts";
import { runExposure, type RunningExposure } from "./zwo_exposure.ts";

interface Session {
  sdk: AsiSdk;
  cameraId: number;
  info: AsiCameraInfo;
  controls: Map<number, { minValue: number; maxValue: number }>;
}

export class ZwoCamera implements Camera {
  readonly kind = "camera" as const;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #options: ZwoCameraOptions;
  // A "device gone" answer to any SDK call drops the connection.
  readonly #queue = new CallQueue((reason) => void this.#lose(reason));
  readonly #statusListeners = new Emitter<CameraStatus>();
  readonly #lostListeners = new Emitter<string>();
  #info: DeviceInfo = {
    name: "ZWO ASI camera",
    driver: "zwo",
    description: "ZWO ASI camera through libASICamera2 (not connected yet)",
    driverVersion: "1.0.0",
  };
  #capabilities: CameraCapabilities = UNKNOWN_CAPABILITIES;
  #session: Session | null = null;
  #exposure: RunningExposure | null = null;
  #exposureDone: Promise<unknown> = Promise.resolve();
  #cooler: CameraStatus["cooler"] = { enabled: false, powerPct: 0, tempC: null, targetC: null };
  #askedTargetC: number | null = null;
  readonly #poll: PollLoop;

  constructor(ctx: DriverContext<ZwoCameraOptions>) {
    this.#options = ctx.options;
    this.#clock = ctx.clock;
    this.#log = ctx.log;
    this.#poll = new PollLoop(
      () => this.#pollCooler(),
      () => this.#options.statusIntervalMs,
    );
  }

  get info(): DeviceInfo {
    return this.#info;
  }

  /** Read from the SDK at connect; placeholders (1×1, no gain range) before the first one. */
  get capabilities(): CameraCapabilities {
    return this.#capabilities;
  }

  async connect(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.#session) return;
    const sdk = AsiSdk.open(this.#options.library);
    let openedId: number | null = null;
    try {
      const infos = new Map<number, AsiCameraInfo>();
      const chosen = await selectDevice(
        "ASI camera",
        deviceSelector(this.#options),
        await sdk.cameraCount(),
        async (index) => {
          const info = await sdk.cameraInfo(index);
          infos.set(index, info);
          return { index, id: info.cameraId, name: info.name };
        },
      );
      const info = infos.get(chosen.index)!;
      await sdk.openCamera(chosen.id);
      openedId = chosen.id;
      await sdk.initCamera(chosen.id);
      const controls = new Map((await sdk.controls(chosen.id)).map((c) => [c.controlType, c]));
      signal?.throwIfAborted();
      this.#capabilities = capabilitiesOf(info, controls);
      this.#info = {
        name: info.name,
        driver: "zwo",
        description: `${info.name} (${info.maxWidthPx}×${info.maxHeightPx}, ` +
          `${info.pixelSizeUm} µm, ${info.bitDepth}-bit) through libASICamera2`,
        driverVersion: `1.0.0 (SDK ${sdk.version()})`,
      };
      this.#session = { sdk, cameraId: chosen.id, info, controls };
    } catch (err) {
      if (openedId !== null) await sdk.closeCamera(openedId).catch(() => {});
      sdk.close();
      throw err;
    }
    this.#log.info("zwo camera connected", { name: this.#info.name });
    await this.#refreshCooler().catch((err) => this.#log.warn("zwo cooler read failed", { err }));
    this.#emitStatus();
    this.#poll.start();
  }

  async disconnect(): Promise<void> {
    await this.#release("was disconnected during the exposure");
  }

  status(): CameraStatus {
    const run = this.#exposure;
    let progress = 0;
    let remainingS = 0;
    if (run && run.state !== "idle") {
      const durationMs = run.request.durationS * 1000;
      const elapsedMs = Math.max(0, this.#clock.now() - run.startedAtMs);
      progress = run.state !== "exposing" || durationMs === 0
        ? 1
        : Math.min(1, elapsedMs / durationMs);
      remainingS = run.state === "exposing" ? Math.max(0, durationMs - elapsedMs) / 1000 : 0;
    }
    const state = run?.state ?? "idle";
    return {
      connected: this.#session !== null,
      exposure: {
        state,
        progress,
        remainingS,
        request: run && state !== "idle" ? { ...run.request } : null,
      },
      cooler: { ...this.#cooler },
    };
  }

  onStatus(listener: (status: CameraStatus) => void): () => void {
    return this.#statusListeners.on(listener);
  }

  onLost(listener: (reason: string) => void): () => void {
    return this.#lostListeners.on(listener);
  }

  async expose(request: ExposureRequest, signal?: AbortSignal): Promise<RawFrame> {
    const session = this.#requireSession();
    checkExposureRequest(request, this.#capabilities, {
      supportedBins: session.info.supportedBins,
    });
    if (this.#exposure) {
      throw conflict("An exposure is already running", { state: this.#exposure.state });
    }
    signal?.throwIfAborted();
    const stop = new AbortController();
    // "idle" until ASIStartExposure returns: status() shows no progress for the setup calls.
    const run: RunningExposure = { request: { ...request }, startedAtMs: 0, state: "idle", stop };
    this.#exposure = run;
    const caps = this.#capabilities;
    const pending = runExposure(
      {
        sdk: session.sdk,
        cameraId: session.cameraId,
        clock: this.#clock,
        call: (job) => this.#queue.run(job),
        maxWidthPx: caps.widthPx,
        maxHeightPx: caps.heightPx,
        exposureMinUs: Math.round(caps.exposureMinS * 1e6),
        hasOffset: session.controls.has(AsiControl.OFFSET),
        bayerPattern: caps.bayerPattern,
        pollIntervalMs: this.#options.pollIntervalMs,
        readoutTimeoutMs: this.#options.readoutTimeoutMs,
        sensorTempC: () => this.#cooler.tempC,
        changed: () => this.#emitStatus(),
      },
      run,
      signal ? AbortSignal.any([signal, stop.signal]) : stop.signal,
    );
    this.#exposureDone = pending.catch(() => {});
    try {
      return await pending;
    } finally {
      if (this.#exposure === run) {
        this.#exposure = null;
        this.#emitStatus();
      }
    }
  }

  async setCooler(enabled: boolean, targetC: number): Promise<void> {
    const session = this.#requireSession();
    if (!this.#capabilities.hasCooler) throw conflict(`${this.#info.name} has no cooler`);
    if (typeof enabled !== "boolean") {
      throw new TypeError(`cooler enabled must be a boolean, got ${JSON.stringify(enabled)}`);
    }
    const range = session.controls.get(AsiControl.TARGET_TEMP)!;
    if (
      typeof targetC !== "number" || !Number.isFinite(targetC) || targetC < range.minValue ||
      targetC > range.maxValue
    ) {
      throw new RangeError(
        `cooler targetC must be within ${range.minValue}..${range.maxValue} °C, got ${targetC}`,
      );
    }
    const { sdk, cameraId } = session;
    // TARGET_TEMP is a whole-degree control: the camera gets the nearest degree, status keeps
    // what was asked as long as the camera holds that degree.
    const wholeC = Math.round(targetC);
    await this.#queue.run(() => sdk.setControl(cameraId, AsiControl.TARGET_TEMP, wholeC));
    await this.#queue.run(() => sdk.setControl(cameraId, AsiControl.COOLER_ON, enabled ? 1 : 0));
    this.#askedTargetC = targetC;
    this.#cooler = { ...this.#cooler, enabled, targetC };
    this.#emitStatus();
  }

  #requireSession(): Session {
    if (!this.#session) throw new DeviceNotConnectedError("camera");
    return this.#session;
  }

  async #refreshCooler(): Promise<void> {
    const session = this.#session;
    if (!session) return;
    const { sdk, cameraId, controls } = session;
    const read = (type: number) => this.#queue.run(() => sdk.getControl(cameraId, type));
    const tempC = controls.has(AsiControl.TEMPERATURE)
      ? (await read(AsiControl.TEMPERATURE)) / 10
      : null;
    if (!this.#capabilities.hasCooler) {
      this.#cooler = { enabled: false, powerPct: 0, tempC, targetC: null };
      return;
    }
    const powerPct = controls.has(AsiControl.COOLER_POWER_PERC)
      ? await read(AsiControl.COOLER_POWER_PERC)
      : 0;
    const enabled = (await read(AsiControl.COOLER_ON)) !== 0;
    const heldC = await read(AsiControl.TARGET_TEMP);
    const askedC = this.#askedTargetC;
    const targetC = askedC !== null && Math.round(askedC) === heldC ? askedC : heldC;
    this.#cooler = { enabled, powerPct: Math.min(100, Math.max(0, powerPct)), tempC, targetC };
  }

  async #pollCooler(): Promise<void> {
    const before = JSON.stringify(this.#cooler);
    try {
      await this.#refreshCooler();
      if (JSON.stringify(this.#cooler) !== before) this.#emitStatus();
    } catch (err) {
      // One failed read is not a lost camera; the queue already handled the codes that are.
      this.#log.warn("zwo camera status poll failed", { error: String(err) });
    }
  }

  #emitStatus(): void {
    this.#statusListeners.emit(this.status());
  }

  /** Ends the session: stops the poll, aborts and awaits an exposure, closes camera and SDK. */
  async #release(exposureReason: string): Promise<boolean> {
    const session = this.#session;
    if (!session) return false;
    this.#session = null;
    this.#exposure?.stop.abort(new DeviceNotConnectedError("camera", exposureReason));
    await this.#exposureDone;
    await this.#poll.stop();
    await this.#queue.drained();
    const { sdk, cameraId } = session;
    // A cooled sensor is warmed gently by the SDK once the cooler is off; never leave it on.
    if (this.#capabilities.hasCooler) {
      await sdk.setControl(cameraId, AsiControl.COOLER_ON, 0).catch(() => {});
    }
    await sdk.closeCamera(cameraId).catch(() => {});
    sdk.close();
    this.#cooler = { ...this.#cooler, enabled: false, powerPct: 0 };
    this.#emitStatus();
    return true;
  }

  async #lose(reason: string): Promise<void> {
    if (await this.#release(`connection was lost: ${reason}`)) {
      this.#log.warn("zwo camera lost", { reason });
      this.#lostListeners.emit(reason);
    }
  }
}
