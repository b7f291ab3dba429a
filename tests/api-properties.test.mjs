// api-properties.test.mjs — property-based tests of the JS API with fast-check: random arguments, valid
// and hostile (wrong types, NaN, ±Infinity, -0, huge and fractional numbers, ids past int32, BigInt,
// Symbol, null, lone surrogates, bytes that are not UTF-8), to Model, Trainer, Vocab, Bigram and the layer
// functions. Every call either returns a result or throws an LmlabError with a sentence — never a
// TypeError, a RangeError or a WebAssembly trap — and a call that throws leaves the model's parameters
// and the trainer's step as they were. Repeating the calls does not grow WebAssembly memory without
// bound. The seeds are fixed (fc.assert's seed), so a failure replays; fast-check prints the shrunk
// counterexample. docs/fuzzing.md describes this test beside the native fuzzers.
import test from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadLmlab, LmlabError } from '../wasm_glue/index.mjs';

const lm = await loadLmlab();
const SEED = 20261201;
const RUNS = 150;

/** Run fn: its result, or the LmlabError it threw (anything else fails the test). */
function outcome(fn) {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    if (!(e instanceof LmlabError)) {
      const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      assert.fail(`expected a result or an LmlabError, got ${what}`);
    }
    assert.ok(
      typeof e.message === 'string' && e.message.length > 10,
      `an LmlabError without a sentence: '${e.message}'`,
    );
    assert.ok(Number.isInteger(e.code) && e.code > 0, `an LmlabError without a status code: ${e.code}`);
    return { ok: false, error: e };
  }
}

/** Values no API argument should accept silently, and none should crash on. */
const hostile = fc.oneof(
  fc.constantFrom(NaN, Infinity, -Infinity, -0, -1, 0, 0.5, 1e30, -1e30, 2 ** 31, 2 ** 32 + 3, -(2 ** 31) - 1),
  fc.constantFrom(null, undefined, true, false, '', 'rnn', '3', ' 3', '0x10', [], {}, [1, 2], { length: 3 }),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
  fc.constant(Symbol('hostile')),
  fc.double(),
  fc.integer(),
  fc.string({ maxLength: 8 }),
);
/** Mostly a valid value, sometimes a hostile one. */
const mostly = (valid) => fc.oneof({ weight: 5, arbitrary: valid }, { weight: 1, arbitrary: hostile });
/** Text of every kind: graphemes, any code units (lone surrogates included), raw bytes. */
const anyText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.uint8Array({ maxLength: 60 }),
);

const modelConfig = fc.record(
  {
    cell: mostly(fc.constantFrom('rnn', 'lstm', 'gru', 'window')),
    vocabSize: mostly(fc.integer({ min: 2, max: 20 })),
    embedding: mostly(fc.integer({ min: 0, max: 6 })),
    hidden: mostly(fc.integer({ min: 1, max: 8 })),
    layers: mostly(fc.integer({ min: 1, max: 3 })),
    window: mostly(fc.integer({ min: 0, max: 4 })),
    gruVariant: mostly(fc.constantFrom('torch', 'lecture')),
    seed: mostly(fc.nat({ max: 1000 })),
  },
  { requiredKeys: ['cell', 'vocabSize', 'embedding', 'hidden', 'seed'] },
);

/** A model that certainly builds, for the properties that are about other calls. */
const validModel = fc.record({
  cell: fc.constantFrom('rnn', 'lstm', 'gru', 'window'),
  vocabSize: fc.integer({ min: 2, max: 12 }),
  embedding: fc.integer({ min: 0, max: 5 }),
  hidden: fc.integer({ min: 1, max: 6 }),
  seed: fc.nat({ max: 1000 }),
});
function makeModel(c) {
  const config = c.cell === 'window' ? { ...c, embedding: Math.max(1, c.embedding), window: 3 } : c;
  return lm.Model.create(config);
}

/** Every parameter's values, copied (the views are zero-copy into WASM memory). */
const snapshot = (model) => model.parameters().map((p) => p.data.slice());
function assertSameParameters(model, before, what) {
  const after = snapshot(model);
  assert.equal(after.length, before.length);
  for (let i = 0; i < after.length; i++) {
    assert.ok(
      Buffer.from(after[i].buffer).equals(Buffer.from(before[i].buffer)),
      `${what} threw but changed parameter ${model.parameters()[i].name}`,
    );
  }
}

