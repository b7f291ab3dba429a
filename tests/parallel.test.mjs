// parallel.test.mjs — ParallelTrainer (wasm_glue/parallel.mjs) in Node's worker_threads: 1, 2 and 3
// threads give bit-identical losses and parameters for every cell (the shards fix the arithmetic); one
// shard is the plain Trainer bit for bit; a checkpoint saved mid-run resumes on another thread count
// with the same losses; frozen tensors and rate changes reach every replica; bad options, non-finite
// steps, a failing worker and dispose during a step all end in an LmlabError, never a hung promise.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLmlab, LmlabError, STATUS } from '../wasm_glue/index.mjs';
import { defaultShards, MIN_PARALLEL_WORK } from '../wasm_glue/parallel.mjs';

let lm;
before(async () => {
  lm = await loadLmlab();
});

const V = 11;
const ids = Int32Array.from({ length: 3000 }, (_, i) => (i * 7 + (i >> 3) + ((i * i) % 5)) % V);
const OPTIONS = { batch: 12, seq: 7, optimizer: 'adam', lr: 0.01, clip: 1, clipMode: 'norm' };

function makeModel(cell) {
  const window = cell === 'window' ? { window: 3 } : {};
  return lm.Model.create({
    cell,
    vocabSize: V,
    embedding: 4,
    hidden: 9,
    layers: cell === 'rnn' ? 2 : 1,
    ...window,
    seed: 3,
  });
}

const flatParams = (model) => Float32Array.from(model.parameters().flatMap((p) => [...p.data]));
const bitsEqual = (a, b) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

/** Losses of `calls` train(3) calls and the final parameters and model file. */
async function run(cell, threads, { shards = 6, calls = 4, options = OPTIONS } = {}) {
  const model = makeModel(cell);
  const pt = await lm.ParallelTrainer.create(model, ids, { ...options, threads, shards });
  try {
    const losses = [];
    for (let k = 0; k < calls; k++) {
      const s = await pt.train(3);
      losses.push(s.loss, s.lastLoss, s.gradNorm);
    }
    return { losses, params: flatParams(model), bytes: model.save(pt), threads: pt.threads, step: pt.step };
  } finally {
    pt.dispose();
    model.dispose();
  }
}

for (const cell of ['rnn', 'lstm', 'gru', 'window']) {
  test(`${cell}: 1, 2 and 3 threads give bit-identical losses, parameters and checkpoints`, async () => {
    const [a, b, c] = [await run(cell, 1), await run(cell, 2), await run(cell, 3)];
    assert.deepEqual([a.threads, b.threads, c.threads, a.step], [1, 2, 3, 12]);
    assert.ok(a.losses.every(Number.isFinite) && a.losses.at(-2) < a.losses[0] - 0.01, `it learns: ${a.losses}`);
    assert.deepEqual(b.losses, a.losses);
    assert.deepEqual(c.losses, a.losses);
    assert.ok(bitsEqual(a.params, b.params) && bitsEqual(a.params, c.params), 'parameters bit-identical');
    // the file holds the carried state of every stream, gathered from the workers
    assert.deepEqual(b.bytes, a.bytes);
    assert.deepEqual(c.bytes, a.bytes);
  });
}

test('state resets: 1, 2 and 3 threads still agree bit for bit, and the resets change the run', async () => {
  const options = { ...OPTIONS, stateResets: 0.2 };
  const [a, b, c] = [
    await run('lstm', 1, { options }),
    await run('lstm', 2, { options }),
    await run('lstm', 3, { options }),
  ];
  assert.deepEqual(b.losses, a.losses);
  assert.deepEqual(c.losses, a.losses);
  assert.ok(bitsEqual(a.params, b.params) && bitsEqual(a.params, c.params), 'parameters bit-identical');
  assert.deepEqual(c.bytes, a.bytes);
  const none = await run('lstm', 1);
  assert.notDeepEqual(none.losses, a.losses);
});

test('stateResets is checked at the edge: a chance in [0, 1), streams only', () => {
  const model = makeModel('gru');
  const bad = [
    [
      { stateResets: 1 },
      /trainer_set_state_resets: p \(the chance a stream starts a window from the zero state\) must be in \[0, 1\), got 1/,
    ],
    [{ stateResets: -0.5 }, /must be in \[0, 1\), got -0.5/],
    [{ stateResets: '0.1' }, /stateResets/],
    [{ stateResets: NaN }, /must be in \[0, 1\), got nan/],
  ];
  for (const [extra, message] of bad)
    assert.throws(
      () => new lm.Trainer(model, ids, { ...OPTIONS, ...extra }),
      (err) => {
        assert.ok(err instanceof LmlabError && message.test(err.message), err.message);
        return true;
      },
    );
  const sentences = [Int32Array.of(1, 2, 3, 4), Int32Array.of(2, 3, 4, 5, 6)];
  assert.throws(
    () => new lm.Trainer(model, sentences, { ...OPTIONS, batch: 2, batching: 'sentences', stateResets: 0.1 }),
    /batches of sentences, which start from the zero state already/,
  );
  const t = new lm.Trainer(model, ids, { ...OPTIONS, stateResets: 0.05 });
  assert.equal(t.options.stateResets, 0.05);
  t.dispose();
  model.dispose();
});

