/**
 * The guider contract over PHD2's event server (phd2.md). Connecting opens the TCP session, waits
 * for the catch-up events to end with AppState, reads the pixel scale and, unless told not to,
 * asks PHD2 to connect its equipment. State, star, calibration and the RMS window follow the
 * event stream (state_tracker.ts). `startGuiding` sends `guide` and `dither` sends `dither`; PHD2
 * answers 0 at once and later sends exactly one SettleDone, so both wait for it: Status 0
 * resolves, Status 1 rejects with PHD2's Error text. Settle seconds are rounded UP to whole
 * seconds, because PHD2 floors them (event_server.cpp parse_settle) and a settle must never be
 * shorter than asked. PHD2 refuses a guide or dither while its controller is busy, so a second one
 * is a 409 here before it is sent. An AbortSignal only ends the wait: PHD2's settle runs on and
 * its SettleDone is then ignored, and no waiter is left behind. A socket that drops without
 * `disconnect()` fails any pending settle and fires onLost; the hub reconnects. Each GuideStep
 * also goes to `onGuideStep` listeners as the contract's step (guide_step.ts).
 */
import { conflict, DeviceNotConnectedError } from "../../lib/errors.ts";
import type { Logger } from "../../lib/log.ts";
import type { DeviceInfo, DriverContext } from "../device.ts";
import { Emitter } from "../emitter.ts";
import type { Clock } from "../../lib/clock.ts";
import type {
  Guider,
  GuiderCapabilities,
  GuiderStatus,
  GuideStep,
  SettleParams,
} from "../guider.ts";
import { type Phd2Connection, type Phd2Event, Phd2RpcError } from "./connection.ts";
import { guideStepOf } from "./guide_step.ts";
import { type Phd2Options, type Phd2Setup, phd2Setup } from "./options.ts";
import { rmsArcsec } from "./rms.ts";
import { Phd2StateTracker } from "./state_tracker.ts";
import { openSession, type Session } from "./session.ts";

interface SettleWaiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
}

export class Phd2Guider implements Guider {
  readonly kind = "guider" as const;
  readonly info: DeviceInfo;
  readonly capabilities: GuiderCapabilities = { canDither: true, canCalibrate: true };
  readonly #options: Phd2Setup;
  readonly #log: Logger;
  readonly #statusEmitter = new Emitter<GuiderStatus>();
  readonly #lostEmitter = new Emitter<string>();
  readonly #stepEmitter = new Emitter<GuideStep>();
  readonly #clock: Clock;
  #session: Session | null = null;
  #tracker: Phd2StateTracker;
  #pixelScaleArcsec: number | null = null;
  #settle: SettleWaiter | null = null;
  #warnedNoScale = false;

  constructor(ctx: DriverContext<Phd2Options>) {
    this.#options = phd2Setup(ctx.options);
    this.#log = ctx.log;
    this.#clock = ctx.clock;
    this.#tracker = new Phd2StateTracker(this.#options.rmsWindowSteps);
    this.info = {
      name: `PHD2 at ${this.#options.host}:${this.#options.port}`,
      driver: "phd2",
      description: "PHD2 autoguider through its event server (JSON-RPC over TCP)",
      driverVersion: "1.0",
    };
  }

  async connect(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.#session) return;
    const tracker = new Phd2StateTracker(this.#options.rmsWindowSteps);
    const session = await openSession(this.#options, tracker, {
      onEvent: (s, event) => this.#onEvent(s, event),
      onClosed: (s, reason) => this.#onClosed(s, reason),
      log: this.#log,
    }, signal);
    this.#tracker = tracker;
    this.#session = session;
    this.#pixelScaleArcsec = session.pixelScaleArcsec;
    this.#warnedNoScale = false;
    this.#emit();
  }

  async disconnect(): Promise<void> {
    const session = this.#session;
    if (!session) return;
    this.#session = null;
    this.#failSettle(new Error("settle abandoned: the guider was disconnected"));
    await session.conn.close();
    this.#emit();
  }

