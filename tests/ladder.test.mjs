// ladder.test.mjs — the model ladder (RNN, LSTM, GRU, fixed window) on the WASM (float32) build: the
// lecture's shapes and PyTorch names of each parameter table, float32 whole-model gradient checks
// (L = 2 included), carried state, probes (gates, c_t, gradient flow), save/load round trips, the bad
// configurations' errors, and native-vs-WASM agreement of every new cell on the same seed.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CELL, loadLmlab, LmlabError } from '../wasm_glue/index.mjs';
import { nativeDriver, nativeDriverMissing } from './native-driver.mjs';

let lm;
before(async () => {
  lm = await loadLmlab();
});

function ids(count, V, seed = 1) {
  let x = seed >>> 0;
  return Int32Array.from({ length: count }, () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return (x >>> 8) % V;
  });
}

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

const CELLS = [
  { cell: 'lstm', vocabSize: 8, embedding: 0, hidden: 5, layers: 2 },
  { cell: 'lstm', vocabSize: 9, embedding: 4, hidden: 5 },
  { cell: 'gru', vocabSize: 8, embedding: 4, hidden: 5, layers: 2 },
  { cell: 'gru', vocabSize: 7, embedding: 0, hidden: 5, layers: 2, gruVariant: 'lecture' },
  { cell: 'window', vocabSize: 9, embedding: 3, hidden: 6, window: 3 },
];

test("parameter tables: the lecture's shapes under PyTorch's names (G = 4 LSTM, 3 GRU)", () => {
  const lstm = lm.Model.create({ cell: 'lstm', vocabSize: 11, embedding: 6, hidden: 5, layers: 2, seed: 3 });
  const p = lstm.parameters();
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
    [[11, 6], [6, 20], [5, 20], [20], [5, 20], [5, 20], [20], [5, 11], [11]],
  );
  // forget-gate bias 1 (block f of i|f|g|o), the other gates 0
  assert.deepEqual(Array.from(p[3].data), [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, ...Array(10).fill(0)]);
  assert.equal(lstm.config.cell, 'lstm');
  assert.equal(lstm.config.gruVariant, undefined);
  const gru = lm.Model.create({ cell: 'gru', vocabSize: 11, embedding: 0, hidden: 5, seed: 3 });
  assert.equal(gru.config.gruVariant, 'torch', 'the torch variant is the default');
  assert.deepEqual(
    gru.parameters().map((t) => [t.name, t.lecture, t.shape.join('x')]),
    [
      ['rnn.weight_ih_l0', 'Wx', '11x15'],
      ['rnn.weight_hh_l0', 'Wh', '5x15'],
      ['rnn.bias_ih_l0', 'b', '15'],
      ['rnn.bias_hh_l0', 'bh', '15'],
      ['decoder.weight', 'Wy', '5x11'],
      ['decoder.bias', 'by', '11'],
    ],
  );
  const lecture = lm.Model.create({
    cell: 'gru',
    vocabSize: 11,
    embedding: 0,
    hidden: 5,
    seed: 3,
    gruVariant: 'lecture',
  });
  assert.equal(lecture.parameters().length, 5, 'the lecture GRU has one bias per layer');
  const win = lm.Model.create({ cell: 'window', vocabSize: 11, embedding: 4, hidden: 7, window: 3, seed: 3 });
  assert.deepEqual(
    win.parameters().map((t) => [t.name, t.lecture, t.shape.join('x')]),
    [
      ['embedding.weight', 'W_embed', '11x4'],
      ['hidden.weight', 'W', '12x7'],
      ['hidden.bias', 'b1', '7'],
      ['decoder.weight', 'U', '7x11'],
      ['decoder.bias', 'b2', '11'],
    ],
  );
  assert.equal(win.config.window, 3);
  for (const m of [lstm, gru, lecture, win]) m.dispose();
});

test('whole-model gradient check in float32 for every cell (L = 2 included)', () => {
  for (const cfg of CELLS) {
    const m = lm.Model.create({ seed: 2, ...cfg });
    enlarge(m, 20);
    m.lossAndGrads(ids(3 * 6, cfg.vocabSize, 5), 3, 5); // a non-empty carried state to start from
    const result = m.gradientCheck(ids(3 * 6, cfg.vocabSize, 9), 3, 5, { samples: 15, eps: 1e-2 });
    assert.equal(result.length, m.parameters().length);
    for (const { name, relError } of result) assert.ok(relError < 2e-2, `${JSON.stringify(cfg)} ${name}: ${relError}`);
    m.dispose();
  }
});

