// student-wrong.mjs — a fake student with four classic Lab 2 mistakes, one per function, each planted
// where students make it (the rest is student-correct.mjs's code). The grader in grader.test.mjs must
// fail exactly these parts, each with a message that says what to fix:
//   1. rnn_step_forward: prev_h·Whᵀ — the lecture's W_h·h_{t−1} (a column vector) copied onto rows
//   2. rnn_step_backward: no tanh derivative (da = dnext_h instead of dnext_h ⊙ (1 − next_h²))
//   3. rnn_backward: the weight gradients of the last step processed only, not summed over time
//   4. temporal_softmax_loss: the mean over the unmasked positions instead of cs231n's sum / N
export * from './student-correct.mjs';
import {
  rnn_step_forward as correctStepForward,
  rnn_step_backward as correctStepBackward,
} from './student-correct.mjs';

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
  // MISTAKE 1: a_t = W_h h_{t-1} + W_x x_t + b read literally: Wh·prev_hᵀ, i.e. prev_h·Whᵀ for rows
  const next_h = addRow(add(dot(x, Wx), T_(dot(Wh, T_(prev_h)))), b).map((row) => row.map(Math.tanh));
  return [next_h, { x, prev_h, Wx, Wh, next_h }];
}

export function rnn_step_backward(dnext_h, cache) {
  const { x, prev_h, Wx, Wh } = cache;
  const da = dnext_h; // MISTAKE 2: tanh's derivative (1 − next_h²) forgotten
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
    const [next, cache] = correctStepForward(step(x, t), prev, Wx, Wh, b);
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
    const [dxt, dprev_h, dWxt, dWht, dbt] = correctStepBackward(add(step(dh, t), dprev), caches[t]);
    for (let n = 0; n < N; n++) dx[n][t] = dxt[n];
    [dWx, dWh, db] = [dWxt, dWht, dbt]; // MISTAKE 3: replaced at every step instead of summed over time
    dprev = dprev_h;
  }
  return [dx, dprev, dWx, dWh, db];
}

export function temporal_softmax_loss(x, y, mask) {
  const count = mask.flat().filter(Boolean).length; // MISTAKE 4: the mean over the unmasked positions
  let loss = 0;
  const dx = x.map((seq, n) =>
    seq.map((scores, t) => {
      const m = Math.max(...scores);
      const e = scores.map((s) => Math.exp(s - m));
      const z = e.reduce((a, b) => a + b, 0);
      if (mask[n][t]) loss -= Math.log(e[y[n][t]] / z);
      return e.map((v, v_) => (mask[n][t] ? (v / z - (v_ === y[n][t] ? 1 : 0)) / count : 0));
    }),
  );
  return [loss / count, dx];
}