  status(): GuiderStatus {
    const rms = rmsArcsec(this.#tracker.window.steps, this.#pixelScaleArcsec);
    const star = this.#tracker.star;
    return {
      connected: this.#session !== null,
      state: this.#tracker.state,
      rmsRaArcsec: rms ? round3(rms.raArcsec) : null,
      rmsDecArcsec: rms ? round3(rms.decArcsec) : null,
      rmsTotalArcsec: rms ? round3(rms.totalArcsec) : null,
      star: star ? { x: round3(star.x), y: round3(star.y), snr: round3(star.snr) } : null,
      calibrated: this.#tracker.calibrated,
      pixelScaleArcsec: this.#pixelScaleArcsec,
    };
  }

  onStatus(listener: (status: GuiderStatus) => void): () => void {
    return this.#statusEmitter.on(listener);
  }

  onLost(listener: (reason: string) => void): () => void {
    return this.#lostEmitter.on(listener);
  }

  onGuideStep(listener: (step: GuideStep) => void): () => void {
    return this.#stepEmitter.on(listener);
  }

  async startGuiding(settle: SettleParams, signal?: AbortSignal): Promise<void> {
    const conn = this.#connection();
    checkSettle(settle);
    signal?.throwIfAborted();
    this.#refuseWhileSettling("start guiding");
    // Positional [settle, recalibrate] (phd2.md, Methods); PHD2 calibrates only when it must.
    await this.#settleAfter(conn, "guide", [phd2Settle(settle), false], signal);
  }

  async stopGuiding(): Promise<void> {
    const conn = this.#connection();
    await conn.call("stop_capture");
    this.#failSettle(new Error("settle abandoned: guiding was stopped"));
  }

  async dither(pixels: number, settle: SettleParams, signal?: AbortSignal): Promise<void> {
    const conn = this.#connection();
    if (typeof pixels !== "number" || !Number.isFinite(pixels) || pixels <= 0) {
      throw new RangeError(`pixels must be a number > 0, got ${JSON.stringify(pixels)}`);
    }
    checkSettle(settle);
    signal?.throwIfAborted();
    this.#refuseWhileSettling("dither");
    const state = this.#tracker.appState;
    if (state !== "guiding") throw conflict(`cannot dither while the guider is ${state}`);
    // [amount, raOnly, settle]: both axes, as an imaging dither should.
    await this.#settleAfter(conn, "dither", [pixels, false, phd2Settle(settle)], signal);
  }

  /** Sends a settling command and waits for its SettleDone, the signal, or a lost session. */
  async #settleAfter(
    conn: Phd2Connection,
    method: "guide" | "dither",
    params: unknown[],
    signal?: AbortSignal,
  ): Promise<void> {
    const done = Promise.withResolvers<void>();
    const waiter: SettleWaiter = { resolve: done.resolve, reject: done.reject };
    const release = () => {
      if (this.#settle === waiter) this.#settle = null;
    };
    // Registered before sending: a start that fails at once sends SettleDone before its reply.
    this.#settle = waiter;
    const onAbort = () => (release(), waiter.reject(signal?.reason));
    signal?.addEventListener("abort", onAbort, { once: true });
    conn.call(method, params).catch((err) => (release(), waiter.reject(refusal(err))));
    try {
      await done.promise;
    } finally {
      signal?.removeEventListener("abort", onAbort);
      release();
    }
  }

  #connection(): Phd2Connection {
    if (!this.#session) throw new DeviceNotConnectedError("guider");
    return this.#session.conn;
  }

  #refuseWhileSettling(what: string): void {
    // PHD2 rejects guide or dither while a settle runs (phd2.md, Errors): wait for SettleDone.
    if (this.#settle || this.#tracker.settling) {
      throw conflict(`cannot ${what} while a settle is in progress`);
    }
  }

