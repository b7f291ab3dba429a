// torch-bridge.test.mjs — python/lmlab_torch (the PyTorch bridge) against lmlab itself. For each cell
// (RNN, LSTM, GRU in both variants, the window model; one-hot and embedding; stacks): a model made and
// saved here is loaded by the bridge (the same logits as lmlab's before training), trained a few steps
// on a generated text, written, and loaded back by lmlab, whose logits must agree with the bridge's;
// the bridge's per-step training loss must track lmlab's own trainer from the same file on the same
// batches, and lmlab's trainer must resume the bridge's optimizer state. Also: growing (more layers,
// widening with the old scores kept, a fresh larger hidden size), the word-level tokenizer against
// lmlab's encoder, bad input (one sentence, nothing written), and a two-process torchrun (gloo) run
// whose file lmlab loads and whose weights match the single-process run on the same batch.
// Skips (with the reason) only when /usr/bin/python3 cannot import torch; `make test` installs it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLmlab } from '../wasm_glue/index.mjs';

const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
const skip = probe.status === 0 ? false : `skipped: ${PYTHON} cannot import torch and numpy (${(probe.stderr || probe.error?.message || '').trim().split('\n').pop()}); install python3-torch`;
const ENV = { ...process.env, PYTHONPATH: 'python', OMP_NUM_THREADS: '1' };

