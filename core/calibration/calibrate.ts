/**
 * Calibrates a light with its masters: (light − dark) / flat, where the flat is already corrected
 * and normalised to median 1 (build_master.ts). A dark includes the bias, so with an exact dark
 * the bias is not subtracted again. With a scaled dark only the thermal part scales:
 * light − bias − s·(dark − bias). With no dark, the bias alone is removed. Pixels where the flat
 * is near zero (dead or fully vignetted) are left undivided rather than blown up to infinity.
 * Pure; works in Float32 so values may go below zero or above the camera's range.
 */
import type { MonoImage } from "../imaging/image.ts";

/** Flat values below this are treated as dead: dividing by them only amplifies noise. */
export const MIN_FLAT = 0.05;

export interface CalibrationMasters {
  bias?: MonoImage | null;
  /** `scale` null: an exact-exposure dark; otherwise the light/dark exposure ratio. */
  dark?: { image: MonoImage; scale: number | null } | null;
  /** Corrected and normalised (median 1). */
  flat?: MonoImage | null;
}

export function calibrate(light: MonoImage, masters: CalibrationMasters): MonoImage {
  const n = light.widthPx * light.heightPx;
  const check = (what: string, m: MonoImage | null | undefined) => {
    if (m && (m.widthPx !== light.widthPx || m.heightPx !== light.heightPx)) {
      throw new RangeError(
        `${what} master is ${m.widthPx}×${m.heightPx}, the light ${light.widthPx}×${light.heightPx}`,
      );
    }
  };
  const bias = masters.bias ?? null;
  const dark = masters.dark ?? null;
  const flat = masters.flat ?? null;
  check("bias", bias);
  check("dark", dark?.image);
  check("flat", flat);
  if (dark && dark.scale !== null && !bias) {
    throw new RangeError("a scaled dark needs a bias master: only the thermal signal scales");
  }
  if (dark && dark.scale !== null && !(dark.scale > 0)) {
    throw new RangeError(`dark scale must be > 0, got ${dark.scale}`);
  }

  const out = new Float32Array(n);
  const l = light.pixels;
  if (dark && dark.scale === null) {
    const d = dark.image.pixels;
    for (let i = 0; i < n; i++) out[i] = l[i]! - d[i]!;
  } else if (dark && bias) {
    const d = dark.image.pixels;
    const b = bias.pixels;
    const s = dark.scale!;
    for (let i = 0; i < n; i++) out[i] = l[i]! - b[i]! - s * (d[i]! - b[i]!);
  } else if (bias) {
    const b = bias.pixels;
    for (let i = 0; i < n; i++) out[i] = l[i]! - b[i]!;
  } else {
    out.set(l.subarray(0, n));
  }
  if (flat) {
    const f = flat.pixels;
    for (let i = 0; i < n; i++) {
      const fi = f[i]!;
      if (fi >= MIN_FLAT) out[i] = out[i]! / fi;
    }
  }
  return {
    widthPx: light.widthPx,
    heightPx: light.heightPx,
    pixels: out,
    bayerPattern: light.bayerPattern ?? null,
  };
}