test('one shard is the plain Trainer, bit for bit', async () => {
  const model = makeModel('lstm');
  const trainer = new lm.Trainer(model, ids, OPTIONS);
  const expected = [];
  for (let k = 0; k < 4; k++) expected.push(trainer.train(3).lastLoss);
  const params = flatParams(model);
  trainer.dispose();
  model.dispose();
  const other = makeModel('lstm');
  const pt = await lm.ParallelTrainer.create(other, ids, { ...OPTIONS, shards: 1, threads: 4 });
  assert.equal(pt.threads, 1, 'never more threads than shards');
  const got = [];
  for (let k = 0; k < 4; k++) got.push((await pt.train(3)).lastLoss);
  assert.deepEqual(got, expected);
  assert.ok(bitsEqual(flatParams(other), params));
  pt.dispose();
  other.dispose();
});

test('a checkpoint resumes on another thread count with the same losses', async () => {
  const straight = await run('gru', 2, { calls: 4 });
  const model = makeModel('gru');
  const pt = await lm.ParallelTrainer.create(model, ids, { ...OPTIONS, threads: 3, shards: 6 });
  for (let k = 0; k < 2; k++) await pt.train(3);
  const bytes = model.save(pt);
  pt.dispose();
  model.dispose();
  const resumed = lm.Model.load(bytes);
  const pr = await lm.ParallelTrainer.create(resumed, ids, { ...OPTIONS, threads: 2, shards: 6 });
  await pr.restore(bytes);
  assert.equal(pr.step, 6);
  const losses = [];
  for (let k = 0; k < 2; k++) {
    const s = await pr.train(3);
    losses.push(s.loss, s.lastLoss, s.gradNorm);
  }
  assert.deepEqual(losses, straight.losses.slice(6));
  assert.ok(bitsEqual(flatParams(resumed), straight.params));
  // restore on a trainer that has run on (its workers computed the next step ahead, which restore must
  // drop): 1 thread (no workers) and 3 threads must still agree bit for bit
  const rerun = async (threads) => {
    const m = lm.Model.load(bytes);
    const t = await lm.ParallelTrainer.create(m, ids, { ...OPTIONS, threads, shards: 6 });
    await t.train(2);
    await t.restore(bytes);
    const out = [];
    for (let k = 0; k < 2; k++) out.push((await t.train(3)).lastLoss);
    const params = flatParams(m);
    t.dispose();
    m.dispose();
    return { out, params };
  };
  const [one, three] = [await rerun(1), await rerun(3)];
  assert.deepEqual(three.out, one.out);
  assert.ok(bitsEqual(three.params, one.params), 'no stale step after restore');
  pr.dispose();
  resumed.dispose();
});

test('frozen tensors and rate changes reach every replica', async () => {
  const results = [];
  for (const threads of [1, 3]) {
    const model = makeModel('rnn');
    const pt = await lm.ParallelTrainer.create(model, ids, { ...OPTIONS, threads, shards: 6 });
    await pt.train(2);
    model.setFrozen('decoder.weight');
    pt.setLearningRate(0.003);
    const before = model
      .parameters()
      .find((p) => p.name === 'decoder.weight')
      .data.slice();
    await pt.train(3);
    const after = model.parameters().find((p) => p.name === 'decoder.weight').data;
    assert.ok(bitsEqual(before, after), 'the frozen tensor stays bit-identical');
    results.push(flatParams(model));
    pt.dispose();
    model.dispose();
  }
  assert.ok(bitsEqual(results[0], results[1]), 'the workers froze it and took the new rate too');
});