test('Model.create: a model with finite parameters, or an LmlabError', () => {
  fc.assert(
    fc.property(modelConfig, (config) => {
      const r = outcome(() => lm.Model.create(config));
      if (!r.ok) return;
      for (const p of r.value.parameters()) assert.ok(p.data.every(Number.isFinite), `${p.name} is not finite`);
      r.value.dispose();
    }),
    { seed: SEED, numRuns: RUNS * 2 },
  );
});

test('Model calls with hostile ids and options: a result or an LmlabError, the parameters unchanged', () => {
  const ids = fc.oneof(
    fc.array(mostly(fc.integer({ min: 0, max: 11 })), { maxLength: 12 }),
    fc.constantFrom([2 ** 32 + 3], [-1], [NaN], [1.5], new Float64Array([1, 2])),
    hostile,
  );
  fc.assert(
    fc.property(validModel, ids, ids, hostile, mostly(fc.integer({ min: 1, max: 4 })), (c, a, b, h, n) => {
      const model = makeModel(c);
      const before = snapshot(model);
      const calls = {
        nextLogProbs: () => model.nextLogProbs(a),
        sample: () => model.sample(a, { length: n, temperature: h, seed: 1 }),
        hiddenStates: () => model.hiddenStates(a),
        probe: () => model.probe(a),
        logits: () =>
          model.logits(Int32Array.from(Array.isArray(a) ? a.map((x) => (typeof x === 'number' ? x : 0)) : []), n, n),
        evaluate: () => model.evaluate(a, { batch: h, seq: n }),
        predictMasked: () => model.predictMasked(a, b, { topK: n, candidates: h }),
        metadata: () => {
          model.metadata = { note: String(typeof h === 'symbol' ? 'symbol' : h), bad: h };
          return model.save();
        },
      };
      for (const [name, call] of Object.entries(calls)) {
        const r = outcome(call);
        if (r.ok && r.value instanceof Float32Array && name === 'nextLogProbs')
          assert.ok(
            r.value.every((x) => x <= 0 && Number.isFinite(x)),
            'log-probabilities must be finite and ≤ 0',
          );
        assertSameParameters(model, before, name);
      }
      model.dispose();
    }),
    { seed: SEED, numRuns: RUNS },
  );
});

test('Trainer: hostile options, steps and restores leave the model as it was', () => {
  const options = fc.record({
    batch: mostly(fc.integer({ min: 1, max: 3 })),
    seq: mostly(fc.integer({ min: 1, max: 4 })),
    optimizer: mostly(fc.constantFrom('sgd', 'adagrad', 'adam')),
    lr: mostly(fc.oneof(fc.double({ min: 1e-4, max: 0.5, noNaN: true }), fc.constantFrom(1e6, 1e30))),
    momentum: mostly(fc.double({ min: 0, max: 0.99, noNaN: true })),
    clip: mostly(fc.double({ min: 0, max: 10, noNaN: true })),
    clipMode: mostly(fc.constantFrom('value', 'norm')),
  });
  const bytes = fc.oneof(fc.uint8Array({ maxLength: 64 }), hostile);
  fc.assert(
    fc.property(validModel, options, mostly(fc.integer({ min: 1, max: 3 })), hostile, bytes, (c, o, count, lr, b) => {
      const model = makeModel(c);
      const ids = Int32Array.from({ length: 40 }, (_, i) => (i * 5) % c.vocabSize);
      let before = snapshot(model);
      const made = outcome(() => new lm.Trainer(model, ids, o));
      assertSameParameters(model, before, 'new Trainer');
      if (made.ok) {
        const trainer = made.value;
        const trained = outcome(() => trainer.train(count));
        // A refused call changes nothing; a call refused at its k-th step (a diverging lr) keeps the k - 1
        // steps before it, whose parameters are finite (the C trainer's rule, index.d.ts).
        if (!trained.ok && trainer.step === 0) assertSameParameters(model, before, 'train');
        for (const p of model.parameters()) assert.ok(p.data.every(Number.isFinite), 'a step made NaN');
        before = snapshot(model);
        const step = trainer.step;
        for (const [name, call] of Object.entries({
          setLearningRate: () => trainer.setLearningRate(lr),
          restore: () => trainer.restore(b),
          train: () => trainer.train(lr),
        })) {
          const r = outcome(call);
          if (!r.ok) {
            assertSameParameters(model, before, name);
            assert.equal(trainer.step, step, `${name} threw but changed the step`);
          }
          before = snapshot(model);
        }
        trainer.dispose();
      }
      model.dispose();
    }),
    { seed: SEED, numRuns: RUNS },
  );
});

