// layers-gated.test.mjs — the gated cells and the fixed-window LM of the `layers` API on the WASM
// (float32) build: forwards against a plain float64 JS implementation of the equations (below,
// written from the lecture, not from the C code), centered-difference gradient checks of every
// backward in float32 with a bound that a 1% error in one entry fails, shapes, the gate layout a
// probe reads, and the documented bad inputs (JS-side and at the C edge).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadLmlab, LmlabError } from '../wasm_glue/index.mjs';

let lm;
let L;
before(async () => {
  lm = await loadLmlab();
  L = lm.layers;
});

// ---- fixtures -----------------------------------------------------------------------------------

/** Deterministic normal-ish numbers (mulberry32 + Box-Muller). */
function rng(seed) {
  let a = seed >>> 0;
  const u = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return (shape, scale = 1) => {
    const n = shape.reduce((p, q) => p * q, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = scale * Math.sqrt(-2 * Math.log(u() + 1e-12)) * Math.cos(2 * Math.PI * u());
    return { data, shape };
  };
}
const dot = (a, b) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};
const sig = (v) => 1 / (1 + Math.exp(-v));

// ---- a plain float64 reference of the equations --------------------------------------------------

/** row (G·H,) of v (1, K) · W (K, G·H) */
function rowTimes(v, W, K, cols) {
  const out = new Float64Array(cols);
  for (let k = 0; k < K; k++) for (let j = 0; j < cols; j++) out[j] += v[k] * W[k * cols + j];
  return out;
}
const ref = {
  lstm(x, h0, c0, Wx, Wh, b, N, T, E, H) {
    const h = new Float64Array(N * T * H),
      cT = new Float64Array(N * H),
      gates = new Float64Array(N * T * 4 * H);
    for (let n = 0; n < N; n++) {
      let hp = Array.from(h0.subarray(n * H, (n + 1) * H)),
        cp = Array.from(c0.subarray(n * H, (n + 1) * H));
      for (let t = 0; t < T; t++) {
        const ax = rowTimes(x.subarray((n * T + t) * E, (n * T + t + 1) * E), Wx, E, 4 * H),
          ah = rowTimes(hp, Wh, H, 4 * H);
        const a = ax.map((v, j) => v + ah[j] + b[j]);
        const hn = [],
          cn = [];
        for (let j = 0; j < H; j++) {
          const i = sig(a[j]),
            f = sig(a[H + j]),
            g = Math.tanh(a[2 * H + j]),
            o = sig(a[3 * H + j]);
          cn.push(f * cp[j] + i * g);
          hn.push(o * Math.tanh(cn[j]));
          [i, f, g, o].forEach((v, q) => {
            gates[(n * T + t) * 4 * H + q * H + j] = v;
          });
        }
        h.set(hn, (n * T + t) * H);
        hp = hn;
        cp = cn;
      }
      cT.set(cp, n * H);
    }
    return { h, cT, gates };
  },
  gru(x, h0, Wx, Wh, b, bhn, N, T, E, H, variant) {
    const h = new Float64Array(N * T * H);
    for (let n = 0; n < N; n++) {
      let hp = Array.from(h0.subarray(n * H, (n + 1) * H));
      for (let t = 0; t < T; t++) {
        const ax = rowTimes(x.subarray((n * T + t) * E, (n * T + t + 1) * E), Wx, E, 3 * H),
          ah = rowTimes(hp, Wh, H, 3 * H);
        const r = [],
          z = [];
        for (let j = 0; j < H; j++) {
          r.push(sig(ax[j] + ah[j] + b[j]));
          z.push(sig(ax[H + j] + ah[H + j] + b[H + j]));
        }
        let pre;
        if (variant === 'torch')
          pre = Array.from({ length: H }, (_, j) => ax[2 * H + j] + b[2 * H + j] + r[j] * (ah[2 * H + j] + bhn[j]));
        else {
          const rh = hp.map((v, j) => r[j] * v);
          const ag = rowTimes(rh, Wh, H, 3 * H); // only the g block (columns 2H…3H) is used
          pre = Array.from({ length: H }, (_, j) => ax[2 * H + j] + b[2 * H + j] + ag[2 * H + j]);
        }
        const hn = hp.map((v, j) => z[j] * v + (1 - z[j]) * Math.tanh(pre[j]));
        h.set(hn, (n * T + t) * H);
        hp = hn;
      }
    }
    return { h };
  },
  window(ids, emb, Wh, b1, U, b2, N, W, V, E, H) {
    const scores = new Float64Array(N * V);
    for (let n = 0; n < N; n++) {
      const e = [];
      for (let k = 0; k < W; k++) {
        const id = ids[n * W + k];
        for (let j = 0; j < E; j++) e.push(id === -1 ? 0 : emb[id * E + j]);
      }
      const h = rowTimes(e, Wh, W * E, H).map((v, j) => Math.tanh(v + b1[j]));
      rowTimes(h, U, H, V).forEach((v, j) => {
        scores[n * V + j] = v + b2[j];
      });
    }
    return { scores };
  },
};

