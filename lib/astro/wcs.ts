/**
 * The little WCS geometry a plate solution needs: the gnomonic (TAN) projection both ways through
 * a CD matrix, and the figures users read off a solution — pixel scale, position angle of the
 * image's "up" east of north, and whether the image is mirrored (CD determinant > 0: with RA
 * growing eastwards a direct, unflipped sky image has a negative determinant). Pixel coordinates
 * follow FITS: 1-based, (1, 1) the centre of the first stored pixel.
 */

export interface TanWcs {
  crval1Deg: number;
  crval2Deg: number;
  crpix1Px: number;
  crpix2Px: number;
  /** CD matrix, degrees per pixel. */
  cd11: number;
  cd12: number;
  cd21: number;
  cd22: number;
}

export interface WcsFigures {
  pixelScaleArcsec: number;
  /** Direction of the image's +y axis, degrees east of north, [0, 360). */
  positionAngleDeg: number;
  mirrored: boolean;
}

const RAD = Math.PI / 180;

function norm360(deg: number): number {
  const d = deg % 360;
  return d < 0 ? d + 360 : d;
}

/** Pixel → (RA, Dec) in degrees. */
export function pixelToSky(w: TanWcs, xPx: number, yPx: number): { raDeg: number; decDeg: number } {
  const dx = xPx - w.crpix1Px;
  const dy = yPx - w.crpix2Px;
  const xi = (w.cd11 * dx + w.cd12 * dy) * RAD;
  const eta = (w.cd21 * dx + w.cd22 * dy) * RAD;
  const d0 = w.crval2Deg * RAD;
  const denom = Math.cos(d0) - eta * Math.sin(d0);
  const ra = w.crval1Deg * RAD + Math.atan2(xi, denom);
  const dec = Math.atan2(Math.sin(d0) + eta * Math.cos(d0), Math.hypot(xi, denom));
  return { raDeg: norm360(ra / RAD), decDeg: dec / RAD };
}

/** (RA, Dec) in degrees → pixel; null for a point on the far hemisphere. */
export function skyToPixel(
  w: TanWcs,
  raDeg: number,
  decDeg: number,
): { xPx: number; yPx: number } | null {
  const d0 = w.crval2Deg * RAD;
  const d = decDeg * RAD;
  const dra = (raDeg - w.crval1Deg) * RAD;
  const cosC = Math.sin(d) * Math.sin(d0) + Math.cos(d) * Math.cos(d0) * Math.cos(dra);
  if (cosC <= 0) return null;
  const xi = Math.cos(d) * Math.sin(dra) / cosC / RAD;
  const eta = (Math.sin(d) * Math.cos(d0) - Math.cos(d) * Math.sin(d0) * Math.cos(dra)) / cosC /
    RAD;
  const det = w.cd11 * w.cd22 - w.cd12 * w.cd21;
  if (det === 0) throw new RangeError("CD matrix is singular");
  const dx = (w.cd22 * xi - w.cd12 * eta) / det;
  const dy = (-w.cd21 * xi + w.cd11 * eta) / det;
  return { xPx: w.crpix1Px + dx, yPx: w.crpix2Px + dy };
}

/** Scale, position angle and parity from a CD matrix. */
export function wcsFigures(w: TanWcs): WcsFigures {
  const det = w.cd11 * w.cd22 - w.cd12 * w.cd21;
  return {
    pixelScaleArcsec: Math.sqrt(Math.abs(det)) * 3600,
    // +y on the sky is (east, north) = (cd12, cd22) per pixel.
    positionAngleDeg: norm360(Math.atan2(w.cd12, w.cd22) / RAD),
    mirrored: det > 0,
  };
}

/**
 * The CD matrix of a frame with this scale, position angle and parity: the inverse of
 * `wcsFigures`, used to describe a frame whose geometry is known (simulator, tests).
 */
export function cdFromFigures(
  pixelScaleArcsec: number,
  positionAngleDeg: number,
  mirrored: boolean,
): Pick<TanWcs, "cd11" | "cd12" | "cd21" | "cd22"> {
  const s = pixelScaleArcsec / 3600;
  const p = positionAngleDeg * RAD;
  // +y points to PA; +x points to PA − 90° (west of up) for a direct image, PA + 90° mirrored.
  const px = p + (mirrored ? 90 : -90) * RAD;
  return {
    cd11: s * Math.sin(px),
    cd21: s * Math.cos(px),
    cd12: s * Math.sin(p),
    cd22: s * Math.cos(p),
  };
}
