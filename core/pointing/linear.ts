/**
 * Small dense linear algebra for the least-squares fits: solving a symmetric positive-definite
 * system and inverting it (for the parameter covariance), by Gauss–Jordan elimination with
 * partial pivoting. The systems are a handful of unknowns, so clarity wins over speed.
 */

/**
 * Inverts a square matrix; throws a RangeError when it is singular (a term the data cannot
 * separate from the others, e.g. CH and IH with every point at the same declination).
 */
export function invert(matrix: readonly (readonly number[])[]): number[][] {
  const n = matrix.length;
  const a = matrix.map((
    row,
    i,
  ) => [...row, ...Array.from({ length: n }, (_, j) => i === j ? 1 : 0)]);
  const scale = Math.max(1e-300, ...matrix.map((row) => Math.max(...row.map(Math.abs))));
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) {
      if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    }
    if (Math.abs(a[pivot]![col]!) < scale * 1e-12) {
      throw new RangeError(`matrix is singular: unknown ${col} is not determined by the data`);
    }
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const pivotRow = a[col]!;
    const p = pivotRow[col]!;
    for (let j = 0; j < 2 * n; j++) pivotRow[j] = pivotRow[j]! / p;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const row = a[r]!;
      const factor = row[col]!;
      if (factor === 0) continue;
      for (let j = 0; j < 2 * n; j++) row[j] = row[j]! - factor * pivotRow[j]!;
    }
  }
  return a.map((row) => row.slice(n));
}

/** Least squares for A·x ≈ b by the normal equations; answers x and (AᵀA)⁻¹. */
export function leastSquares(
  design: readonly (readonly number[])[],
  observed: readonly number[],
): { solution: number[]; inverseNormal: number[][] } {
  const m = design[0]?.length ?? 0;
  const normal = Array.from({ length: m }, () => new Array<number>(m).fill(0));
  const rhs = new Array<number>(m).fill(0);
  design.forEach((row, i) => {
    for (let j = 0; j < m; j++) {
      rhs[j] = rhs[j]! + row[j]! * observed[i]!;
      for (let k = 0; k < m; k++) normal[j]![k] = normal[j]![k]! + row[j]! * row[k]!;
    }
  });
  const inverseNormal = invert(normal);
  const solution = inverseNormal.map((row) => row.reduce((sum, v, k) => sum + v * rhs[k]!, 0));
  return { solution, inverseNormal };
}
