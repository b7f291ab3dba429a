// grader.test.mjs — lmlab/grader (wasm_glue/grader.mjs) on its own: seeded tensors, conversions,
// allclose's verdicts and reports, the recommended tolerance measured on correct float64 code, check's
// bad arguments and broken students (missing functions, exceptions, wrong shapes), the 'tensor' input
// style, and a hint for each mistake it knows beyond the four the example grader plants.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  allclose,
  fromNested,
  loadGrader,
  nestedShape,
  RECOMMENDED_TOLERANCE,
  seededRandom,
  toNested,
  toTensor,
} from 'lmlab/grader';
import * as correct from '../docs/example-grader/student-correct.mjs';

let grader;
before(async () => {
  grader = await loadGrader();
});

const PARTS = ['rnn_step', 'rnn', 'word_embedding', 'temporal_affine', 'temporal_softmax_loss'];

test('seeded random tensors: the same seed gives the same float32 values; masks are never all 0 or all 1', () => {
  const a = seededRandom(7).tensor([3, 4, 5]),
    b = seededRandom(7).tensor([3, 4, 5]),
    c = seededRandom(8).tensor([3, 4, 5]);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.data, c.data);
  assert.ok(a.data.every((v) => Math.fround(v) === v));
  const mean = a.data.reduce((s, v) => s + v, 0) / a.data.length;
  assert.ok(Math.abs(mean) < 0.5, `N(0, 1) draws have mean ${mean}`);
  const r = seededRandom(1);
  assert.ok(r.ids([50], 6).data.every((id) => id >= 0 && id < 6));
  for (let i = 0; i < 200; i++) {
    const m = r.mask([2, 3]).data;
    assert.ok(m.includes(0) && m.includes(1), `mask ${m}`);
  }
});

test('conversions: nested arrays, typed arrays and Tensors round-trip', () => {
  const t = seededRandom(3).tensor([2, 3, 4]);
  const nested = toNested(t);
  assert.deepEqual(nestedShape(nested), [2, 3, 4]);
  assert.equal(nested[1][2][3], t.data[23]);
  assert.deepEqual(fromNested(nested), t);
  assert.deepEqual(fromNested(t.data, { shape: [2, 12] }).shape, [2, 12]);
  assert.deepEqual(
    fromNested(
      [
        [1, 2],
        [3, 4],
      ],
      { type: 'int32' },
    ),
    { data: Int32Array.of(1, 2, 3, 4), shape: [2, 2] },
  );
  assert.deepEqual(toNested({ data: Int32Array.of(1, 0), shape: [2] }, { booleans: true }), [true, false]);
  assert.deepEqual(toTensor(2.5), { data: Float64Array.of(2.5), shape: [] });
  assert.equal(nestedShape([[1, 2], [3]]), null);
  assert.equal(nestedShape([[1, 'x']]), null);
  assert.throws(() => fromNested([[1], [2, 3]]), /fromNested: expected nested arrays of numbers/);
});

