// grader-tensors.mjs — the tensor plumbing of lmlab/grader (grader.mjs), with no WebAssembly in it:
// seeded random tensors, conversions between nested arrays (a numpy student's lists), typed arrays
// and lmlab Tensors ({ data, shape }, row-major), and `allclose` with a normwise float32 tolerance and
// a report a student can read (the tensor, the worst index, both values, the error).
// Shapes use the lab's letters: N batch, T time, D input (lmlab's E), H hidden, V vocabulary.

/**
 * The recommended tolerance of `allclose`: the normwise error max|a − b| / max|b| of a float64
 * answer against lmlab's float32 reference. Correct float64 implementations of the Lab 2 layers stay
 * under 1e-6 on the grader's random inputs (tests/grader.test.mjs measures it); the mistakes graders
 * look for give errors of 1e-2 and more. An element-wise relative error would fail correct code
 * where an entry is near zero.
 */
export const RECOMMENDED_TOLERANCE = 1e-5;

/** @typedef {{ data: Float32Array | Float64Array, shape: number[] }} FloatTensor */
/** @typedef {{ data: Int32Array, shape: number[] }} IntTensor */

/**
 * @typedef {object} Comparison
 * @property {string} name the tensor's name, as the student's function calls it (dWh, next_h, loss)
 * @property {boolean} pass
 * @property {number} error normwise max|actual − expected| / max|expected| (Infinity: wrong shape or not a number)
 * @property {number} tolerance
 * @property {number[] | null} index where |actual − expected| is largest ([] for a scalar)
 * @property {number | null} actual the student's value there
 * @property {number | null} expected the reference's value there
 * @property {number[] | null} actualShape
 * @property {number[]} expectedShape
 * @property {string} message one line: "ok" details, or what is wrong and where
 */

/**
 * A seeded generator (mulberry32, normals by Box–Muller). Every value is rounded to float32, so a
 * float64 student and lmlab's float32 reference see exactly the same numbers.
 * @param {number} seed a whole number
 */
export function seededRandom(seed) {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  const count = (shape) => shape.reduce((a, b) => a * b, 1);
  return {
    uniform,
    normal,
    /** A whole number in [lo, hi]. */
    int: (lo, hi) => lo + Math.floor(uniform() * (hi - lo + 1)),
    /** N(0, scale²) entries, float32. @param {number[]} shape @returns {FloatTensor} */
    tensor: (shape, scale = 1) => ({
      data: Float32Array.from({ length: count(shape) }, () => scale * normal()),
      shape: shape.slice(),
    }),
    /** Token ids in [0, V). @param {number[]} shape @param {number} V @returns {IntTensor} */
    ids: (shape, V) => ({
      data: Int32Array.from({ length: count(shape) }, () => Math.floor(uniform() * V)),
      shape: shape.slice(),
    }),
    /** A 0/1 mask, about `keep` of it 1, never all 1 nor all 0 (so a mask that is ignored shows).
     *  @param {number[]} shape @returns {IntTensor} */
    mask(shape, keep = 0.75) {
      const data = Int32Array.from({ length: count(shape) }, () => (uniform() < keep ? 1 : 0));
      if (!data.includes(1)) data[0] = 1;
      if (!data.includes(0) && data.length > 1) data[data.length - 1] = 0;
      return { data, shape: shape.slice() };
    },
  };
}

const fmtShape = (shape) =>
  shape.length === 0 ? 'a scalar' : shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
export { fmtShape };

/**
 * The shape of nested arrays (each level rectangular), or null when they are not rectangular or hold
 * something other than numbers or booleans. A number is a scalar: shape [].
 * @param {unknown} value
 * @returns {number[] | null}
 */
