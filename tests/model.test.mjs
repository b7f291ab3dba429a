// model.test.mjs — the Model API on the WASM (float32) build: the parameter table and zero-copy views,
// float32 gradient checks of the whole model (with a bound that a 10% gradient error fails), truncated
// BPTT equivalence, probes, sampling, masked-word prediction, model files (round trip, truncated,
// corrupted, shapes that disagree with the config) and every documented bad input.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadLmlab, LmlabError } from '../wasm_glue/index.mjs';

let lm;
before(async () => {
  lm = await loadLmlab();
});

/** Deterministic pseudo-random ids (an LCG: independent of the C RNG). */
function ids(count, V, seed = 1) {
  let x = seed >>> 0;
  return Int32Array.from({ length: count }, () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x % V;
  });
}

/** Scale every weight matrix so activations are not all in tanh's linear range. */
function enlarge(model, factor) {
  for (const p of model.parameters())
    if (p.shape.length === 2 && p.name !== 'embedding.weight')
      p.data.forEach((v, i, a) => {
        a[i] = v * factor;
      });
}

const throwsWith = (fn, pattern, code) =>
  assert.throws(fn, (err) => {
    assert.ok(err instanceof LmlabError, `expected an LmlabError, got ${err}`);
    assert.match(err.message, pattern);
    if (code !== undefined) assert.equal(err.code, code, err.message);
    return true;
  });

test('parameter table: PyTorch names, lecture shapes, one flat buffer viewed zero-copy', () => {
  const m = lm.Model.create({ cell: 'rnn', vocabSize: 11, embedding: 6, hidden: 5, layers: 2, seed: 3 });
  const p = m.parameters();
  assert.deepEqual(
    p.map((t) => t.name),
    [
      'embedding.weight',
      'rnn.weight_ih_l0',
      'rnn.weight_hh_l0',
      'rnn.bias_ih_l0',
      'rnn.weight_ih_l1',
      'rnn.weight_hh_l1',
      'rnn.bias_ih_l1',
      'decoder.weight',
      'decoder.bias',
    ],
  );
  assert.deepEqual(
    p.map((t) => t.shape),
    [[11, 6], [6, 5], [5, 5], [5], [5, 5], [5, 5], [5], [5, 11], [11]],
  );
  assert.deepEqual(p.map((t) => t.lecture).slice(0, 4), ['W_embed', 'Wx0', 'Wh0', 'b0']);
  assert.equal(
    m.parameterCount,
    p.reduce((a, t) => a + t.data.length, 0),
  );
  // contiguous slices of one buffer
  for (let k = 1; k < p.length; k++)
    assert.equal(p[k].data.byteOffset, p[k - 1].data.byteOffset + 4 * p[k - 1].data.length);
  // init: biases zero, weights small N(0, 0.01²), embedding N(0, 1)
  assert.ok(p[3].data.every((v) => v === 0) && p[8].data.every((v) => v === 0));
  const std = (a) => Math.sqrt(a.reduce((s, v) => s + v * v, 0) / a.length);
  assert.ok(std(p[2].data) > 0.005 && std(p[2].data) < 0.02, `Wh std ${std(p[2].data)}`);
  assert.ok(std(p[0].data) > 0.6 && std(p[0].data) < 1.4, `embedding std ${std(p[0].data)}`);
  // writing through the view changes the model
  const before_ = m.nextLogProbs([1, 2]);
  p[8].data[4] += 3;
  const after = m.nextLogProbs([1, 2]);
  assert.ok(after[4] > before_[4] + 1);
  // same seed, same weights; other seed, other weights
  const again = lm.Model.create({ cell: 'rnn', vocabSize: 11, embedding: 6, hidden: 5, layers: 2, seed: 3 });
  const other = lm.Model.create({ cell: 'rnn', vocabSize: 11, embedding: 6, hidden: 5, layers: 2, seed: 4 });
  assert.deepEqual(again.parameters()[2].data, p[2].data);
  assert.notDeepEqual(other.parameters()[2].data, p[2].data);
  for (const x of [m, again, other]) x.dispose();
});

