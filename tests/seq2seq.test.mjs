// seq2seq.test.mjs — sequence to sequence on the WASM (float32) build: the attention layer pair of the
// `layers` API against a float64 JS transcription of the equations (both scores, masks, one step and
// several), its float32 gradient check (a 1% error in one entry fails it), the notes' worked example and
// the bad inputs; the Seq2Seq model's gradient check, learning to reverse strings, greedy and beam
// decoding with their α matrices, files and exact resumption, and the glue's and C edge's sentences.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadLmlab, LmlabError, STATUS, taskSplit, buildVocabularies, PairVocab } from '../wasm_glue/index.mjs';

let lm;
let L;
before(async () => {
  lm = await loadLmlab({ seq2seq: true });
  L = lm.layers;
});

test('sequence to sequence is in build/lmlab-seq2seq.wasm only: the default instance names the option', async () => {
  const plain = await loadLmlab();
  assert.equal(plain.seq2seq, false);
  assert.equal(lm.seq2seq, true);
  const needs = (what) =>
    new RegExp(
      `^LmlabError: ${what} needs the sequence-to-sequence module: load lmlab with loadLmlab\\(\\{ seq2seq: true \\}\\)`,
    );
  assert.throws(() => plain.Seq2Seq.create({}), needs('Seq2Seq\\.create'));
  assert.throws(() => plain.Seq2Seq.load(new Uint8Array(8)), needs('Seq2Seq\\.load'));
  assert.throws(() => new plain.Seq2SeqTrainer(), needs('Seq2SeqTrainer'));
  assert.throws(() => plain.layers.attention_forward(), needs('attention_forward'));
  assert.throws(() => plain.layers.attention_backward(), needs('attention_backward'));
  // The smaller instance lacks exactly the seq2seq and attention exports.
  const extra = Object.keys(lm.core.exports).filter((name) => !(name in plain.core.exports));
  assert.ok(extra.length > 0 && extra.every((name) => /^lm_(seq2seq|layer_attention)_/.test(name)), extra.join(' '));
  // The rest of the API is the same.
  assert.deepEqual(Object.keys(plain).sort(), Object.keys(lm).sort());
});

/** Deterministic normal-ish numbers (Mulberry32 + Box-Muller). */
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

// ---- a float64 transcription of the attention equations ------------------------------------------

/** q (N, Tq, H), k (N, Tk, H), mask (N, Tk) or null; additive: Wq, Wk (H, A), v (A,). → c, alpha */
function attentionRef(q, k, mask, N, Tq, Tk, H, p) {
  const c = new Float64Array(N * Tq * H),
    alpha = new Float64Array(N * Tq * Tk);
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < Tq; i++) {
      const qi = q.subarray((n * Tq + i) * H, (n * Tq + i + 1) * H);
      const e = [];
      for (let j = 0; j < Tk; j++) {
        const kj = k.subarray((n * Tk + j) * H, (n * Tk + j + 1) * H);
        let score = 0;
        if (!p) for (let h = 0; h < H; h++) score += qi[h] * kj[h];
        else {
          for (let a = 0; a < p.A; a++) {
            let u = 0;
            for (let h = 0; h < H; h++) u += qi[h] * p.Wq[h * p.A + a] + kj[h] * p.Wk[h * p.A + a];
            score += p.v[a] * Math.tanh(u);
          }
        }
        e.push(score);
      }
      const real = (j) => !mask || mask[n * Tk + j] === 1;
      const max = Math.max(...e.filter((_, j) => real(j)));
      const ex = e.map((v, j) => (real(j) ? Math.exp(v - max) : 0));
      const sum = ex.reduce((x, y) => x + y, 0);
      for (let j = 0; j < Tk; j++) {
        alpha[(n * Tq + i) * Tk + j] = ex[j] / sum;
        for (let h = 0; h < H; h++) c[(n * Tq + i) * H + h] += (ex[j] / sum) * k[(n * Tk + j) * H + h];
      }
    }
  }
  return { c, alpha };
}