export function nestedShape(value) {
  if (typeof value === 'number' || typeof value === 'boolean') return [];
  if (!Array.isArray(value)) return null;
  const shape = [];
  for (let level = value; Array.isArray(level); level = level[0]) {
    shape.push(level.length);
    if (level.length === 0) break;
  }
  const ok = (node, depth) => {
    if (depth === shape.length) return typeof node === 'number' || typeof node === 'boolean';
    return Array.isArray(node) && node.length === shape[depth] && node.every((child) => ok(child, depth + 1));
  };
  return ok(value, 0) ? shape : null;
}

/**
 * A Tensor (or IntTensor) as nested arrays of plain numbers, the way a numpy-style student takes them.
 * @param {{ data: ArrayLike<number>, shape: number[] }} tensor
 * @param {{ booleans?: boolean }} [options] booleans: 0/1 as false/true (a mask)
 * @returns {any}
 */
export function toNested(tensor, { booleans = false } = {}) {
  const { data, shape } = tensor;
  const value = (i) => (booleans ? data[i] !== 0 : Number(data[i]));
  if (shape.length === 0) return value(0);
  const build = (depth, offset) => {
    const n = shape[depth];
    const stride = shape.slice(depth + 1).reduce((a, b) => a * b, 1);
    return Array.from({ length: n }, (_, i) =>
      depth === shape.length - 1 ? value(offset + i) : build(depth + 1, offset + i * stride),
    );
  };
  return build(0, 0);
}

/**
 * Anything a student may return — a number, nested arrays, a typed array or plain array (flat, then
 * read with `shape`), a Tensor — as a Float64 tensor; null when it cannot be read as numbers.
 * @param {unknown} value
 * @param {number[]} [shape] the shape to give a flat array
 * @returns {{ data: Float64Array, shape: number[] } | null}
 */
export function toTensor(value, shape) {
  if (value && typeof value === 'object' && 'data' in value && 'shape' in value) {
    const t = /** @type {{ data: ArrayLike<number>, shape: number[] }} */ (value);
    if (!Array.isArray(t.shape) || !(ArrayBuffer.isView(t.data) || Array.isArray(t.data))) return null;
    if (t.data.length !== t.shape.reduce((a, b) => a * b, 1)) return null;
    return { data: Float64Array.from(t.data, Number), shape: t.shape.slice() };
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const flat = /** @type {ArrayLike<number>} */ (/** @type {unknown} */ (value));
    return {
      data: Float64Array.from(flat, Number),
      shape: shape && shape.reduce((a, b) => a * b, 1) === flat.length ? shape.slice() : [flat.length],
    };
  }
  const nested = nestedShape(value);
  if (nested === null) return null;
  if (nested.length === 0) return { data: Float64Array.of(Number(value)), shape: [] };
  return { data: Float64Array.from(/** @type {any[]} */ (value).flat(Infinity), Number), shape: nested };
}

/**
 * Nested arrays, a Tensor or a typed array (with `shape`) as an lmlab Tensor in float32 (or int32).
 * @param {unknown} value
 * @param {{ shape?: number[], type?: 'float32' | 'float64' | 'int32' }} [options]
 */
export function fromNested(value, { shape, type = 'float32' } = {}) {
  const t = toTensor(value, shape);
  if (!t)
    throw new TypeError(
      `fromNested: expected nested arrays of numbers, a typed array or a Tensor, got ${describe(value)}`,
    );
  const Type = type === 'int32' ? Int32Array : type === 'float64' ? Float64Array : Float32Array;
  return { data: Type.from(t.data), shape: t.shape };
}

/** Transpose of a 2-D tensor. @param {{ data: ArrayLike<number>, shape: number[] }} t */
export function transpose(t) {
  const [R, C] = t.shape;
  const out = new Float64Array(R * C);
  for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) out[c * R + r] = t.data[r * C + c];
  return { data: out, shape: [C, R] };
}

function describe(value) {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value))
    return nestedShape(value)
      ? `an array of shape ${fmtShape(nestedShape(value))}`
      : 'arrays that are not rectangular numbers';
  return typeof value === 'object' ? `a ${value.constructor?.name ?? 'object'}` : `a ${typeof value}`;
}

