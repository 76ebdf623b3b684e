/**
 * Camera over INDI's CCD properties. An exposure applies binning, frame type, gain and offset
 * (only those that differ), starts CCD_EXPOSURE, and resolves with the next CCD1 BLOB decoded to
 * 16-bit pixels (blob_frame.ts) — the next one after the driver took the request, so a late frame
 * of an aborted exposure is never taken for the new one. Progress is timed locally from the
 * start, because drivers update CCD_EXPOSURE's countdown only once per poll. Aborting sends
 * CCD_ABORT_EXPOSURE; a lost session fails the exposure at once. The cooler uses CCD_TEMPERATURE (and CCD_COOLER when the
 * camera has the switch).
 */
import { conflict } from "../../lib/errors.ts";
import type {
  Camera,
  CameraCapabilities,
  CameraStatus,
  ExposureRequest,
  FrameType,
  RawFrame,
} from "../camera.ts";
import type { DriverContext } from "../device.ts";
import { DOWNLOAD_TIMEOUT_MS } from "../timeouts.ts";
import { decodeBlobImage } from "./blob_frame.ts";
import { gainTarget, offsetTarget, readCapabilities } from "./camera_caps.ts";
import { checkExposureRequest } from "../exposure_check.ts";
import type { IndiClient } from "./client.ts";
import { IndiDevice } from "./indi_device.ts";
import type { IndiOptions } from "./options.ts";
import { numberMember, numberValue, switchOn } from "./properties.ts";

const EXPOSURE = "CCD_EXPOSURE";
const BLOB = "CCD1";
const FRAME_TYPE_MEMBER: Record<FrameType, string> = {
  light: "FRAME_LIGHT",
  dark: "FRAME_DARK",
  bias: "FRAME_BIAS",
  flat: "FRAME_FLAT",
};

interface Running {
  request: ExposureRequest;
  /** Unix ms the exposure was sent, or null while settings are still being applied. */
  startedAtMs: number | null;
}

export class IndiCamera extends IndiDevice<CameraStatus> implements Camera {
  readonly kind = "camera" as const;
  protected readonly requiredProperties = ["CCD_INFO", EXPOSURE, BLOB] as const;
  #running: Running | null = null;
  #coolerEnabled = false;
  #coolerTargetC: number | null = null;

  constructor(ctx: DriverContext<IndiOptions>) {
    super(ctx, "INDI camera");
  }

  get capabilities(): CameraCapabilities {
    return readCapabilities((name) => this.vector(name));
  }

  protected snapshot(connected: boolean): CameraStatus {
    const running = this.#running;
    let exposure: CameraStatus["exposure"] = {
      state: "idle",
      progress: 0,
      remainingS: 0,
      request: null,
    };
    if (running) {
      const elapsedS = running.startedAtMs === null
        ? 0
        : (this.ctx.clock.now() - running.startedAtMs) / 1000;
      const durationS = running.request.durationS;
      const progress = durationS > 0 ? Math.min(1, Math.max(0, elapsedS / durationS)) : 1;
      exposure = {
        state: progress < 1 ? "exposing" : "downloading",
        progress,
        remainingS: Math.max(0, durationS - elapsedS),
        request: running.request,
      };
    }
    const temperature = this.vector("CCD_TEMPERATURE");
    const cooler = this.vector("CCD_COOLER");
    const power = numberValue(this.vector("CCD_COOLER_POWER"), "CCD_COOLER_VALUE", 0);
    return {
      connected,
      exposure,
      cooler: {
        enabled: cooler ? switchOn(cooler, "COOLER_ON") : this.#coolerEnabled,
        powerPct: Math.min(100, Math.max(0, power)),
        tempC: temperature ? numberValue(temperature, "CCD_TEMPERATURE_VALUE", NaN) : null,
        targetC: this.#coolerTargetC,
      },
    };
  }