const maxDiff = (a, b) => a.reduce((w, v, i) => Math.max(w, Math.abs(v - b[i])), 0);

// float32 centered differences, measured against the tensor's largest gradient (see layers-gated.test.mjs)
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
  let big = 0;
  numeric.forEach((v, i) => {
    if (Math.abs(v) > Math.abs(numeric[big])) big = i;
  });
  const wrong = Float64Array.from(analytic);
  wrong[big] *= 1.01;
  assert.ok(gradError(wrong, numeric) > TOL, `${what}: the check must reject a 1% error in one entry`);
}

const CASES = [
  { name: 'dot, one step (N, H), masked', score: 'dot', N: 3, Tq: 1, Tk: 5, H: 4, step: true, masked: true },
  { name: 'dot, Tq 3, no mask', score: 'dot', N: 2, Tq: 3, Tk: 4, H: 3, masked: false },
  {
    name: 'additive, one step (N, H), masked',
    score: 'additive',
    N: 2,
    Tq: 1,
    Tk: 6,
    H: 3,
    A: 4,
    step: true,
    masked: true,
  },
  { name: 'additive, Tq 4, masked', score: 'additive', N: 2, Tq: 4, Tk: 5, H: 3, A: 2, masked: true },
];

for (const cs of CASES) {
  test(`attention ${cs.name}: float64 reference, exact zeros on padding, gradients`, () => {
    const { N, Tq, Tk, H, A } = cs;
    const r = rng(11 + Tk);
    const q = r(cs.step ? [N, H] : [N, Tq, H]),
      k = r([N, Tk, H]),
      Rc = r(q.shape);
    const mask = cs.masked
      ? {
          data: Int32Array.from({ length: N * Tk }, (_, i) =>
            Number(i % Tk < Tk - (Math.floor(i / Tk) % Tk) || i % Tk === 0),
          ),
          shape: [N, Tk],
        }
      : undefined;
    const opts = { score: cs.score, mask };
    if (cs.score === 'additive') Object.assign(opts, { Wq: r([H, A], 0.5), Wk: r([H, A], 0.5), v: r([A], 0.5) });
    const out = L.attention_forward(q, k, opts);
    assert.deepEqual(out.c.shape, q.shape);
    assert.deepEqual(out.alpha.shape, cs.step ? [N, Tk] : [N, Tq, Tk]);
    const ref = attentionRef(
      q.data,
      k.data,
      mask?.data,
      N,
      Tq,
      Tk,
      H,
      cs.score === 'additive' ? { A, Wq: opts.Wq.data, Wk: opts.Wk.data, v: opts.v.data } : null,
    );
    assert.ok(maxDiff(out.c.data, ref.c) < 1e-5, `c differs from the reference by ${maxDiff(out.c.data, ref.c)}`);
    assert.ok(
      maxDiff(out.alpha.data, ref.alpha) < 1e-6,
      `α differs from the reference by ${maxDiff(out.alpha.data, ref.alpha)}`,
    );
    if (mask)
      mask.data.forEach((m, i) => {
        if (m) return;
        const n = Math.floor(i / Tk),
          j = i % Tk;
        for (let t = 0; t < Tq; t++)
          assert.equal(out.alpha.data[(n * Tq + t) * Tk + j], 0, 'padding gets exactly zero weight');
      });
    const loss = () => L.attention_forward(q, k, opts).c.data.reduce((s, v, i) => s + v * Rc.data[i], 0);
    const g = L.attention_backward(Rc, q, k, out.alpha, out.cache, opts);
    gradCheck(`${cs.name} dq`, loss, q.data, g.dq.data);
    gradCheck(`${cs.name} dk`, loss, k.data, g.dk.data);
    if (cs.score === 'additive') {
      gradCheck(`${cs.name} dWq`, loss, opts.Wq.data, g.dWq.data);
      gradCheck(`${cs.name} dWk`, loss, opts.Wk.data, g.dWk.data);
      gradCheck(`${cs.name} dv`, loss, opts.v.data, g.dv.data);
    } else {
      assert.equal(g.dWq, undefined);
    }
  });
}