const maxDiff = (a, b) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

// ---- the float32 gradient checker ---------------------------------------------------------------

// In float32 a centered difference carries ~1e-5 of rounding, so the error is measured against the
// tensor's largest gradient: max |analytic - numeric| / max |numeric|. Observed ~1e-4 here; a 1%
// error in one entry (the self-test below) is 1e-2, and a real bug is larger still.
const EPS = 1e-2;
const TOL = 3e-3;
const gradError = (analytic, numeric) => {
  let scale = 1e-8,
    worst = 0;
  for (const v of numeric) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < numeric.length; i++) worst = Math.max(worst, Math.abs(analytic[i] - numeric[i]) / scale);
  return worst;
};
function gradCheck(what, loss, param, analytic) {
  assert.equal(analytic.length, param.length, `${what}: gradient has the parameter's size`);
  const numeric = new Float64Array(param.length);
  for (let i = 0; i < param.length; i++) {
    const saved = param[i];
    param[i] = saved + EPS;
    const up = param[i],
      plus = loss();
    param[i] = saved - EPS;
    const down = param[i],
      minus = loss();
    param[i] = saved;
    numeric[i] = (plus - minus) / (up - down);
  }
  const err = gradError(analytic, numeric);
  assert.ok(err < TOL, `${what}: max error / max |gradient| = ${err} (bound ${TOL})`);
  if (process.env.LM_TEST_VERBOSE)
    console.log(`  ${what.padEnd(28)} max error / max |gradient| ${err.toExponential(2)}`);
  let big = 0;
  numeric.forEach((v, i) => {
    if (Math.abs(v) > Math.abs(numeric[big])) big = i;
  });
  const wrong = Float64Array.from(analytic);
  wrong[big] *= 1.01;
  assert.ok(gradError(wrong, numeric) > TOL, `${what}: the check must reject a 1% error in one entry`);
  return err;
}

// ---- LSTM -------------------------------------------------------------------------------------------

function lstmFixture(N, T, E, H, seed) {
  const r = rng(seed);
  return {
    x: r([N, T, E]),
    h0: r([N, H], 0.5),
    c0: r([N, H]),
    Wx: r([E, 4 * H], 0.5),
    Wh: r([H, 4 * H], 0.5),
    b: r([4 * H], 0.3),
    Rh: r([N, T, H]),
    Rc: r([N, H]),
  };
}

test('lstm_forward matches the float64 reference; shapes; gates are i, f, g, o from the cache', () => {
  const [N, T, E, H] = [2, 4, 3, 5];
  const f = lstmFixture(N, T, E, H, 1);
  const out = L.lstm_forward(f.x, f.h0, f.c0, f.Wx, f.Wh, f.b);
  assert.deepEqual(out.h.shape, [N, T, H]);
  assert.deepEqual(out.c.shape, [N, H]);
  assert.deepEqual(out.cache.shape, [N, T, 6 * H]);
  assert.deepEqual(out.gates.shape, [N, T, 4 * H]);
  const want = ref.lstm(f.x.data, f.h0.data, f.c0.data, f.Wx.data, f.Wh.data, f.b.data, N, T, E, H);
  assert.ok(maxDiff(out.h.data, want.h) < 1e-5, `h differs by ${maxDiff(out.h.data, want.h)}`);
  assert.ok(maxDiff(out.c.data, want.cT) < 1e-5, 'final c');
  assert.ok(maxDiff(out.gates.data, want.gates) < 1e-5, 'gates i, f, g, o');
  // cache row (n, t) = [i f g o c tanh(c)]: the last step's c is the returned c
  for (let n = 0; n < N; n++)
    for (let j = 0; j < H; j++) {
      assert.ok(Math.abs(out.cache.data[(n * T + T - 1) * 6 * H + 4 * H + j] - out.c.data[n * H + j]) < 1e-7);
    }
  // nested arrays work as well as Tensors
  const nested = L.lstm_step_forward(
    [[0.5, -0.5]],
    [[0.1]],
    [[0.2]],
    [
      [0.1, 0.2, 0.3, 0.4],
      [0.5, 0.6, 0.7, 0.8],
    ],
    [[0.1, -0.1, 0.2, -0.2]],
    [0, 0, 0, 0],
  );
  assert.deepEqual(nested.h.shape, [1, 1]);
  assert.deepEqual(nested.cache.shape, [1, 6]);
});

