// student-correct.mjs — a fake student who got Lab 2 right, written as a student would in cs231n's
// numpy style, in plain JavaScript: arrays are nested lists, every forward returns [out, cache], every
// backward takes (dout, cache) and returns the gradients in cs231n's order. The grader in
// grader.test.mjs must pass every part of it. Shapes: N batch, T time, D input, H hidden, V vocabulary.

// ---- a few numpy-like helpers on nested lists ----
const zeros = (...shape) =>
  shape.length === 1 ? new Array(shape[0]).fill(0) : Array.from({ length: shape[0] }, () => zeros(...shape.slice(1)));
const dot = (A, B) => A.map((row) => B[0].map((_, j) => row.reduce((s, a, k) => s + a * B[k][j], 0))); // (n, k)·(k, m)
const T_ = (A) => A[0].map((_, j) => A.map((row) => row[j])); // transpose
const add = (A, B) => A.map((row, i) => row.map((a, j) => a + B[i][j]));
const addRow = (A, b) => A.map((row) => row.map((a, j) => a + b[j]));
const mul = (A, B) => A.map((row, i) => row.map((a, j) => a * B[i][j]));
const sumRows = (A) => A[0].map((_, j) => A.reduce((s, row) => s + row[j], 0));
const step = (x, t) => x.map((seq) => seq[t]); // x[:, t]

export function rnn_step_forward(x, prev_h, Wx, Wh, b) {
  const next_h = addRow(add(dot(x, Wx), dot(prev_h, Wh)), b).map((row) => row.map(Math.tanh));
  return [next_h, { x, prev_h, Wx, Wh, next_h }];
}

export function rnn_step_backward(dnext_h, cache) {
  const { x, prev_h, Wx, Wh, next_h } = cache;
  const da = mul(
    dnext_h,
    next_h.map((row) => row.map((h) => 1 - h * h)),
  );
  return [dot(da, T_(Wx)), dot(da, T_(Wh)), dot(T_(x), da), dot(T_(prev_h), da), sumRows(da)];
}

export function rnn_forward(x, h0, Wx, Wh, b) {
  const N = x.length,
    T = x[0].length,
    H = h0[0].length;
  const h = Array.from({ length: N }, () => new Array(T));
  const caches = [];
  let prev = h0;
  for (let t = 0; t < T; t++) {
    const [next, cache] = rnn_step_forward(step(x, t), prev, Wx, Wh, b);
    for (let n = 0; n < N; n++) h[n][t] = next[n];
    caches.push(cache);
    prev = next;
  }
  return [h, { caches, H }];
}

export function rnn_backward(dh, cache) {
  const { caches, H } = cache;
  const N = dh.length,
    T = dh[0].length,
    D = caches[0].x[0].length;
  const dx = Array.from({ length: N }, () => new Array(T));
  let dWx = zeros(D, H),
    dWh = zeros(H, H),
    db = zeros(H),
    dprev = zeros(N, H);
  for (let t = T - 1; t >= 0; t--) {
    const [dxt, dprev_h, dWxt, dWht, dbt] = rnn_step_backward(add(step(dh, t), dprev), caches[t]);
    for (let n = 0; n < N; n++) dx[n][t] = dxt[n];
    dWx = add(dWx, dWxt);
    dWh = add(dWh, dWht);
    db = db.map((v, j) => v + dbt[j]);
    dprev = dprev_h;
  }
  return [dx, dprev, dWx, dWh, db];
}

export function word_embedding_forward(x, W) {
  return [x.map((seq) => seq.map((id) => W[id].slice())), { x, V: W.length, D: W[0].length }];
}

export function word_embedding_backward(dout, cache) {
  const { x, V, D } = cache;
  const dW = zeros(V, D);
  x.forEach((seq, n) =>
    seq.forEach((id, t) =>
      dout[n][t].forEach((g, j) => {
        dW[id][j] += g;
      }),
    ),
  );
  return dW;
}

export function temporal_affine_forward(x, w, b) {
  const out = x.map((seq) => addRow(dot(seq, w), b));
  return [out, { x, w }];
}

export function temporal_affine_backward(dout, cache) {
  const { x, w } = cache;
  const rowsOf = (A) => A.flat(1); // (N, T, K) -> (N·T, K)
  const dx = dout.map((seq) => dot(seq, T_(w)));
  return [dx, dot(T_(rowsOf(x)), rowsOf(dout)), sumRows(rowsOf(dout))];
}

export function temporal_softmax_loss(x, y, mask) {
  const N = x.length;
  let loss = 0;
  const dx = x.map((seq, n) =>
    seq.map((scores, t) => {
      const m = Math.max(...scores);
      const e = scores.map((s) => Math.exp(s - m));
      const z = e.reduce((a, b) => a + b, 0);
      if (mask[n][t]) loss -= Math.log(e[y[n][t]] / z);
      return e.map((v, v_) => (mask[n][t] ? (v / z - (v_ === y[n][t] ? 1 : 0)) / N : 0));
    }),
  );
  return [loss / N, dx];
}
