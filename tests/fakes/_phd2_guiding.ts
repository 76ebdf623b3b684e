/**
 * The guiding half of the fake PHD2 (phd2_server.ts is the socket half): PHD2's exposed state
 * machine, one camera frame per `frameMs`, and PHD2's controller (phdcontrol.cpp) that runs a
 * `guide` or `dither` through star selection, calibration and settling to exactly one SettleDone.
 * Every event carries the fields phd2.md lists under its name. The guide error follows
 * e' = (1 − gain)·e + noise per axis (seeded, so runs repeat), and the camera is rotated by
 * `cameraAngleDeg` from RA/Dec, so dx/dy differ from RADistanceRaw/DECDistanceRaw as on a real rig.
 * The settle rule is PHD2's: in range when locked and the distance ≤ pixels; done once in range
 * for `time` whole seconds (at once when time is 0); failed with "timed-out waiting for guider to
 * settle" once `timeout` whole seconds have passed since SettleBegin.
 */
import { gaussian, seededRandom } from "../../devices/sim/motion.ts";

export type AppState =
  | "Stopped"
  | "Selected"
  | "Calibrating"
  | "Guiding"
  | "LostLock"
  | "Paused"
  | "Looping";

export interface FakeGuidingOptions {
  frameMs?: number;
  calibrated?: boolean;
  calibrationSteps?: number;
  /** null: PHD2 does not know its scale (get_pixel_scale answers null). */
  pixelScaleArcsec?: number | null;
  noisePx?: number;
  correctionGain?: number;
  cameraAngleDeg?: number;
  seed?: number;
  equipmentConnected?: boolean;
}

export interface SettleRequest {
  pixels: number;
  time: number;
  timeout: number;
}

type Emit = (name: string, fields?: Record<string, unknown>) => void;
export type Refusal = { code: number; message: string };

interface Controller {
  op: "guide" | "dither";
  settle: SettleRequest;
  phase: "starting" | "settling";
  settleStartMs: number;
  inRangeSinceMs: number;
  priorInRange: boolean;
  frames: number;
  dropped: number;
}

const MOUNT = "On Camera";
const HOME = { x: 640.5, y: 480.25 };

export class FakeGuiding {
  state: AppState = "Stopped";
  calibrated: boolean;
  equipmentConnected: boolean;
  pixelScaleArcsec: number | null;
  lock: { x: number; y: number } | null = null;
  readonly #emit: Emit;
  readonly #random: () => number;
  readonly #frameMs: number;
  readonly #calibrationSteps: number;
  readonly #noisePx: number;
  readonly #gain: number;
  readonly #angleRad: number;
  #timer: ReturnType<typeof setInterval> | null = null;
  #frame = 0;
  #guideStartMs = 0;
  #calStep = 0;
  #errX = 0;
  #errY = 0;
  #lostFrames = 0;
  #pausedFrom: AppState = "Stopped";
  #ctrl: Controller | null = null;

  constructor(options: FakeGuidingOptions, emit: Emit) {
    this.#emit = emit;
    this.#frameMs = options.frameMs ?? 100;
    this.calibrated = options.calibrated ?? false;
    this.#calibrationSteps = options.calibrationSteps ?? 4;
    this.pixelScaleArcsec = options.pixelScaleArcsec === undefined ? 1.5 : options.pixelScaleArcsec;
    this.#noisePx = options.noisePx ?? 0.15;
    this.#gain = options.correctionGain ?? 0.7;
    this.#angleRad = ((options.cameraAngleDeg ?? 30) * Math.PI) / 180;
    this.#random = seededRandom(options.seed ?? 1);
    this.equipmentConnected = options.equipmentConnected ?? true;
  }

  get capturing(): boolean {
    return this.#timer !== null;
  }

  get settling(): boolean {
    return this.#ctrl?.phase === "settling";
  }