test('lstm_backward: every gradient against centered differences (float32), dh_norms', () => {
  const [N, T, E, H] = [2, 3, 3, 3];
  const f = lstmFixture(N, T, E, H, 2);
  const fw = L.lstm_forward(f.x, f.h0, f.c0, f.Wx, f.Wh, f.b);
  const g = L.lstm_backward(f.Rh, f.Rc, f.x, f.h0, f.c0, fw.h, fw.cache, f.Wx, f.Wh);
  assert.deepEqual(
    [g.dx.shape, g.dh0.shape, g.dc0.shape, g.dWx.shape, g.dWh.shape, g.db.shape, g.dh_norms.shape],
    [[N, T, E], [N, H], [N, H], [E, 4 * H], [H, 4 * H], [4 * H], [T]],
  );
  const loss = () => {
    const o = L.lstm_forward(f.x, f.h0, f.c0, f.Wx, f.Wh, f.b);
    return dot(o.h.data, f.Rh.data) + dot(o.c.data, f.Rc.data);
  };
  for (const [name, p, a] of [
    ['dx', f.x, g.dx],
    ['dh0', f.h0, g.dh0],
    ['dc0', f.c0, g.dc0],
    ['dWx', f.Wx, g.dWx],
    ['dWh', f.Wh, g.dWh],
    ['db', f.b, g.db],
  ]) {
    gradCheck(`lstm ${name}`, loss, p.data, a.data);
  }
  // the last step's ||dL/dh|| is just its upstream gradient
  let sq = 0;
  for (let n = 0; n < N; n++) for (let j = 0; j < H; j++) sq += f.Rh.data[(n * T + T - 1) * H + j] ** 2;
  assert.ok(Math.abs(g.dh_norms.data[T - 1] - Math.sqrt(sq)) < 1e-5);
  // dc = null means a zero upstream gradient on c
  const g0 = L.lstm_backward(f.Rh, null, f.x, f.h0, f.c0, fw.h, fw.cache, f.Wx, f.Wh);
  const gz = L.lstm_backward(
    f.Rh,
    { data: new Float32Array(N * H), shape: [N, H] },
    f.x,
    f.h0,
    f.c0,
    fw.h,
    fw.cache,
    f.Wx,
    f.Wh,
  );
  assert.deepEqual(g0.dWh.data, gz.dWh.data);
});

test('lstm_step_backward against centered differences; the step equals lstm_forward at T = 1', () => {
  const [N, E, H] = [3, 2, 4];
  const r = rng(3);
  const x = r([N, E]),
    hp = r([N, H], 0.5),
    cp = r([N, H]),
    Wx = r([E, 4 * H], 0.5),
    Wh = r([H, 4 * H], 0.5),
    b = r([4 * H], 0.3);
  const Rh = r([N, H]),
    Rc = r([N, H]);
  const st = L.lstm_step_forward(x, hp, cp, Wx, Wh, b);
  const seq = L.lstm_forward({ data: x.data, shape: [N, 1, E] }, hp, cp, Wx, Wh, b);
  assert.deepEqual(st.h.data, seq.h.data);
  assert.deepEqual(st.c.data, seq.c.data);
  const g = L.lstm_step_backward(Rh, Rc, x, hp, cp, st.cache, Wx, Wh);
  const loss = () => {
    const o = L.lstm_step_forward(x, hp, cp, Wx, Wh, b);
    return dot(o.h.data, Rh.data) + dot(o.c.data, Rc.data);
  };
  for (const [name, p, a] of [
    ['dx', x, g.dx],
    ['dh_prev', hp, g.dh_prev],
    ['dc_prev', cp, g.dc_prev],
    ['dWx', Wx, g.dWx],
    ['dWh', Wh, g.dWh],
    ['db', b, g.db],
  ]) {
    gradCheck(`lstm step ${name}`, loss, p.data, a.data);
  }
});