test('whole-model gradient check in float32 (one-hot, embedding, stacked)', () => {
  for (const cfg of [
    { vocabSize: 7, embedding: 0, hidden: 6 },
    { vocabSize: 9, embedding: 5, hidden: 6 },
    { vocabSize: 6, embedding: 0, hidden: 5, layers: 2 },
  ]) {
    const m = lm.Model.create({ cell: 'rnn', seed: 2, ...cfg });
    enlarge(m, 20);
    m.lossAndGrads(ids(3 * 6, cfg.vocabSize, 5), 3, 5); // a non-zero carried state to start from
    const result = m.gradientCheck(ids(3 * 6, cfg.vocabSize, 9), 3, 5, { samples: 20, eps: 1e-2 });
    assert.equal(result.length, m.parameters().length);
    for (const { name, relError } of result) assert.ok(relError < 1e-2, `${JSON.stringify(cfg)} ${name}: ${relError}`);
    m.dispose();
  }
});

test('the float32 bound catches a 10% gradient error (JS finite differences through the views)', () => {
  const m = lm.Model.create({ cell: 'rnn', vocabSize: 6, embedding: 0, hidden: 5, seed: 7 });
  enlarge(m, 20);
  const batch = ids(2 * 6, 6, 3);
  // the gradients are of the window's summed loss, averaged over streams: T times the returned mean
  const lossAt = () => {
    m.resetState();
    return 5 * m.lossAndGrads(batch, 2, 5);
  };
  lossAt();
  const params = m.parameters();
  let worstTrue = 0;
  let worstBuggy = 0;
  for (const p of params) {
    for (const i of [0, Math.floor(p.data.length / 2), p.data.length - 1]) {
      lossAt();
      const analytic = m.parameters().find((q) => q.name === p.name).grad[i];
      const view = m.parameters().find((q) => q.name === p.name).data;
      const saved = view[i];
      view[i] = saved + 1e-2;
      const plus = lossAt();
      view[i] = saved - 1e-2;
      const minus = lossAt();
      view[i] = saved;
      const numeric = (plus - minus) / (Math.fround(saved + 1e-2) - Math.fround(saved - 1e-2));
      const rel = (a) => Math.abs(a - numeric) / Math.max(Math.abs(a) + Math.abs(numeric), 1e-4);
      worstTrue = Math.max(worstTrue, rel(analytic));
      if (Math.abs(numeric) > 1e-3) worstBuggy = Math.max(worstBuggy, rel(analytic * 1.1));
    }
  }
  assert.ok(worstTrue < 1e-2, `true gradient ${worstTrue}`);
  assert.ok(worstBuggy > 1e-2, `a 10% error must fail the bound, got ${worstBuggy}`);
  m.dispose();
});

test('truncated BPTT: two carried windows give the loss of one long window', () => {
  const m = lm.Model.create({ cell: 'rnn', vocabSize: 8, embedding: 4, hidden: 6, seed: 1 });
  enlarge(m, 20);
  const N = 3;
  const T = 4;
  const stream = ids(N * (2 * T + 1), 8, 4); // (N, 2T+1)
  const win = (from) =>
    Int32Array.from(
      { length: N * (T + 1) },
      (_, k) => stream[Math.floor(k / (T + 1)) * (2 * T + 1) + from + (k % (T + 1))],
    );
  m.resetState();
  const a = m.lossAndGrads(win(0), N, T);
  const b = m.lossAndGrads(win(T), N, T);
  m.resetState();
  const whole = m.lossAndGrads(stream, N, 2 * T);
  assert.ok(Math.abs((a + b) / 2 - whole) < 1e-5, `${(a + b) / 2} vs ${whole}`);
  m.resetState();
  m.lossAndGrads(win(0), N, T);
  m.resetState();
  const reset = m.lossAndGrads(win(T), N, T);
  assert.ok(Math.abs(reset - b) > 1e-4, 'without the carried state the second window differs');
  // the gradient-flow probe has one norm per step, growing toward the end of the window
  const flow = m.gradFlow();
  assert.equal(flow.length, T);
  assert.ok(flow.every((v) => v > 0 && Number.isFinite(v)));
  m.dispose();
});