  #onEvent(session: Session, event: Phd2Event): void {
    if (session !== this.#session) return;
    const changed = this.#tracker.apply(event);
    if (event.Event === "SettleDone") this.#settleDone(event);
    else if (event.Event === "GuideStep") this.#guideStep(event);
    else if (event.Event === "ConfigurationChange") this.#refreshPixelScale(session);
    else if (event.Event === "Alert") {
      this.#log.info("PHD2 alert", { message: event.Msg, type: event.Type });
    }
    if (changed) this.#emit();
  }

  #guideStep(event: Phd2Event): void {
    if (this.#pixelScaleArcsec === null) this.#warnNoScale();
    const step = guideStepOf(event, this.#clock.now());
    if (step) this.#stepEmitter.emit(step);
    else this.#log.warn("PHD2 sent a GuideStep without its fields", { event });
  }

  #settleDone(event: Phd2Event): void {
    const waiter = this.#settle;
    if (!waiter) return; // an abandoned settle, or another client's
    this.#settle = null;
    if (event.Status === 0) waiter.resolve();
    else {
      const why = typeof event.Error === "string" && event.Error ? event.Error : "unknown reason";
      waiter.reject(new Error(`PHD2 settle failed: ${why}`));
    }
  }

  #onClosed(session: Session, reason: string): void {
    if (session !== this.#session) return;
    this.#session = null;
    this.#failSettle(new Error(`settle abandoned: ${reason}`));
    this.#emit();
    this.#lostEmitter.emit(reason);
  }

  #refreshPixelScale(session: Session): void {
    // The profile or camera may have changed under us; the scale is what turns pixels into arcsec.
    session.conn.call("get_pixel_scale").then((scale) => {
      if (session !== this.#session) return;
      this.#pixelScaleArcsec = typeof scale === "number" && scale > 0 ? scale : null;
      this.#emit();
    }, (err) => this.#log.warn("PHD2 get_pixel_scale failed", { error: String(err) }));
  }

  #warnNoScale(): void {
    if (this.#warnedNoScale) return;
    this.#warnedNoScale = true;
    this.#log.warn(
      "PHD2 does not know its pixel scale (set focal length and pixel size in its profile): " +
        "RMS in arcsec is unavailable",
    );
  }

  #failSettle(reason: Error): void {
    const waiter = this.#settle;
    this.#settle = null;
    waiter?.reject(reason);
  }

  #emit(): void {
    this.#statusEmitter.emit(this.status());
  }
}

/** PHD2's settle object; time and timeout in whole seconds, rounded up (see the module doc). */
export function phd2Settle(
  settle: SettleParams,
): { pixels: number; time: number; timeout: number } {
  return {
    pixels: settle.pixels,
    time: Math.ceil(settle.timeS),
    timeout: Math.ceil(settle.timeoutS),
  };
}

function checkSettle(settle: SettleParams): void {
  if (typeof settle !== "object" || settle === null) {
    throw new RangeError(`settle must be {pixels, timeS, timeoutS}, got ${JSON.stringify(settle)}`);
  }
  const check = (name: string, value: unknown, zeroOk: boolean) => {
    const ok = typeof value === "number" && Number.isFinite(value) &&
      (zeroOk ? value >= 0 : value > 0);
    if (!ok) {
      throw new RangeError(
        `settle.${name} must be a number ${zeroOk ? ">=" : ">"} 0, got ${JSON.stringify(value)}`,
      );
    }
  };
  check("pixels", settle.pixels, false);
  check("timeS", settle.timeS, true);
  check("timeoutS", settle.timeoutS, false);
}

/** PHD2's "operation failed" (code 1) on guide/dither is a state conflict: busy, not guiding. */
function refusal(err: unknown): unknown {
  if (err instanceof Phd2RpcError && err.code === 1) return conflict(err.message);
  if (err instanceof Phd2RpcError && err.code === -32602) return new RangeError(err.message);
  return err;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
