/**
 * Simulated PHD2-like autoguider. Starting from "stopped" it loops one frame to find a star,
 * calibrates (`calibrationSeconds`) unless already calibrated, then guides: every exposure the star
 * error shrinks by `correctionGain` and picks up seeing noise, giving guide steps whose RMS (the
 * last 50, in arcsec via `pixelScaleArcsec`) looks like a real night. A settle (after start or a
 * dither) succeeds once the error stays under `pixels` for `timeS`, and fails at `timeoutS`, or at
 * once with option `failSettle`; its clock starts when guiding does, so calibration does not eat
 * it. A lost star (`loseStar()` or option `starLostAfterS`) shows "lostLock" and recovers after
 * `lostRecoverySeconds`. Noise is seeded (`seed`) so runs repeat. Every guide step is reported to
 * `onGuideStep` as PHD2 reports GuideStep: the error on each axis (the camera is aligned with RA
 * and Dec, so dx/dy are the RA/Dec error), the correction pulse at half sidereal rate when it is
 * above PHD2's usual minimum move, and the star's SNR.
 */
import type { Clock } from "../../lib/clock.ts";
import { conflict } from "../../lib/errors.ts";
import type { DeviceInfo, DriverContext } from "../device.ts";
import { Emitter } from "../emitter.ts";
import type {
  Guider,
  GuiderCapabilities,
  GuiderStatus,
  GuideState,
  GuideStep,
  SettleParams,
} from "../guider.ts";
import type { SimFaults, Simulated } from "./faults.ts";
import type { SimGuiderOptions } from "./guider_options.ts";
import {
  checkNumber,
  gaussian,
  repeat,
  type Repeater,
  roundTo,
  seededRandom,
  SimLink,
} from "./motion.ts";

/** PHD2 shows RMS over a sliding window; 50 steps is its default history. */
const RMS_WINDOW_STEPS = 50;
/** Guide pulses move the mount at half the sidereal rate, arcsec per second. */
const GUIDE_RATE_ARCSEC_PER_S = 0.5 * 15.041;
/** Corrections smaller than this are not sent (PHD2's default minimum move is about 0.15 px). */
const MIN_MOVE_PX = 0.15;
/** Where the guide star sits on a 1280×960 guide camera. */
const LOCK_X_PX = 640;
const LOCK_Y_PX = 480;

interface PendingSettle {
  params: SettleParams;
  /** When guiding (re)started for this settle; null while still looping or calibrating. */
  startMs: number | null;
  inRangeSinceMs: number | null;
  resolve: () => void;
  reject: (reason: unknown) => void;
}

export class SimGuider implements Guider, Simulated {
  readonly kind = "guider" as const;
  readonly info: DeviceInfo = {
    name: "Simulated guider",
    driver: "sim",
    description: "PHD2-like autoguider with calibration, settling, dither and seeing noise",
    driverVersion: "1.0",
  };
  readonly capabilities: GuiderCapabilities = { canDither: true, canCalibrate: true };
  readonly faults: SimFaults;
  readonly #clock: Clock;
  readonly #link: SimLink<GuiderStatus>;
  readonly #random: () => number;
  readonly #exposureMs: number;
  readonly #calibrationMs: number;
  readonly #pixelScaleArcsec: number;
  readonly #noisePx: number;
  readonly #correctionGain: number;
  readonly #failSettle: boolean;
  readonly #starLostAfterMs: number | null;
  readonly #lostRecoveryMs: number;
  #state: GuideState = "stopped";
  #calibrated: boolean;
  #frames: Repeater | null = null;
  /** When the current phase (calibration, lost star) ends. */
  #phaseEndsMs = 0;
  #guidingSinceMs = 0;
  #starLostInjected = false;
  #lockXPx = LOCK_X_PX;
  #lockYPx = LOCK_Y_PX;
  /** Star minus lock position: the guide error. */
  #errorXPx = 0;
  #errorYPx = 0;
  #snr = 0;
  #steps: { raPx: number; decPx: number }[] = [];
  #settle: PendingSettle | null = null;
  #frameNumber = 0;
  readonly #stepEmitter = new Emitter<GuideStep>();