  protected override async onSessionReady(client: IndiClient): Promise<void> {
    const device = this.options.device;
    await client.enableBlob(device, BLOB, "Also");
    // Frames must come to us, as FITS: a box-side camera set to LOCAL would never send a BLOB.
    if (this.vector("UPLOAD_MODE") && !switchOn(this.vector("UPLOAD_MODE"), "UPLOAD_CLIENT")) {
      await client.command(
        () => client.sendSwitches(device, "UPLOAD_MODE", { UPLOAD_CLIENT: true }),
        device,
        "UPLOAD_MODE",
        5000,
      );
    }
    const format = this.vector("CCD_TRANSFER_FORMAT");
    if (format && !switchOn(format, "FORMAT_FITS") && format.members.has("FORMAT_FITS")) {
      await client.command(
        () => client.sendSwitches(device, "CCD_TRANSFER_FORMAT", { FORMAT_FITS: true }),
        device,
        "CCD_TRANSFER_FORMAT",
        5000,
      );
    }
  }

  protected override onSessionEnd(): void {
    this.#running = null;
  }

  async expose(request: ExposureRequest, signal?: AbortSignal): Promise<RawFrame> {
    this.session();
    // INDI gain and offset are numbers, often fractional.
    checkExposureRequest(request, this.capabilities, { integerGainOffset: false });
    if (this.#running) throw conflict("An exposure is already running");
    signal?.throwIfAborted();
    const running: Running = { request: { ...request }, startedAtMs: null };
    this.#running = running;
    this.emitStatus();
    try {
      return await this.serial(() => this.#expose(running, signal));
    } catch (err) {
      if (this.connected && this.#running === running) {
        await this.session().sendSwitches(this.options.device, "CCD_ABORT_EXPOSURE", {
          ABORT: true,
        })
          .catch(() => {});
      }
      throw signal?.aborted ? signal.reason : err;
    } finally {
      if (this.#running === running) this.#running = null;
      this.emitStatus();
    }
  }

  async #expose(running: Running, signal?: AbortSignal): Promise<RawFrame> {
    const { request } = running;
    await this.#applySettings(request, signal);
    signal?.throwIfAborted();
    const client = this.session();
    const device = this.options.device;
    const exposureBefore = this.vector(EXPOSURE)?.revision ?? 0;
    const timeoutMs = request.durationS * 1000 + DOWNLOAD_TIMEOUT_MS;
    const failed = new AbortController();
    const both = signal ? AbortSignal.any([signal, failed.signal]) : failed.signal;
    // A frame is ours only once the driver has answered our request (CCD_EXPOSURE Busy, or Ok
    // when an exposure aborted just before ours completes): the BLOB of that earlier exposure may
    // still be on the wire, and drivers send a BLOB before its exposure's Ok and before they take
    // the next request, so everything up to the answer is an earlier frame.
    let blobFloor: number | null = null;
    const answered = client.waitFor(
      device,
      EXPOSURE,
      (v) => v.revision > exposureBefore && (v.state === "Busy" || v.state === "Ok"),
      timeoutMs,
      `${EXPOSURE} to take the exposure`,
      both,
    ).then(() => void (blobFloor = this.vector(BLOB)?.revision ?? 0));
    const frameArrived = client.waitFor(
      device,
      BLOB,
      (v) => blobFloor !== null && v.revision > blobFloor,
      timeoutMs,
      `the frame on ${BLOB}`,
      both,
    );
    const exposureAlert = client.waitFor(
      device,
      EXPOSURE,
      (v) => v.state === "Alert",
      timeoutMs,
      "an exposure failure",
      both,
    ).then((v) => {
      throw new Error(`${device} failed the exposure${v.message ? `: ${v.message}` : ""}`);
    });
    try {
      await client.sendNumbers(device, EXPOSURE, { CCD_EXPOSURE_VALUE: request.durationS });
      running.startedAtMs = this.ctx.clock.now();
      this.emitStatus();
      const blob = await Promise.race([frameArrived, exposureAlert]);
      const member = blob.type === "BLOB" ? blob.members.get(BLOB) : undefined;
      if (!member?.value) throw new Error(`${device} sent an empty ${BLOB}`);
      const image = decodeBlobImage(member.value, member.format);
      member.value = null; // the cache need not hold the last frame's bytes
      const binned = request.binning > 1;
      return {
        ...image,
        bayerPattern: binned ? null : this.capabilities.bayerPattern,
        request: { ...request },
        startedAtMs: running.startedAtMs,
        sensorTempC: this.status().cooler.tempC,
      };
    } finally {
      failed.abort(new Error("exposure settled"));
      answered.catch(() => {});
      frameArrived.catch(() => {});
      exposureAlert.catch(() => {});
    }
  }

  async #applySettings(request: ExposureRequest, signal?: AbortSignal): Promise<void> {
    const setNumber = async (property: string, member: string, value: number) => {
      if (numberValue(this.vector(property), member, NaN) === value) return;
      await this.complete(
        property,
        (c, d) => c.sendNumbers(d, property, { [member]: value }),
        5000,
        signal,
      );
    };
    if (this.vector("CCD_BINNING")) {
      const binned = numberValue(this.vector("CCD_BINNING"), "HOR_BIN", 1) === request.binning &&
        numberValue(this.vector("CCD_BINNING"), "VER_BIN", 1) === request.binning;
      if (!binned) {
        await this.complete(
          "CCD_BINNING",
          (c, d) =>
            c.sendNumbers(d, "CCD_BINNING", { HOR_BIN: request.binning, VER_BIN: request.binning }),
          5000,
          signal,
        );
      }
    }
    const frameType = this.vector("CCD_FRAME_TYPE");
    const member = FRAME_TYPE_MEMBER[request.frameType];
    if (frameType?.members.has(member) && !switchOn(frameType, member)) {
      await this.complete(
        "CCD_FRAME_TYPE",
        (c, d) => c.sendSwitches(d, "CCD_FRAME_TYPE", { [member]: true }),
        5000,
        signal,
      );
    }
    const gain = gainTarget((n) => this.vector(n));
    if (gain) await setNumber(gain.property, gain.member, request.gain);
    const offset = offsetTarget((n) => this.vector(n));
    if (offset) await setNumber(offset.property, offset.member, request.offset);
  }

  async setCooler(enabled: boolean, targetC: number): Promise<void> {
    this.session();
    if (!this.capabilities.hasCooler) throw conflict(`${this.options.device} has no cooler`);
    if (typeof enabled !== "boolean") throw new TypeError("enabled must be a boolean");
    const range = numberMember(this.vector("CCD_TEMPERATURE"), "CCD_TEMPERATURE_VALUE");
    if (!Number.isFinite(targetC) || (range && (targetC < range.min || targetC > range.max))) {
      throw new RangeError(
        `targetC must be within ${range?.min}..${range?.max} °C, got ${targetC}`,
      );
    }
    await this.serial(async () => {
      if (this.vector("CCD_COOLER")) {
        const member = enabled ? "COOLER_ON" : "COOLER_OFF";
        // Drivers keep CCD_COOLER Busy while they regulate: the first answer is acceptance.
        await this.start(
          "CCD_COOLER",
          (c, d) => c.sendSwitches(d, "CCD_COOLER", { [member]: true }),
        );
      }
      this.#coolerEnabled = enabled;
      this.#coolerTargetC = targetC;
      // The temperature vector stays Busy while it ramps: resolve once the driver took the target.
      if (enabled && range) {
        await this.start(
          "CCD_TEMPERATURE",
          (c, d) => c.sendNumbers(d, "CCD_TEMPERATURE", { CCD_TEMPERATURE_VALUE: targetC }),
        );
      }
      this.emitStatus();
    });
  }
}
