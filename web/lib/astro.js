// @ts-check
/**
 * The little astronomy the phone does itself: altitude of an object over the night for the
 * target graph, from its J2000 RA/Dec, the site and the time (precession over a few decades
 * moves an object by arcminutes: invisible on a phone-sized altitude graph).
 */

const RAD = Math.PI / 180;

/** Greenwich mean sidereal time in hours at a Unix ms instant (IAU 1982, enough for graphs). @param {number} ms */
export function gmstHours(ms) {
  const days = ms / 86_400_000 + 2440587.5 - 2451545.0;
  const h = 18.697374558 + 24.06570982441908 * days;
  return ((h % 24) + 24) % 24;
}

/**
 * Altitude in degrees of (raHours, decDeg) seen from (latDeg, lonDeg east positive) at ms.
 * @param {number} raHours @param {number} decDeg @param {number} latDeg @param {number} lonDeg
 * @param {number} ms
 */
export function altitudeDeg(raHours, decDeg, latDeg, lonDeg, ms) {
  const lst = gmstHours(ms) + lonDeg / 15;
  const ha = (lst - raHours) * 15 * RAD;
  const lat = latDeg * RAD;
  const dec = decDeg * RAD;
  const sinAlt = Math.sin(lat) * Math.sin(dec) + Math.cos(lat) * Math.cos(dec) * Math.cos(ha);
  return Math.asin(Math.max(-1, Math.min(1, sinAlt))) / RAD;
}

/**
 * Altitudes every `stepMin` minutes over [fromMs, toMs].
 * @param {{ ra: number, dec: number }} object
 * @param {{ latitude: number, longitude: number }} site
 * @param {number} fromMs @param {number} toMs @param {number} [stepMin]
 * @returns {{ ms: number[], alt: number[] }}
 */
export function altitudeCurve(object, site, fromMs, toMs, stepMin = 10) {
  const ms = [];
  const alt = [];
  for (let t = fromMs; t <= toMs; t += stepMin * 60_000) {
    ms.push(t);
    alt.push(altitudeDeg(object.ra, object.dec, site.latitude, site.longitude, t));
  }
  return { ms, alt };
}

/** Great-circle distance in degrees. @param {number} ra1H @param {number} dec1 @param {number} ra2H @param {number} dec2 */
export function separationDeg(ra1H, dec1, ra2H, dec2) {
  const a = dec1 * RAD;
  const b = dec2 * RAD;
  const d = (ra1H - ra2H) * 15 * RAD;
  const c = Math.sin(a) * Math.sin(b) + Math.cos(a) * Math.cos(b) * Math.cos(d);
  return Math.acos(Math.max(-1, Math.min(1, c))) / RAD;
}
