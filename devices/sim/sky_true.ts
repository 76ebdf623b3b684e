/**
 * The real sky as a simulated light frame would see it: the catalogue stars (and the faint filler
 * stars of sky_filler.ts) around where the optical axis points, projected through the gnomonic
 * (TAN) WCS a plate solver would find — centre at the pointing, the sensor's centre at its
 * reference pixel, the pixel scale from the optics, the position angle given, an unmirrored image
 * (a refractor or a reflector with no diagonal) — with fluxes from V magnitudes and a sky
 * background from a surface brightness. The geometry follows lib/astro/wcs.ts exactly (FITS
 * pixel (1, 1) is the centre of the first stored sample, which sky_sensor.ts calls (0.5, 0.5)),
 * so a frame solves back to its pointing. When the pointing moved during the exposure each star
 * runs from where it was at the start to where it is at the end: a trail.
 *
 * Photometry: V = 0 gives ZERO_POINT_E_PER_S_PER_CM2 = 2×10⁶ e⁻/s per cm² of clear aperture —
 * about 3.3×10⁶ photons/s/cm² of an A0 star across a 400–700 nm luminance band, times a mean QE of
 * 0.6 — so flux = ZP × π (aperture/2)² × 10^(−0.4 V). On the default profile (106 mm, 1.46″/px)
 * a V 9 star gives 4.4×10⁵ e⁻ in 10 s — a 60 k e⁻ peak with the default focus model at best
 * focus, unsaturated at gain 100 — and a 20.5 mag/arcsec² sky gives 2.4 e⁻/s per pixel.
 */
import { cdFromFigures, skyToPixel, type TanWcs } from "../../lib/astro/wcs.ts";
import type { Scene } from "./sky.ts";
import { fillerStarsInCone } from "./sky_filler.ts";
import type { Star } from "./sky_sensor.ts";

/** Electrons per second per cm² of aperture from a V = 0 star (see the module doc). */
export const ZERO_POINT_E_PER_S_PER_CM2 = 2e6;
const FWHM_PER_SIGMA = 2 * Math.sqrt(2 * Math.LN2);
/**
 * Beyond this much motion during one exposure (a slew) stars are not drawn: their light is
 * spread over thousands of pixels, under the noise, and the cone would cover half the sky.
 */
export const MAX_TRAIL_DEG = 5;
const RAD = Math.PI / 180;

/** Any star list with cone searches: the Tycho-2 SkyCatalog fits, and so does a test's list. */
export interface StarSource {
  cone(
    raDeg: number,
    decDeg: number,
    radiusDeg: number,
  ): { raDeg: number; decDeg: number; magV: number }[];
}

export interface Pointing {
  raDeg: number;
  decDeg: number;
}

/** Where the frame looks and how the optics map it onto the unbinned sensor. */
export interface SkyView {
  /** The optical axis (J2000) when the shutter opened and when it closed. */
  start: Pointing;
  end: Pointing;
  /** Direction of the sensor's +y axis, degrees east of north. */
  positionAngleDeg: number;
  /** Arcseconds per unbinned pixel. */
  pixelScaleArcsec: number;
  widthPx: number;
  heightPx: number;
  apertureMm: number;
}

export interface SkyLook {
  seeingArcsec: number;
  skyMagPerArcsec2: number;
  fillerStars: boolean;
}

/** 206.265 × pixel size (µm) / focal length (mm): arcseconds per pixel. */
export function pixelScaleArcsec(pixelSizeUm: number, focalLengthMm: number): number {
  return 206.264806 * pixelSizeUm / focalLengthMm;
}

/** Electrons per second from a star of magnitude `magV` through a clear aperture. */
export function starFluxEPerS(magV: number, apertureMm: number): number {
  const areaCm2 = Math.PI * (apertureMm / 20) ** 2;
  return ZERO_POINT_E_PER_S_PER_CM2 * areaCm2 * 10 ** (-0.4 * magV);
}

/** Electrons per second per pixel from a sky of `magPerArcsec2`. */
export function skyEPerSPerPx(
  magPerArcsec2: number,
  apertureMm: number,
  pixelScaleArcsec: number,
): number {
  return starFluxEPerS(magPerArcsec2, apertureMm) * pixelScaleArcsec * pixelScaleArcsec;
}