let lm;
let dir;
before(async () => {
  lm = await loadLmlab();
  dir = mkdtempSync(join(tmpdir(), 'lmlab-bridge-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** A deterministic text of `words` words from a small lexicon, with punctuation and line breaks. */
function makeText(words, seed) {
  const lexicon = ['the', 'cat', 'sat', 'on', 'a', 'mat', 'and', 'dog', 'ran', 'to', 'it', 'was', 'red', 'big'];
  let x = seed >>> 0;
  const next = () => { x = (Math.imul(x, 1664525) + 1013904223) >>> 0; return x >>> 8; };
  const out = [];
  for (let i = 0; i < words; i++) {
    out.push(lexicon[next() % lexicon.length]);
    const r = next() % 16;
    out.push(r === 0 ? '.\n' : r === 1 ? ', ' : ' ');
  }
  return out.join('');
}

/** Rows (N, T) of ids for the logits comparisons. */
function idRows(N, T, V, seed) {
  let x = seed >>> 0;
  return Array.from({ length: N }, () => Array.from({ length: T }, () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return (x >>> 8) % V;
  }));
}

/** Run a plan through tests/torch_bridge.py (one Python process) and return its JSON answer. */
function bridge(plan, name) {
  const planPath = join(dir, `${name}.plan.json`);
  const outPath = join(dir, `${name}.out.json`);
  writeFileSync(planPath, JSON.stringify(plan));
  execFileSync(PYTHON, ['tests/torch_bridge.py', planPath, outPath], { env: ENV, encoding: 'utf8', maxBuffer: 1 << 26 });
  return JSON.parse(readFileSync(outPath, 'utf8'));
}

function maxDiff(a, b) {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/** A model and its vocabulary saved to `${name}.safetensors`; returns the bytes. */
function saveModel(name, config, vocab, { pretrain = 0, ids } = {}) {
  const m = lm.Model.create({ seed: 5, vocabSize: vocab.size, ...config });
  m.metadata = { vocab: JSON.stringify(vocab.toJSON()), note: 'made by torch-bridge.test.mjs' };
  if (pretrain) {
    const t = new lm.Trainer(m, ids, { batch: 4, seq: 10, optimizer: 'adam', lr: 0.01, clip: 5 });
    t.train(pretrain);
    t.dispose();
  }
  const bytes = m.save();
  writeFileSync(join(dir, `${name}.safetensors`), bytes);
  m.dispose();
  return bytes;
}

const flatLogits = (model, rows) => model.logits(rows.flat(), rows.length, rows[0].length).data;

const charText = makeText(1500, 3);
const wordText = makeText(3000, 4);
const singleProcess = {}; // name -> the bridge's output logits, for the torchrun comparison

// optimizer settings cover lmlab's three optimizers and both clipping modes
const cases = [
  { name: 'rnn-onehot', config: { cell: 'rnn', embedding: 0, hidden: 16 }, train: ['--optimizer', 'adagrad', '--lr', '0.1', '--clip', '5'] },
  { name: 'rnn-embedding', config: { cell: 'rnn', embedding: 8, hidden: 12 }, train: ['--optimizer', 'adam', '--lr', '0.01', '--clip', '5'] },
  { name: 'rnn-2-layers', config: { cell: 'rnn', embedding: 0, hidden: 10, layers: 2 }, train: ['--optimizer', 'sgd', '--lr', '0.05', '--momentum', '0.9', '--clip', '1', '--clip-mode', 'norm'] },
  { name: 'lstm-onehot', config: { cell: 'lstm', embedding: 0, hidden: 12 }, train: ['--optimizer', 'adam', '--lr', '0.01', '--clip', '1', '--clip-mode', 'norm'] },
  { name: 'lstm-word-2-layers', word: true, config: { cell: 'lstm', embedding: 6, hidden: 12, layers: 2 }, train: ['--optimizer', 'adam', '--lr', '0.01', '--clip', '5'] },
  { name: 'gru-torch-2-layers', config: { cell: 'gru', gruVariant: 'torch', embedding: 0, hidden: 10, layers: 2 }, train: ['--optimizer', 'adam', '--lr', '0.01', '--clip', '5'] },
  { name: 'gru-lecture-embedding', config: { cell: 'gru', gruVariant: 'lecture', embedding: 6, hidden: 12 }, train: ['--optimizer', 'adam', '--lr', '0.01', '--clip', '5'] },
  { name: 'gru-lecture-2-layers', config: { cell: 'gru', gruVariant: 'lecture', embedding: 0, hidden: 10, layers: 2 }, train: ['--optimizer', 'adagrad', '--lr', '0.1', '--clip', '5'] },
  { name: 'window', config: { cell: 'window', embedding: 6, hidden: 16, window: 4 }, train: ['--optimizer', 'adam', '--lr', '0.01', '--clip', '5'] },
];
const STEPS = 10;
const BATCH = 4;
const SEQ = 12;

for (const { name, word, config, train } of cases) {
  test(`bridge round trip, ${name}: lmlab's logits after the bridge's training, the same training losses as lmlab's trainer`, { skip }, () => {
    const text = word ? wordText : charText;
    const vocab = lm.Vocab.build(text, word ? { level: 'word' } : { level: 'char' });
    const ids = vocab.encode(text);
    const bytesIn = saveModel(name, config, vocab);
    const textPath = join(dir, `${name}.txt`);
    writeFileSync(textPath, text);
    writeFileSync(join(dir, `${name}.vocab.json`), JSON.stringify(vocab.toJSON()));
    const rows = idRows(3, 7, vocab.size, 9);
    const modelIn = join(dir, `${name}.safetensors`);
    const modelOut = join(dir, `${name}.out.safetensors`);
    const out = bridge({
      commands: [['train', '--model', modelIn, '--data', textPath, '--steps', String(STEPS), '--batch', String(BATCH),
        '--seq', String(SEQ), '--out', modelOut, '--device', 'cpu', '--log-every', '1', '--json', ...train]],
      logits: { ids: rows, models: [modelIn, modelOut] },
      encode: { text: textPath, vocabs: [join(dir, `${name}.vocab.json`)] },
    }, name);
    const run = out.commands[0];
    assert.equal(run.status, 0, run.stderr);
    // the bridge tokenises exactly as lmlab
    assert.deepEqual(out.encode[0], Array.from(ids));
    // loading: the bridge's modules give lmlab's logits for the file as saved
    const before = lm.Model.load(bytesIn);
    assert.ok(maxDiff(flatLogits(before, rows), out.logits[modelIn]) < 1e-5, 'logits of the loaded model');
    // after training: lmlab loads the bridge's file and gives the bridge's logits
    const bytesOut = new Uint8Array(readFileSync(modelOut));
    const after_ = lm.Model.load(bytesOut);
    assert.deepEqual(after_.config, before.config);
    assert.equal(after_.metadata.vocab, JSON.stringify(vocab.toJSON()));
    assert.equal(after_.metadata.note, 'made by torch-bridge.test.mjs');
    const ours = flatLogits(after_, rows);
    const moved = maxDiff(ours, flatLogits(before, rows));
    assert.ok(moved > 1e-3, `training changed the logits by only ${moved}`);
    const off = maxDiff(ours, out.logits[modelOut]);
    assert.ok(off < 1e-5, `lmlab's logits of the bridge's file differ from the bridge's by ${off}`);
    singleProcess[name] = { logits: out.logits[modelOut], rows };
    // the objective: lmlab's trainer from the same file on the same batches gives the same losses
    const steps = run.log.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    assert.equal(steps.length, STEPS);
    const options = Object.fromEntries(train.map((v, i) => [train[i - 1], v]).filter(([k]) => k?.startsWith('--')));
    const trainOptions = {
      batch: BATCH, seq: SEQ, optimizer: options['--optimizer'], lr: Number(options['--lr']), clip: Number(options['--clip']),
      clipMode: options['--clip-mode'] ?? 'value', momentum: Number(options['--momentum'] ?? 0),
    };
    const reference = lm.Model.load(bytesIn);
    const trainer = new lm.Trainer(reference, ids, trainOptions);
    let worst = 0;
    for (const s of steps) {
      const loss = trainer.train(1).loss;
      worst = Math.max(worst, Math.abs(loss - s.loss) / loss);
    }
    assert.ok(worst < 1e-4, `${name}: the bridge's loss strays from lmlab's trainer's by ${worst} (relative)`);
    const weightsOff = maxDiff(flatLogits(reference, rows), ours);
    assert.ok(weightsOff < 1e-3, `${name}: after ${STEPS} steps lmlab's and the bridge's models differ by ${weightsOff} in the logits`);
    // lmlab resumes the bridge's optimizer state (moments, step count, stream position, carried state)
    const resumed = new lm.Trainer(after_, ids, trainOptions);
    resumed.restore(bytesOut);
    assert.equal(resumed.step, STEPS);
    const nextBridge = resumed.train(1).loss;
    const nextLmlab = trainer.train(1).loss;
    assert.ok(Math.abs(nextBridge - nextLmlab) < 1e-3 * nextLmlab, `step ${STEPS + 1}: ${nextBridge} after resuming vs ${nextLmlab}`);
    console.log(`# ${name}: loss within ${worst.toExponential(2)} (relative) of lmlab's trainer over ${STEPS} steps; logits after training within ${weightsOff.toExponential(2)}; lmlab vs bridge logits of one file ${off.toExponential(2)}`);
    for (const x of [resumed, trainer, reference, after_, before]) x.dispose();
    vocab.dispose();
  });
}
