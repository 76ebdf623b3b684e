/**
 * A gnomonic (TAN) plate solution as the standard FITS WCS keywords (Greisen & Calabretta 2002,
 * Calabretta & Greisen 2002): CTYPE, CUNIT, CRVAL, CRPIX and the CD matrix, the celestial frame
 * (RADESYS, EQUINOX), so every stacking and annotation tool reads the frame's sky position from
 * its header. Also which existing records belong to a WCS, so a frame solved again gets its new
 * solution instead of two conflicting ones (SIP distortion terms of an earlier solution included).
 */
import type { TanWcs } from "../astro/wcs.ts";
import type { FitsCard } from "./header.ts";

/** Keywords of a celestial WCS on axes 1 and 2, whatever form (CD, PC + CDELT, CROTA) it took. */
const WCS_KEYS = new Set([
  "WCSAXES",
  "CTYPE1",
  "CTYPE2",
  "CUNIT1",
  "CUNIT2",
  "CRVAL1",
  "CRVAL2",
  "CRPIX1",
  "CRPIX2",
  "CD1_1",
  "CD1_2",
  "CD2_1",
  "CD2_2",
  "PC1_1",
  "PC1_2",
  "PC2_1",
  "PC2_2",
  "CDELT1",
  "CDELT2",
  "CROTA1",
  "CROTA2",
  "LONPOLE",
  "LATPOLE",
  "RADESYS",
  "RADECSYS",
  "EQUINOX",
  "PLTSOLVD",
  "A_ORDER",
  "B_ORDER",
  "AP_ORDER",
  "BP_ORDER",
]);
/** SIP polynomial coefficients: A_2_0, BP_1_1 … */
const SIP_TERM = /^(A|B|AP|BP)_\d+_\d+$/;

/** True for a header record (80 characters) that is part of a celestial WCS. */
export function isWcsRecord(record: string): boolean {
  const key = record.slice(0, 8).trimEnd();
  return WCS_KEYS.has(key) || SIP_TERM.test(key);
}

/** The cards of a TAN solution, in the order the standard suggests. */
export function tanWcsCards(wcs: TanWcs): FitsCard[] {
  const real = (key: string, value: number, comment: string): FitsCard => ({
    key,
    value,
    comment,
    real: true,
  });
  return [
    { key: "CTYPE1", value: "RA---TAN", comment: "gnomonic projection, right ascension" },
    { key: "CTYPE2", value: "DEC--TAN", comment: "gnomonic projection, declination" },
    { key: "CUNIT1", value: "deg", comment: "unit of CRVAL1 and CD1_j" },
    { key: "CUNIT2", value: "deg", comment: "unit of CRVAL2 and CD2_j" },
    { key: "RADESYS", value: "FK5", comment: "equatorial frame of the solution" },
    real("EQUINOX", 2000, "equinox of the frame, Julian years"),
    real("CRVAL1", wcs.crval1Deg, "RA at the reference pixel, deg"),
    real("CRVAL2", wcs.crval2Deg, "Dec at the reference pixel, deg"),
    real("CRPIX1", wcs.crpix1Px, "reference pixel x (1: first pixel centre)"),
    real("CRPIX2", wcs.crpix2Px, "reference pixel y"),
    real("CD1_1", wcs.cd11, "deg per pixel, d(RA-ish)/dx"),
    real("CD1_2", wcs.cd12, "deg per pixel, d(RA-ish)/dy"),
    real("CD2_1", wcs.cd21, "deg per pixel, d(Dec)/dx"),
    real("CD2_2", wcs.cd22, "deg per pixel, d(Dec)/dy"),
    { key: "PLTSOLVD", value: true, comment: "plate solved" },
  ];
}