test('bad options are refused with a sentence, before any worker starts', async () => {
  const model = makeModel('rnn');
  const bad = [
    [{ shards: 0 }, /shards must be a whole number from 1 to the batch \(12\), got 0/],
    [{ shards: 13 }, /shards must be a whole number from 1 to the batch \(12\), got 13/],
    [{ shards: 2.5 }, /shards must be/],
    [{ threads: 0 }, /threads must be a whole number of at least 1, got 0/],
    [{ threads: '2' }, /threads must be a whole number of at least 1, got "2"/],
    [{ batch: 0 }, /batch/],
    [{ batching: 'sentences' }, /ParallelTrainer trains on streams \(batching 'streams'\); got batching "sentences"/],
  ];
  for (const [extra, message] of bad)
    await assert.rejects(lm.ParallelTrainer.create(model, ids, { ...OPTIONS, ...extra }), (err) => {
      assert.ok(err instanceof LmlabError && message.test(err.message), err.message);
      return true;
    });
  await assert.rejects(lm.ParallelTrainer.create({}, ids, OPTIONS), /needs a Model/);
  const pt = await lm.ParallelTrainer.create(model, ids, { ...OPTIONS, threads: 2, shards: 2 });
  await assert.rejects(pt.train(0), /count must be a whole number/);
  const first = pt.train(1);
  await assert.rejects(pt.train(1), /already running/);
  await first;
  pt.dispose();
  await assert.rejects(pt.train(1), (err) => err instanceof LmlabError && err.code === STATUS.HANDLE);
  model.dispose();
});

test('a non-finite step is refused everywhere and training can go on from the last finite values', async () => {
  const model = makeModel('lstm');
  const pt = await lm.ParallelTrainer.create(model, ids, { ...OPTIONS, threads: 3, shards: 6 });
  await pt.train(2);
  const decoder = model.parameters().find((p) => p.name === 'decoder.weight');
  const keep = decoder.data[0];
  decoder.data[0] = NaN; // only this thread's replica: its shards see it first
  await assert.rejects(pt.train(1), (err) => err instanceof LmlabError && err.code === STATUS.NONFINITE);
  assert.equal(pt.step, 2);
  decoder.data[0] = keep;
  const s = await pt.train(2); // the workers dropped their pending step: all go on together
  assert.equal(s.step, 4);
  pt.dispose();
  model.dispose();
});

test('a failing worker rejects the step with an LmlabError; dispose during a step rejects it too', async () => {
  const model = makeModel('rnn');
  const pt = await lm.ParallelTrainer.create(model, ids, { ...OPTIONS, threads: 2, shards: 2 });
  await pt.train(1);
  pt._replicas[0].send({ type: 'no such message' }); // the worker records the failure: the next request gets it
  await assert.rejects(pt.train(1), (err) => err instanceof LmlabError && /unknown message/.test(err.message));
  const pending = pt.train(5);
  pt.dispose();
  await assert.rejects(pending, (err) => err instanceof LmlabError);
  model.dispose();
});

test('defaultShards: one shard for small work or batches, floor(N / 16) up to 8 otherwise', () => {
  assert.equal(defaultShards(1000, 32, 25), 1);
  assert.equal(defaultShards(Math.ceil(MIN_PARALLEL_WORK / 800), 32, 25), 2);
  assert.equal(defaultShards(1e6, 64, 25), 4);
  assert.equal(defaultShards(1e6, 31, 25), 1);
  assert.equal(defaultShards(1e6, 200, 25), 8);
});

test('lmlab train --threads: 1 and 2 threads write the same model file; a small model says it trains on one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lmlab-threads-'));
  try {
    const text = Array.from(
      { length: 400 },
      (_, i) => `line ${i % 37} of the ${['cat', 'dog', 'bird'][i % 3]} text.`,
    ).join('\n');
    writeFileSync(join(dir, 'text.txt'), text);
    const train = (threads, extra) => {
      const out = join(dir, `m${threads}${extra.join('')}.safetensors`);
      const r = spawnSync(
        process.execPath,
        [
          'scripts/lmlab.mjs',
          'train',
          '--data',
          join(dir, 'text.txt'),
          '--steps',
          '4',
          '--every',
          '2',
          '--out',
          out,
          '--threads',
          String(threads),
          '--batch',
          '32',
          ...extra,
        ],
        { encoding: 'utf8' },
      );
      assert.equal(r.status, 0, r.stderr);
      return { out: r.stdout, bytes: readFileSync(out) };
    };
    // N·T·P = 32 · 25 · ~64k: above the threshold, 2 shards
    const big = ['--cell', 'lstm', '--hidden', '112', '--embedding', '16'];
    const one = train(1, big);
    const two = train(2, big);
    assert.match(two.out, /, 2 threads, (fused multiply-add|SIMD128) kernels, batch 32 x seq 25/);
    assert.match(two.out, /chars\/s {2}threads 2 {2}ETA/);
    assert.match(one.out, /, 1 thread, (fused multiply-add|SIMD128) kernels, batch 32/);
    assert.ok(one.bytes.equals(two.bytes), 'the same model file, bit for bit');
    const small = train(2, ['--hidden', '8']);
    assert.match(small.out, /1 thread \(model too small to gain: batch x seq x parameters = .* < 2e\+7\)/);
    assert.match(small.out, /threads 1 \(model too small\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
