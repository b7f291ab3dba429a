// train.test.mjs — training end to end on the WASM build: convergence on a deterministic pattern (far
// below the unigram entropy) and none on random characters (no leakage), stream/window bookkeeping,
// held-out evaluation counts, resume-after-save with the same losses, the refusal of non-finite steps,
// native-vs-WASM agreement on the same seed, and the train/eval/sample CLI with its errors.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLmlab, LmlabError } from '../wasm_glue/index.mjs';
import { nativeDriver, nativeDriverMissing } from './native-driver.mjs';
import { enableRelaxedSimd } from '../scripts/cli/_relaxed-simd.mjs';

let lm;
before(async () => {
  lm = await loadLmlab();
});

function lcgIds(count, V, seed) {
  let x = seed >>> 0;
  return Int32Array.from({ length: count }, () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return (x >>> 8) % V;
  });
}

/** Entropy (nats) of the token frequencies: the best loss a model without context can reach. */
function unigramEntropy(ids, V) {
  const counts = new Float64Array(V);
  for (const id of ids) counts[id]++;
  let h = 0;
  for (const c of counts) if (c) h -= (c / ids.length) * Math.log(c / ids.length);
  return h;
}

test('convergence: a deterministic pattern is learnt far below the unigram entropy; random text is not', () => {
  const phrase = Array.from('the cat sat on the mat. ', (ch) => ch.charCodeAt(0));
  const symbols = [...new Set(phrase)];
  const V = symbols.length;
  const pattern = Int32Array.from({ length: 6000 }, (_, i) => symbols.indexOf(phrase[i % phrase.length]));
  const random = lcgIds(6000, V, 17);
  const results = {};
  for (const [name, stream] of [
    ['pattern', pattern],
    ['random', random],
  ]) {
    const train = stream.subarray(0, 5000);
    const held = name === 'pattern' ? stream.subarray(5000) : lcgIds(1000, V, 99); // fresh random text
    const m = lm.Model.create({ cell: 'rnn', vocabSize: V, embedding: 0, hidden: 32, seed: 1 });
    const t = new lm.Trainer(m, train, { batch: 8, seq: 25, optimizer: 'adagrad', lr: 0.1, clip: 5 });
    t.train(250);
    results[name] = { held: m.evaluate(held, { batch: 1 }).loss, entropy: unigramEntropy(train, V) };
    t.dispose();
    m.dispose();
  }
  assert.ok(results.pattern.held < 0.1 * results.pattern.entropy, JSON.stringify(results.pattern));
  // random text: the held-out loss cannot go below the entropy of the source (log V here, up to sampling)
  assert.ok(results.random.held > 0.97 * Math.log(V), JSON.stringify(results.random));
});

test('streams: N windows from n·floor(len/N), wrapping with a state reset; evaluation counts', () => {
  const m = lm.Model.create({ cell: 'rnn', vocabSize: 5, embedding: 0, hidden: 4, seed: 1 });
  const t = new lm.Trainer(m, lcgIds(103, 5, 3), { batch: 4, seq: 5, optimizer: 'sgd', lr: 0.1 });
  // stream length floor(103/4) = 25: windows at 0, 5, 10, 15 fit (15 + 6 <= 25), 20 does not
  let s = t.train(4);
  assert.equal(s.position, 20);
  assert.equal(s.epochs, 0);
  s = t.train(1);
  assert.equal(s.position, 5);
  assert.equal(s.epochs, 1);
  assert.equal(t.step, 5);
  // batch 1: every token after the first; batch 3: 3 streams of floor(100/3) = 33, 32 predicted each
  const held = lcgIds(100, 5, 8);
  assert.equal(m.evaluate(held, { batch: 1, seq: 7 }).tokens, 99);
  assert.equal(m.evaluate(held, { batch: 3, seq: 7 }).tokens, 96);
  // the window length does not change the result when the state is carried
  const a = m.evaluate(held, { batch: 1, seq: 7 }).loss;
  const b = m.evaluate(held, { batch: 1, seq: 99 }).loss;
  assert.ok(Math.abs(a - b) < 1e-5, `${a} vs ${b}`);
  const r = m.evaluate(held, { batch: 2, seq: 10 });
  assert.ok(Math.abs(r.perplexity - Math.exp(r.loss)) < 1e-9 && Math.abs(r.bitsPerToken - r.loss / Math.LN2) < 1e-12);
  assert.throws(() => m.evaluate(held.subarray(0, 3), { batch: 2 }), /too short/);
  t.dispose();
  m.dispose();
});

