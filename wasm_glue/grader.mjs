// grader.mjs — `lmlab/grader`: what a course needs to autograde the Lab 2 layers against lmlab. `check`
// runs a student's layer functions (cs231n's names, argument orders and return tuples, on nested
// arrays like numpy lists) on seeded random inputs with the lab's shapes, the backward from a random
// upstream gradient, compares every output and gradient with lmlab's reference with `allclose`, and
// returns pass/fail with a report a student can act on (the tensor, the worst index, both values, the
// error, and a hint when the answer matches a known mistake). Plumbing: grader-tensors.mjs; what each
// layer pair is: grader-references.mjs. Shapes: N batch, T time, D input, H hidden, V vocabulary.
import { loadLmlab } from './index.mjs';
import {
  allclose,
  fmtShape,
  fromNested,
  nestedShape,
  RECOMMENDED_TOLERANCE,
  seededRandom,
  toNested,
  toTensor,
  transpose,
} from './grader-tensors.mjs';
import { BACKWARD_NAMES, FORWARD_ONLY, REFERENCES } from './grader-references.mjs';

export { allclose, fromNested, nestedShape, RECOMMENDED_TOLERANCE, seededRandom, toNested, toTensor, transpose };

/** Where the random sizes come from: small, like the lab's checks, and pairwise different (so a
 *  transposed matrix has the wrong shape wherever it can). */
const SIZE_RANGES = { N: [2, 4], T: [3, 6], D: [3, 7], H: [4, 8], V: [5, 10] };
const REDUCTION_NAMES = ['sum-over-N', 'mean-unmasked'];

/** A 32-bit FNV-1a hash: each reference gets its own random inputs for the same seed. */
const hash = (text) => [...text].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0, 2166136261);

function drawSizes(rng, letters, fixed) {
  for (let attempt = 0; ; attempt++) {
    const s = Object.fromEntries(letters.map((k) => [k, fixed[k] ?? rng.int(...SIZE_RANGES[k])]));
    const values = letters.filter((k) => fixed[k] === undefined).map((k) => s[k]);
    if (new Set(values).size === values.length || attempt > 100) return s;
  }
}

/**
 * The student's value(s) of a call: a lone output or [output…, cache] (cs231n returns tuples). Read
 * as outputs only when every one has its expected shape, so a tuple is told from an output even when
 * N = 2.
 */
function splitReturn(value, outputs) {
  const fits = (v, shape) => {
    const t = toTensor(v, shape);
    return t !== null && t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i]);
  };
  if (outputs.length === 1 && fits(value, outputs[0].shape)) return { values: [value], cache: undefined };
  if (Array.isArray(value) && value.length >= outputs.length) {
    return {
      values: value.slice(0, outputs.length),
      cache: value.length > outputs.length ? value[outputs.length] : undefined,
    };
  }
  return { values: [value], cache: undefined };
}

/** The gradients a backward returned: an array in cs231n's order, an object by name (or alias), or
 *  the one gradient itself (word_embedding_backward returns dW). */
function readGradients(value, names, aliases = {}) {
  const isTensor = (v) => v && typeof v === 'object' && 'data' in v && 'shape' in v;
  const isRecord = (v) => v && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v) && !isTensor(v);
  if (isRecord(value))
    return Object.fromEntries(
      names.map((n) => [n, value[n] ?? (aliases[n] ?? []).map((k) => value[k]).find((v) => v !== undefined)]),
    );
  if (names.length === 1) return { [names[0]]: value };
  if (Array.isArray(value)) return Object.fromEntries(names.map((n, i) => [n, value[i]]));
  return { [names[0]]: value };
}

const describeError = (err) => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));

/**
 * @typedef {object} TrialResult
 * @property {number} trial 1-based
 * @property {number} seed the seed of this trial's inputs
 * @property {Record<string, number>} sizes
 * @property {boolean} pass
 * @property {import('./grader-tensors.mjs').Comparison[]} comparisons every output and gradient
 * @property {string[]} hints
 * @property {string[]} errors what the student's code threw or returned that could not be read
 */

/**
 * @typedef {object} CheckResult
 * @property {string} reference
 * @property {boolean} pass every trial passed
 * @property {number} trials
 * @property {number} passed trials that passed
 * @property {number} worstError the largest normwise error seen (Infinity after a wrong shape or an exception)
 * @property {TrialResult[]} results one per trial
 * @property {string} report several lines: the verdict, then the first failing trial in detail
 */