test('carried state: two windows equal one of twice the length (LSTM h and c, window ids)', () => {
  for (const cfg of CELLS) {
    const m = lm.Model.create({ seed: 4, ...cfg });
    enlarge(m, 10);
    const stream = ids(2 * 11, cfg.vocabSize, 3);
    const part = (from) =>
      Int32Array.from({ length: 2 * 6 }, (_, i) => stream[Math.floor(i / 6) * 11 + from + (i % 6)]);
    m.resetState();
    const a = m.lossAndGrads(part(0), 2, 5);
    const b = m.lossAndGrads(part(5), 2, 5);
    m.resetState();
    const whole = m.lossAndGrads(stream, 2, 10);
    assert.ok(Math.abs((a + b) / 2 - whole) < 1e-5 * whole, `${cfg.cell}: ${(a + b) / 2} vs ${whole}`);
    assert.equal(m.gradFlow().length, 10);
    assert.ok(
      m.gradFlow().every((v) => Number.isFinite(v) && v > 0),
      `${cfg.cell} gradient flow`,
    );
    m.dispose();
  }
});

test('probes: hidden states, gates (T, G·H) with their names, the LSTM cell state (T, H)', () => {
  const probe = [1, 2, 3, 4, 0, 5];
  const lstm = lm.Model.create({ cell: 'lstm', vocabSize: 6, embedding: 0, hidden: 4, layers: 2, seed: 1 });
  enlarge(lstm, 30);
  const p = lstm.probe(probe);
  assert.deepEqual(p.gateNames, ['i', 'f', 'g', 'o']);
  assert.deepEqual(p.h.shape, [6, 4]);
  assert.deepEqual(p.c.shape, [6, 4]);
  assert.deepEqual(p.gates.shape, [6, 16]);
  for (let t = 0; t < 6; t++) {
    for (let j = 0; j < 4; j++) {
      const o = p.gates.data[t * 16 + 12 + j];
      assert.ok(Math.abs(p.h.data[t * 4 + j] - o * Math.tanh(p.c.data[t * 4 + j])) < 1e-5, 'h = o ⊙ tanh(c)');
    }
  }
  assert.deepEqual(lstm.hiddenStates(probe).data, p.h.data);
  const gru = lm.Model.create({ cell: 'gru', vocabSize: 6, embedding: 0, hidden: 4, seed: 1 });
  const g = gru.probe(probe);
  assert.deepEqual(g.gateNames, ['r', 'z', 'g']);
  assert.deepEqual(g.gates.shape, [6, 12]);
  assert.equal(g.c, undefined);
  const rnn = lm.Model.create({ cell: 'rnn', vocabSize: 6, embedding: 0, hidden: 4, seed: 1 });
  const r = rnn.probe(probe);
  assert.deepEqual(r.gateNames, []);
  assert.equal(r.gates, undefined);
  const win = lm.Model.create({ cell: 'window', vocabSize: 6, embedding: 3, hidden: 4, window: 2, seed: 1 });
  assert.deepEqual(win.probe(probe).h.shape, [6, 4]);
  throwsWith(() => lstm.probe([]), /^model_probe: n \(ids\) must be at least 1, got 0$/, lm.STATUS.ARG);
  throwsWith(() => lstm.probe([9]), /^model_probe: ids\[0\] = 9 is not a token id/, lm.STATUS.ARG);
  for (const m of [lstm, gru, rnn, win]) m.dispose();
});

test('save -> load round trip for every cell: config, parameters and logits', () => {
  for (const cfg of CELLS) {
    const m = lm.Model.create({ seed: 6, ...cfg });
    enlarge(m, 5);
    const back = lm.Model.load(m.save());
    assert.deepEqual(back.config, m.config);
    const x = ids(2 * 5, cfg.vocabSize, 8);
    assert.deepEqual(back.logits(x, 2, 5).data, m.logits(x, 2, 5).data);
    const greedy = (model) => Array.from(model.sample([1], { length: 8, temperature: 0 }));
    assert.deepEqual(greedy(back), greedy(m));
    m.dispose();
    back.dispose();
  }
});