/** The frame's WCS (FITS pixel convention) when the optical axis is at `pointing`. */
export function viewWcs(view: SkyView, pointing: Pointing): TanWcs {
  return {
    crval1Deg: pointing.raDeg,
    crval2Deg: pointing.decDeg,
    crpix1Px: (view.widthPx + 1) / 2,
    crpix2Px: (view.heightPx + 1) / 2,
    ...cdFromFigures(view.pixelScaleArcsec, view.positionAngleDeg, false),
  };
}

/** Great-circle separation in degrees. */
export function separationDeg(a: Pointing, b: Pointing): number {
  const c = Math.sin(a.decDeg * RAD) * Math.sin(b.decDeg * RAD) +
    Math.cos(a.decDeg * RAD) * Math.cos(b.decDeg * RAD) * Math.cos((a.raDeg - b.raDeg) * RAD);
  return Math.acos(Math.max(-1, Math.min(1, c))) / RAD;
}

/** The scene for sky.ts: every star that lands on (or trails across) the sensor. */
export function trueSkyScene(catalog: StarSource | null, view: SkyView, look: SkyLook): Scene {
  const seeingSigmaPx = look.seeingArcsec / FWHM_PER_SIGMA / view.pixelScaleArcsec;
  const scene: Scene = {
    stars: [],
    skyEPerSPerPx: skyEPerSPerPx(look.skyMagPerArcsec2, view.apertureMm, view.pixelScaleArcsec),
    seeingSigmaPx,
  };
  const movedDeg = separationDeg(view.start, view.end);
  if (movedDeg > MAX_TRAIL_DEG) return scene;
  // Search around the middle of the path, wide enough for both ends plus a star's wings.
  const middle = midpoint(view.start, view.end);
  const marginPx = 8 * seeingSigmaPx + 4;
  const radiusDeg = (Math.hypot(view.widthPx, view.heightPx) / 2 + marginPx) *
      view.pixelScaleArcsec / 3600 + movedDeg / 2;
  const startWcs = viewWcs(view, view.start);
  const endWcs = movedDeg > 0 ? viewWcs(view, view.end) : startWcs;
  const place = (raDeg: number, decDeg: number, magV: number, tint: number) => {
    const a = skyToPixel(startWcs, raDeg, decDeg);
    const b = endWcs === startWcs ? a : skyToPixel(endWcs, raDeg, decDeg);
    if (!a || !b) return;
    // FITS pixel (1, 1) is the first sample's centre, which the sensor calls (0.5, 0.5).
    const star: Star = {
      xPx: a.xPx - 0.5,
      yPx: a.yPx - 0.5,
      fluxEPerS: starFluxEPerS(magV, view.apertureMm),
      tint,
    };
    if (b !== a) {
      star.endXPx = b.xPx - 0.5;
      star.endYPx = b.yPx - 0.5;
    }
    const x0 = Math.min(star.xPx, star.endXPx ?? star.xPx);
    const x1 = Math.max(star.xPx, star.endXPx ?? star.xPx);
    const y0 = Math.min(star.yPx, star.endYPx ?? star.yPx);
    const y1 = Math.max(star.yPx, star.endYPx ?? star.yPx);
    if (x1 < -marginPx || y1 < -marginPx) return;
    if (x0 > view.widthPx + marginPx || y0 > view.heightPx + marginPx) return;
    scene.stars.push(star);
  };
  for (const s of catalog?.cone(middle.raDeg, middle.decDeg, radiusDeg) ?? []) {
    place(s.raDeg, s.decDeg, s.magV, 0);
  }
  if (look.fillerStars) {
    for (const s of fillerStarsInCone(middle.raDeg, middle.decDeg, radiusDeg)) {
      place(s.raDeg, s.decDeg, s.magV, s.tint);
    }
  }
  return scene;
}

/** The great-circle midpoint of two pointings. */
function midpoint(a: Pointing, b: Pointing): Pointing {
  const va = unit(a);
  const vb = unit(b);
  const x = va[0] + vb[0];
  const y = va[1] + vb[1];
  const z = va[2] + vb[2];
  const raDeg = Math.atan2(y, x) / RAD;
  return { raDeg: raDeg < 0 ? raDeg + 360 : raDeg, decDeg: Math.atan2(z, Math.hypot(x, y)) / RAD };
}

function unit(p: Pointing): [number, number, number] {
  const cosDec = Math.cos(p.decDeg * RAD);
  return [
    cosDec * Math.cos(p.raDeg * RAD),
    cosDec * Math.sin(p.raDeg * RAD),
    Math.sin(p.decDeg * RAD),
  ];
}
