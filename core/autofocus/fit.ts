/**
 * V-curve fitting for autofocus. A defocused star's half-flux radius follows a hyperbola in the
 * focuser position, hfr = sqrt(a² + (b·(x − c))²): a is the in-focus floor (seeing, optics), b
 * the slope of the arms, c the best focus. Squaring it gives a parabola in x, so a linear least
 * squares fit of hfr² gives exact parameters on exact data and a good start on noisy data;
 * Levenberg–Marquardt then minimises the relative residuals of hfr itself (the quantity that
 * carries the noise, which grows with the star's size). When the hyperbola does not come out (a curve with no minimum, or a negative floor), a
 * parabola in hfr is tried. Positions are centred and scaled before fitting so 5-digit step
 * counts do not wreck the normal equations. R² is reported on hfr for either model.
 */

export interface CurvePoint {
  positionSteps: number;
  hfrPx: number;
}

export interface CurveFit {
  model: "hyperbola" | "parabola";
  /** Position of the minimum, steps. */
  bestPositionSteps: number;
  /** Model value at the minimum, px. */
  minHfrPx: number;
  /** 1 − SSres/SStot on hfr. */
  rSquared: number;
  /** Hyperbola a, b (px, px/step), or parabola coefficients [c2, c1, c0] in steps. */
  params: number[];
}

/** Solves a small dense linear system by Gaussian elimination with partial pivoting. */
export function solveLinear(matrix: number[][], rhs: number[]): number[] | null {
  const n = rhs.length;
  const m = matrix.map((row, i) => [...row, rhs[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) {
      if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    }
    if (Math.abs(m[pivot]![col]!) < 1e-300) return null;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const factor = m[r]![col]! / m[col]![col]!;
      for (let k = col; k <= n; k++) m[r]![k]! -= factor * m[col]![k]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

/** Least-squares quadratic y = c2 x² + c1 x + c0; null when singular. */
function quadratic(xs: number[], ys: number[]): [number, number, number] | null {
  const s = [0, 0, 0, 0, 0];
  const t = [0, 0, 0];
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    const y = ys[i]!;
    for (let p = 0; p <= 4; p++) s[p]! += x ** p;
    for (let p = 0; p <= 2; p++) t[p]! += y * x ** p;
  }
  const sol = solveLinear(
    [[s[4]!, s[3]!, s[2]!], [s[3]!, s[2]!, s[1]!], [s[2]!, s[1]!, s[0]!]],
    [t[2]!, t[1]!, t[0]!],
  );
  return sol ? [sol[0]!, sol[1]!, sol[2]!] : null;
}

function rSquared(ys: number[], predict: (i: number) => number): number {
  const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
  let ssRes = 0;
  let ssTot = 0;
  ys.forEach((y, i) => {
    ssRes += (y - predict(i)) ** 2;
    ssTot += (y - mean) ** 2;
  });
  return ssTot === 0 ? 0 : 1 - ssRes / ssTot;
}

function hyperbola(x: number, a: number, b: number, c: number): number {
  return Math.sqrt(a * a + (b * (x - c)) ** 2);
}

/** Levenberg–Marquardt on hfr residuals, from a start; returns the refined [a, b, c]. */
function refineHyperbola(xs: number[], ys: number[], start: number[]): number[] {
  let p = [...start];
  let lambda = 1e-3;
  const cost = (q: number[]) =>
    xs.reduce((acc, x, i) => acc + ((ys[i]! - hyperbola(x, q[0]!, q[1]!, q[2]!)) / ys[i]!) ** 2, 0);
  let current = cost(p);
  for (let iter = 0; iter < 100; iter++) {
    const jtj = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
    const jtr = [0, 0, 0];
    xs.forEach((x, i) => {
      const [a, b, c] = [p[0]!, p[1]!, p[2]!];
      const f = Math.max(hyperbola(x, a, b, c), 1e-12);
      const d = x - c;
      // Relative residuals: a blown-up star's HFR is measured with an error that grows with it.
      const w = 1 / ys[i]!;
      const jac = [(w * a) / f, (w * b * d * d) / f, (w * -b * b * d) / f];
      const r = w * (ys[i]! - f);
      for (let j = 0; j < 3; j++) {
        jtr[j]! += jac[j]! * r;
        for (let k = 0; k < 3; k++) jtj[j]![k]! += jac[j]! * jac[k]!;
      }
    });
    const damped = jtj.map((row, j) => row.map((v, k) => (j === k ? v * (1 + lambda) : v)));
    const step = solveLinear(damped, jtr);
    if (!step) break;
    const next = p.map((v, j) => v + step[j]!);
    const nextCost = cost(next);
    if (nextCost < current) {
      const improvement = current - nextCost;
      p = next;
      current = nextCost;
      lambda /= 10;
      if (improvement < 1e-15 * (1 + current)) break;
    } else {
      lambda *= 10;
      if (lambda > 1e12) break;
    }
  }
  return p;
}

/** Fits the V-curve; null when neither model has a minimum (too few points, flat or ∩-shaped). */
export function fitVCurve(points: readonly CurvePoint[]): CurveFit | null {
  if (points.length < 3) return null;
  const positions = points.map((p) => p.positionSteps);
  const centre = (Math.max(...positions) + Math.min(...positions)) / 2;
  const scale = Math.max(1, (Math.max(...positions) - Math.min(...positions)) / 2);
  const xs = positions.map((x) => (x - centre) / scale);
  const ys = points.map((p) => p.hfrPx);
  const squared = quadratic(xs, ys.map((y) => y * y));
  if (squared && squared[0] > 0) {
    const [q2, q1, q0] = squared;
    const c0 = -q1 / (2 * q2);
    const a2 = q0 - q2 * c0 * c0;
    const start = [Math.sqrt(Math.max(a2, 1e-6 * q0)), Math.sqrt(q2), c0];
    const [a, b, c] = refineHyperbola(xs, ys, start) as [number, number, number];
    if (Number.isFinite(a) && Number.isFinite(c) && Math.abs(b) > 0 && Math.abs(c) < 10) {
      return {
        model: "hyperbola",
        bestPositionSteps: centre + c * scale,
        minHfrPx: Math.abs(a),
        rSquared: rSquared(ys, (i) => hyperbola(xs[i]!, a, b, c)),
        params: [Math.abs(a), Math.abs(b) / scale],
      };
    }
  }
  const parabola = quadratic(xs, ys);
  if (!parabola || !(parabola[0] > 0)) return null;
  const [p2, p1, p0] = parabola;
  const vertex = -p1 / (2 * p2);
  return {
    model: "parabola",
    bestPositionSteps: centre + vertex * scale,
    minHfrPx: p0 - (p1 * p1) / (4 * p2),
    rSquared: rSquared(ys, (i) => p2 * xs[i]! ** 2 + p1 * xs[i]! + p0),
    params: [
      p2 / scale ** 2,
      p1 / scale - (2 * p2 * centre) / scale ** 2,
      p0 - (p1 * centre) / scale + (p2 * centre ** 2) / scale ** 2,
    ],
  };
}
