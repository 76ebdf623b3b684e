/**
 * Alpaca Camera (ICameraV4) over our Camera contract. ASCOM splits an exposure into settings
 * (BinX, NumX, Gain …), StartExposure, polling and ImageArray; our contract takes one request and
 * resolves with the frame. The bridge keeps the settings, runs `expose` in the background on
 * StartExposure, and answers the image as JSON (Type 2, Rank 2, [x][y]) or, when the client asks
 * with `Accept: application/imagebytes`, as ImageBytes. Only full frames are supported: the
 * contract has no region of interest, so a subframe is refused with 0x401 naming NumX/StartX.
 */
import { AlpacaError, ASCOM, invalidValue, notImplemented } from "../../lib/alpaca/errors.ts";
import { encodeImageBytes, IMAGE_BYTES_MIME } from "../../lib/alpaca/image_bytes.ts";
import type { BayerPattern, Camera, ExposureRequest, RawFrame } from "../../devices/camera.ts";
import type { DeviceType, Member, MemberContext } from "./device_type.ts";
import type { TransactionIds } from "./request.ts";

type Ctx = MemberContext<Camera>;

interface Exposure {
  request: ExposureRequest;
  controller: AbortController;
  startedAtMs: number;
  frame: RawFrame | null;
  error: unknown;
  done: boolean;
}

/** BayerOffsetX/Y of each pattern relative to ASCOM's SensorType RGGB. */
const BAYER_OFFSET: Record<BayerPattern, [number, number]> = {
  RGGB: [0, 0],
  GRBG: [1, 0],
  GBRG: [0, 1],
  BGGR: [1, 1],
};
const STATE = { idle: 0, waiting: 1, exposing: 2, reading: 3, downloading: 4, error: 5 } as const;
/** How long StartExposure waits to hear an immediate refusal (busy, bad value) from the driver. */
const START_GRACE_MS = 50;

