/**
 * PHD2's state as the event stream tells it (phd2.md, Events). AppState arrives once, at the end of
 * the connect catch-up; after that PHD2 never repeats it, so the state is followed from the events
 * themselves: GuideStep → Guiding, StartCalibration/Calibrating → Calibrating, LoopingExposures →
 * Looping, LoopingExposuresStopped and GuidingStopped → Stopped, StarLost → LostLock, Paused →
 * Paused (Resumed restores what was paused). A settle runs from SettleBegin to SettleDone and shows
 * as "settling" while the star is guided. The guide star comes from StarSelected (X, Y) and each
 * GuideStep (lock position + dx, dy, with its SNR); the RMS window is fed from GuideStep's raw RA
 * and Dec distances. `apply` answers whether the snapshot changed, so the driver emits only then.
 */
import type { GuideState } from "../guider.ts";
import type { Phd2Event } from "./connection.ts";
import { StepWindow } from "./rms.ts";

const APP_STATES: Record<string, GuideState> = {
  Stopped: "stopped",
  Selected: "selected",
  Calibrating: "calibrating",
  Guiding: "guiding",
  LostLock: "lostLock",
  Paused: "paused",
  Looping: "looping",
};

export interface Star {
  x: number;
  y: number;
  snr: number;
}

export class Phd2StateTracker {
  readonly window: StepWindow;
  /** PHD2's own state, without the settle overlay. */
  appState: GuideState = "stopped";
  /** Between SettleBegin and SettleDone. */
  settling = false;
  calibrated = false;
  star: Star | null = null;
  lock: { x: number; y: number } | null = null;
  /** Set once the catch-up AppState has been seen: the connect is complete. */
  sawAppState = false;
  #pausedFrom: GuideState = "stopped";

  constructor(windowSteps: number) {
    this.window = new StepWindow(windowSteps);
  }

  /** What the contract reports: "settling" while a settle runs on a guided star. */
  get state(): GuideState {
    return this.settling && this.appState === "guiding" ? "settling" : this.appState;
  }

  apply(event: Phd2Event): boolean {
    switch (event.Event) {
      case "AppState": {
        const state = APP_STATES[String(event.State)];
        this.sawAppState = true;
        return state !== undefined && this.#setState(state);
      }
      case "GuideStep":
        return this.#guideStep(event);
      case "StartCalibration":
        this.calibrated = false;
        this.window.clear();
        this.#setState("calibrating");
        return true;
      case "Calibrating":
        return this.#setState("calibrating");
      case "CalibrationComplete":
        this.calibrated = true;
        return true;
      case "CalibrationFailed":
        this.calibrated = false;
        return true;
      case "StartGuiding":
        this.window.clear();
        return this.#setState("guiding");
      case "LoopingExposures":
        this.#updateSnr(event.SNR);
        return this.#setState("looping");
      case "LoopingExposuresStopped":
      case "GuidingStopped":
        this.star = null;
        this.#setState("stopped");
        return true;
      case "StarLost":
        this.star = null;
        this.#setState("lostLock");
        return true;
      case "Paused":
        if (this.appState !== "paused") this.#pausedFrom = this.appState;
        return this.#setState("paused");
      case "Resumed":
        return this.#setState(this.#pausedFrom);
      case "StarSelected":
        return this.#starAt(event.X, event.Y);
      case "LockPositionSet":
        if (isNumber(event.X) && isNumber(event.Y)) this.lock = { x: event.X, y: event.Y };
        return false;
      case "LockPositionLost":
        this.lock = null;
        return false;
      case "SettleBegin":
      case "Settling":
        if (this.settling) return false;
        this.settling = true;
        return true;
      case "SettleDone":
        this.settling = false;
        return true;
      default:
        return false;
    }
  }

  #guideStep(event: Phd2Event): boolean {
    this.#setState("guiding");
    if (isNumber(event.RADistanceRaw) && isNumber(event.DECDistanceRaw)) {
      this.window.push({ raPx: event.RADistanceRaw, decPx: event.DECDistanceRaw });
    }
    if (this.lock && isNumber(event.dx) && isNumber(event.dy)) {
      this.star = {
        x: this.lock.x + event.dx,
        y: this.lock.y + event.dy,
        snr: isNumber(event.SNR) ? event.SNR : this.star?.snr ?? 0,
      };
    } else this.#updateSnr(event.SNR);
    return true;
  }

  #starAt(x: unknown, y: unknown): boolean {
    if (!isNumber(x) || !isNumber(y)) return false;
    this.star = { x, y, snr: this.star?.snr ?? 0 };
    return true;
  }

  #updateSnr(snr: unknown): void {
    if (this.star && isNumber(snr)) this.star = { ...this.star, snr };
  }

  #setState(state: GuideState): boolean {
    if (this.appState === state) return false;
    this.appState = state;
    return true;
  }
}

function isNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}