/**
 * Load lmlab and return the grader: `check` plus the tensor helpers.
 * @param {Parameters<typeof loadLmlab>[0]} [options] where the .wasm is (see loadLmlab)
 */
export async function loadGrader(options) {
  const lm = await loadLmlab(options);
  const L = /** @type {any} */ (lm).layers; // loadLmlab's inferred type does not list what the modules add

  /**
   * Run a student's layer functions against lmlab's reference.
   * @param {Function | Record<string, any>} student a module with cs231n's names (rnn_step_forward, …), a
   *   { forward, backward } pair, or one function (a forward alone, or temporal_softmax_loss)
   * @param {string} referenceName 'rnn_step', 'rnn', 'word_embedding', 'temporal_affine',
   *   'temporal_softmax_loss', or a forward's name alone ('rnn_step_forward', …)
   * @param {{ trials?: number, seed?: number, tolerance?: number, sizes?: Record<string, number>,
   *   reduction?: 'sum-over-N' | 'mean-unmasked', inputs?: 'nested' | 'tensor' }} [options]
   * @returns {CheckResult}
   */
  function check(student, referenceName, options = {}) {
    if (BACKWARD_NAMES[referenceName]) {
      throw new TypeError(
        `check: ${referenceName} needs the cache of its forward: check(student, '${BACKWARD_NAMES[referenceName]}') runs both`,
      );
    }
    const pairName = FORWARD_ONLY[referenceName] ?? referenceName;
    const spec = REFERENCES[pairName];
    if (!spec)
      throw new TypeError(
        `check: unknown reference '${referenceName}'; known: ${[...Object.keys(REFERENCES), ...Object.keys(FORWARD_ONLY)].join(', ')}`,
      );
    const forwardOnly = pairName !== referenceName || !spec.backward;
    const {
      trials = 5,
      seed = 1,
      tolerance = RECOMMENDED_TOLERANCE,
      sizes = {},
      reduction = 'sum-over-N',
      inputs: style = 'nested',
    } = options;
    if (!Number.isInteger(trials) || trials < 1)
      throw new TypeError(`check: trials must be a whole number >= 1, got ${trials}`);
    if (!Number.isInteger(seed)) throw new TypeError(`check: seed must be a whole number, got ${seed}`);
    if (!REDUCTION_NAMES.includes(reduction))
      throw new TypeError(
        `check: reduction must be 'sum-over-N' (cs231n's) or 'mean-unmasked' (lmlab's), got ${JSON.stringify(reduction)}`,
      );
    if (style !== 'nested' && style !== 'tensor')
      throw new TypeError(`check: inputs must be 'nested' or 'tensor', got ${JSON.stringify(style)}`);
    const [fName, bName] = spec.functions;
    let forward, backward;
    if (typeof student === 'function') forward = student;
    else if (student && typeof student === 'object') {
      forward = student.forward ?? student[fName];
      backward = student.backward ?? student[bName];
    }
    const missing =
      typeof forward !== 'function' ? fName : !forwardOnly && typeof backward !== 'function' ? bName : null;
    if (missing) {
      const report = `${spec.name}: FAIL — the student has no function ${missing}`;
      return { reference: spec.name, pass: false, trials, passed: 0, worstError: Infinity, results: [], report };
    }
    const give = (t, kind) =>
      style === 'tensor'
        ? { data: kind === 'float' ? Float64Array.from(t.data) : Int32Array.from(t.data), shape: t.shape.slice() }
        : toNested(t, { booleans: kind === 'mask' });

    const results = [];
    for (let trial = 1; trial <= trials; trial++) {
      const trialSeed = (hash(spec.name) + seed * 7919 + trial) >>> 0;
      const rng = seededRandom(trialSeed);
      const s = drawSizes(rng, spec.sizes, sizes);
      const specInputs = spec.inputs(s);
      /** @type {Record<string, any>} */
      const a = {};
      for (const input of specInputs) {
        a[input.name] =
          input.kind === 'float'
            ? rng.tensor(input.shape, input.scale ?? 1)
            : input.kind === 'ids'
              ? rng.ids(input.shape, s.V)
              : rng.mask(input.shape);
      }
      if (spec.name === 'word_embedding') a.x.data[a.x.data.length - 1] = a.x.data[0]; // a repeated word, always
      const comparisons = [],
        hints = [],
        errors = [];
      const compare = (name, value, expected) => {
        const c = allclose(value, expected, { name, tolerance });
        comparisons.push(c);
        return c;
      };
      const out = spec.forward(L, a, { reduction });
      const outputs = spec.outputs.map((o) => ({ name: o.name, shape: o.shape(s) }));
      const args = specInputs.map((input) => give(a[input.name], input.kind));
      let returned,
        cache,
        ok = true;
      try {
        const split = splitReturn(forward(...args), outputs);
        returned = Object.fromEntries(outputs.map((o, i) => [o.name, split.values[i]]));
        cache = split.cache;
      } catch (err) {
        errors.push(`${fName} threw ${describeError(err)}`);
        ok = false;
      }
      const hintContext = (got, failing, outs, up) => ({
        L,
        a,
        s,
        out: outs,
        up,
        failing,
        options: { reduction },
        matches: (name, alternative) => got[name] !== undefined && allclose(got[name], alternative, { tolerance }).pass,
      });
      if (ok) {
        const forwardResults = outputs.map((o) => compare(o.name, returned[o.name], out[o.name]));
        const failing = forwardResults.filter((c) => !c.pass).map((c) => c.name);
        if (failing.length && spec.forwardHints)
          hints.push(...spec.forwardHints(hintContext(returned, failing, out, {})));
      }
      if (ok && !forwardOnly) {
        // The backward is checked against the reference backward at the student's own forward outputs
        // (when they have the right shape), so a forward mistake is reported once, not twice.
        const at = {};
        for (const o of outputs) {
          const t = toTensor(returned[o.name], o.shape);
          const fits =
            t &&
            t.shape.length === o.shape.length &&
            t.shape.every((d, i) => d === o.shape[i]) &&
            t.data.every(Number.isFinite);
          at[o.name] = fits ? { data: Float32Array.from(t.data), shape: t.shape } : out[o.name];
        }
        const up = Object.fromEntries(spec.backward.upstream.map((u) => [u.name, rng.tensor(u.shape(s))]));
        const expected = spec.backward.reference(L, a, at, up);
        let grads = null;
        try {
          grads = readGradients(
            backward(...spec.backward.upstream.map((u) => give(up[u.name], 'float')), cache),
            spec.backward.gradients,
            spec.backward.aliases,
          );
        } catch (err) {
          errors.push(`${bName} threw ${describeError(err)}`);
        }
        if (grads) {
          const gradResults = spec.backward.gradients.map((g) => compare(g, grads[g], expected[g]));
          const failing = gradResults.filter((c) => !c.pass).map((c) => c.name);
          if (failing.length && spec.backwardHints)
            hints.push(...spec.backwardHints(hintContext(grads, failing, at, up)));
        }
      }
      const pass = errors.length === 0 && comparisons.every((c) => c.pass);
      results.push({ trial, seed: trialSeed, sizes: s, pass, comparisons, hints, errors });
    }
    return summarize(spec, results, forwardOnly ? [fName] : spec.functions, tolerance);
  }

  return {
    lm,
    check,
    allclose,
    seededRandom,
    toNested,
    fromNested,
    toTensor,
    transpose,
    RECOMMENDED_TOLERANCE,
    references: Object.keys(REFERENCES),
  };
}