test('Model.load of mutated model files: a working model or an LmlabError', () => {
  const model = lm.Model.create({ cell: 'lstm', vocabSize: 5, embedding: 3, hidden: 4, seed: 1 });
  model.metadata = {
    vocab: JSON.stringify({ level: 'char', tokens: ['a', 'b', 'c', 'd', 'e'], counts: [1, 1, 1, 1, 1] }),
  };
  const file = model.save();
  model.dispose();
  const mutation = fc.array(fc.tuple(fc.nat({ max: file.length - 1 }), fc.integer({ min: 0, max: 255 })), {
    minLength: 1,
    maxLength: 4,
  });
  fc.assert(
    fc.property(mutation, fc.nat({ max: file.length }), (edits, cut) => {
      const bytes = file.slice(0, cut === 0 ? file.length : cut);
      for (const [at, value] of edits) if (at < bytes.length) bytes[at] = value;
      const r = outcome(() => lm.Model.load(bytes));
      if (!r.ok) return;
      outcome(() => r.value.nextLogProbs([0, 1]));
      r.value.dispose();
    }),
    { seed: SEED, numRuns: RUNS * 2 },
  );
});

test('Vocab: build, encode, decode and fromJSON on any text and options', () => {
  const options = fc.record(
    {
      level: mostly(fc.constantFrom('char', 'word')),
      tokenizer: mostly(fc.constantFrom('words', 'whitespace')),
      lowercase: mostly(fc.boolean()),
      sentences: mostly(fc.constantFrom('lines', 'punctuation')),
      minCount: mostly(fc.integer({ min: 1, max: 3 })),
      maxSize: mostly(fc.integer({ min: 0, max: 10 })),
      unk: mostly(fc.constantFrom('auto', 'always', 'never', true, false)),
    },
    { requiredKeys: ['level'] },
  );
  fc.assert(
    fc.property(anyText, options, anyText, hostile, (text, o, other, h) => {
      const built = outcome(() => lm.Vocab.build(text, o));
      if (!built.ok) return;
      const vocab = built.value;
      for (const input of [text, other]) {
        const enc = outcome(() => vocab.encode(input));
        if (enc.ok) {
          assert.ok(
            enc.value.every((id) => id >= 0 && id < vocab.size),
            'an id outside the vocabulary',
          );
          assert.equal(typeof vocab.decode(enc.value), 'string');
        }
      }
      outcome(() => vocab.decode([h]));
      outcome(() => vocab.idOf(h));
      outcome(() => vocab.tokenOf(h));
      const again = lm.Vocab.fromJSON(vocab.toJSON());
      assert.deepEqual(again.tokens(), vocab.tokens());
      again.dispose();
      vocab.dispose();
    }),
    { seed: SEED, numRuns: RUNS * 2 },
  );
});

test('Vocab.fromJSON of hostile objects: a vocabulary or an LmlabError', () => {
  const json = fc.record(
    {
      level: mostly(fc.constantFrom('char', 'word')),
      tokenizer: mostly(fc.constantFrom('words', 'whitespace')),
      lowercase: mostly(fc.boolean()),
      sentences: mostly(fc.constantFrom('lines', 'punctuation')),
      tokens: mostly(fc.array(mostly(fc.string({ unit: 'binary', maxLength: 4 })), { maxLength: 8 })),
      counts: mostly(fc.array(mostly(fc.integer({ min: 0, max: 9 })), { maxLength: 8 })),
    },
    { requiredKeys: [] },
  );
  fc.assert(
    fc.property(fc.oneof({ weight: 5, arbitrary: json }, { weight: 1, arbitrary: hostile }), (j) => {
      const r = outcome(() => lm.Vocab.fromJSON(j));
      if (r.ok) r.value.dispose();
    }),
    { seed: SEED, numRuns: RUNS * 2 },
  );
});

