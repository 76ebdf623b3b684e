/**
 * A picture of the sky around a position for the framing view, drawn from the Tycho-2 stars the
 * box has (so it works with no internet): the gnomonic projection centred on the position, north
 * up and east to the left as the sky is seen, `fovDeg` across the width, each star a Gaussian
 * spot whose size and brightness grow with its brightness, on black, stretched by a square root
 * and encoded as a JPEG.
 */
import jpeg from "jpeg-js";

const RAD = Math.PI / 180;
/** Stars fainter than this are not drawn (Tycho-2 is complete to about V 11.5). */
const FAINTEST_MAG = 12;

export interface CutoutView {
  raDeg: number;
  decDeg: number;
  /** Angle across the picture's width, degrees. */
  fovDeg: number;
  width: number;
  height: number;
}

export interface StarPoint {
  raDeg: number;
  decDeg: number;
  magV: number;
}

/** The cone a view needs: its half-diagonal, with a margin for the spots at the edge. */
export function cutoutRadiusDeg(v: CutoutView): number {
  const halfW = Math.tan(v.fovDeg * RAD / 2);
  const halfH = halfW * v.height / v.width;
  return Math.atan(Math.hypot(halfW, halfH)) / RAD * 1.02 + 0.05;
}

/** Where a star falls in the picture (pixels from the top left), or null behind the view. */
export function projectToPixel(
  v: CutoutView,
  raDeg: number,
  decDeg: number,
): [number, number] | null {
  const d0 = v.decDeg * RAD, d = decDeg * RAD, da = (raDeg - v.raDeg) * RAD;
  const cosc = Math.sin(d0) * Math.sin(d) + Math.cos(d0) * Math.cos(d) * Math.cos(da);
  if (cosc <= 0) return null;
  const xi = Math.cos(d) * Math.sin(da) / cosc;
  const eta = (Math.cos(d0) * Math.sin(d) - Math.sin(d0) * Math.cos(d) * Math.cos(da)) / cosc;
  const pxPerTan = v.width / 2 / Math.tan(v.fovDeg * RAD / 2);
  // East (ξ > 0) to the left, north (η > 0) up.
  return [v.width / 2 - xi * pxPerTan, v.height / 2 - eta * pxPerTan];
}

export function renderCutout(v: CutoutView, stars: readonly StarPoint[]): Uint8Array {
  const flux = new Float32Array(v.width * v.height);
  // Brighter stars are drawn bigger, as on a photograph; the scale adapts a little to the field.
  const pxPerDeg = v.width / v.fovDeg;
  const baseSigma = Math.min(2.2, Math.max(0.6, pxPerDeg / 600));
  for (const s of stars) {
    if (s.magV > FAINTEST_MAG) continue;
    const at = projectToPixel(v, s.raDeg, s.decDeg);
    if (!at) continue;
    const amplitude = 10 ** (-0.4 * (s.magV - 6));
    const sigma = baseSigma * (1 + Math.max(0, 7 - s.magV) * 0.25);
    const reach = Math.ceil(sigma * 3);
    const [cx, cy] = at;
    const x0 = Math.max(0, Math.floor(cx - reach)),
      x1 = Math.min(v.width - 1, Math.ceil(cx + reach));
    const y0 = Math.max(0, Math.floor(cy - reach)),
      y1 = Math.min(v.height - 1, Math.ceil(cy + reach));
    const k = -1 / (2 * sigma * sigma);
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const dx = x + 0.5 - cx, dy = y + 0.5 - cy;
        flux[y * v.width + x]! += amplitude * Math.exp((dx * dx + dy * dy) * k);
      }
    }
  }
  const rgba = new Uint8Array(v.width * v.height * 4);
  for (let i = 0; i < flux.length; i++) {
    const level = Math.min(255, Math.round(255 * Math.sqrt(Math.min(1, flux[i]! / 4))));
    rgba[i * 4] = level;
    rgba[i * 4 + 1] = level;
    rgba[i * 4 + 2] = Math.min(255, level + 6);
    rgba[i * 4 + 3] = 255;
  }
  return new Uint8Array(jpeg.encode({ data: rgba, width: v.width, height: v.height }, 85).data);
}
