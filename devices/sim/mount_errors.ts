/**
 * Where a simulated mount with mechanical errors really points. The mount believes it is at an
 * hour angle and declination about its own axes; the optical axis is off by the TPOINT terms of
 * the declination axis (IH, ID, CH, NP, lib/astro/tpoint_terms.ts: mount = sky + Δ, so sky = mount
 * − Δ to first order), and the axes themselves turn about a polar axis that is tilted from the
 * celestial pole. The tilt is applied exactly, as a rotation: an axis raised by ΔAlt is the axis
 * of a mount at latitude φ ± ΔAlt, and an azimuth error turns the whole frame about the zenith.
 */
import {
  equatorialToHorizontal,
  horizontalToEquatorial,
  wrapDeg360,
  wrapHours,
} from "../../lib/astro/coords.ts";
import { correctionArcsec, pierSign } from "../../lib/astro/tpoint_terms.ts";
import type { SimMountErrors } from "./mount_options.ts";

const DEG_TO_RAD = Math.PI / 180;

/**
 * The true hour angle (h) and declination (°) of the optical axis in the celestial frame of date
 * when the mount reads `haHours`, `decDeg` on `pierSide`, at latitude `latitudeDeg`.
 */
export function trueHaDec(
  reading: { haHours: number; decDeg: number; pierSide: string },
  errors: SimMountErrors,
  latitudeDeg: number,
): { haHours: number; decDeg: number } {
  const [deltaHaArcsec, deltaDecArcsec] = correctionArcsec(
    { IH: errors.ihArcsec, ID: errors.idArcsec, CH: errors.chArcsec, NP: errors.npArcsec },
    {
      haRad: reading.haHours * 15 * DEG_TO_RAD,
      decRad: reading.decDeg * DEG_TO_RAD,
      pierSign: pierSign(reading.pierSide),
      latRad: latitudeDeg * DEG_TO_RAD,
    },
  );
  const axisHaHours = reading.haHours - deltaHaArcsec / 54_000;
  const axisDecDeg = Math.max(-90, Math.min(90, reading.decDeg - deltaDecArcsec / 3600));
  if (errors.polarAltErrorArcmin === 0 && errors.polarAzErrorArcmin === 0) {
    return { haHours: axisHaHours, decDeg: axisDecDeg };
  }
  // The elevated pole is the north one north of the equator, the south one south of it.
  const hemisphere = latitudeDeg < 0 ? -1 : 1;
  const mountLatitudeDeg = Math.max(
    -90,
    Math.min(90, latitudeDeg + hemisphere * errors.polarAltErrorArcmin / 60),
  );
  // With the sidereal time fixed at 0, RA = −HA: the conversion needs no clock.
  const horizontal = equatorialToHorizontal(
    { raHours: wrapHours(-axisHaHours), decDeg: axisDecDeg },
    0,
    mountLatitudeDeg,
  );
  const rotated = {
    altDeg: horizontal.altDeg,
    azDeg: wrapDeg360(horizontal.azDeg + errors.polarAzErrorArcmin / 60),
  };
  const sky = horizontalToEquatorial(rotated, 0, latitudeDeg);
  return { haHours: -sky.raHours, decDeg: sky.decDeg };
}