/** Flat index → [i, j, …] for `shape`. */
function unravel(i, shape) {
  const index = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    index.unshift(i % shape[d]);
    i = Math.floor(i / shape[d]);
  }
  return index;
}

const num = (x) => (Number.isFinite(x) ? Number(x.toPrecision(7)).toString() : String(x));
const sameShape = (a, b) => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Compare a student's value with the reference: normwise error max|a − b| / max|b| (max|b| = 0:
 * the absolute error) against `tolerance`, and a one-line message naming the tensor, the worst
 * index, both values and the error — or the shape or the non-number that is wrong.
 * @param {unknown} actual the student's value (see toTensor for what is accepted)
 * @param {{ data: ArrayLike<number>, shape: number[] } | number} expected the reference
 * @param {{ name?: string, tolerance?: number }} [options]
 * @returns {Comparison}
 */
export function allclose(actual, expected, { name = 'the result', tolerance = RECOMMENDED_TOLERANCE } = {}) {
  const exp = typeof expected === 'number' ? { data: Float64Array.of(expected), shape: [] } : expected;
  const base = { name, tolerance, expectedShape: exp.shape.slice() };
  const fail = (message, extra = {}) => ({
    ...base,
    pass: false,
    error: Infinity,
    index: null,
    actual: null,
    expected: null,
    actualShape: null,
    message,
    ...extra,
  });
  if (actual === undefined || actual === null)
    return fail(`${name} is missing (got ${describe(actual)}); it must be ${fmtShape(exp.shape)}`);
  const act = toTensor(actual, exp.shape);
  if (!act) return fail(`${name} must be ${fmtShape(exp.shape)} of numbers, got ${describe(actual)}`);
  if (!sameShape(act.shape, exp.shape)) {
    const count = (s) => s.reduce((a, b) => a * b, 1);
    let why = '';
    if (exp.shape.length === 2 && sameShape(act.shape, [exp.shape[1], exp.shape[0]])) why = ': it looks transposed';
    else if (
      act.shape.length > exp.shape.length &&
      sameShape(act.shape.slice(act.shape.length - exp.shape.length), exp.shape)
    ) {
      why = `: sum over the leading ${act.shape.length - exp.shape.length === 1 ? 'dimension' : 'dimensions'} too`;
    } else if (count(act.shape) === count(exp.shape)) why = ': the right number of entries in another shape (reshape?)';
    return fail(`${name} has shape ${fmtShape(act.shape)} but must be ${fmtShape(exp.shape)}${why}`, {
      actualShape: act.shape,
    });
  }
  let worst = -1,
    worstAt = 0,
    scale = 0;
  for (let i = 0; i < exp.data.length; i++) {
    const a = act.data[i];
    if (!Number.isFinite(a)) {
      const index = unravel(i, exp.shape);
      return fail(`${name}${index.length ? `[${index.join(', ')}]` : ''} is ${a}, not a finite number`, {
        actualShape: act.shape,
        index,
        actual: a,
        expected: exp.data[i],
      });
    }
    const d = Math.abs(a - exp.data[i]);
    if (d > worst) {
      worst = d;
      worstAt = i;
    }
    scale = Math.max(scale, Math.abs(exp.data[i]));
  }
  const error = exp.data.length ? worst / (scale > 0 ? scale : 1) : 0;
  const index = unravel(worstAt, exp.shape);
  const where = index.length ? `worst at [${index.join(', ')}]: ` : '';
  const pass = error <= tolerance;
  const message = pass
    ? `${name} ok (normwise error ${error.toExponential(1)})`
    : `${name} is wrong: normwise error ${error.toExponential(1)} > ${tolerance.toExponential(0)}; ${where}yours ${num(act.data[worstAt])}, expected ${num(exp.data[worstAt])}`;
  return {
    ...base,
    pass,
    error,
    index,
    actual: act.data[worstAt],
    expected: exp.data[worstAt],
    actualShape: act.shape,
    message,
  };
}
