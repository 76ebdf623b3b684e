/**
 * The TPOINT physical pointing terms of an equatorial mount, as first-order corrections from the
 * sky position to the mount's (encoder) position: ΔH = H_mount − H_sky and Δδ = δ_mount − δ_sky,
 * both in arcseconds of angle on their axis. The basis functions are P. T. Wallace's, from the
 * TPOINT manual ("TPOINT — Telescope Pointing Analysis System", terms IH, ID, CH, NP, MA, ME, TF):
 *   IH: ΔH = −IH                 ID: Δδ = −ID
 *   CH: ΔH = −CH·sec δ           NP: ΔH = −NP·tan δ
 *   MA: ΔH = −MA·cos H·tan δ,    Δδ = +MA·sin H
 *   ME: ΔH = +ME·sin H·tan δ,    Δδ = +ME·cos H
 *   TF: ΔH = +TF·cos φ·sin H·sec δ, Δδ = +TF·(cos φ·cos H·sin δ − sin φ·cos δ)
 * (TF is written as the sky-minus-mount sag of the tube: gravity pulls the optical axis down, so
 * the mount must point higher than the star.) ME > 0 means the polar axis is above the pole;
 * MA > 0 means the mount's pole is displaced towards hour angle +6 h (west of the pole, as seen
 * from the northern hemisphere). On a German mount the terms that belong to the declination
 * axis's geometry (ID, CH, NP) change sign when the tube is on the other side of the pier; we
 * take pier side "west" (looking east, hour angle < 0) as the flipped side.
 */

export const TERM_NAMES = ["IH", "ID", "CH", "NP", "MA", "ME", "TF"] as const;
export type TermName = typeof TERM_NAMES[number];
/** Term values in arcseconds; an absent term is zero. */
export type PointingTerms = Partial<Record<TermName, number>>;

/** Where a term is evaluated: mount hour angle and declination, pier sign and site latitude. */
export interface TermPoint {
  haRad: number;
  decRad: number;
  /** +1 normally, −1 on the flipped (west) pier side of a German mount. */
  pierSign: number;
  latRad: number;
}

/** A pier side's sign for the declination-axis terms. */
export function pierSign(pierSide: string | null | undefined): number {
  return pierSide === "west" ? -1 : 1;
}

/** The coefficients [∂ΔH/∂term, ∂Δδ/∂term] of one term at one point (ΔH in HA arcsec). */
export function termBasis(term: TermName, at: TermPoint): [number, number] {
  const { haRad, decRad, pierSign: p, latRad } = at;
  const cosDec = Math.cos(decRad);
  // Near the pole sec δ and tan δ grow without bound; clamping keeps the fit finite there.
  const secDec = 1 / Math.max(Math.abs(cosDec), 1e-3) * Math.sign(cosDec || 1);
  const tanDec = Math.sin(decRad) * secDec;
  switch (term) {
    case "IH":
      return [-1, 0];
    case "ID":
      return [0, -p];
    case "CH":
      return [-p * secDec, 0];
    case "NP":
      return [-p * tanDec, 0];
    case "MA":
      return [-Math.cos(haRad) * tanDec, Math.sin(haRad)];
    case "ME":
      return [Math.sin(haRad) * tanDec, Math.cos(haRad)];
    case "TF":
      return [
        Math.cos(latRad) * Math.sin(haRad) * secDec,
        Math.cos(latRad) * Math.cos(haRad) * Math.sin(decRad) - Math.sin(latRad) * cosDec,
      ];
  }
}

/** The total correction [ΔH, Δδ] in arcseconds that `terms` predict at a point. */
export function correctionArcsec(terms: PointingTerms, at: TermPoint): [number, number] {
  let deltaHaArcsec = 0;
  let deltaDecArcsec = 0;
  for (const name of TERM_NAMES) {
    const value = terms[name];
    if (!value) continue;
    const [dh, dd] = termBasis(name, at);
    deltaHaArcsec += value * dh;
    deltaDecArcsec += value * dd;
  }
  return [deltaHaArcsec, deltaDecArcsec];
}
