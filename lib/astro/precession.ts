/**
 * J2000 ↔ JNow: the API speaks J2000 (catalogue) coordinates while many mounts point in JNow, the
 * true equator and equinox of date. JNow here is J2000 rotated by IAU 1976 precession (Meeus
 * 21.2–21.4) and IAU 1980 nutation (Meeus chapter 22), both as rotation matrices, so the inverse
 * is the exact transpose and a round trip returns the input to machine precision, even at the
 * poles where Meeus's first-order series diverge. Aberration, proper motion and parallax are left
 * out on purpose: mounts that speak JNow (LX200, ASCOM "topocentric") expect precession and
 * nutation, and a plate solve then syncs away the remaining ~20″.
 */
import { assertEquatorial, type EquatorialCoord, wrapHours } from "./coords.ts";
import { julianCenturiesSinceJ2000, nutationAngles } from "./time.ts";

type Vector3 = readonly [number, number, number];
type Matrix3 = readonly [Vector3, Vector3, Vector3];

const DEG_TO_RAD = Math.PI / 180;
const RAD_TO_DEG = 180 / Math.PI;
const ARCSEC_TO_RAD = DEG_TO_RAD / 3600;

/** J2000 mean position → mean position of date (precession only), at `unixMs`. */
export function precessFromJ2000(target: EquatorialCoord, unixMs: number): EquatorialCoord {
  assertEquatorial(target, "J2000 position");
  return fromVector(multiply(precessionMatrix(unixMs), toVector(target)));
}

/** Mean position of date → J2000 mean position (precession only), at `unixMs`. */
export function precessToJ2000(target: EquatorialCoord, unixMs: number): EquatorialCoord {
  assertEquatorial(target, "mean position of date");
  return fromVector(multiply(transpose(precessionMatrix(unixMs)), toVector(target)));
}

/** J2000 catalogue position → JNow (true equator and equinox of `unixMs`). */
export function j2000ToJNow(target: EquatorialCoord, unixMs: number): EquatorialCoord {
  assertEquatorial(target, "J2000 position");
  const matrix = compose(nutationMatrix(unixMs), precessionMatrix(unixMs));
  return fromVector(multiply(matrix, toVector(target)));
}

/** JNow (true equator and equinox of `unixMs`) → J2000 catalogue position. */
export function jnowToJ2000(target: EquatorialCoord, unixMs: number): EquatorialCoord {
  assertEquatorial(target, "JNow position");
  const matrix = compose(nutationMatrix(unixMs), precessionMatrix(unixMs));
  return fromVector(multiply(transpose(matrix), toVector(target)));
}

/**
 * IAU 1976 precession from J2000 to the date, P = R3(−z)·R2(θ)·R3(−ζ) (Meeus 21.3 with the
 * starting epoch at J2000, so T = 0 and only the t terms remain).
 */
function precessionMatrix(unixMs: number): Matrix3 {
  const t = julianCenturiesSinceJ2000(unixMs);
  const zetaRad = (2306.2181 * t + 0.30188 * t * t + 0.017998 * t * t * t) * ARCSEC_TO_RAD;
  const zRad = (2306.2181 * t + 1.09468 * t * t + 0.018203 * t * t * t) * ARCSEC_TO_RAD;
  const thetaRad = (2004.3109 * t - 0.42665 * t * t - 0.041833 * t * t * t) * ARCSEC_TO_RAD;
  return compose(rotZ(-zRad), compose(rotY(thetaRad), rotZ(-zetaRad)));
}

/** Nutation from the mean to the true equator of date, N = R1(−ε)·R3(−Δψ)·R1(ε₀). */
function nutationMatrix(unixMs: number): Matrix3 {
  const n = nutationAngles(unixMs);
  return compose(
    rotX(-n.trueObliquityRad),
    compose(rotZ(-n.deltaPsiRad), rotX(n.meanObliquityRad)),
  );
}

// Rotation matrices in the astronomical (frame-rotating) convention of the Explanatory Supplement.
function rotX(angleRad: number): Matrix3 {
  const c = Math.cos(angleRad);
  const s = Math.sin(angleRad);
  return [[1, 0, 0], [0, c, s], [0, -s, c]];
}

function rotY(angleRad: number): Matrix3 {
  const c = Math.cos(angleRad);
  const s = Math.sin(angleRad);
  return [[c, 0, -s], [0, 1, 0], [s, 0, c]];
}

function rotZ(angleRad: number): Matrix3 {
  const c = Math.cos(angleRad);
  const s = Math.sin(angleRad);
  return [[c, s, 0], [-s, c, 0], [0, 0, 1]];
}

/** a·b: applies b first, then a. */
function compose(a: Matrix3, b: Matrix3): Matrix3 {
  const cell = (row: number, col: number) =>
    a[row]![0] * b[0][col]! + a[row]![1] * b[1][col]! + a[row]![2] * b[2][col]!;
  return [
    [cell(0, 0), cell(0, 1), cell(0, 2)],
    [cell(1, 0), cell(1, 1), cell(1, 2)],
    [cell(2, 0), cell(2, 1), cell(2, 2)],
  ];
}

function transpose(m: Matrix3): Matrix3 {
  return [
    [m[0][0], m[1][0], m[2][0]],
    [m[0][1], m[1][1], m[2][1]],
    [m[0][2], m[1][2], m[2][2]],
  ];
}

function multiply(m: Matrix3, v: Vector3): Vector3 {
  return [
    m[0][0] * v[0] + m[0][1] * v[1] + m[0][2] * v[2],
    m[1][0] * v[0] + m[1][1] * v[1] + m[1][2] * v[2],
    m[2][0] * v[0] + m[2][1] * v[1] + m[2][2] * v[2],
  ];
}

function toVector(position: EquatorialCoord): Vector3 {
  const raRad = position.raHours * 15 * DEG_TO_RAD;
  const decRad = position.decDeg * DEG_TO_RAD;
  return [Math.cos(decRad) * Math.cos(raRad), Math.cos(decRad) * Math.sin(raRad), Math.sin(decRad)];
}

function fromVector(v: Vector3): EquatorialCoord {
  // atan2 on both angles keeps precision near the poles, where asin(z) would lose it.
  const raHours = Math.atan2(v[1], v[0]) * RAD_TO_DEG / 15;
  return {
    raHours: wrapHours(raHours),
    decDeg: Math.atan2(v[2], Math.hypot(v[0], v[1])) * RAD_TO_DEG,
  };
}