test('allclose: normwise error, and a report naming the tensor, the worst index, both values and the error', () => {
  const expected = { data: Float32Array.of(1, -2, 3, 4, 0.5, 6), shape: [2, 3] };
  const near = [
    [1 + 1e-7, -2, 3],
    [4, 0.5, 6 - 2e-6],
  ];
  const ok = allclose(near, expected, { name: 'dWh' });
  assert.ok(ok.pass, ok.message);
  assert.ok(Math.abs(ok.error - 2e-6 / 6) < 1e-9);
  assert.equal(ok.tolerance, RECOMMENDED_TOLERANCE);
  const bad = allclose(
    [
      [1, -2, 3],
      [4, 0.75, 6],
    ],
    expected,
    { name: 'dWh' },
  );
  assert.ok(!bad.pass);
  assert.deepEqual(bad.index, [1, 1]);
  assert.deepEqual([bad.actual, bad.expected], [0.75, 0.5]);
  assert.equal(bad.message, 'dWh is wrong: normwise error 4.2e-2 > 1e-5; worst at [1, 1]: yours 0.75, expected 0.5');
  // normwise, not element-wise: 3e-5 off an entry of 0.5 is 6e-5 relative to it, but 5e-6 of the tensor's
  // largest entry, so it passes; a value of 1e-7 where 0 is expected passes too
  assert.ok(
    allclose(
      [
        [1, -2, 3],
        [4, 0.5 + 3e-5, 6],
      ],
      expected,
    ).pass,
  );
  assert.ok(
    allclose(
      [
        [1, -2, 3],
        [4, 1e-7, 6],
      ],
      { data: Float32Array.of(1, -2, 3, 4, 0, 6), shape: [2, 3] },
    ).pass,
  );
  assert.ok(
    !allclose(
      [
        [1, -2, 3],
        [4, 0.5 + 1e-4, 6],
      ],
      expected,
    ).pass,
  );
  // shapes
  assert.match(
    allclose(
      [
        [1, 4],
        [-2, 0.5],
        [3, 6],
      ],
      expected,
      { name: 'dw' },
    ).message,
    /^dw has shape \(3, 2\) but must be \(2, 3\): it looks transposed$/,
  );
  assert.match(
    allclose(
      new Array(4).fill([
        [1, -2, 3],
        [4, 0.5, 6],
      ]),
      expected,
      { name: 'db' },
    ).message,
    /^db has shape \(4, 2, 3\) but must be \(2, 3\): sum over the leading dimension too$/,
  );
  assert.match(
    allclose([1, -2, 3, 4, 0.5, 6], expected).message,
    /has shape \(6,\) but must be \(2, 3\): the right number of entries in another shape/,
  );
  assert.match(
    allclose(
      [
        [1, NaN, 3],
        [4, 0.5, 6],
      ],
      expected,
      { name: 'dx' },
    ).message,
    /^dx\[0, 1\] is NaN, not a finite number$/,
  );
  assert.match(
    allclose(undefined, expected, { name: 'db' }).message,
    /^db is missing \(got undefined\); it must be \(2, 3\)$/,
  );
  assert.match(allclose('0.5', 0.5, { name: 'loss' }).message, /^loss must be a scalar of numbers, got a string$/);
  assert.equal(
    allclose(2.5, 2, { name: 'loss' }).message,
    'loss is wrong: normwise error 2.5e-1 > 1e-5; yours 2.5, expected 2',
  );
  // a flat typed array is read with the expected shape
  assert.ok(allclose(Float64Array.of(1, -2, 3, 4, 0.5, 6), expected).pass);
});

test('the recommended tolerance: correct float64 code stays far below it on every part (measured)', () => {
  let worst = 0,
    worstElementwise = 0;
  for (const part of PARTS) {
    const r = grader.check(correct, part, { trials: 60, seed: 11 });
    assert.ok(r.pass, r.report);
    worst = Math.max(worst, r.worstError);
    for (const c of r.results.flatMap((t) => t.comparisons)) {
      if (c.expected !== null && c.expected !== 0)
        worstElementwise = Math.max(worstElementwise, Math.abs(c.actual - c.expected) / Math.abs(c.expected));
    }
  }
  console.log(
    `# correct float64 code against lmlab's float32, 60 trials x 5 parts: worst normwise error ${worst.toExponential(2)} (tolerance ${RECOMMENDED_TOLERANCE}); element-wise relative error up to ${worstElementwise.toExponential(2)} at those worst entries alone (an element-wise 1e-5 would fail this correct code)`,
  );
  assert.ok(worst < RECOMMENDED_TOLERANCE / 10, `worst normwise error ${worst}`);
});

