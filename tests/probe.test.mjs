// probe.test.mjs — Model.gradFlowLastStep (src/probe.c) through the glue: the one-layer RNN against the
// lecture's layer functions (rnn_forward / rnn_backward, each already gradient-checked) backpropagating
// the last step's gradient from every h_t; every recurrent cell leaves gradients, gradFlow() and the
// carried state alone (a twin model that never probes takes identical steps); the documented errors.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadLmlab } from '../wasm_glue/index.mjs';

let lm;
before(async () => {
  lm = await loadLmlab();
});

const norm = (a) => Math.sqrt(a.reduce((s, v) => s + v * v, 0));

test('RNN: ||dL_T/dh_t|| equals rnn_backward of the last step gradient started at every h_t', () => {
  const [V, H, T] = [6, 5, 9];
  const m = lm.Model.create({ cell: 'rnn', vocabSize: V, embedding: 0, hidden: H, seed: 3 });
  for (const p of m.parameters())
    for (let i = 0; i < p.data.length; i++) p.data[i] = p.data[i] * 120 + 0.1 * ((i % 5) - 2);
  const ids = Int32Array.from([1, 4, 0, 5, 2, 2, 3, 1, 0, 4]); // (1, T+1)
  const { norms, loss } = m.gradFlowLastStep(ids, 1, T);
  assert.equal(norms.length, T);
  const P = Object.fromEntries(m.parameters().map((p) => [p.lecture, { data: p.data.slice(), shape: p.shape }]));
  // one-hot inputs: x·Wx is the row gather the model does
  const x = { data: new Float32Array(T * V), shape: [1, T, V] };
  for (let t = 0; t < T; t++) x.data[t * V + ids[t]] = 1;
  const h = lm.layers.rnn_forward(x, { data: new Float32Array(H), shape: [1, H] }, P.Wx, P.Wh, P.b);
  const scores = Array.from({ length: V }, (_, v) => {
    let s = P.by.data[v];
    for (let i = 0; i < H; i++) s += h.data[(T - 1) * H + i] * P.Wy.data[i * V + v];
    return s;
  });
  const max = Math.max(...scores);
  const z = scores.reduce((s, v) => s + Math.exp(v - max), 0);
  const probs = scores.map((v) => Math.exp(v - max) / z);
  assert.ok(Math.abs(loss + Math.log(probs[ids[T]])) < 1e-4, `L_T ${loss} vs ${-Math.log(probs[ids[T]])}`);
  const g = new Float32Array(H); // dL_T/dh_{T-1} = (p - onehot(y))·Wyᵀ
  for (let i = 0; i < H; i++)
    for (let v = 0; v < V; v++) g[i] += P.Wy.data[i * V + v] * (probs[v] - (v === ids[T] ? 1 : 0));
  assert.ok(Math.abs(norms[T - 1] - norm(g)) < 1e-4 * Math.max(1, norm(g)));
  for (let t = 0; t < T - 1; t++) {
    const len = T - 1 - t;
    const sub = (src, width) => ({ data: src.data.slice((t + 1) * width, T * width), shape: [1, len, width] });
    const dh = { data: new Float32Array(len * H), shape: [1, len, H] };
    dh.data.set(g, (len - 1) * H);
    const start = { data: h.data.slice(t * H, (t + 1) * H), shape: [1, H] };
    const { dh0 } = lm.layers.rnn_backward(dh, sub(x, V), start, sub(h, H), P.Wx, P.Wh);
    const expected = norm(dh0.data);
    assert.ok(Math.abs(norms[t] - expected) <= 1e-4 * Math.max(1, expected), `t=${t}: ${norms[t]} vs ${expected}`);
  }
  assert.ok(norms[0] > 0 && norms[0] !== norms[T - 1]);
  m.dispose();
});

for (const cell of ['rnn', 'lstm', 'gru']) {
  test(`${cell}: the probe between training windows changes nothing training sees`, () => {
    const config = { cell, vocabSize: 7, embedding: 3, hidden: 6, layers: 2, seed: 9 };
    const a = lm.Model.create(config);
    const b = lm.Model.create(config);
    const [N, T] = [2, 5];
    const w1 = Int32Array.from({ length: N * (T + 1) }, (_, i) => (i * 3) % 7);
    const w2 = Int32Array.from({ length: N * (T + 1) }, (_, i) => (i * 5 + 1) % 7);
    a.lossAndGrads(w1, N, T);
    b.lossAndGrads(w1, N, T);
    const flow = a.gradFlow().slice();
    const grads = a.parameters().map((p) => p.grad.slice());
    const { norms } = a.gradFlowLastStep(Int32Array.from([0, 1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4]), 1, 11);
    assert.equal(norms.length, 11);
    assert.ok(norms.every((v) => Number.isFinite(v)) && norms[10] > 0);
    assert.deepEqual(a.gradFlow(), flow);
    a.parameters().forEach((p, k) => assert.deepEqual(p.grad, grads[k], p.name));
    assert.equal(a.lossAndGrads(w2, N, T), b.lossAndGrads(w2, N, T)); // same carried state
    const pb = b.parameters();
    a.parameters().forEach((p, k) => assert.deepEqual(p.grad, pb[k].grad, p.name));
    a.dispose();
    b.dispose();
  });
}

test('gradFlowLastStep errors: the window model, bad ids, bad sizes', () => {
  const win = lm.Model.create({ cell: 'window', vocabSize: 5, embedding: 2, hidden: 4, window: 3, seed: 1 });
  assert.throws(
    () => win.gradFlowLastStep(Int32Array.from([0, 1, 2]), 1, 2),
    /window model has no recurrent hidden state/,
  );
  const m = lm.Model.create({ cell: 'lstm', vocabSize: 5, embedding: 0, hidden: 4, seed: 1 });
  assert.throws(
    () => m.gradFlowLastStep(Int32Array.from([0, 1, 7]), 1, 2),
    /model_grad_flow_last: ids\[0, 2\] = 7 is not a token id/,
  );
  assert.throws(() => m.gradFlowLastStep(Int32Array.from([0, 1, 2]), 1, 3), /ids has 3 ids but 4 are needed/);
  assert.throws(
    () => m.gradFlowLastStep(Int32Array.from([0]), 1, 0),
    /model_grad_flow_last: T \(time steps\) must be at least 1, got 0/,
  );
  win.dispose();
  m.dispose();
});