// ---- GRU --------------------------------------------------------------------------------------------

for (const variant of ['lecture', 'torch']) {
  test(`gru (${variant}): forward matches the float64 reference; every backward against centered differences`, () => {
    const [N, T, E, H] = [2, 3, 2, 3];
    const r = rng(variant === 'torch' ? 5 : 4);
    const x = r([N, T, E]),
      h0 = r([N, H], 0.5),
      Wx = r([E, 3 * H], 0.5),
      Wh = r([H, 3 * H], 0.5),
      b = r([3 * H], 0.3),
      bhn = r([H], 0.3);
    const Rh = r([N, T, H]);
    const opts = variant === 'torch' ? { variant, bhn } : { variant };
    const fw = L.gru_forward(x, h0, Wx, Wh, b, opts);
    assert.deepEqual(
      [fw.h.shape, fw.cache.shape, fw.gates.shape],
      [
        [N, T, H],
        [N, T, 4 * H],
        [N, T, 3 * H],
      ],
    );
    const want = ref.gru(x.data, h0.data, Wx.data, Wh.data, b.data, bhn.data, N, T, E, H, variant);
    assert.ok(maxDiff(fw.h.data, want.h) < 1e-5, `h differs by ${maxDiff(fw.h.data, want.h)}`);
    const g = L.gru_backward(Rh, x, h0, fw.h, fw.cache, Wx, Wh, opts); // the forward's options serve the backward
    const loss = () => dot(L.gru_forward(x, h0, Wx, Wh, b, opts).h.data, Rh.data);
    const pairs = [
      ['dx', x, g.dx],
      ['dh0', h0, g.dh0],
      ['dWx', Wx, g.dWx],
      ['dWh', Wh, g.dWh],
      ['db', b, g.db],
    ];
    if (variant === 'torch') pairs.push(['dbhn', bhn, g.dbhn]);
    else assert.equal(g.dbhn, undefined, 'the lecture variant has no dbhn');
    for (const [name, p, a] of pairs) gradCheck(`gru ${variant} ${name}`, loss, p.data, a.data);
    assert.deepEqual(g.dh_norms.shape, [T]);

    // one step
    const xs = r([N, E]);
    const st = L.gru_step_forward(xs, h0, Wx, Wh, b, opts);
    assert.deepEqual(
      [st.h.shape, st.cache.shape],
      [
        [N, H],
        [N, 4 * H],
      ],
    );
    const Rs = r([N, H]);
    const gs = L.gru_step_backward(Rs, xs, h0, st.cache, Wx, Wh, { variant });
    const lossStep = () => dot(L.gru_step_forward(xs, h0, Wx, Wh, b, opts).h.data, Rs.data);
    const spairs = [
      ['dx', xs, gs.dx],
      ['dh_prev', h0, gs.dh_prev],
      ['dWx', Wx, gs.dWx],
      ['dWh', Wh, gs.dWh],
      ['db', b, gs.db],
    ];
    if (variant === 'torch') spairs.push(['dbhn', bhn, gs.dbhn]);
    for (const [name, p, a] of spairs) gradCheck(`gru step ${variant} ${name}`, lossStep, p.data, a.data);
  });
}

test('the two GRU variants are different functions of the same weights', () => {
  const r = rng(6);
  const x = r([1, 2, 2]),
    h0 = r([1, 3], 0.5),
    Wx = r([2, 9], 0.5),
    Wh = r([3, 9], 0.5),
    b = r([9], 0.3);
  const zero = { data: new Float32Array(3), shape: [3] };
  const a = L.gru_forward(x, h0, Wx, Wh, b).h.data;
  const t = L.gru_forward(x, h0, Wx, Wh, b, { variant: 'torch', bhn: zero }).h.data;
  assert.ok(maxDiff(a, t) > 1e-4);
});

// ---- fixed-window LM ------------------------------------------------------------------------------

test('window_context pads the start of the stream with -1', () => {
  const ctx = L.window_context([5, 6, 7, 8], 3);
  assert.deepEqual(ctx.shape, [4, 3]);
  assert.deepEqual(Array.from(ctx.data), [-1, -1, -1, -1, -1, 5, -1, 5, 6, 5, 6, 7]);
});