test('inference helpers: next-token log-probs, logits, hidden states, sequence log-probs', () => {
  const m = lm.Model.create({ cell: 'rnn', vocabSize: 10, embedding: 0, hidden: 7, seed: 5 });
  enlarge(m, 30);
  const lp = m.nextLogProbs([1, 4, 2]);
  assert.equal(lp.length, 10);
  assert.ok(Math.abs(lp.reduce((s, v) => s + Math.exp(v), 0) - 1) < 1e-5);
  const logits = m.logits(Int32Array.from([1, 4, 2]), 1, 3);
  assert.deepEqual(logits.shape, [1, 3, 10]);
  const last = logits.data.subarray(20, 30);
  const lse = Math.log(last.reduce((s, v) => s + Math.exp(v), 0));
  for (let v = 0; v < 10; v++) assert.ok(Math.abs(last[v] - lse - lp[v]) < 1e-5);
  // empty context: h = 0, so the distribution is softmax(by)
  const by = m.parameters().find((p) => p.name === 'decoder.bias').data;
  by[3] = 2;
  const empty = m.nextLogProbs([]);
  assert.ok(empty[3] > empty[2] + 1.9);
  const hs = m.hiddenStates([1, 4, 2, 2]);
  assert.deepEqual(hs.shape, [4, 7]);
  assert.ok(hs.data.every((v) => Math.abs(v) < 1));
  const seq = m.sequenceLogProbs(Int32Array.from([1, 4, 2, 1, 4, 9]), 2, 2);
  assert.ok(Math.abs(seq[0] - (m.nextLogProbs([1])[4] + m.nextLogProbs([1, 4])[2])) < 1e-4);
  m.dispose();
});