test('bad configurations give clear errors (JS option strings, C ranges, model files)', () => {
  const ARG = lm.STATUS.ARG;
  throwsWith(
    () => lm.Model.create({ cell: 'window', vocabSize: 10, embedding: 4, hidden: 5, window: 0, seed: 1 }),
    /^model_create: W \(window: previous tokens the model sees\) must be between 1 and 64, got 0$/,
    ARG,
  );
  throwsWith(
    () => lm.Model.create({ cell: 'lstm', vocabSize: 10, embedding: 0, hidden: 5, layers: 0, seed: 1 }),
    /^model_create: L \(layers\) must be between 1 and 4, got 0$/,
    ARG,
  );
  throwsWith(
    () => lm.Model.create({ cell: 'window', vocabSize: 10, embedding: 0, hidden: 5, window: 3, seed: 1 }),
    /needs a trainable embedding/,
    ARG,
  );
  throwsWith(
    () => lm.Model.create({ cell: 'window', vocabSize: 10, embedding: 4, hidden: 5, window: 3, layers: 2, seed: 1 }),
    /one hidden layer/,
    ARG,
  );
  throwsWith(
    () => lm.Model.create({ cell: 'gru', vocabSize: 10, embedding: 0, hidden: 5, gruVariant: 'keras', seed: 1 }),
    /gruVariant must be/,
    ARG,
  );
  throwsWith(
    () => lm.Model.create({ cell: 'rnn', vocabSize: 10, embedding: 0, hidden: 5, gruVariant: 'torch', seed: 1 }),
    /gruVariant applies to the GRU only/,
    ARG,
  );
  throwsWith(
    () => lm.Model.create({ cell: 'rnn', vocabSize: 10, embedding: 0, hidden: 5, window: 3, seed: 1 }),
    /^model_create: W \(window\) applies to the window model only; the rnn cell needs W = 0, got 3$/,
    ARG,
  );
  throwsWith(
    () => lm.Model.create({ cell: 'transformer', vocabSize: 10, embedding: 0, hidden: 5, seed: 1 }),
    /cell must be one of rnn, lstm, gru, window/,
    ARG,
  );
  // the raw C edge gives the same sentences
  const X = lm.core.exports;
  const status = (fn) => lm.core.scoped((s) => fn(s.out()));
  assert.equal(
    status((out) => X.lm_model_create(CELL.WINDOW, 10, 4, 5, 1, 0, 0, 1, out)),
    ARG,
  );
  assert.equal(
    lm.lastErrorMessage(),
    'model_create: W (window: previous tokens the model sees) must be between 1 and 64, got 0',
  );
  assert.equal(
    status((out) => X.lm_model_create(CELL.LSTM, 10, 0, 5, 0, 0, 0, 1, out)),
    ARG,
  );
  assert.equal(lm.lastErrorMessage(), 'model_create: L (layers) must be between 1 and 4, got 0');
  // a model file whose cell is unknown
  const m = lm.Model.create({ cell: 'lstm', vocabSize: 5, embedding: 0, hidden: 3, seed: 1 });
  const bytes = m.save();
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  const header = new TextDecoder().decode(bytes.subarray(8, 8 + n)).replace('\\"lstm\\"', '\\"lsxm\\"');
  const edited = bytes.slice();
  edited.set(new TextEncoder().encode(header), 8);
  throwsWith(() => lm.Model.load(edited), /model file has cell 'lsxm', which this build does not know/, 5);
  m.dispose();
});