test('window_forward matches the float64 reference; window_backward against centered differences', () => {
  const [N, W, V, E, H] = [4, 3, 6, 2, 4];
  const r = rng(7);
  const ids = { data: Int32Array.from([-1, -1, 2, -1, 2, 2, 4, 0, 5, 3, 3, 1]), shape: [N, W] };
  const emb = r([V, E]),
    Wh = r([W * E, H], 0.5),
    b1 = r([H], 0.3),
    U = r([H, V], 0.5),
    b2 = r([V], 0.3),
    R = r([N, V]);
  const fw = L.window_forward(ids, emb, Wh, b1, U, b2);
  assert.deepEqual(
    [fw.scores.shape, fw.e.shape, fw.h.shape],
    [
      [N, V],
      [N, W * E],
      [N, H],
    ],
  );
  const want = ref.window(ids.data, emb.data, Wh.data, b1.data, U.data, b2.data, N, W, V, E, H);
  assert.ok(maxDiff(fw.scores.data, want.scores) < 1e-5);
  const g = L.window_backward(R, ids, fw.e, fw.h, Wh, U);
  assert.deepEqual(
    [g.demb.shape, g.dWh.shape, g.db1.shape, g.dU.shape, g.db2.shape],
    [[V, E], [W * E, H], [H], [H, V], [V]],
  );
  const loss = () => dot(L.window_forward(ids, emb, Wh, b1, U, b2).scores.data, R.data);
  for (const [name, p, a] of [
    ['demb', emb, g.demb],
    ['dWh', Wh, g.dWh],
    ['db1', b1, g.db1],
    ['dU', U, g.dU],
    ['db2', b2, g.db2],
  ]) {
    gradCheck(`window ${name}`, loss, p.data, a.data);
  }
});

// ---- bad input ----------------------------------------------------------------------------------------

const throwsArg = (fn, pattern, code = 1) =>
  assert.throws(fn, (e) => e instanceof LmlabError && e.code === code && pattern.test(e.message), String(pattern));