test('resume: the loss right after resuming equals the loss right before saving, and training continues identically', () => {
  const ids = lcgIds(5000, 9, 5).map((v, i) => (i % 3 ? v : (i * 7) % 9));
  for (const optimizer of ['adagrad', 'adam', 'sgd']) {
    const options = {
      batch: 6,
      seq: 12,
      optimizer,
      lr: optimizer === 'sgd' ? 0.5 : optimizer === 'adam' ? 0.01 : 0.1,
      momentum: optimizer === 'sgd' ? 0.9 : 0,
      clip: 1,
      clipMode: 'norm',
    };
    const a = lm.Model.create({ cell: 'rnn', vocabSize: 9, embedding: 5, hidden: 12, seed: 2 });
    const ta = new lm.Trainer(a, ids, options);
    ta.train(37);
    const held = lcgIds(400, 9, 77);
    const beforeSave = ta.evaluate(held).loss;
    const bytes = a.save(ta);
    const b = lm.Model.load(bytes);
    const tb = new lm.Trainer(b, ids, options);
    tb.restore(bytes);
    assert.equal(tb.step, 37);
    assert.equal(tb.evaluate(held).loss, beforeSave, `${optimizer}: held-out loss after resuming`);
    const sa = ta.train(5);
    const sb = tb.train(5);
    assert.equal(sb.loss, sa.loss, `${optimizer}: training loss after resuming`);
    assert.equal(sb.lastLoss, sa.lastLoss);
    assert.equal(sb.clipEvents, sa.clipEvents);
    assert.deepEqual(b.parameters()[1].data, a.parameters()[1].data);
    for (const x of [ta, tb, a, b]) x.dispose();
  }
});

test('a non-finite step is refused: the error names the tensor and the parameters keep their last finite values', () => {
  const m = lm.Model.create({ cell: 'rnn', vocabSize: 6, embedding: 0, hidden: 8, seed: 3 });
  const t = new lm.Trainer(m, lcgIds(2000, 6, 4), { batch: 4, seq: 10, optimizer: 'sgd', lr: 1e38 });
  let error = null;
  let snapshot = null;
  for (let i = 0; i < 50 && !error; i++) {
    snapshot = m.parameters().map((p) => p.data.slice());
    try {
      t.train(1);
    } catch (err) {
      error = err;
    }
  }
  assert.ok(error instanceof LmlabError, 'a learning rate of 1e30 must end in a refused step');
  assert.equal(error.code, 6);
  assert.match(error.message, /(rnn|decoder)\.[a-z_0-9.]+ \((Wx|Wh|b|Wy|by)\)/);
  assert.match(error.message, /lower learning rate|clip/);
  const after = m.parameters();
  after.forEach((p, k) => {
    assert.ok(p.data.every(Number.isFinite), `${p.name} must stay finite`);
    assert.deepEqual(p.data, snapshot[k], `${p.name} must be unchanged by the refused step`);
  });
  t.dispose();
  m.dispose();
});

test('native and WASM agree on the same seed (the benchmark driver in --check mode)', (ctx) => {
  if (nativeDriverMissing()) {
    ctx.skip(nativeDriverMissing());
    return;
  }
  const nativeRun = JSON.parse(execFileSync(nativeDriver('train'), ['--check'], { encoding: 'utf8' })).rnn;
  // the same problem in WASM (see check() in scripts/bench/train.c)
  const ids = Int32Array.from({ length: 4000 }, (_, i) => (i * i + 3 * Math.floor(i / 7)) % 11);
  const m = lm.Model.create({ cell: 'rnn', vocabSize: 11, embedding: 0, hidden: 24, seed: 3 });
  const t = new lm.Trainer(m, ids, { batch: 4, seq: 12, optimizer: 'sgd', lr: 0.05, clip: 5 });
  const losses = Array.from({ length: 30 }, () => t.train(1).lastLoss);
  losses.forEach((l, i) =>
    assert.ok(
      Math.abs(l - nativeRun.losses[i]) < 1e-5 * Math.abs(l),
      `step ${i + 1}: wasm ${l} native ${nativeRun.losses[i]}`,
    ),
  );
  const sum = m.parameters().reduce((s, p) => s + p.data.reduce((a, v) => a + v, 0), 0);
  assert.ok(
    Math.abs(sum - nativeRun.param_sum) < 1e-3 * Math.max(1, Math.abs(sum)),
    `parameter sums ${sum} vs ${nativeRun.param_sum}`,
  );
  t.dispose();
  m.dispose();
});

// ---- CLI ---------------------------------------------------------------------------------------------

const cli = (args) => spawnSync(process.execPath, ['scripts/lmlab.mjs', ...args], { encoding: 'utf8' });