test('sampling: seeded and reproducible, greedy, top-k, stop id', () => {
  const m = lm.Model.create({ cell: 'rnn', vocabSize: 12, embedding: 0, hidden: 8, seed: 9 });
  enlarge(m, 100);
  const a = m.sample([1, 2], { length: 40, temperature: 1, seed: 7 });
  const b = m.sample([1, 2], { length: 40, temperature: 1, seed: 7 });
  const c = m.sample([1, 2], { length: 40, temperature: 1, seed: 8 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  const greedy = m.sample([1, 2], { length: 5, temperature: 0 });
  assert.equal(
    greedy[0],
    m.nextLogProbs([1, 2]).reduce((best, v, i, arr) => (v > arr[best] ? i : best), 0),
  );
  assert.deepEqual(m.sample([1, 2], { length: 5, temperature: 1, topK: 1, seed: 3 }), greedy);
  const stop = greedy[2];
  const stopped = m.sample([1, 2], { length: 5, temperature: 0, stopId: stop });
  assert.equal(stopped[stopped.length - 1], stop);
  assert.ok(stopped.length <= 3);
  m.dispose();
});

test('save -> load -> same logits; metadata and config round trip', () => {
  for (const cfg of [
    { vocabSize: 9, embedding: 0, hidden: 6, layers: 2 },
    { vocabSize: 9, embedding: 4, hidden: 6 },
  ]) {
    const m = lm.Model.create({ cell: 'rnn', seed: 4, ...cfg });
    enlarge(m, 10);
    m.metadata = { vocab: JSON.stringify({ level: 'char', tokens: ['a', 'é', '"'] }), note: 'line\nbreak' };
    const bytes = m.save();
    const back = lm.Model.load(bytes);
    assert.deepEqual(back.config, m.config);
    assert.deepEqual(back.metadata, m.metadata);
    const x = ids(2 * 7, 9, 2);
    assert.deepEqual(back.logits(x, 2, 7).data, m.logits(x, 2, 7).data);
    // the header names PyTorch tensors, with bias_hh zero and (one-hot) an identity embedding
    const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
    assert.deepEqual(header['rnn.weight_ih_l0'].shape, [6, cfg.embedding || 9]);
    assert.deepEqual(header['decoder.weight'].shape, [9, 6]);
    assert.ok('rnn.bias_hh_l0' in header && 'embedding.weight' in header);
    assert.equal(JSON.parse(header.__metadata__.config).hidden, 6);
    m.dispose();
    back.dispose();
  }
});

/** Rebuild a safetensors file with a modified header (data section unchanged). */
function withHeader(bytes, edit) {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  edit(header);
  let text = JSON.stringify(header);
  while ((text.length + 8) % 8) text += ' ';
  const head = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + head.length + bytes.length - 8 - n);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  out.set(bytes.subarray(8 + n), 8 + head.length);
  return out;
}

test('bad model files: truncated, corrupted, shapes that disagree with the config', () => {
  const m = lm.Model.create({ cell: 'rnn', vocabSize: 5, embedding: 0, hidden: 4, seed: 1 });
  const bytes = m.save();
  throwsWith(() => lm.Model.load(bytes.subarray(0, 5)), /truncated/, 5);
  throwsWith(() => lm.Model.load(bytes.subarray(0, bytes.length - 1)), /truncated|corrupted|lies at bytes/, 5);
  throwsWith(() => lm.Model.load(bytes.subarray(0, 40)), /truncated|header length/, 5);
  const garbled = bytes.slice();
  garbled[8] = 0x5b; // the header's opening '{' becomes '['
  throwsWith(() => lm.Model.load(garbled), /not valid JSON/, 5);
  const nan = bytes.slice();
  nan.fill(0xff, nan.length - 4);
  throwsWith(() => lm.Model.load(nan), /decoder\.bias.*non-finite/, 5);
  const wrongHidden = withHeader(bytes, (h) => {
    h.__metadata__.config = JSON.stringify({ ...JSON.parse(h.__metadata__.config), hidden: 3 });
  });
  throwsWith(() => lm.Model.load(wrongHidden), /shape \[4, 5\] but its config .*H 3.* needs \[3, 5\]/, 5);
  const noConfig = withHeader(bytes, (h) => {
    delete h.__metadata__.config;
  });
  throwsWith(() => lm.Model.load(noConfig), /no 'config' metadata/, 5);
  const missing = withHeader(bytes, (h) => {
    h.__metadata__.config = JSON.stringify({ cell: 'rnn', vocab_size: 5, embedding: 0, hidden: 4, layers: 2 });
  });
  throwsWith(() => lm.Model.load(missing), /lacks tensor 'rnn.weight_ih_l1'/, 5);
  const f16 = withHeader(bytes, (h) => {
    h['decoder.bias'].dtype = 'F16';
  });
  throwsWith(() => lm.Model.load(f16), /dtype F16/, 5);
  throwsWith(() => lm.Model.load('not bytes'), /Uint8Array/, 1);
  m.dispose();
});

test('bad input gives clear errors: the glue checks JS types and lengths, C the rest, in one sentence', () => {
  throwsWith(
    () => lm.Model.create({ cell: 'rnn', vocabSize: 10, embedding: 0, hidden: 5000, seed: 1 }),
    /^model_create: H \(hidden size\) must be between 1 and 4096, got 5000$/,
  );
  throwsWith(
    () => lm.Model.create({ cell: 'lstmx', vocabSize: 10, embedding: 0, hidden: 5, seed: 1 }),
    /cell must be one of/,
  );
  throwsWith(
    () => lm.Model.create({ cell: 'rnn', vocabSize: 10, embedding: 0, hidden: 5.5, seed: 1 }),
    /^hidden must be a whole number, got 5.5$/,
  );
  throwsWith(
    () => lm.Model.create({ cell: 'rnn', vocabSize: 2 ** 32, embedding: 0, hidden: 5, seed: 1 }),
    /^vocabSize must be a whole number, got 4294967296$/,
  );
  throwsWith(
    () => lm.Model.create({ cell: 'rnn', vocabSize: 5000, embedding: 0, hidden: 5, seed: 1 }),
    /^model_create: one-hot input \(E = 0\) needs V \(vocabulary size\) of at most 4096, got 5000/,
  );
  throwsWith(
    () => lm.Model.create({ cell: 'rnn', vocabSize: 1, embedding: 0, hidden: 5, seed: 1 }),
    /^model_create: V \(vocabulary size\) must be between 2 and 2000000, got 1$/,
  );
  throwsWith(
    () => lm.Model.create({ cell: 'rnn', vocabSize: 10, embedding: -1, hidden: 5, seed: 1 }),
    /^model_create: E \(embedding size; 0 = one-hot\) must be between 0 and 4096, got -1$/,
  );
  const m = lm.Model.create({ cell: 'rnn', vocabSize: 10, embedding: 0, hidden: 5, seed: 1 });
  throwsWith(
    () => m.lossAndGrads(new Int32Array(6), 2, 0),
    /^model_loss_and_grads: T \(time steps\) must be at least 1, got 0$/,
  );
  throwsWith(
    () => m.lossAndGrads(new Int32Array(6), 0, 2),
    /^model_loss_and_grads: N \(batch\) must be at least 1, got 0$/,
  );
  throwsWith(
    () => m.lossAndGrads(Int32Array.from([1, 2, 10, 3, 4, 5]), 2, 2),
    /^model_loss_and_grads: ids\[0, 2\] = 10 is not a token id in \[0, V\) = \[0, 10\)$/,
  );
  throwsWith(() => m.lossAndGrads(new Int32Array(5), 2, 2), /5 ids but 6 are needed/);
  throwsWith(() => m.nextLogProbs([1.5]), /whole token id/);
  throwsWith(() => m.nextLogProbs([10]), /^model_next_logprobs: ids\[0\] = 10 is not a token id/);
  throwsWith(
    () => m.sample([1], { length: 5, temperature: -1 }),
    /^model_generate: temperature \(0 = greedy\) must be a finite number >= 0, got -1$/,
  );
  throwsWith(
    () => m.sample([1], { length: 5, stopId: 10 }),
    /^model_generate: stop_id \(-1 = none\) must be between -1 and 9, got 10$/,
  );
  throwsWith(
    () => m.gradientCheck(Int32Array.from([1, 2, 3]), 1, 2, { samples: 0 }),
    /^model_gradient_check: samples must be between 1 and 100000, got 0$/,
  );
  // the raw C exports give exactly the sentences the glue passed through
  const X = lm.core.exports;
  const C = lm.core;
  C.scoped((s) => {
    const loss = s.out();
    const bad = s.i32(Int32Array.from([1, 2, 10, 3, 4, 5]));
    assert.equal(X.lm_model_loss_and_grads(m.ptr, bad, 2, 0, loss), lm.STATUS.ARG);
    assert.equal(C.errorMessage(), 'model_loss_and_grads: T (time steps) must be at least 1, got 0');
    assert.equal(X.lm_model_loss_and_grads(m.ptr, bad, 2, 2, loss), lm.STATUS.ARG);
    assert.equal(C.errorMessage(), 'model_loss_and_grads: ids[0, 2] = 10 is not a token id in [0, V) = [0, 10)');
    const out = s.out();
    assert.equal(X.lm_model_create(0, 10, 0, 5000, 1, 0, 0, 1, out), lm.STATUS.ARG);
    assert.equal(C.errorMessage(), 'model_create: H (hidden size) must be between 1 and 4096, got 5000');
    assert.equal(X.lm_trainer_create(m.ptr, bad, 6, 1, 2, 1, 0, 0, 0, 0, out), lm.STATUS.ARG);
    assert.equal(C.errorMessage(), 'trainer_create: lr (learning rate) must be a positive finite number, got 0');
    assert.equal(X.lm_model_loss_and_grads(12345, bad, 2, 2, loss), lm.STATUS.HANDLE);
    assert.match(C.errorMessage(), /^model_loss_and_grads: model is not a live neural model/);
  });
  const stream = ids(100, 10, 1);
  throwsWith(
    () => new lm.Trainer(m, stream, { batch: 2, seq: 5, optimizer: 'adagrad', lr: 0 }),
    /lr \(learning rate\) must be a positive/,
  );
  throwsWith(() => new lm.Trainer(m, stream, { batch: 2, seq: 5, optimizer: 'adagrad', lr: -0.1 }), /positive/);
  throwsWith(
    () => new lm.Trainer(m, stream, { batch: 2, seq: 5, optimizer: 'rmsprop', lr: 0.1 }),
    /optimizer must be one of/,
  );
  throwsWith(
    () => new lm.Trainer(m, stream, { batch: 2, seq: 5, optimizer: 'adam', lr: 0.1, momentum: 0.9 }),
    /^trainer_create: momentum applies to sgd only, not adam$/,
  );
  throwsWith(
    () => new lm.Trainer(m, stream, { batch: 2, seq: 5, optimizer: 'sgd', lr: 0.1, clip: -1 }),
    /^trainer_create: clip \(0 = off\) must be a finite number >= 0, got -1$/,
  );
  throwsWith(
    () => new lm.Trainer(m, stream.subarray(0, 20), { batch: 4, seq: 5, optimizer: 'adagrad', lr: 0.1 }),
    /too short for one window/,
    lm.STATUS.EMPTY,
  );
  const t = new lm.Trainer(m, stream, { batch: 2, seq: 5, optimizer: 'adagrad', lr: 0.1 });
  throwsWith(() => t.train(0), /^trainer_train: count \(steps\) must be between 1 and 1000000, got 0$/);
  throwsWith(
    () => t.setLearningRate(NaN),
    /^trainer_set_lr: lr \(learning rate\) must be a positive finite number, got nan$/,
  );
  throwsWith(() => t.evaluate(stream.subarray(0, 3), { batch: 2 }), /too short for 2 streams/, lm.STATUS.EMPTY);
  t.dispose();
  m.dispose();
  throwsWith(() => m.nextLogProbs([1]), /disposed/);
});

test('masked-word prediction re-ranks the left-context candidates by the whole sentence', () => {
  // sentences "<s> a X b </s>" where X is determined by the RIGHT neighbour: the left context alone
  // cannot tell x1 from x2, the whole sentence can.
  const V = 8; // 0 <s>, 1 </s>, 2 a, 3 x1, 4 x2, 5 b1, 6 b2, 7 pad
  const sentence = (k) => (k % 2 ? [0, 2, 3, 5, 1] : [0, 2, 4, 6, 1]);
  const stream = Int32Array.from(Array.from({ length: 400 }, (_, k) => sentence(k)).flat());
  const m = lm.Model.create({ cell: 'rnn', vocabSize: V, embedding: 0, hidden: 16, seed: 2 });
  const t = new lm.Trainer(m, stream, { batch: 4, seq: 20, optimizer: 'adam', lr: 0.01, clip: 5 });
  t.train(300);
  const left = [0, 2];
  const r1 = m.predictMasked(left, [5, 1], { candidates: 4 });
  const r2 = m.predictMasked(left, [6, 1], { candidates: 4 });
  assert.equal(r1[0].id, 3, JSON.stringify(r1));
  assert.equal(r2[0].id, 4, JSON.stringify(r2));
  assert.ok(Math.abs(r1.reduce((s, c) => s + c.prob, 0) - 1) < 1e-6 || r1.length < 4);
  const acc = m.maskedAccuracy([Int32Array.from(sentence(1)), Int32Array.from(sentence(2)), Int32Array.from([0, 1])], {
    seed: 1,
    candidates: 6,
  });
  assert.equal(acc.sentences, 2);
  assert.equal(acc.top1, 1);
  assert.equal(acc.top5, 1);
  t.dispose();
  m.dispose();
});