  /** What PHD2 sends a new client before anything else (phd2.md, Transport). */
  catchUp(emitTo: Emit): void {
    emitTo("Version", { PHDVersion: "2.6.13", PHDSubver: "", OverlapSupport: true, MsgVersion: 1 });
    if (this.lock) emitTo("LockPositionSet", { X: this.lock.x, Y: this.lock.y });
    if (this.lock && this.capturing) {
      emitTo("StarSelected", { X: this.lock.x + this.#errX, Y: this.lock.y + this.#errY });
    }
    if (this.calibrated) emitTo("CalibrationComplete", { Mount: MOUNT });
    if (this.state === "Guiding") emitTo("StartGuiding");
    else if (this.state === "Calibrating") emitTo("StartCalibration", { Mount: MOUNT });
    else if (this.state === "Paused") emitTo("Paused");
    emitTo("AppState", { State: this.state });
  }

  guide(settle: SettleRequest, recalibrate: boolean): Refusal | null {
    // PhdController::CanGuide, then Guide's reentrancy check.
    if (!this.equipmentConnected) {
      return { code: 1, message: "all equipment must be connected first" };
    }
    if (this.#ctrl) return this.#reentrancy("guide");
    this.#ctrl = {
      op: "guide",
      settle,
      phase: "starting",
      settleStartMs: 0,
      inRangeSinceMs: 0,
      priorInRange: false,
      frames: 0,
      dropped: 0,
    };
    if (recalibrate) this.calibrated = false;
    if ((this.state === "Guiding" || this.state === "LostLock") && this.calibrated) {
      this.#settleBegin(); // already guiding: PHD2 only settles again, before its reply
    } else if (this.state === "Guiding") {
      this.#startCalibration();
    } else if (!this.capturing) this.#startCapturing();
    return null;
  }

  dither(amountPx: number, raOnly: boolean, settle: SettleRequest): Refusal | null {
    if (this.#ctrl) return this.#reentrancy("dither");
    // MyFrame::Dither refuses unless guiding; the controller reports it as "Dither error".
    if (this.state !== "Guiding" || !this.lock) return { code: 1, message: "Dither error" };
    const raPx = (this.#random() * 2 - 1) * amountPx;
    const decPx = raOnly ? 0 : (this.#random() * 2 - 1) * amountPx;
    const { x: dx, y: dy } = this.#toCamera(raPx, decPx);
    this.lock = { x: this.lock.x + dx, y: this.lock.y + dy };
    this.#errX -= dx;
    this.#errY -= dy;
    this.#emit("GuidingDithered", { dx: round(dx, 3), dy: round(dy, 3) });
    this.#emit("LockPositionSet", { X: round(this.lock.x, 3), Y: round(this.lock.y, 3) });
    this.#ctrl = {
      op: "dither",
      settle,
      phase: "starting",
      settleStartMs: 0,
      inRangeSinceMs: 0,
      priorInRange: false,
      frames: 0,
      dropped: 0,
    };
    this.#settleBegin();
    return null;
  }

  stopCapture(): void {
    if (!this.#timer) return;
    clearInterval(this.#timer);
    this.#timer = null;
    // The controller's settle ends with a failure (phd2.md gives no text; this one is ours).
    if (this.#ctrl) this.#finish("guiding stopped");
    const wasGuiding = ["Guiding", "LostLock", "Calibrating"].includes(this.state);
    this.state = "Stopped";
    if (wasGuiding) this.#emit("GuidingStopped");
    this.#emit("LoopingExposuresStopped");
  }

  loop(): Refusal | null {
    if (!this.equipmentConnected) return { code: 1, message: "could not start looping" };
    if (!this.capturing) this.#startCapturing();
    return null;
  }

  /** find_star: the star's position, or null ("could not find star") when nothing is exposing. */
  findStar(): [number, number] | null {
    if (!this.capturing) return null;
    this.#selectStar();
    return this.lock ? [this.lock.x, this.lock.y] : null;
  }

  setPaused(paused: boolean): void {
    if (paused && this.state !== "Paused") {
      this.#pausedFrom = this.state;
      this.state = "Paused";
      this.#emit("Paused");
    } else if (!paused && this.state === "Paused") {
      this.state = this.#pausedFrom;
      this.#emit("Resumed");
    }
  }

  setConnected(connected: boolean): void {
    if (!connected) this.stopCapture();
    this.equipmentConnected = connected;
  }

  /** The next `frames` frames lose the star (clouds), then it is found again. */
  loseStar(frames: number): void {
    this.#lostFrames = frames;
  }

  dispose(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  #reentrancy(op: string): Refusal {
    // phdcontrol.cpp ReentrancyError: the controller is busy with a guide or a dither.
    return {
      code: 1,
      message: `Cannot initiate ${op} while ${this.#ctrl?.op ?? "guide"} is in progress`,
    };
  }

  #startCapturing(): void {
    this.state = "Looping";
    this.#timer = setInterval(() => this.#onFrame(), this.#frameMs);
  }

  #onFrame(): void {
    this.#frame++;
    switch (this.state) {
      case "Looping":
      case "Selected":
        this.#emit("LoopingExposures", {
          Frame: this.#frame,
          StarMass: 5400,
          SNR: this.#snr(),
          HFD: 2.1,
        });
        if (this.#ctrl?.phase === "starting") {
          this.#selectStar();
          if (this.calibrated) this.#startGuiding();
          else this.#startCalibration();
        }
        return;
      case "Calibrating":
        return this.#calibrationStep();
      case "Guiding":
      case "LostLock":
        this.#guideFrame();
        if (this.#ctrl?.phase === "settling") this.#settleFrame();
        return;
      default:
        return; // Paused, Stopped: nothing to report
    }
  }

  #selectStar(): void {
    if (this.state === "Looping") this.state = "Selected";
    this.lock ??= { ...HOME };
    this.#emit("StarSelected", { X: this.lock.x, Y: this.lock.y });
    this.#emit("LockPositionSet", { X: this.lock.x, Y: this.lock.y });
  }

  #startCalibration(): void {
    this.state = "Calibrating";
    this.#calStep = 0;
    this.#emit("StartCalibration", { Mount: MOUNT });
  }

  #calibrationStep(): void {
    this.#calStep++;
    const west = this.#calStep <= this.#calibrationSteps / 2;
    const distPx = 2.5 * (west ? this.#calStep : this.#calStep - this.#calibrationSteps / 2);
    const { x: dx, y: dy } = west ? this.#toCamera(distPx, 0) : this.#toCamera(0, distPx);
    this.#emit("Calibrating", {
      Mount: MOUNT,
      dir: west ? "West" : "North",
      dist: round(distPx, 3),
      dx: round(dx, 3),
      dy: round(dy, 3),
      pos: [round((this.lock?.x ?? 0) + dx, 3), round((this.lock?.y ?? 0) + dy, 3)],
      step: this.#calStep,
      State: west ? "West calibration" : "North calibration",
    });
    if (this.#calStep < this.#calibrationSteps) return;
    this.calibrated = true;
    this.#emit("CalibrationComplete", { Mount: MOUNT });
    this.#errX = (this.#random() * 2 - 1) * 1.5;
    this.#errY = (this.#random() * 2 - 1) * 1.5;
    this.#startGuiding();
  }

  #startGuiding(): void {
    this.state = "Guiding";
    this.#guideStartMs = Date.now();
    this.#emit("StartGuiding");
    if (this.#ctrl?.phase === "starting") this.#settleBegin();
  }

  #guideFrame(): void {
    const timeS = round((Date.now() - this.#guideStartMs) / 1000, 3);
    if (this.#lostFrames > 0) {
      this.#lostFrames--;
      this.state = "LostLock";
      this.#emit("StarLost", {
        Frame: this.#frame,
        Time: timeS,
        StarMass: 0,
        SNR: 0,
        HFD: 0,
        AvgDist: 0,
        ErrorCode: 3,
        Status: "Star lost - low mass",
      });
      return;
    }
    this.state = "Guiding";
    const keep = 1 - this.#gain;
    this.#errX = this.#errX * keep + this.#noisePx * gaussian(this.#random);
    this.#errY = this.#errY * keep + this.#noisePx * gaussian(this.#random);
    const { ra, dec } = this.#toMount(this.#errX, this.#errY);
    const fields: Record<string, unknown> = {
      Frame: this.#frame,
      Time: timeS,
      Mount: MOUNT,
      dx: round(this.#errX, 3),
      dy: round(this.#errY, 3),
      RADistanceRaw: round(ra, 3),
      DECDistanceRaw: round(dec, 3),
      RADistanceGuide: round(ra * this.#gain, 3),
      DECDistanceGuide: round(dec * this.#gain, 3),
      StarMass: 5400,
      SNR: this.#snr(),
      HFD: 2.1,
      AvgDist: round(Math.hypot(this.#errX, this.#errY), 2),
    };
    // Pulse fields only when a pulse was sent (phd2.md, GuideStep).
    const raMs = Math.round(Math.abs(ra * this.#gain) * 150);
    if (raMs > 0) {
      Object.assign(fields, { RADuration: raMs, RADirection: ra > 0 ? "East" : "West" });
    }
    const decMs = Math.round(Math.abs(dec * this.#gain) * 150);
    if (decMs > 0) {
      Object.assign(fields, { DECDuration: decMs, DECDirection: dec > 0 ? "South" : "North" });
    }
    this.#emit("GuideStep", fields);
  }

  #settleBegin(): void {
    const ctrl = this.#ctrl;
    if (!ctrl) return;
    ctrl.phase = "settling";
    ctrl.settleStartMs = Date.now();
    ctrl.priorInRange = false;
    ctrl.frames = ctrl.dropped = 0;
    this.#emit("SettleBegin");
  }

  /** phdcontrol.cpp STATE_SETTLE_WAIT, one guide frame. */
  #settleFrame(): void {
    const ctrl = this.#ctrl;
    if (!ctrl) return;
    const nowMs = Date.now();
    const locked = this.state === "Guiding";
    const distancePx = Math.hypot(this.#errX, this.#errY);
    const inRange = locked && distancePx <= ctrl.settle.pixels;
    let timeInRangeMs = 0;
    ctrl.frames++;
    if (!locked) ctrl.dropped++;
    if (inRange) {
      if (!ctrl.priorInRange) {
        if (ctrl.settle.time <= 0) return this.#finish(null);
        ctrl.inRangeSinceMs = nowMs;
      } else {
        timeInRangeMs = nowMs - ctrl.inRangeSinceMs;
        if (Math.floor(timeInRangeMs / 1000) >= ctrl.settle.time) return this.#finish(null);
      }
    }
    if (Math.floor((nowMs - ctrl.settleStartMs) / 1000) >= ctrl.settle.timeout) {
      return this.#finish("timed-out waiting for guider to settle");
    }
    this.#emit("Settling", {
      Distance: round(distancePx, 2),
      Time: round(timeInRangeMs / 1000, 1),
      SettleTime: ctrl.settle.time,
      StarLocked: locked,
    });
    ctrl.priorInRange = inRange;
  }

  #finish(error: string | null): void {
    const ctrl = this.#ctrl;
    if (!ctrl) return;
    this.#ctrl = null;
    this.#emit("SettleDone", {
      Status: error === null ? 0 : 1,
      ...(error === null ? {} : { Error: error }),
      TotalFrames: ctrl.frames,
      DroppedFrames: ctrl.dropped,
    });
  }

  #snr(): number {
    return round(28 + 2 * gaussian(this.#random), 2);
  }

  #toCamera(raPx: number, decPx: number): { x: number; y: number } {
    const c = Math.cos(this.#angleRad);
    const s = Math.sin(this.#angleRad);
    return { x: raPx * c - decPx * s, y: raPx * s + decPx * c };
  }

  #toMount(xPx: number, yPx: number): { ra: number; dec: number } {
    const c = Math.cos(this.#angleRad);
    const s = Math.sin(this.#angleRad);
    return { ra: xPx * c + yPx * s, dec: -xPx * s + yPx * c };
  }
}

function round(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}