test('CLI: train, eval (--json, --batch 1, --free-running), sample (reproducible), resume', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lmlab-cli-'));
  try {
    const data = join(dir, 'tiny.txt');
    writeFileSync(data, 'ROMEO: good morrow, fair lady.\nJULIET: good morrow, sir.\n'.repeat(60));
    const out = join(dir, 'm.safetensors');
    const train = cli([
      'train',
      '--data',
      data,
      '--hidden',
      '24',
      '--batch',
      '4',
      '--seq',
      '16',
      '--steps',
      '60',
      '--every',
      '30',
      '--sample-length',
      '20',
      '--out',
      out,
    ]);
    assert.equal(train.status, 0, train.stderr);
    assert.match(
      train.stdout,
      /step 30 {2}loss [\d.]+ {2}smooth [\d.]+ {2}val [\d.]+ {2}\d+ chars\/s {2}threads 1 \(batch too small\) {2}ETA \d+s {2}clips \d+/,
    );
    assert.match(train.stdout, /---- sample at step 60:/);
    assert.match(train.stdout, /saved .* at step 60: train loss [\d.]+, val loss [\d.]+ \(perplexity/);
    const evaluation = cli(['eval', '--model', out, '--data', data, '--json']);
    assert.equal(evaluation.status, 0, evaluation.stderr);
    const result = JSON.parse(evaluation.stdout);
    const chars = readFileSync(data, 'utf8').length;
    assert.equal(result.tokens, chars - 1);
    assert.ok(
      result.loss > 0 && result.loss < Math.log(20) && Math.abs(result.bitsPerChar - result.loss / Math.LN2) < 1e-9,
    );
    const human = cli(['eval', '--model', out, '--data', data]);
    assert.match(human.stdout, /loss [\d.]+ nats\/char {3}perplexity [\d.]+ {3}[\d.]+ bits\/char/);
    // teacher-forced vs free-running on the same targets: the same numbers as the JS API's freeRunning
    const free = cli(['eval', '--model', out, '--data', data, '--free-running', '40', '--prime', '7', '--json']);
    assert.equal(free.status, 0, free.stderr);
    const fr = JSON.parse(free.stdout).freeRunning;
    assert.equal(fr.tokens, 34);
    assert.equal(fr.primeText, 'ROMEO: ');
    assert.equal(fr.truth, readFileSync(data, 'utf8').slice(7, 41));
    assert.equal([...fr.written].length, 34);
    // the CLI computes on the fused multiply-add build where it can turn relaxed SIMD on (Node 20: a flag it
    // sets for itself), so the same numbers come from the same build here
    const cliLm = await loadLmlab({ fma: enableRelaxedSimd() !== 'unavailable' });
    const reloaded = cliLm.Model.load(new Uint8Array(readFileSync(out)));
    const reloadedVocab = cliLm.Vocab.fromJSON(JSON.parse(reloaded.metadata.vocab));
    const api = reloaded.freeRunning(reloadedVocab.encode(readFileSync(data, 'utf8').slice(0, 41)), { prime: 7 });
    assert.equal(fr.teacherForced.loss, api.teacherForced.loss);
    assert.equal(fr.freeRunning.loss, api.freeRunning.loss);
    reloaded.dispose();
    reloadedVocab.dispose();
    const said = cli(['eval', '--model', out, '--data', data, '--free-running', '40']).stdout;
    assert.match(said, /teacher-forced \(the true previous token fed in\) loss [\d.]+ nats\/char, accuracy [\d.]+%/);
    assert.match(said, /free-running wrote: {2}"R/);
    const lonePrime = cli(['eval', '--model', out, '--data', data, '--prime', '3']);
    assert.equal(lonePrime.status, 2);
    assert.match(lonePrime.stderr, /--prime goes with --free-running N/);
    const tooFew = cli(['eval', '--model', out, '--data', data, '--free-running', '5', '--prime', '5']);
    assert.equal(tooFew.status, 2);
    assert.match(tooFew.stderr, /--free-running needs more than --prime 5 \+ 1 tokens/);
    const s1 = cli(['sample', '--model', out, '--prime', 'ROMEO:', '--length', '40', '--seed', '3']);
    const s2 = cli(['sample', '--model', out, '--prime', 'ROMEO:', '--length', '40', '--seed', '3']);
    assert.equal(s1.status, 0, s1.stderr);
    assert.equal(s1.stdout, s2.stdout);
    assert.ok(s1.stdout.startsWith('ROMEO:') && s1.stdout.length >= 46);
    const resumed = cli([
      'train',
      '--data',
      data,
      '--resume',
      out,
      '--steps',
      '10',
      '--out',
      join(dir, 'm2.safetensors'),
      '--quiet',
    ]);
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stdout, /at step 70/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CLI: --lr-decay linear lowers the rate over --steps and records it; a bad schedule is refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lmlab-decay-'));
  try {
    const data = join(dir, 'tiny.txt');
    writeFileSync(data, 'abcabcabd\n'.repeat(200));
    const out = join(dir, 'm.safetensors');
    const run = cli([
      'train',
      '--data',
      data,
      '--hidden',
      '8',
      '--batch',
      '2',
      '--seq',
      '8',
      '--steps',
      '50',
      '--lr',
      '0.01',
      '--lr-decay',
      'linear',
      '--out',
      out,
    ]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /adam lr 0\.01 decaying linearly to 1\/50/);
    const bytes = readFileSync(out);
    const header = JSON.parse(bytes.subarray(8, 8 + Number(bytes.readBigUInt64LE(0))).toString('utf8'));
    const trainer = JSON.parse(header.__metadata__.trainer);
    const training = JSON.parse(header.__metadata__.training);
    // the rate of the last chunk: between the floor (1/50) and the base, well below the base near the end
    assert.ok(trainer.lr >= 0.01 / 50 && trainer.lr < 0.01 * 0.5, `last rate ${trainer.lr}`);
    assert.equal(training.lrDecay, 'linear');
    assert.equal(training.lr, 0.01);
    const bad = cli(['train', '--data', data, '--steps', '5', '--lr-decay', 'cosine', '--out', out]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /lr-decay/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CLI: what the flags leave out is the per-cell recipe (scripts/cli/_defaults.mjs), recorded in the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lmlab-defaults-'));
  try {
    const data = join(dir, 'tiny.txt');
    writeFileSync(data, 'the cat sat on the mat.\n'.repeat(100));
    const out = join(dir, 'm.safetensors');
    const train = (...flags) => {
      const run = cli(['train', '--data', data, '--hidden', '8', '--steps', '2', '--quiet', '--out', out, ...flags]);
      assert.equal(run.status, 0, run.stderr);
      const bytes = readFileSync(out);
      const header = JSON.parse(bytes.subarray(8, 8 + Number(bytes.readBigUInt64LE(0))).toString('utf8'));
      const t = JSON.parse(header.__metadata__.training);
      const [V, E] = header['embedding.weight'].shape; // one-hot input is stored as a (V, V) identity
      const embedding = V === E ? 0 : E;
      const init = header.__metadata__.init ? JSON.parse(header.__metadata__.init).initScale : 1;
      return [t.lr, t.lrDecay, t.clip, t.clipMode, embedding, init, t.stateResets];
    };
    assert.deepEqual(train(), [0.004, 'linear', 125, 'norm', 32, 5, 0.01]); // rnn: weights start at N(0, 0.05²), as LSTM and GRU
    assert.deepEqual(train('--cell', 'lstm'), [0.008, 'linear', 125, 'norm', 32, 5, 0.01]);
    assert.deepEqual(train('--cell', 'gru', '--seq', '10'), [0.008, 'linear', 50, 'norm', 32, 5, 0.01]); // 5 per step
    assert.deepEqual(train('--cell', 'window'), [0.002, 'none', 5, 'value', 32, 1, 0]);
    // a flag given keeps its old meaning: --clip alone clips element-wise; another optimizer, no decay
    assert.deepEqual(train('--clip', '3'), [0.004, 'linear', 3, 'value', 32, 5, 0.01]);
    assert.deepEqual(train('--optimizer', 'adagrad', '--embedding', '0'), [0.1, 'none', 125, 'norm', 0, 5, 0.01]);
    assert.deepEqual(train('--lr-decay', 'none', '--clip-mode', 'value'), [0.004, 'none', 5, 'value', 32, 5, 0.01]);
    // the start's own flags win: --init-scale, or --recurrent-gain (the RNN's other weights at 1)
    assert.deepEqual(train('--init-scale', '2'), [0.004, 'linear', 125, 'norm', 32, 2, 0.01]);
    assert.deepEqual(train('--recurrent-gain', '0.5'), [0.004, 'linear', 125, 'norm', 32, 1, 0.01]);
    // batches of sentences (not measured for the new recipe) keep the old one, and start every piece from zeros
    assert.deepEqual(train('--batching', 'sentences'), [0.002, 'none', 5, 'value', 32, 1, 0]);
    // --state-resets: given, off, kept by --resume unless given again; refused for batches of sentences
    assert.deepEqual(train('--state-resets', '0.05'), [0.004, 'linear', 125, 'norm', 32, 5, 0.05]);
    const resumed = (...flags) => {
      const again = join(dir, 'resumed.safetensors');
      const run = cli(['train', '--data', data, '--steps', '2', '--quiet', '--resume', out, '--out', again, ...flags]);
      assert.equal(run.status, 0, run.stderr);
      const bytes = readFileSync(again);
      const header = JSON.parse(bytes.subarray(8, 8 + Number(bytes.readBigUInt64LE(0))).toString('utf8'));
      return JSON.parse(header.__metadata__.training).stateResets;
    };
    assert.equal(resumed(), 0.05);
    assert.equal(resumed('--state-resets', '0'), 0);
    const refused = cli(['train', '--data', data, '--batching', 'sentences', '--state-resets', '0.1', '--out', out]);
    assert.equal(refused.status, 2, refused.stderr);
    assert.match(refused.stderr, /--state-resets applies to --batching streams/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CLI: word level with masked-word accuracy; Ctrl-C saves a checkpoint', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lmlab-cli-'));
  try {
    const data = join(dir, 'words.txt');
    const lines = [
      'the cat sat on the mat .',
      'the dog sat on the rug .',
      'a cat ran to the mat .',
      'a dog ran to the rug .',
    ];
    writeFileSync(data, Array.from({ length: 120 }, (_, i) => lines[i % 4]).join('\n') + '\n');
    const out = join(dir, 'w.safetensors');
    const train = cli([
      'train',
      '--data',
      data,
      '--level',
      'word',
      '--hidden',
      '24',
      '--batch',
      '4',
      '--seq',
      '10',
      '--optimizer',
      'adam',
      '--lr',
      '0.01',
      '--steps',
      '150',
      '--every',
      '150',
      '--out',
      out,
    ]);
    assert.equal(train.status, 0, train.stderr);
    const evaluation = JSON.parse(cli(['eval', '--model', out, '--data', data, '--masked', '--json']).stdout);
    assert.equal(evaluation.level, 'word');
    assert.ok(evaluation.masked.sentences >= 100 && evaluation.masked.top5 > 0.5, JSON.stringify(evaluation.masked));
    const sample = cli(['sample', '--model', out, '--temperature', '0', '--length', '30']);
    assert.equal(sample.status, 0, sample.stderr);
    assert.match(sample.stdout, /^(the|a) (cat|dog) /); // a sentence from <s>, stopped at </s>
    // Ctrl-C: the run saves a checkpoint and exits with 130
    const { spawn } = await import('node:child_process');
    const ckpt = join(dir, 'ctrl-c.safetensors');
    const child = spawn(process.execPath, [
      'scripts/lmlab.mjs',
      'train',
      '--data',
      data,
      '--level',
      'word',
      '--hidden',
      '16',
      '--batch',
      '4',
      '--seq',
      '10',
      '--minutes',
      '1',
      '--every',
      '20',
      '--out',
      ckpt,
    ]);
    let stdout = '';
    let sent = false;
    const code = await new Promise((resolve) => {
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
        if (!sent && stdout.includes('step 20')) {
          sent = true;
          child.kill('SIGINT');
        }
      });
      child.on('exit', (c) => resolve(c));
    });
    assert.equal(code, 130, stdout);
    assert.match(stdout, /interrupted \(SIGINT\): checkpoint .* at step \d+/);
    const model = lm.Model.load(new Uint8Array(readFileSync(ckpt)));
    assert.equal(model.config.hidden, 16);
    model.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CLI: bad input is one clear line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lmlab-cli-'));
  try {
    const data = join(dir, 'tiny.txt');
    writeFileSync(data, 'abcabcabc\n'.repeat(20));
    let r = cli(['train', '--data', data, '--lr', '0', '--steps', '1']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--lr must be a positive number/);
    r = cli(['train', '--data', join(dir, 'missing.txt'), '--steps', '1']);
    assert.match(r.stderr, /cannot read --data .*no such file/);
    r = cli([
      'train',
      '--data',
      data,
      '--batch',
      '32',
      '--seq',
      '25',
      '--steps',
      '1',
      '--out',
      join(dir, 'x.safetensors'),
    ]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /too short for one window/);
    r = cli(['train', '--data', data, '--hidden', '5000']);
    assert.match(r.stderr, /--hidden must be at most 4096/);
    const bad = join(dir, 'bad.safetensors');
    writeFileSync(bad, Buffer.from('not a model file at all'));
    r = cli(['eval', '--model', bad, '--data', data]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /^lmlab: --model .*bad.safetensors: model file is truncated or not a safetensors file/);
    r = cli(['sample', '--length', '5']);
    assert.match(r.stderr, /sample needs --model FILE/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