export function cameraType(): DeviceType<"camera"> {
  const settings = { binX: 1, binY: 1, numX: -1, numY: -1, startX: 0, startY: 0 };
  let gain: number | null = null;
  let offset: number | null = null;
  let exposure: Exposure | null = null;

  const int = (ctx: Ctx, key: string, min: number, max: number) => {
    const value = ctx.params.int(key);
    if (value < min || value > max) throw invalidValue(`${key} ${value} is not in ${min}..${max}`);
    return value;
  };
  const yes = (read: (c: Camera) => unknown): Member<Camera> => (ctx) => read(ctx.device());
  const cooled = (c: Camera, member: string) => {
    if (!c.capabilities.hasCooler) throw notImplemented(member);
    return c;
  };
  const fullX = (c: Camera) => Math.floor(c.capabilities.widthPx / settings.binX);
  const fullY = (c: Camera) => Math.floor(c.capabilities.heightPx / settings.binY);
  const state = (c: Camera): number => {
    if (!exposure) return STATE.idle;
    if (exposure.done) {
      // An abort is the client's own doing: the camera is idle again, not in error.
      return exposure.error && !exposure.controller.signal.aborted ? STATE.error : STATE.idle;
    }
    const s = c.status().exposure.state;
    return s === "idle" ? STATE.waiting : STATE[s];
  };
  const image = (ctx: Ctx) => {
    ctx.device();
    const frame = exposure?.frame;
    if (!frame) {
      throw new AlpacaError(ASCOM.invalidOperation, "there is no image: no exposure completed");
    }
    return (ids: TransactionIds) => {
      if (ctx.acceptsImageBytes) {
        return new Response(encodeImageBytes(frame.pixels, frame.widthPx, frame.heightPx, ids), {
          headers: { "content-type": IMAGE_BYTES_MIME },
        });
      }
      const columns: number[][] = [];
      for (let x = 0; x < frame.widthPx; x++) {
        const column = new Array<number>(frame.heightPx);
        for (let y = 0; y < frame.heightPx; y++) column[y] = frame.pixels[y * frame.widthPx + x]!;
        columns.push(column);
      }
      return Response.json({
        Type: 2,
        Rank: 2,
        Value: columns,
        ClientTransactionID: ids.clientTransactionId,
        ServerTransactionID: ids.serverTransactionId,
        ErrorNumber: 0,
        ErrorMessage: "",
      });
    };
  };
  const start = async (ctx: Ctx) => {
    const durationS = ctx.params.number("Duration");
    const light = ctx.params.bool("Light");
    const c = ctx.device();
    const caps = c.capabilities;
    if (exposure && !exposure.done) {
      throw new AlpacaError(ASCOM.invalidOperation, "an exposure is already running");
    }
    if (durationS < caps.exposureMinS || durationS > caps.exposureMaxS) {
      throw invalidValue(
        `Duration ${durationS} s is not in ${caps.exposureMinS}..${caps.exposureMaxS}`,
      );
    }
    if (settings.binX !== settings.binY) throw invalidValue("BinX and BinY must be equal");
    const numX = settings.numX < 0 ? fullX(c) : settings.numX;
    const numY = settings.numY < 0 ? fullY(c) : settings.numY;
    if (settings.startX !== 0 || settings.startY !== 0 || numX !== fullX(c) || numY !== fullY(c)) {
      throw invalidValue(
        `subframes are not supported: StartX/StartY must be 0 and NumX/NumY ${fullX(c)}×${
          fullY(c)
        }`,
      );
    }
    const request: ExposureRequest = {
      durationS,
      gain: gain ?? caps.gainMin,
      offset: offset ?? caps.offsetMin,
      binning: settings.binX,
      frameType: light ? "light" : durationS <= caps.exposureMinS ? "bias" : "dark",
    };
    const run: Exposure = {
      request,
      controller: new AbortController(),
      startedAtMs: ctx.source.clock.now(),
      frame: null,
      error: null,
      done: false,
    };
    const pending = c.expose(request, run.controller.signal).then(
      (frame) => run.frame = frame,
      (err) => run.error = err,
    ).finally(() => run.done = true);
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([pending, new Promise((r) => timer = setTimeout(r, START_GRACE_MS))]);
    clearTimeout(timer);
    // Refused at once (busy, out of range): report it to the caller, keep the last image.
    if (run.done && run.error) throw run.error;
    exposure = run;
  };

  return {
    type: "camera",
    deviceType: "Camera",
    kind: "camera",
    interfaceVersion: 4,
    deviceState: (c) => ({
      CameraState: state(c),
      CCDTemperature: c.status().cooler.tempC ?? 0,
      CoolerPower: c.status().cooler.powerPct,
      ImageReady: exposure?.frame !== null && exposure?.done === true,
      IsPulseGuiding: false,
      PercentCompleted: Math.round(
        exposure?.done ? 100 : (c.status().exposure.progress ?? 0) * 100,
      ),
    }),
    get: {
      cameraxsize: yes((c) => c.capabilities.widthPx),
      cameraysize: yes((c) => c.capabilities.heightPx),
      pixelsizex: yes((c) => c.capabilities.pixelSizeUm),
      pixelsizey: yes((c) => c.capabilities.pixelSizeUm),
      maxadu: yes((c) => 2 ** c.capabilities.bitDepth - 1),
      electronsperadu: yes(() => 1),
      fullwellcapacity: yes((c) => 2 ** c.capabilities.bitDepth - 1),
      sensortype: yes((c) => c.capabilities.bayerPattern ? 2 : 0),
      sensorname: yes((c) => c.info.name),
      bayeroffsetx: yes((c) => bayer(c)[0]),
      bayeroffsety: yes((c) => bayer(c)[1]),
      maxbinx: yes((c) => c.capabilities.maxBinning),
      maxbiny: yes((c) => c.capabilities.maxBinning),
      binx: yes(() => settings.binX),
      biny: yes(() => settings.binY),
      numx: yes((c) => settings.numX < 0 ? fullX(c) : settings.numX),
      numy: yes((c) => settings.numY < 0 ? fullY(c) : settings.numY),
      startx: yes(() => settings.startX),
      starty: yes(() => settings.startY),
      canasymmetricbin: yes(() => false),
      canabortexposure: yes(() => true),
      canstopexposure: yes(() => false),
      canpulseguide: yes(() => false),
      canfastreadout: yes(() => false),
      cansetccdtemperature: yes((c) => c.capabilities.hasCooler),
      cangetcoolerpower: yes((c) => c.capabilities.hasCooler),
      hasshutter: yes((c) => c.capabilities.hasShutter),
      camerastate: yes(state),
      imageready: yes(() => exposure?.frame !== null && exposure?.done === true),
      percentcompleted: yes((c) =>
        Math.round(exposure?.done ? 100 : c.status().exposure.progress * 100)
      ),
      ispulseguiding: yes(() => false),
      imagearray: image,
      imagearrayvariant: (ctx) => (ctx.device(), nope("ImageArrayVariant: use ImageArray")),
      lastexposureduration: yes(() => lastExposure().request.durationS),
      lastexposurestarttime: yes(() => fitsTime(lastExposure().startedAtMs)),
      ccdtemperature: yes((c) => c.status().cooler.tempC ?? nope("CCDTemperature")),
      coolerpower: yes((c) => cooled(c, "CoolerPower").status().cooler.powerPct),
      cooleron: yes((c) => c.status().cooler.enabled),
      setccdtemperature: yes((c) =>
        cooled(c, "SetCCDTemperature").status().cooler.targetC ?? c.status().cooler.tempC ?? 0
      ),
      heatsinktemperature: (ctx) => (ctx.device(), nope("HeatSinkTemperature")),
      gain: yes((c) => gain ?? c.capabilities.gainMin),
      gainmin: yes((c) => c.capabilities.gainMin),
      gainmax: yes((c) => c.capabilities.gainMax),
      gains: (ctx) => (ctx.device(), nope("Gains: Gain is a value within GainMin..GainMax")),
      offset: yes((c) => offset ?? c.capabilities.offsetMin),
      offsetmin: yes((c) => c.capabilities.offsetMin),
      offsetmax: yes((c) => c.capabilities.offsetMax),
      offsets: (ctx) => (ctx.device(), nope("Offsets: Offset is a value within the range")),
      exposuremin: yes((c) => c.capabilities.exposureMinS),
      exposuremax: yes((c) => c.capabilities.exposureMaxS),
      exposureresolution: yes(() => 0.001),
      readoutmode: yes(() => 0),
      readoutmodes: yes(() => ["Normal"]),
      fastreadout: (ctx) => (ctx.device(), nope("FastReadout")),
      subexposureduration: (ctx) => (ctx.device(), nope("SubExposureDuration")),
    },
    put: {
      binx: (ctx) =>
        void (settings.binX = int(ctx, "BinX", 1, ctx.device().capabilities.maxBinning)),
      biny: (ctx) =>
        void (settings.binY = int(ctx, "BinY", 1, ctx.device().capabilities.maxBinning)),
      numx: (ctx) => void (settings.numX = int(ctx, "NumX", 1, ctx.device().capabilities.widthPx)),
      numy: (ctx) => void (settings.numY = int(ctx, "NumY", 1, ctx.device().capabilities.heightPx)),
      startx: (ctx) =>
        void (settings.startX = int(ctx, "StartX", 0, ctx.device().capabilities.widthPx - 1)),
      starty: (ctx) =>
        void (settings.startY = int(ctx, "StartY", 0, ctx.device().capabilities.heightPx - 1)),
      gain: (ctx) => {
        const caps = ctx.device().capabilities;
        gain = int(ctx, "Gain", caps.gainMin, caps.gainMax);
      },
      offset: (ctx) => {
        const caps = ctx.device().capabilities;
        offset = int(ctx, "Offset", caps.offsetMin, caps.offsetMax);
      },
      cooleron: async (ctx) => {
        const on = ctx.params.bool("CoolerOn");
        const c = cooled(ctx.device(), "CoolerOn");
        const s = c.status().cooler;
        await c.setCooler(on, s.targetC ?? s.tempC ?? 0);
      },
      setccdtemperature: async (ctx) => {
        const targetC = ctx.params.number("SetCCDTemperature");
        const c = cooled(ctx.device(), "SetCCDTemperature");
        if (targetC < -60 || targetC > 60) throw invalidValue(`SetCCDTemperature ${targetC} °C`);
        await c.setCooler(c.status().cooler.enabled, targetC);
      },
      startexposure: start,
      abortexposure: (ctx) => {
        ctx.device();
        if (exposure && !exposure.done) exposure.controller.abort(new Error("AbortExposure"));
      },
      stopexposure: (ctx) => (ctx.device(), nope("StopExposure: CanStopExposure is false")),
      pulseguide: (ctx) => {
        ctx.params.int("Direction");
        ctx.params.int("Duration");
        ctx.device();
        nope("PulseGuide: CanPulseGuide is false");
      },
      readoutmode: (ctx) => {
        const mode = ctx.params.int("ReadoutMode");
        ctx.device();
        if (mode !== 0) throw invalidValue(`ReadoutMode ${mode}: only 0 (Normal) exists`);
      },
      fastreadout: (ctx) => (ctx.params.bool("FastReadout"), ctx.device(), nope("FastReadout")),
      subexposureduration: (ctx) => (
        ctx.params.number("SubExposureDuration"), ctx.device(), nope("SubExposureDuration")
      ),
    },
  };

  function lastExposure(): Exposure {
    if (!exposure) throw new AlpacaError(ASCOM.valueNotSet, "no exposure has been taken");
    return exposure;
  }
}

function bayer(c: Camera): [number, number] {
  const pattern = c.capabilities.bayerPattern;
  if (!pattern) throw notImplemented("BayerOffset on a mono sensor");
  return BAYER_OFFSET[pattern];
}

function nope(member: string): never {
  throw notImplemented(member);
}

/** ASCOM's LastExposureStartTime: FITS "yyyy-mm-ddThh:mm:ss.sss", UTC, no zone letter. */
function fitsTime(unixMs: number): string {
  return new Date(unixMs).toISOString().slice(0, -1);
}
