/**
 * Coordinate conversions for pointing: equatorial (RA/Dec) ↔ horizontal (Alt/Az) for a site and a
 * local sidereal time, hour angles, angular separations and the wrapping helpers every caller
 * needs. Azimuth runs from north through east (0° north, 90° east), as mounts and the API report
 * it — not Meeus's south-based azimuth. Pure functions: inputs are validated at the boundary and
 * an impossible value (latitude 91°, Dec −95°, NaN) throws a RangeError naming it. No refraction
 * is applied: these are geometric altitudes.
 */

/** A position on the celestial sphere in the equatorial frame. */
export interface EquatorialCoord {
  /** Right ascension, hours; any finite value is accepted and wrapped into [0, 24). */
  raHours: number;
  /** Declination, degrees [-90, 90]. */
  decDeg: number;
}

/** A position in the observer's horizontal frame. */
export interface HorizontalCoord {
  /** Altitude above the horizon, degrees [-90, 90]. */
  altDeg: number;
  /** Azimuth from north through east, degrees [0, 360). */
  azDeg: number;
}

const DEG_TO_RAD = Math.PI / 180;
const RAD_TO_DEG = 180 / Math.PI;

/** Wraps hours into [0, 24). */
export function wrapHours(hours: number): number {
  return wrapInto(hours, 24);
}

/** Wraps hours into [-12, 12): the form of an hour angle (negative east of the meridian). */
export function wrapHours12(hours: number): number {
  return wrapInto(hours + 12, 24) - 12;
}

/** Wraps degrees into [0, 360). */
export function wrapDeg360(deg: number): number {
  return wrapInto(deg, 360);
}

/** Wraps degrees into [-180, 180). */
export function wrapDeg180(deg: number): number {
  return wrapInto(deg + 180, 360) - 180;
}

function wrapInto(value: number, period: number): number {
  const wrapped = value % period;
  if (wrapped < 0) {
    // -1e-17 % 24 + 24 rounds to exactly 24: fold that back to 0 to honour the half-open range.
    const lifted = wrapped + period;
    return lifted === period ? 0 : lifted;
  }
  return wrapped;
}

/** Throws a RangeError unless the latitude is finite and within [-90, 90]. */
export function assertLatitudeDeg(latitudeDeg: number, name = "latitudeDeg"): void {
  if (!Number.isFinite(latitudeDeg) || Math.abs(latitudeDeg) > 90) {
    throw new RangeError(`${name} must be within [-90, 90] degrees, got ${latitudeDeg}`);
  }
}

/**
 * Throws a RangeError unless `target` is a usable equatorial position: RA within [0, 24) hours and
 * Dec within [-90, 90] degrees, both finite. `what` names the call in the message.
 */
export function assertEquatorial(target: EquatorialCoord, what = "target"): void {
  if (typeof target !== "object" || target === null) {
    throw new RangeError(`${what} must be an object with raHours and decDeg, got ${target}`);
  }
  const { raHours, decDeg } = target;
  if (typeof raHours !== "number" || !Number.isFinite(raHours) || raHours < 0 || raHours >= 24) {
    throw new RangeError(`${what}.raHours must be within [0, 24) hours, got ${raHours}`);
  }
  if (typeof decDeg !== "number" || !Number.isFinite(decDeg) || Math.abs(decDeg) > 90) {
    throw new RangeError(`${what}.decDeg must be within [-90, 90] degrees, got ${decDeg}`);
  }
}

function assertFinite(value: number, name: string): void {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new RangeError(`${name} must be a finite number, got ${value}`);
  }
}

function assertDecDeg(decDeg: number, name: string): void {
  if (typeof decDeg !== "number" || !Number.isFinite(decDeg) || Math.abs(decDeg) > 90) {
    throw new RangeError(`${name} must be within [-90, 90] degrees, got ${decDeg}`);
  }
}

/** Hour angle in hours [-12, 12): negative east of the meridian (rising), positive west. */
export function hourAngleHours(raHours: number, lstHours: number): number {
  assertFinite(raHours, "raHours");
  assertFinite(lstHours, "lstHours");
  return wrapHours12(lstHours - raHours);
}

