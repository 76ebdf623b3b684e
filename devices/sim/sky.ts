/**
 * Turns a simulated sensor, an exposure and what is in front of the lens into 16-bit pixels that
 * look like a real CMOS frame: sky_sensor.ts supplies the physics (bias, read noise, dark current,
 * hot pixels, shot noise, Gaussian stars, binning), this module composes a frame from them. Lights
 * show a scene — the real sky at the mount's pointing from sky_true.ts, or, when there is none,
 * a deterministic random star field fixed by the sensor's seed — flats an even panel with
 * vignetting, darks and biases only the sensor. Stars are wider when `focusBlurPx` says the
 * focuser is off: the blur adds in quadrature to the scene's seeing. Pure: the same inputs give
 * the same pixels.
 */
import type { FrameType } from "../camera.ts";
import {
  addElectrons,
  addStar,
  aduPerElectron,
  biasAdu,
  bin,
  darkCurrentEPerS,
  FLAT_RESPONSE,
  hotPixels,
  mulberry32,
  readNoiseE,
  renderBackground,
  type SensorModel,
  siteChannels,
  SKY_RESPONSE,
  type Star,
} from "./sky_sensor.ts";

export {
  aduPerElectron,
  biasAdu,
  darkCurrentEPerS,
  hotPixels,
  mulberry32,
  readNoiseE,
  type SensorModel,
  type Star,
};

export interface SynthesisRequest {
  frameType: FrameType;
  exposureS: number;
  gain: number;
  offset: number;
  /** 1..4: the frame is averaged over binning × binning blocks. */
  binning: number;
  sensorTempC: number;
  /** Extra Gaussian blur of the PSF, px (0 = in focus); the autofocus simulation drives it. */
  focusBlurPx?: number;
  /** Seeds this frame's noise. */
  noiseSeed: number;
}

export interface SynthesizedFrame {
  pixels: Uint16Array;
  widthPx: number;
  heightPx: number;
}

/** What a light frame shows, on the unbinned sensor. */
export interface Scene {
  stars: Star[];
  /** Sky background, electrons per second per unbinned pixel. */
  skyEPerSPerPx: number;
  /** Gaussian sigma of a star in focus (seeing and optics), unbinned px. */
  seeingSigmaPx: number;
}

const PIXELS_PER_STAR = 15_000;
const RANDOM_FIELD_SIGMA_PX = 1.3;
const RANDOM_FIELD_SKY_E_PER_S = 3;
const FLAT_E_PER_S = 15_000;
/** Vignetting at the corners of a flat: 1 − 0.35 r². */
const VIGNETTING = 0.35;

/** The star field, fixed by the sensor seed: many faint stars, few bright (N(>F) ∝ F^−0.8). */
export function starField(sensor: SensorModel): Star[] {
  const random = mulberry32(sensor.seed ^ 0x5ca1ab1e);
  const count = Math.round((sensor.widthPx * sensor.heightPx) / PIXELS_PER_STAR);
  return Array.from({ length: count }, () => ({
    xPx: random() * sensor.widthPx,
    yPx: random() * sensor.heightPx,
    fluxEPerS: Math.min(300 * (1 - random()) ** (-1 / 0.8), 3e6),
    tint: random() * 2 - 1,
  }));
}

/** The random field as a scene: what a light shows when the true sky is not available. */
export function randomScene(sensor: SensorModel): Scene {
  return {
    stars: starField(sensor),
    skyEPerSPerPx: RANDOM_FIELD_SKY_E_PER_S,
    seeingSigmaPx: RANDOM_FIELD_SIGMA_PX,
  };
}

/**
 * Synthesizes one frame. A light shows `scene` (the random field when none is given); other
 * frame types ignore it.
 */
export function synthesizeFrame(
  sensor: SensorModel,
  request: SynthesisRequest,
  scene?: Scene,
): SynthesizedFrame {
  const { widthPx: w, heightPx: h } = sensor;
  const pixels = new Uint16Array(w * h);
  const scale = aduPerElectron(request.gain);
  const exposureS = request.frameType === "bias" ? 0 : request.exposureS;
  const darkE = darkCurrentEPerS(request.sensorTempC) * exposureS;
  const sites = siteChannels(sensor.bayerPattern);
  const light = request.frameType === "light" ? scene ?? randomScene(sensor) : null;
  const lightE = light
    ? light.skyEPerSPerPx * exposureS
    : request.frameType === "flat"
    ? FLAT_E_PER_S * exposureS
    : 0;
  const response = request.frameType === "flat" ? FLAT_RESPONSE : SKY_RESPONSE;
  renderBackground(pixels, w, h, {
    biasAdu: biasAdu(request.offset),
    scale,
    readNoiseE: readNoiseE(request.gain),
    darkE,
    siteLightE: sites.map((c) => lightE * response[c]!),
    vignetting: request.frameType === "flat" ? VIGNETTING : 0,
  }, request.noiseSeed);
  const random = mulberry32(request.noiseSeed);
  if (light) {
    const rendering = {
      w,
      h,
      sigmaPx: Math.hypot(light.seeingSigmaPx, request.focusBlurPx ?? 0),
      exposureS,
      scale,
      sites: sensor.bayerPattern !== null ? sites : null,
      random,
    };
    for (const star of light.stars) addStar(pixels, star, rendering);
  }
  for (const hot of hotPixels(sensor)) {
    addElectrons(pixels, hot.index, darkE * hot.multiplier, scale, random);
  }
  return bin(pixels, w, h, request.binning);
}