test('check: the same seed gives the same inputs; forward names alone; the tensor input style', () => {
  const a = grader.check(correct, 'rnn', { trials: 3, seed: 5 }),
    b = grader.check(correct, 'rnn', { trials: 3, seed: 5 });
  assert.deepEqual(
    a.results.map((r) => [r.seed, r.sizes, r.comparisons.map((c) => c.error)]),
    b.results.map((r) => [r.seed, r.sizes, r.comparisons.map((c) => c.error)]),
  );
  assert.notDeepEqual(
    grader.check(correct, 'rnn', { trials: 3, seed: 6 }).results.map((r) => r.seed),
    a.results.map((r) => r.seed),
  );
  for (const r of a.results)
    assert.equal(new Set(Object.values(r.sizes)).size, 4, `sizes ${JSON.stringify(r.sizes)} differ pairwise`);
  const fixed = grader.check(correct, 'rnn', { trials: 2, sizes: { N: 1, T: 9 } });
  assert.ok(fixed.pass && fixed.results.every((r) => r.sizes.N === 1 && r.sizes.T === 9));
  const alone = grader.check(correct.rnn_step_forward, 'rnn_step_forward');
  assert.ok(alone.pass, alone.report);
  assert.match(alone.report, /^rnn_step: PASS — rnn_step_forward, 5 random trials/);
  // 'tensor': the student gets { data: Float64Array, shape } (ids and masks as Int32Array)
  const seen = [];
  const tensorStyle = {
    forward: (x, W) => {
      seen.push(x.data.constructor.name, W.data.constructor.name);
      return correct.word_embedding_forward(toNested(x), toNested(W));
    },
    backward: (dout, cache) => correct.word_embedding_backward(toNested(dout), cache),
  };
  assert.ok(grader.check(tensorStyle, 'word_embedding', { inputs: 'tensor', trials: 2 }).pass);
  assert.deepEqual(seen.slice(0, 2), ['Int32Array', 'Float64Array']);
});

test('check: bad arguments throw a sentence; broken students fail with what went wrong', () => {
  assert.throws(
    () => grader.check(correct, 'lstm'),
    /check: unknown reference 'lstm'; known: rnn_step, rnn, word_embedding, temporal_affine, temporal_softmax_loss, rnn_step_forward/,
  );
  assert.throws(
    () => grader.check(correct, 'rnn_step_backward'),
    /check: rnn_step_backward needs the cache of its forward: check\(student, 'rnn_step'\) runs both/,
  );
  assert.throws(() => grader.check(correct, 'rnn', { trials: 0 }), /trials must be a whole number >= 1, got 0/);
  assert.throws(
    () => grader.check(correct, 'temporal_softmax_loss', { reduction: 'mean' }),
    /reduction must be 'sum-over-N' \(cs231n's\) or 'mean-unmasked' \(lmlab's\), got "mean"/,
  );
  const { rnn_backward: _, ...noBackward } = correct;
  assert.equal(grader.check(noBackward, 'rnn').report, 'rnn: FAIL — the student has no function rnn_backward');
  const throws = {
    ...correct,
    rnn_step_forward: () => {
      throw new TypeError('prev_h.map is not a function');
    },
  };
  assert.match(
    grader.check(throws, 'rnn_step').report,
    /rnn_step_forward threw TypeError: prev_h.map is not a function/,
  );
  const nothing = { ...correct, temporal_affine_backward: () => undefined };
  const r = grader.check(nothing, 'temporal_affine');
  assert.ok(!r.pass && r.worstError === Infinity);
  assert.match(r.report, /WRONG dx is missing \(got undefined\)/);
});