test('native and WASM agree on the same seed for LSTM, GRU (both variants) and the window model', (ctx) => {
  if (nativeDriverMissing()) {
    ctx.skip(nativeDriverMissing());
    return;
  }
  const native = JSON.parse(execFileSync(nativeDriver('train'), ['--check'], { encoding: 'utf8' }));
  // the same runs in WASM (see check() in scripts/bench/train.c)
  const stream = Int32Array.from({ length: 4000 }, (_, i) => (i * i + 3 * Math.floor(i / 7)) % 11);
  const configs = {
    lstm: { cell: 'lstm', vocabSize: 11, embedding: 0, hidden: 16, layers: 2 },
    gru: { cell: 'gru', vocabSize: 11, embedding: 6, hidden: 16, layers: 2, gruVariant: 'torch' },
    gru_lecture: { cell: 'gru', vocabSize: 11, embedding: 0, hidden: 12, gruVariant: 'lecture' },
    window: { cell: 'window', vocabSize: 11, embedding: 6, hidden: 16, window: 3 },
  };
  for (const [name, cfg] of Object.entries(configs)) {
    const m = lm.Model.create({ seed: 3, ...cfg });
    const t = new lm.Trainer(m, stream, { batch: 4, seq: 12, optimizer: 'sgd', lr: 0.05, clip: 5 });
    const losses = Array.from({ length: 20 }, () => t.train(1).lastLoss);
    losses.forEach((l, i) =>
      assert.ok(
        Math.abs(l - native[name].losses[i]) < 1e-5 * l,
        `${name} step ${i + 1}: wasm ${l} native ${native[name].losses[i]}`,
      ),
    );
    const sum = m.parameters().reduce((s, p) => s + p.data.reduce((a, v) => a + v, 0), 0);
    assert.ok(
      Math.abs(sum - native[name].param_sum) < 1e-3 * Math.max(1, Math.abs(sum)),
      `${name} parameter sums ${sum} vs ${native[name].param_sum}`,
    );
    t.dispose();
    m.dispose();
  }
});

// ---- CLI -------------------------------------------------------------------------------------------

const cli = (args) => spawnSync(process.execPath, ['scripts/lmlab.mjs', ...args], { encoding: 'utf8' });

test('CLI: train --cell lstm --layers 2 then eval and sample it; compare writes its table as JSON; bad flags', async () => {
  const { writeFileSync, readFileSync } = await import('node:fs');
  const dir = mkdtempSync(join(tmpdir(), 'lmlab-ladder-cli-'));
  try {
    const text = Array.from({ length: 300 }, (_, i) => `line ${i % 7} of the ladder, ${'abc'[i % 3]} end.\n`).join('');
    const data = join(dir, 'text.txt');
    writeFileSync(data, text);
    const model = join(dir, 'lstm.safetensors');
    let r = cli([
      'train',
      '--data',
      data,
      '--cell',
      'lstm',
      '--layers',
      '2',
      '--hidden',
      '12',
      '--steps',
      '20',
      '--batch',
      '4',
      '--seq',
      '10',
      '--quiet',
      '--out',
      model,
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /saved .* at step 20/);
    r = cli(['eval', '--model', model, '--data', data, '--json']);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(Number.isFinite(JSON.parse(r.stdout).loss));
    r = cli(['sample', '--model', model, '--length', '20', '--seed', '3']);
    assert.equal(r.status, 0, r.stderr);
    const out = join(dir, 'compare.json');
    r = cli([
      'compare',
      '--data',
      data,
      '--steps',
      '3',
      '--hidden',
      '8',
      '--batch',
      '4',
      '--seq',
      '8',
      '--val-tokens',
      '500',
      '--json-out',
      out,
      '--quiet',
    ]);
    assert.equal(r.status, 0, r.stderr);
    const table = JSON.parse(readFileSync(out, 'utf8'));
    assert.deepEqual(
      table.rows.map((row) => row.cell),
      ['bigram', 'window', 'rnn', 'lstm', 'gru'],
    );
    for (const row of table.rows) {
      assert.ok(Number.isFinite(row.loss) && row.loss > 0, `${row.cell} loss ${row.loss}`);
      assert.ok(Math.abs(row.perplexity - Math.exp(row.loss)) < 1e-9 * row.perplexity);
      if (row.cell !== 'bigram') assert.equal(row.steps, 3);
    }
    assert.match(r.stdout, /\| model +\| parameters \| chars\/s/);
    r = cli(['train', '--data', data, '--cell', 'window', '--window', '0', '--quiet']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--window must be at least 1, got 0/);
    r = cli(['train', '--data', data, '--cell', 'rnn', '--window', '3', '--quiet']);
    assert.match(r.stderr, /--window applies to --cell window/);
    r = cli(['train', '--data', data, '--layers', '0', '--quiet']);
    assert.match(r.stderr, /--layers must be at least 1, got 0/);
    r = cli(['compare', '--data', data, '--cells', 'rnn,transformer']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /'transformer' is not one of bigram, window, rnn, lstm, gru/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