test("the notes' worked example: softmax of [1.5, 0.9, 0.3, −0.5] and the context as the α-weighted sum", () => {
  const e = [1.5, 0.9, 0.3, -0.5],
    y = [2, -1, 0.5, 3];
  const k = [
    [
      [e[0], y[0]],
      [e[1], y[1]],
      [e[2], y[2]],
      [e[3], y[3]],
    ],
  ];
  const { c, alpha } = L.attention_forward([[1, 0]], k, { score: 'dot' });
  assert.deepEqual(
    Array.from(alpha.data, (a) => a.toFixed(2)),
    ['0.50', '0.28', '0.15', '0.07'],
  ); // the slide prints 0.51 … 0.14
  const want = [0, 1].map((h) => Array.from(alpha.data).reduce((s, a, j) => s + a * k[0][j][h], 0));
  assert.ok(Math.abs(c.data[0] - want[0]) < 1e-6 && Math.abs(c.data[1] - want[1]) < 1e-6);
});

test('attention: bad inputs get a sentence naming the argument', () => {
  const q = [[1, 0]],
    k = [
      [
        [1, 2],
        [3, 4],
      ],
    ];
  const throwsWith = (fn, re, code = STATUS.ARG) =>
    assert.throws(fn, (err) => err instanceof LmlabError && err.code === code && re.test(err.message));
  throwsWith(
    () => L.attention_forward(q, k, { score: 'bilinear' }),
    /options.score must be 'dot' or 'additive', got "bilinear"/,
  );
  throwsWith(
    () => L.attention_forward(q, k, { score: 'additive', Wq: [[1]], Wk: [[1]] }),
    /the additive score needs options.v/,
  );
  throwsWith(() => L.attention_forward(q, k, { score: 'dot', v: [1] }), /options.v belongs to the additive score/);
  throwsWith(
    () => L.attention_forward(q, [[[1, 2, 3]]]),
    /attention_forward: k must be \(N, Tk, H\) = \(1, 1, 2\), got \(1, 1, 3\)/,
  );
  throwsWith(() => L.attention_forward(q, k, { mask: [[0, 0]] }), /attention_forward: mask row 0 has no real key/);
  throwsWith(() => L.attention_forward(q, k, { mask: [[1, 2]] }), /options.mask\[1\] must be 0 \(padding\) or 1/);
  throwsWith(() => L.attention_forward([[NaN, 0]], k), /attention_forward: q\[0\] is NaN/, STATUS.NONFINITE);
  const out = L.attention_forward(q, k);
  throwsWith(() => L.attention_backward([[1, 1]], q, k, out.alpha, [[1]]), /the dot product keeps no cache/);
});

// ---- the model ---------------------------------------------------------------------------------------

const reverse = () =>
  taskSplit('reverse', { seed: 3, train: 4000, test: 100, trainLengths: [3, 9], testLengths: [3, 9] });

test('Seq2Seq: the float32 gradient check of every tensor, for no attention, dot and additive', () => {
  const { train } = reverse();
  const v = buildVocabularies(train, { level: 'char', shared: true });
  const batch = train.slice(0, 4);
  for (const attention of ['none', 'dot', 'additive']) {
    const m = lm.Seq2Seq.create({
      srcVocab: v.src,
      tgtVocab: v.tgt,
      cell: 'gru',
      attention,
      embedding: 6,
      hidden: 8,
      layers: 2,
      seed: 3,
    });
    const errors = m.gradientCheck(batch, { samples: 12, eps: 1e-2 });
    assert.equal(errors.length, m.parameters().length);
    for (const { name, relError } of errors)
      assert.ok(relError < 5e-2, `${attention} ${name}: relative error ${relError}`);
    if (attention === 'additive') assert.ok(errors.some((e) => e.name === 'attention.W_q.weight'));
    m.dispose();
  }
});