test('Bigram: training, probabilities, evaluation, generation and masked words on any arguments', () => {
  const texts = fc.oneof(fc.constantFrom('the cat sat .\nthe dog sat .\n', 'abcabc\nab\n'), anyText);
  fc.assert(
    fc.property(
      texts,
      fc.constantFrom('char', 'word'),
      mostly(fc.double({ min: 0, max: 2, noNaN: true })),
      anyText,
      hostile,
      mostly(fc.integer({ min: 0, max: 5 })),
      (text, level, k, other, h, n) => {
        const v = outcome(() => lm.Vocab.build(text, { level }));
        if (!v.ok) return;
        const b = outcome(() => lm.Bigram.train(v.value, text, { k }));
        if (b.ok) {
          const bigram = b.value;
          const ev = outcome(() => bigram.evaluate(other));
          if (ev.ok) assert.ok(!Number.isNaN(ev.value.loss), 'a NaN loss');
          outcome(() => bigram.prob(h, n));
          outcome(() => bigram.count(n, h));
          outcome(() => bigram.distribution(h));
          outcome(() => bigram.logProb(typeof other === 'string' ? other : 'x'));
          outcome(() => bigram.generate({ seed: h, temperature: k, maxLength: n, count: n }));
          outcome(() => bigram.predictMasked(typeof other === 'string' ? `${other} [MASK]` : h, { topK: n }));
          bigram.dispose();
        }
        v.value.dispose();
      },
    ),
    { seed: SEED, numRuns: RUNS },
  );
});

test('layer functions on random shapes, mismatched lengths and non-finite values', () => {
  const tensor = fc.oneof(
    fc.record({
      data: fc.float32Array({ maxLength: 24 }),
      shape: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 3 }),
    }),
    fc.array(fc.array(fc.double(), { maxLength: 4 }), { maxLength: 4 }),
    hostile,
  );
  const L = lm.layers;
  fc.assert(
    fc.property(tensor, tensor, tensor, tensor, tensor, tensor, (a, b, c, d, e, f) => {
      outcome(() => L.rnn_step_forward(a, b, c, d, e));
      outcome(() => L.rnn_step_backward(a, b, c, d, e, f));
      outcome(() => L.rnn_forward(a, b, c, d, e));
      outcome(() => L.temporal_affine_forward(a, b, c));
      outcome(() => L.embedding_forward(a, b));
      outcome(() => L.embedding_backward(a, b, 3));
      outcome(() => L.temporal_softmax_loss(a, b, c));
      outcome(() => L.lstm_step_forward(a, b, c, d, e, f));
      outcome(() => L.gru_step_forward(a, b, c, d, e));
    }),
    { seed: SEED, numRuns: RUNS * 2 },
  );
});

test('memory does not grow without bound over repeated calls, failing ones included', () => {
  const ids = Int32Array.from({ length: 400 }, (_, i) => (i * 7) % 30);
  const round = () => {
    const model = lm.Model.create({ cell: 'lstm', vocabSize: 30, embedding: 16, hidden: 32, seed: 1 });
    const trainer = new lm.Trainer(model, ids, { batch: 4, seq: 8, optimizer: 'adam', lr: 0.01 });
    trainer.train(2);
    const file = model.save(trainer);
    outcome(() => trainer.train(-1));
    outcome(() => trainer.restore(file.subarray(0, 100)));
    outcome(() => new lm.Trainer(model, ids, { batch: 4, seq: 8, optimizer: 'adam', lr: NaN }));
    outcome(() => lm.Model.load(file.subarray(0, file.length - 4)));
    const loaded = lm.Model.load(file);
    loaded.dispose();
    outcome(() => lm.Vocab.build(new Uint8Array([0x61, 0xff]), { level: 'char' }));
    const vocab = lm.Vocab.build('the cat sat\n', { level: 'word' });
    outcome(() => vocab.encode('\ud800'));
    vocab.dispose();
    trainer.dispose();
    model.dispose();
  };
  for (let i = 0; i < 50; i++) round(); // warm up: the allocator reaches its working size
  const before = lm.memoryBytes();
  for (let i = 0; i < 500; i++) round();
  const grown = lm.memoryBytes() - before;
  // One leaked model, trainer or file per round would be ≥ 30 KB × 500 = 15 MB.
  assert.ok(grown <= 1 << 20, `WebAssembly memory grew by ${grown} bytes over 500 rounds`);
});