  constructor(ctx: DriverContext<SimGuiderOptions>) {
    const o = ctx.options;
    this.#exposureMs = o.exposureSeconds * 1000;
    this.#calibrationMs = o.calibrationSeconds * 1000;
    this.#pixelScaleArcsec = o.pixelScaleArcsec;
    this.#noisePx = o.noisePixels;
    this.#correctionGain = o.correctionGain;
    this.#failSettle = o.failSettle;
    this.#calibrated = o.calibrated;
    this.#starLostAfterMs = o.starLostAfterS === null ? null : o.starLostAfterS * 1000;
    this.#lostRecoveryMs = o.lostRecoverySeconds * 1000;
    this.#random = seededRandom(o.seed);
    this.#clock = ctx.clock;
    this.#link = new SimLink({
      kind: "guider",
      clock: ctx.clock,
      snapshot: () => this.status(),
      busy: () => false, // frames emit on their own timer
      onDrop: () => this.#stop(new Error("settle abandoned: the guider disconnected")),
    });
    this.faults = this.#link.faults;
  }

  connect(signal?: AbortSignal): Promise<void> {
    return this.#link.connect(signal);
  }

  disconnect(): Promise<void> {
    return this.#link.disconnect();
  }

  status(): GuiderStatus {
    const rms = this.#rmsArcsec();
    const hasStar = this.#state !== "stopped" && this.#state !== "lostLock";
    return {
      connected: this.#link.connected,
      state: this.#state,
      rmsRaArcsec: rms?.ra ?? null,
      rmsDecArcsec: rms?.dec ?? null,
      rmsTotalArcsec: rms?.total ?? null,
      star: hasStar
        ? {
          x: roundTo(this.#lockXPx + this.#errorXPx, 2),
          y: roundTo(this.#lockYPx + this.#errorYPx, 2),
          snr: roundTo(this.#snr, 1),
        }
        : null,
      calibrated: this.#calibrated,
      pixelScaleArcsec: this.#pixelScaleArcsec,
    };
  }

  onStatus(listener: (status: GuiderStatus) => void): () => void {
    return this.#link.onStatus(listener);
  }

  onLost(listener: (reason: string) => void): () => void {
    return this.#link.onLost(listener);
  }

  onGuideStep(listener: (step: GuideStep) => void): () => void {
    return this.#stepEmitter.on(listener);
  }

  async startGuiding(settle: SettleParams, signal?: AbortSignal): Promise<void> {
    await this.#link.command("startGuiding");
    checkSettle(settle);
    signal?.throwIfAborted();
    this.#refuseWhileSettling("start guiding");
    const done = this.#beginSettle(settle, signal);
    if (this.#state === "stopped" || this.#state === "selected" || this.#state === "paused") {
      this.#state = "looping";
      this.#frames = repeat(this.#clock, this.#exposureMs, () => this.#frame());
    } else if (this.#state === "guiding") {
      this.#enterGuiding(); // already guiding: PHD2 only settles again
    }
    this.#link.changed();
    return await done;
  }

  async stopGuiding(): Promise<void> {
    await this.#link.command("stopGuiding");
    this.#stop(new Error("settle abandoned: guiding was stopped"));
    this.#link.changed();
  }

  async dither(pixels: number, settle: SettleParams, signal?: AbortSignal): Promise<void> {
    await this.#link.command("dither");
    checkNumber("pixels", pixels, { min: 0, aboveMin: true });
    checkSettle(settle);
    signal?.throwIfAborted();
    this.#refuseWhileSettling("dither");
    if (this.#state !== "guiding") {
      throw conflict(`cannot dither while the guider is ${this.#state}`);
    }
    const dxPx = (this.#random() * 2 - 1) * pixels;
    const dyPx = (this.#random() * 2 - 1) * pixels;
    // The lock position moves; the star is now off by the same amount until guiding pulls it in.
    this.#lockXPx += dxPx;
    this.#lockYPx += dyPx;
    this.#errorXPx -= dxPx;
    this.#errorYPx -= dyPx;
    const done = this.#beginSettle(settle, signal);
    this.#enterGuiding();
    this.#link.changed();
    return await done;
  }

  /** Simulates clouds or a satellite trail taking the guide star away. */
  loseStar(): void {
    if (this.#state === "stopped" || this.#state === "lostLock") return;
    this.#state = "lostLock";
    this.#phaseEndsMs = this.#clock.now() + this.#lostRecoveryMs;
    this.#link.changed();
  }

  /** One guide-camera exposure: advances the state machine and emits. */
  #frame(): void {
    const nowMs = this.#clock.now();
    this.#frameNumber++;
    this.#snr = 30 + 3 * gaussian(this.#random);
    if (this.#state === "looping") {
      if (this.#calibrated) {
        // Guiding starts now: PHD2's GuideStep Time and the lost-star timer count from here.
        this.#guidingSinceMs = nowMs;
        this.#starLostInjected = false;
        this.#enterGuiding();
      } else {
        this.#state = "calibrating";
        this.#phaseEndsMs = nowMs + this.#calibrationMs;
      }
    } else if (this.#state === "calibrating") {
      if (nowMs >= this.#phaseEndsMs) {
        this.#calibrated = true;
        this.#steps = [];
        this.#guidingSinceMs = nowMs;
        this.#starLostInjected = false;
        this.#errorXPx = (this.#random() * 2 - 1) * 2;
        this.#errorYPx = (this.#random() * 2 - 1) * 2;
        this.#enterGuiding();
      }
    } else if (this.#state === "lostLock") {
      if (nowMs >= this.#phaseEndsMs) {
        if (this.#calibrated) this.#enterGuiding();
        else this.#state = "looping";
      }
    } else if (this.#state === "guiding" || this.#state === "settling") {
      this.#guideStep(nowMs);
      if (
        this.#starLostAfterMs !== null && !this.#starLostInjected &&
        nowMs - this.#guidingSinceMs >= this.#starLostAfterMs
      ) {
        this.#starLostInjected = true;
        this.#state = "lostLock";
        this.#phaseEndsMs = nowMs + this.#lostRecoveryMs;
      }
    }
    this.#evaluateSettle(nowMs);
    this.#link.changed();
  }

  #guideStep(nowMs: number): void {
    const keep = 1 - this.#correctionGain;
    this.#errorXPx = this.#errorXPx * keep + this.#noisePx * gaussian(this.#random);
    this.#errorYPx = this.#errorYPx * keep + this.#noisePx * gaussian(this.#random);
    // A camera aligned with RA/Dec: x is the RA error, y the Dec error.
    this.#steps.push({ raPx: this.#errorXPx, decPx: this.#errorYPx });
    if (this.#steps.length > RMS_WINDOW_STEPS) this.#steps.shift();
    // This step's correction pulls the error back by the gain (what the next step shows).
    const pulseMs = (errorPx: number) => {
      const movePx = Math.abs(errorPx) * this.#correctionGain;
      if (movePx < MIN_MOVE_PX) return null;
      return Math.round((movePx * this.#pixelScaleArcsec / GUIDE_RATE_ARCSEC_PER_S) * 1000);
    };
    const raMs = pulseMs(this.#errorXPx);
    const decMs = pulseMs(this.#errorYPx);
    this.#stepEmitter.emit({
      frame: this.#frameNumber,
      atMs: nowMs,
      sinceStartS: roundTo((nowMs - this.#guidingSinceMs) / 1000, 3),
      raPx: roundTo(this.#errorXPx, 3),
      decPx: roundTo(this.#errorYPx, 3),
      dxPx: roundTo(this.#errorXPx, 3),
      dyPx: roundTo(this.#errorYPx, 3),
      // PHD2's convention: a positive RA error is corrected East, a positive Dec error South.
      raPulse: raMs === null ? null : { ms: raMs, direction: this.#errorXPx > 0 ? "east" : "west" },
      decPulse: decMs === null
        ? null
        : { ms: decMs, direction: this.#errorYPx > 0 ? "south" : "north" },
      snr: roundTo(this.#snr, 1),
      starMass: null,
      hfdPx: null,
      errorCode: 0,
      raLimited: false,
      decLimited: false,
    });
  }

  /** Guiding proper: "settling" while a settle is pending, else "guiding". */
  #enterGuiding(): void {
    this.#state = this.#settle ? "settling" : "guiding";
    if (this.#settle && this.#settle.startMs === null) {
      this.#settle.startMs = this.#clock.now();
    }
  }

  #beginSettle(params: SettleParams, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => this.#finishSettle(signal?.reason);
      signal?.addEventListener("abort", onAbort, { once: true });
      const guiding = this.#state === "guiding" || this.#state === "settling";
      const detach = () => signal?.removeEventListener("abort", onAbort);
      this.#settle = {
        params,
        startMs: guiding ? this.#clock.now() : null,
        inRangeSinceMs: null,
        resolve: () => (detach(), resolve()),
        reject: (reason) => (detach(), reject(reason)),
      };
    });
  }

  #evaluateSettle(nowMs: number): void {
    const settle = this.#settle;
    if (!settle || settle.startMs === null) return;
    if (this.#failSettle) {
      this.#finishSettle(new Error("settle failed: the star did not settle (simulated)"));
      return;
    }
    const distancePx = this.#state === "lostLock"
      ? Infinity
      : Math.hypot(this.#errorXPx, this.#errorYPx);
    if (distancePx < settle.params.pixels) settle.inRangeSinceMs ??= nowMs;
    else settle.inRangeSinceMs = null;
    if (
      settle.inRangeSinceMs !== null && nowMs - settle.inRangeSinceMs >= settle.params.timeS * 1000
    ) {
      this.#finishSettle(null);
    } else if (nowMs - settle.startMs >= settle.params.timeoutS * 1000) {
      this.#finishSettle(
        new Error(
          `settle failed: the error did not stay within ${settle.params.pixels} px for ` +
            `${settle.params.timeS} s before the ${settle.params.timeoutS} s timeout`,
        ),
      );
    }
  }

  /** Ends the pending settle: resolves on null, rejects otherwise; guiding carries on. */
  #finishSettle(failure: unknown): void {
    const settle = this.#settle;
    if (!settle) return;
    this.#settle = null;
    if (this.#state === "settling") this.#state = "guiding";
    if (failure === null) settle.resolve();
    else settle.reject(failure);
  }

  #stop(reason: Error): void {
    this.#frames?.stop();
    this.#frames = null;
    this.#finishSettle(reason);
    this.#state = "stopped";
  }

  #refuseWhileSettling(what: string): void {
    // PHD2 rejects guide or dither while a settle runs: wait for SettleDone.
    if (this.#settle) throw conflict(`cannot ${what} while a settle is in progress`);
  }

  #rmsArcsec(): { ra: number; dec: number; total: number } | null {
    if (this.#steps.length === 0) return null;
    const meanSquare = (pick: (s: { raPx: number; decPx: number }) => number) =>
      this.#steps.reduce((sum, s) => sum + pick(s) ** 2, 0) / this.#steps.length;
    const raArcsec = Math.sqrt(meanSquare((s) => s.raPx)) * this.#pixelScaleArcsec;
    const decArcsec = Math.sqrt(meanSquare((s) => s.decPx)) * this.#pixelScaleArcsec;
    return {
      ra: roundTo(raArcsec, 3),
      dec: roundTo(decArcsec, 3),
      total: roundTo(Math.hypot(raArcsec, decArcsec), 3),
    };
  }
}

function checkSettle(settle: SettleParams): void {
  if (typeof settle !== "object" || settle === null) {
    throw new RangeError(`settle must be {pixels, timeS, timeoutS}, got ${JSON.stringify(settle)}`);
  }
  checkNumber("settle.pixels", settle.pixels, { min: 0, aboveMin: true });
  checkNumber("settle.timeS", settle.timeS, { min: 0 });
  checkNumber("settle.timeoutS", settle.timeoutS, { min: 0, aboveMin: true });
}