/** Equatorial → horizontal at a local sidereal time and latitude. Azimuth from north via east. */
export function equatorialToHorizontal(
  position: EquatorialCoord,
  lstHours: number,
  latitudeDeg: number,
): HorizontalCoord {
  assertFinite(position.raHours, "raHours");
  assertDecDeg(position.decDeg, "decDeg");
  assertLatitudeDeg(latitudeDeg);
  const haRad = hourAngleHours(position.raHours, lstHours) * 15 * DEG_TO_RAD;
  const decRad = position.decDeg * DEG_TO_RAD;
  const latRad = latitudeDeg * DEG_TO_RAD;
  const sinAlt = Math.sin(latRad) * Math.sin(decRad) +
    Math.cos(latRad) * Math.cos(decRad) * Math.cos(haRad);
  // atan2 keeps full precision near the zenith where asin alone would not.
  const azRad = Math.atan2(
    -Math.cos(decRad) * Math.sin(haRad),
    Math.sin(decRad) * Math.cos(latRad) - Math.cos(decRad) * Math.sin(latRad) * Math.cos(haRad),
  );
  return {
    altDeg: Math.asin(clampUnit(sinAlt)) * RAD_TO_DEG,
    azDeg: wrapDeg360(azRad * RAD_TO_DEG),
  };
}

/** Horizontal → equatorial at a local sidereal time and latitude. */
export function horizontalToEquatorial(
  position: HorizontalCoord,
  lstHours: number,
  latitudeDeg: number,
): EquatorialCoord {
  assertDecDeg(position.altDeg, "altDeg");
  assertFinite(position.azDeg, "azDeg");
  assertFinite(lstHours, "lstHours");
  assertLatitudeDeg(latitudeDeg);
  const altRad = position.altDeg * DEG_TO_RAD;
  const azRad = position.azDeg * DEG_TO_RAD;
  const latRad = latitudeDeg * DEG_TO_RAD;
  const sinDec = Math.sin(latRad) * Math.sin(altRad) +
    Math.cos(latRad) * Math.cos(altRad) * Math.cos(azRad);
  const haRad = Math.atan2(
    -Math.sin(azRad) * Math.cos(altRad),
    Math.sin(altRad) * Math.cos(latRad) - Math.cos(altRad) * Math.sin(latRad) * Math.cos(azRad),
  );
  return {
    raHours: wrapHours(lstHours - haRad * RAD_TO_DEG / 15),
    decDeg: Math.asin(clampUnit(sinDec)) * RAD_TO_DEG,
  };
}

/**
 * Great-circle distance between two equatorial positions, degrees [0, 180]. Uses the Vincenty
 * form, which stays accurate for tiny and near-antipodal separations alike (the cosine formula
 * loses arcseconds below a few arcminutes, exactly where arrival checks live).
 */
export function angularSeparationDeg(a: EquatorialCoord, b: EquatorialCoord): number {
  assertFinite(a.raHours, "a.raHours");
  assertFinite(b.raHours, "b.raHours");
  assertDecDeg(a.decDeg, "a.decDeg");
  assertDecDeg(b.decDeg, "b.decDeg");
  const deltaRaRad = (b.raHours - a.raHours) * 15 * DEG_TO_RAD;
  const dec1Rad = a.decDeg * DEG_TO_RAD;
  const dec2Rad = b.decDeg * DEG_TO_RAD;
  const x = Math.cos(dec2Rad) * Math.sin(deltaRaRad);
  const y = Math.cos(dec1Rad) * Math.sin(dec2Rad) -
    Math.sin(dec1Rad) * Math.cos(dec2Rad) * Math.cos(deltaRaRad);
  const z = Math.sin(dec1Rad) * Math.sin(dec2Rad) +
    Math.cos(dec1Rad) * Math.cos(dec2Rad) * Math.cos(deltaRaRad);
  return Math.atan2(Math.hypot(x, y), z) * RAD_TO_DEG;
}

// Rounding can push a sine a hair past ±1 at the poles; asin would then return NaN.
function clampUnit(value: number): number {
  return Math.min(1, Math.max(-1, value));
}