test('Seq2Seq learns to reverse strings; greedy and beam decoding; α rows; files and exact resumption', () => {
  const { train, test: held } = reverse();
  const v = buildVocabularies(train, { level: 'char', shared: true });
  const m = lm.Seq2Seq.create({
    srcVocab: v.src,
    tgtVocab: v.tgt,
    cell: 'lstm',
    attention: 'dot',
    embedding: 16,
    hidden: 48,
    seed: 1,
  });
  assert.equal(m.config.outContext, true);
  assert.equal(m.config.shared, true);
  const names = m.parameters().map((p) => p.name);
  assert.deepEqual(names.slice(0, 2), ['encoder.embedding.weight', 'encoder.rnn.weight_ih_l0']);
  assert.ok(names.includes('decoder.out.weight'));
  const t = new lm.Seq2SeqTrainer(m, train, { batch: 32, seed: 2 });
  const first = t.train(10);
  const s = t.train(390);
  assert.ok(first.loss > 1.5 && s.lastLoss < 0.3, `loss from ${first.loss} to ${s.lastLoss}`);
  assert.equal(s.step, 400);
  const before = m.evaluate(held);
  const outs = m.translateMany(held.map((p) => p.source));
  const exact = outs.filter((o, i) => o.output === held[i].target).length;
  assert.ok(exact >= 85, `exact match ${exact} of ${held.length}`);
  // greedy one by one = batched greedy; beam 1 = greedy; α rows sum to 1 over the source tokens
  for (let i = 0; i < 10; i++) {
    const one = m.translate(held[i].source);
    assert.equal(one.output, outs[i].output);
    assert.deepEqual(one.alpha.shape, outs[i].alpha.shape);
    assert.ok(maxDiff(one.alpha.data, outs[i].alpha.data) < 1e-6);
    assert.equal(m.translate(held[i].source, { beam: 1 }).output, one.output);
    const beam = m.translate(held[i].source, { beam: 4 });
    assert.ok(beam.logProb >= one.logProb - 1e-4 || !one.ended, 'beam is never worse than greedy');
    const [rows, cols] = one.alpha.shape;
    assert.equal(cols, held[i].source.length + 1);
    assert.equal(one.sourceTokens.at(-1), '</s>');
    for (let r = 0; r < rows; r++) {
      const sum = one.alpha.data.subarray(r * cols, (r + 1) * cols).reduce((x, y) => x + y, 0);
      assert.ok(Math.abs(sum - 1) < 1e-4, `α row ${r} sums to ${sum}`);
    }
    // the reported log-probability is the teacher-forced score of the output
    const scored = m.sequenceLogProbs([{ source: held[i].source, target: one.output }])[0];
    if (one.ended) assert.ok(Math.abs(scored - one.logProb) < 1e-3, `${scored} vs ${one.logProb}`);
  }
  // the reversal's alignment: output step r looks most at the encoder state of source token len-1-r, or
  // at the next one (the state just after reading it, which a left-to-right encoder also fills with it):
  // an anti-diagonal band two positions wide
  const probe = m.translate('abcdefg');
  assert.equal(probe.output, 'gfedcba');
  const argmax = Array.from({ length: 7 }, (_, r) => {
    const row = probe.alpha.data.subarray(r * 8, (r + 1) * 8);
    return row.indexOf(Math.max(...row));
  });
  argmax.forEach((j, r) =>
    assert.ok(j === 6 - r || j === 7 - r, `output step ${r} attends source position ${j}: ${argmax}`),
  );
  // files: the same outputs after a round trip; a resumed trainer continues exactly
  m.metadata = { task: 'reverse' };
  const bytes = m.save(t);
  const after = [t.train(5).lastLoss, t.train(5).lastLoss];
  const back = lm.Seq2Seq.load(bytes);
  assert.deepEqual(back.metadata, { task: 'reverse' });
  assert.equal(back.config.shared, true);
  assert.equal(back.srcVocab.size, v.src.size);
  const t2 = new lm.Seq2SeqTrainer(back, train, { batch: 32, seed: 99 });
  t2.restore(bytes);
  assert.equal(t2.step, 400);
  assert.deepEqual([t2.train(5).lastLoss, t2.train(5).lastLoss], after);
  assert.ok(Math.abs(lm.Seq2Seq.load(bytes).evaluate(held).loss - before.loss) < 1e-6);
  t2.dispose();
  back.dispose();
  t.dispose();
  m.dispose();
});