/** The verdict and, on failure, the first failing trial in detail. */
function summarize(spec, results, functions, tolerance) {
  const passed = results.filter((r) => r.pass).length;
  const worstError = Math.max(
    0,
    ...results.flatMap((r) => r.comparisons.map((c) => c.error)),
    ...results.map((r) => (r.errors.length ? Infinity : 0)),
  );
  const pass = passed === results.length;
  const lines = [];
  if (pass) {
    lines.push(
      `${spec.name}: PASS — ${functions.join(' and ')}, ${results.length} random trials, worst normwise error ${worstError.toExponential(1)} (tolerance ${tolerance.toExponential(0)})`,
    );
  } else {
    const first = results.find((r) => !r.pass);
    const sizes = Object.entries(first.sizes)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    lines.push(
      `${spec.name}: FAIL — ${results.length - passed} of ${results.length} random trials failed (${spec.title})`,
    );
    lines.push(`  trial ${first.trial} (sizes ${sizes}; seed ${first.seed}):`);
    for (const e of first.errors) lines.push(`    ${e}`);
    for (const c of first.comparisons) lines.push(`    ${c.pass ? 'ok   ' : 'WRONG'} ${c.pass ? c.name : c.message}`);
    for (const h of first.hints) lines.push(`    hint: ${h}`);
  }
  return { reference: spec.name, pass, trials: results.length, passed, worstError, results, report: lines.join('\n') };
}

export { fmtShape };