test('check: a hint for each mistake it knows', () => {
  const hintsOf = (student, part, options) => {
    const r = grader.check(student, part, { trials: 2, ...options });
    assert.ok(!r.pass, `${part} should fail`);
    return r.report;
  };
  const T_ = (A) => A[0].map((_, j) => A.map((row) => row[j]));
  // the forward without tanh
  const noTanh = {
    rnn_step_forward: (x, h, Wx, Wh, b) => {
      const [hn, c] = correct.rnn_step_forward(x, h, Wx, Wh, b);
      return [hn.map((row) => row.map(Math.atanh)), c];
    },
  };
  assert.match(
    hintsOf(noTanh.rnn_step_forward, 'rnn_step_forward'),
    /hint: next_h equals x·Wx \+ prev_h·Wh \+ b without the tanh/,
  );
  // the derivative taken at prev_h
  const atPrev = { ...correct, rnn_step_backward: (d, c) => correct.rnn_step_backward(d, { ...c, next_h: c.prev_h }) };
  assert.match(hintsOf(atPrev, 'rnn_step'), /hint: the gradients use 1 − prev_h²/);
  // rnn_forward ignoring h0
  const fromZeros = {
    ...correct,
    rnn_forward: (x, h0, ...rest) =>
      correct.rnn_forward(
        x,
        h0.map((row) => row.map(() => 0)),
        ...rest,
      ),
  };
  assert.match(hintsOf(fromZeros, 'rnn'), /hint: h equals a start from zeros: the first step must read h0/);
  // BPTT without carrying the gradient back
  const noCarry = {
    ...correct,
    rnn_backward: (dh, cache) => {
      const T = dh[0].length;
      const grads = [];
      for (let t = 0; t < T; t++)
        grads.push(
          correct.rnn_step_backward(
            dh.map((seq) => seq[t]),
            cache.caches[t],
          ),
        );
      const add = (k) =>
        grads
          .map((g) => g[k])
          .reduce((A, B) =>
            Array.isArray(A[0]) ? A.map((r, i) => r.map((v, j) => v + B[i][j])) : A.map((v, j) => v + B[j]),
          );
      return [dh.map((seq, n) => seq.map((_, t) => grads[t][0][n])), grads[0][1], add(2), add(3), add(4)];
    },
  };
  assert.match(
    hintsOf(noCarry, 'rnn'),
    /hint: the gradients do not flow back through time: add the dprev_h of step t\+1 to dh\[:, t\]/,
  );
  // the transposed weight gradient and a bias gradient not summed over time (shapes)
  const transposed = {
    ...correct,
    temporal_affine_backward: (dout, c) => {
      const [dx, dw, db] = correct.temporal_affine_backward(dout, c);
      return [dx, T_(dw), db];
    },
  };
  assert.match(
    hintsOf(transposed, 'temporal_affine'),
    /WRONG dw has shape \(\d+, \d+\) but must be \(\d+, \d+\): it looks transposed/,
  );
  const perStep = {
    ...correct,
    temporal_affine_backward: (dout, c) => {
      const [dx, dw] = correct.temporal_affine_backward(dout, c);
      return [dx, dw, dout[0].map((_, t) => dout.map((seq) => seq[t]).reduce((A, B) => A.map((v, j) => v + B[j])))];
    },
  };
  assert.match(
    hintsOf(perStep, 'temporal_affine'),
    /WRONG db has shape \(\d+, \d+\) but must be \(\d+,\): sum over the leading dimension too/,
  );
  // the embedding gradient assigned instead of added
  const assigned = {
    ...correct,
    word_embedding_backward: (dout, c) => {
      const dW = c.x.length ? correct.word_embedding_backward(dout, c).map((row) => row.map(() => 0)) : [];
      c.x.forEach((seq, n) =>
        seq.forEach((id, t) => {
          dW[id] = dout[n][t].slice();
        }),
      );
      return dW;
    },
  };
  assert.match(
    hintsOf(assigned, 'word_embedding'),
    /hint: dW keeps only the last occurrence of a repeated word: add every position's gradient into its word's row \(np.add.at/,
  );
  // the loss ignoring the mask, or divided by N·T
  const allPositions = (x, y, mask) =>
    correct.temporal_softmax_loss(
      x,
      y,
      mask.map((row) => row.map(() => true)),
    );
  assert.match(
    hintsOf(allPositions, 'temporal_softmax_loss'),
    /hint: the mask is ignored: positions where mask is 0 \(padding\) must add nothing/,
  );
  const byNT = (x, y, mask) => {
    const [loss, dx] = correct.temporal_softmax_loss(x, y, mask);
    const T = x[0].length;
    return [loss / T, dx.map((s) => s.map((r) => r.map((v) => v / T)))];
  };
  assert.match(
    hintsOf(byNT, 'temporal_softmax_loss'),
    /hint: your loss divides the sum by N·T \(every position, masked or not\): divide the sum over the unmasked positions by N only/,
  );
});
