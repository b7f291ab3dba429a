// pca.mjs — the first two principal components of a few hundred row vectors, for the embedding map:
// subspace iteration on the covariance XᵀX (applied as Xᵀ(X q), never formed: O(n·D) per iteration)
// with a 2×2 Rayleigh–Ritz step, warm-started from the previous axes so an update during training
// converges in a few iterations, and each axis's sign chosen to agree with the previous one (else its
// largest entry positive), so the picture does not flip between updates. Pure functions, no session.
// Shapes: n rows, D columns (the vector size).

/**
 * @typedef {object} Projection
 * @property {Float32Array} xy (n, 2) each row's coordinates on the two axes (centred)
 * @property {Float64Array} axes (2, D) the unit axes, orthogonal
 * @property {[number, number]} variance the variance along each axis (eigenvalues of the covariance / n)
 * @property {number} total the total variance (trace of the covariance / n)
 * @property {number} iterations subspace iterations taken
 */

const MAX_ITERATIONS = 300;
const TOLERANCE = 1e-13; // 2 − Σ|cos| between iterations (≈ angle²): the axes are then still to ~1e-7

/** u · v over D entries. @param {ArrayLike<number>} u @param {ArrayLike<number>} v @param {number} D */
function dot(u, v, D) {
  let s = 0;
  for (let i = 0; i < D; i++) s += u[i] * v[i];
  return s;
}

/** Scale v to unit length (a zero vector stays zero). @param {Float64Array} v */
function normalise(v) {
  const n = Math.sqrt(dot(v, v, v.length));
  if (n > 0) for (let i = 0; i < v.length; i++) v[i] /= n;
  return n;
}

/**
 * C q = Xᵀ(X q) for the centred rows: out (D,).
 * @param {Float64Array} X (n, D) centred @param {number} n @param {number} D @param {Float64Array} q (D,)
 */
function covTimes(X, n, D, q) {
  const out = new Float64Array(D);
  for (let r = 0; r < n; r++) {
    const row = X.subarray(r * D, (r + 1) * D);
    const s = dot(row, q, D);
    if (s !== 0) for (let i = 0; i < D; i++) out[i] += s * row[i];
  }
  return out;
}

/** A fixed start vector when there are no previous axes (deterministic: the same picture every time). @param {number} D @param {number} k */
function startVector(D, k) {
  const v = new Float64Array(D);
  let x = 12345 + 777 * k;
  for (let i = 0; i < D; i++) {
    x = (1103515245 * x + 12345) % 2147483648;
    v[i] = x / 2147483648 - 0.5;
  }
  return v;
}

/**
 * The two leading principal axes of the rows of `data` and every row's coordinates on them.
 * @param {ArrayLike<number>} data (n, D) row-major
 * @param {number} n @param {number} D
 * @param {Float64Array | null} [previous] (2, D) the axes of the last update: the start, and the sign reference
 * @returns {Projection}
 */
export function pca2(data, n, D, previous = null) {
  if (!(Number.isInteger(n) && n >= 1 && Number.isInteger(D) && D >= 1 && data.length >= n * D))
    throw new Error(`pca2 needs (n, D) = (${n}, ${D}) values, got ${data.length}`);
  // centre the rows (the projection is about how tokens differ, not where the cloud sits)
  const X = new Float64Array(n * D); // (n, D)
  const mean = new Float64Array(D);
  for (let r = 0; r < n; r++) for (let i = 0; i < D; i++) mean[i] += data[r * D + i] / n;
  let total = 0;
  for (let r = 0; r < n; r++)
    for (let i = 0; i < D; i++) {
      const x = data[r * D + i] - mean[i];
      X[r * D + i] = x;
      total += x * x;
    }
  const prev = previous && previous.length === 2 * D ? previous : null;
  let q1 = prev ? prev.slice(0, D) : startVector(D, 0);
  let q2 = prev ? prev.slice(D, 2 * D) : startVector(D, 1);
  let l1 = 0;
  let l2 = 0;
  let iterations = 0;
  if (D === 1) {
    q1 = new Float64Array([1]);
    q2 = new Float64Array([0]);
    l1 = total;
  } else {
    for (; iterations < MAX_ITERATIONS; iterations++) {
      // Z = C Q, then Gram–Schmidt: Q spans the leading 2-D invariant subspace in the limit
      const z1 = covTimes(X, n, D, q1);
      const z2 = covTimes(X, n, D, q2);
      if (normalise(z1) === 0) z1.set(startVector(D, 2));
      normalise(z1);
      const p = dot(z2, z1, D);
      for (let i = 0; i < D; i++) z2[i] -= p * z1[i];
      if (normalise(z2) === 0) {
        // rank 1 (or all rows equal): any unit vector orthogonal to z1 will do
        z2.set(startVector(D, 3));
        const p2 = dot(z2, z1, D);
        for (let i = 0; i < D; i++) z2[i] -= p2 * z1[i];
        normalise(z2);
      }
      // Rayleigh–Ritz: the 2×2 matrix B = Zᵀ C Z, its eigenvectors rotate Z onto the axes themselves
      const c1 = covTimes(X, n, D, z1);
      const c2 = covTimes(X, n, D, z2);
      const a = dot(z1, c1, D);
      const b = dot(z1, c2, D);
      const d = dot(z2, c2, D);
      const theta = 0.5 * Math.atan2(2 * b, a - d); // rotation that diagonalises [[a, b], [b, d]]
      const cs = Math.cos(theta);
      const sn = Math.sin(theta);
      const r1 = new Float64Array(D);
      const r2 = new Float64Array(D);
      for (let i = 0; i < D; i++) {
        r1[i] = cs * z1[i] + sn * z2[i];
        r2[i] = -sn * z1[i] + cs * z2[i];
      }
      l1 = a * cs * cs + 2 * b * cs * sn + d * sn * sn;
      l2 = a * sn * sn - 2 * b * cs * sn + d * cs * cs;
      const change = 2 - Math.abs(dot(r1, q1, D)) - Math.abs(dot(r2, q2, D));
      q1 = r1;
      q2 = r2;
      if (change < TOLERANCE) {
        iterations++;
        break;
      }
    }
    if (l2 > l1) {
      [q1, q2] = [q2, q1];
      [l1, l2] = [l2, l1];
    }
  }
  // signs: agree with the previous axes, else the largest entry positive
  for (const [k, q] of /** @type {[number, Float64Array][]} */ ([
    [0, q1],
    [1, q2],
  ])) {
    let s;
    if (prev) s = dot(q, prev.subarray(k * D, (k + 1) * D), D);
    else {
      let best = 0;
      for (let i = 0; i < D; i++) if (Math.abs(q[i]) > Math.abs(q[best])) best = i;
      s = q[best];
    }
    if (s < 0) for (let i = 0; i < D; i++) q[i] = -q[i];
  }
  const xy = new Float32Array(n * 2);
  for (let r = 0; r < n; r++) {
    const row = X.subarray(r * D, (r + 1) * D);
    xy[2 * r] = dot(row, q1, D);
    xy[2 * r + 1] = dot(row, q2, D);
  }
  const axes = new Float64Array(2 * D);
  axes.set(q1, 0);
  axes.set(q2, D);
  return { xy, axes, variance: [Math.max(0, l1) / n, Math.max(0, l2) / n], total: total / n, iterations };
}