test('Seq2Seq: separate vocabularies, word level, unknown tokens, and the bad inputs', () => {
  const pairs = [
    { source: 'the cat sat', target: 'le chat assis' },
    { source: 'the dog', target: 'le chien' },
  ];
  const v = buildVocabularies(pairs, { level: 'word' });
  assert.notEqual(v.src, v.tgt);
  const m = lm.Seq2Seq.create({
    srcVocab: v.src,
    tgtVocab: v.tgt,
    level: 'word',
    attention: 'additive',
    hidden: 8,
    embedding: 4,
  });
  assert.equal(m.config.attentionSize, 8);
  const r = m.translate('the bird sat');
  assert.equal(r.unknown, 1);
  assert.deepEqual(r.sourceTokens, ['the', 'bird', 'sat', '</s>']);
  const back = lm.Seq2Seq.load(m.save());
  assert.deepEqual(back.tgtVocab.tokens, v.tgt.tokens);
  assert.equal(back.level, 'word');
  const argErr = (fn, re) =>
    assert.throws(fn, (err) => err instanceof LmlabError && err.code === STATUS.ARG && re.test(err.message));
  argErr(
    () => lm.Seq2Seq.create({ srcVocab: v.src, tgtVocab: v.tgt, attention: 'none', outContext: true }),
    /attention 'none' has none/,
  );
  argErr(
    () => lm.Seq2Seq.create({ srcVocab: v.src, tgtVocab: v.tgt, attention: 'luong' }),
    /attention must be one of none, dot, additive/,
  );
  argErr(
    () => lm.Seq2Seq.create({ srcVocab: v.src, tgtVocab: v.tgt, layers: 3 }),
    /seq2seq_create: layers must be between 1 and 2, got 3/,
  );
  argErr(
    () => lm.Seq2Seq.create({ srcVocab: v.src, tgtVocab: v.tgt, hidden: 0 }),
    /seq2seq_create: hidden size H must be between 1 and 4096, got 0/,
  );
  argErr(() => m.translate(''), /the source is empty/);
  argErr(() => m.translate('the cat', { beam: 0 }), /seq2seq_beam: K \(beam width\) must be between 1 and 64, got 0/);
  argErr(
    () => m.translate('the cat', { maxLength: 0 }),
    /seq2seq_greedy: max_len \(output length cap\) must be between 1 and 1024/,
  );
  argErr(() => new lm.Seq2SeqTrainer(m, []), /needs a non-empty array of \{ source, target \} pairs/);
  argErr(() => new lm.Seq2SeqTrainer(m, [{ source: 'the', target: '  ' }]), /pair 0 has an empty target/);
  argErr(() => new lm.Seq2SeqTrainer(m, pairs, { lr: -1 }), /seq2seq_trainer_create: lr/);
  assert.throws(
    () => lm.Seq2Seq.load(new Uint8Array(12)),
    (err) => err.code === STATUS.FORMAT,
  );
  const model = lm.Model.create({ cell: 'rnn', vocabSize: 5, hidden: 4, seed: 1 });
  assert.throws(() => lm.Seq2Seq.load(model.save()), /it is a language model; load it as one/);
  model.dispose();
  m.dispose();
  assert.throws(
    () => m.translate('the'),
    (err) => err.code === STATUS.HANDLE,
  );
  back.dispose();
  assert.ok(PairVocab.build([['a']]).size === 5);
});