test('bad input: W = 0, mismatched shapes, wrong cache, NaN, bad GRU options, ids out of range', () => {
  const r = rng(8);
  const [N, T, E, H] = [2, 2, 3, 2];
  const x = r([N, T, E]),
    h0 = r([N, H]),
    Wx = r([E, 4 * H]),
    Wh = r([H, 4 * H]),
    b = r([4 * H]);
  // window width 0 (shapes that agree with it): the glue passes it on, C's sentence comes back
  throwsArg(
    () =>
      L.window_forward(
        { data: new Int32Array(0), shape: [2, 0] },
        [[1, 2]],
        { data: new Float32Array(0), shape: [0, 1] },
        [0],
        [[1]],
        [0],
      ),
    /^window_forward: W \(window width\) must be between 1 and 4096, got 0$/,
  );
  throwsArg(
    () => L.window_context([1, 2], 0),
    /^window_context: W \(window width\) must be between 1 and 4096, got 0$/,
  );
  throwsArg(
    () => L.window_context([1, 2], 1.5),
    /^window_context: W \(window width\) must be a whole number, got 1.5$/,
  );
  throwsArg(() => L.window_context([], 2), /^window_context: M \(positions\) must be at least 1, got 0$/);
  throwsArg(
    () => lm.core.check(lm.core.exports.lm_layer_window_forward(0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 7, 2, 3)),
    /^window_forward: W \(window width\) must be between 1 and 4096, got 0$/,
  );
  // mismatched shapes
  throwsArg(
    () => L.lstm_forward(x, h0, h0, r([E, 3 * H]), Wh, b),
    /lstm_forward: Wx must be \(E, 4H\) = \(3, 8\), got \(3, 6\)/,
  );
  throwsArg(
    () => L.lstm_forward(x, r([N + 1, H]), h0, Wx, Wh, b),
    /lstm_forward: h0 must be \(N, H\) = \(2, 2\), got \(3, 2\)/,
  );
  throwsArg(
    () => L.lstm_forward(x, h0, r([N, H + 1]), Wx, Wh, b),
    /lstm_forward: c0 must be \(N, H\) = \(2, 2\), got \(2, 3\)/,
  );
  throwsArg(
    () => L.lstm_forward(x, h0, h0, Wx, Wh, r([3 * H])),
    /lstm_forward: b must be \(4H,\) = \(8,\), got \(6,\)/,
  );
  throwsArg(
    () => L.gru_forward(x, h0, Wx, r([H, 3 * H]), r([3 * H])),
    /gru_forward: Wx must be \(E, 3H\) = \(3, 6\), got \(3, 8\)/,
  );
  const fw = L.lstm_forward(x, h0, h0, Wx, Wh, b);
  throwsArg(
    () => L.lstm_backward(fw.h, null, x, h0, h0, fw.h, fw.h, Wx, Wh),
    /lstm_backward: cache must be the forward's cache of shape \(2, 2, 12\), got \(2, 2, 2\)/,
  );
  throwsArg(
    () => L.lstm_backward(r([N, T + 1, H]), null, x, h0, h0, fw.h, fw.cache, Wx, Wh),
    /lstm_backward: dh must be \(N, T, H\) = \(2, 2, 2\), got \(2, 3, 2\)/,
  );
  throwsArg(
    () =>
      L.window_forward(
        [
          [0, 1],
          [1, 2],
        ],
        r([3, 2]),
        r([5, 4]),
        r([4]),
        r([4, 3]),
        r([3]),
      ),
    /window_forward: Wh must be \(W·E, H\) = \(4, H\), got \(5, 4\)/,
  );
  throwsArg(() => L.lstm_forward([[[1, 2, 3]], [[4, 5]]], h0, h0, Wx, Wh, b), /lstm_forward: x is not rectangular/);
  // non-finite input
  const bad = r([E, 4 * H]);
  bad.data[3] = NaN;
  throwsArg(
    () => L.lstm_forward(x, h0, h0, bad, Wh, b),
    /^lstm_forward: Wx\[3\] is NaN; inputs must be finite numbers$/,
    6,
  );
  const badX = r([N, T, E]);
  badX.data[1] = Infinity; // the backward reads x (for dWx): C checks it there too
  throwsArg(
    () => L.lstm_backward(fw.h, null, badX, h0, h0, fw.h, fw.cache, Wx, Wh),
    /^lstm_backward: x\[1\] is Infinity/,
    6,
  );
  // GRU options
  const Wg = r([E, 3 * H]),
    Whg = r([H, 3 * H]),
    bg = r([3 * H]);
  throwsArg(
    () => L.gru_forward(x, h0, Wg, Whg, bg, { variant: 'pytorch' }),
    /options.variant must be 'lecture' or 'torch', got "pytorch"/,
  );
  throwsArg(
    () => L.gru_forward(x, h0, Wg, Whg, bg, { variant: 'torch' }),
    /the 'torch' variant needs options.bhn \(H,\)/,
  );
  throwsArg(
    () => L.gru_forward(x, h0, Wg, Whg, bg, { bhn: r([H]) }),
    /options.bhn is only used by the 'torch' variant/,
  );
  throwsArg(
    () => L.gru_forward(x, h0, Wg, Whg, bg, { variant: 'torch', bhn: r([H + 1]) }),
    /options.bhn must be \(H,\) = \(2,\), got \(3,\)/,
  );
  throwsArg(
    () => lm.core.check(lm.core.exports.lm_layer_gru_forward(8, 8, 8, 8, 8, 8, 8, 0, 1, 1, 1, 1, 7)),
    /gru_forward: variant must be 0 \(the lecture's GRU\) or 1 \(torch.nn.GRU\), got 7/,
  );
  // ids
  throwsArg(
    () => L.window_forward([[0, 9]], r([3, 2]), r([4, 4]), r([4]), r([4, 3]), r([3])),
    /^window_forward: ids\[0, 1\] = 9 is neither a token id in \[0, V\) = \[0, 3\) nor the pad id -1$/,
  );
  throwsArg(
    () => L.window_forward([[0, 1.5]], r([3, 2]), r([4, 4]), r([4]), r([4, 3]), r([3])),
    /ids\[1\] must be an integer, got 1.5/,
  );
  // an oversized dimension reaches the C edge's range check
  throwsArg(
    () => lm.core.check(lm.core.exports.lm_layer_lstm_forward(8, 8, 8, 8, 8, 8, 8, 8, 8, 1, 1, 1, 5000)),
    /lstm_forward: H \(hidden size\) must be between 1 and 4096, got 5000/,
  );
});
