// batching.test.mjs — batches of sentences through the JS API and the CLI: padding has no effect (extra
// padded columns and other pad ids give the same loss and gradients), the masked loss is the mean per
// real token and its gradients check numerically, vocab.trainingSentences at both levels, the sentence
// Trainer (order, epochs, evaluation, save and resume), `lmlab train --batching sentences` at word and
// char level, and the bad cases' sentences (the model untouched).
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLmlab } from '../wasm_glue/index.mjs';

const lm = await loadLmlab();
const throwsLike = (fn, re) => assert.throws(fn, (e) => e instanceof lm.LmlabError && re.test(e.message), String(re));
const WORDS = [
  'the cat sat on the mat .',
  'a dog ran .',
  'the bird sang in the tall green tree today .',
  'cats sleep .',
  'the dog saw the cat on the mat .',
].join('\n');

/** Sentences padded to T = longest-1 + extra with pad id `pad`: ids (N, T+1), mask (N, T). */
function pad(sentences, extra, padId) {
  const T = Math.max(...sentences.map((s) => s.length)) - 1 + extra;
  const ids = new Int32Array(sentences.length * (T + 1)).fill(padId);
  const mask = new Uint8Array(sentences.length * T);
  sentences.forEach((s, n) => {
    ids.set(s, n * (T + 1));
    mask.fill(1, n * T, n * T + s.length - 1);
  });
  return { ids, mask, T };
}

const grads = (model) => model.parameters().map((p) => Float64Array.from(p.grad));
function assertSameGrads(a, b, tol, what) {
  a.forEach((g, k) =>
    g.forEach((x, i) =>
      assert.ok(Math.abs(x - b[k][i]) <= tol * Math.max(1, Math.abs(x)), `${what}: tensor ${k}[${i}]`),
    ),
  );
}

for (const cell of ['rnn', 'lstm', 'gru', 'window']) {
  test(`${cell}: padding has no effect — extra padded columns and another pad id give the same loss and gradients`, () => {
    const vocab = lm.Vocab.build(WORDS, { level: 'word' });
    const sentences = vocab.trainingSentences(WORDS).slice(0, 4);
    const model = lm.Model.create({
      cell,
      vocabSize: vocab.size,
      embedding: 6,
      hidden: 8,
      seed: 3,
      ...(cell === 'window' ? { window: 3 } : {}),
    });
    const tight = pad(sentences, 0, 0);
    const loss = model.lossAndGrads(tight.ids, 4, tight.T, { mask: tight.mask });
    const base = grads(model);
    assert.ok(
      base.some((g) => g.some((x) => x !== 0)),
      'a gradient at all',
    );
    for (const [extra, padId] of [
      [5, 0],
      [3, vocab.size - 1],
    ]) {
      const wide = pad(sentences, extra, padId);
      const again = model.lossAndGrads(wide.ids, 4, wide.T, { mask: wide.mask });
      assert.ok(Math.abs(again - loss) <= 1e-6 * loss, `loss ${again} vs ${loss} with ${extra} more columns`);
      assertSameGrads(grads(model), base, 1e-5, `${extra} more columns of id ${padId}`);
    }
    // the loss is the mean per real token: each sentence alone from a zero state, summed, over all its targets
    let nats = 0;
    let targets = 0;
    for (const s of sentences) {
      nats -= model.sequenceLogProbs(s, 1, s.length - 1)[0];
      targets += s.length - 1;
    }
    assert.ok(Math.abs(nats / targets - loss) <= 1e-5 * loss, `per-sentence ${nats / targets} vs batch ${loss}`);
    // and the masked gradients check numerically (float32: the rel-error bound of the other float checks)
    for (const { name, relError } of model.gradientCheck(tight.ids, 4, tight.T, {
      mask: tight.mask,
      samples: 8,
      eps: 1e-2,
    }))
      assert.ok(relError < 5e-2, `${name}: ${relError}`);
    model.dispose();
    vocab.dispose();
  });
}

test('masked rows start from the empty state and leave the carried state alone; a mask of ones is the streams objective', () => {
  const vocab = lm.Vocab.build('abcabcab\n', { level: 'char' });
  const model = lm.Model.create({ cell: 'lstm', vocabSize: vocab.size, embedding: 0, hidden: 5, seed: 2 });
  const ids = vocab.encode('abcab' + 'cabca');
  const streams = model.lossAndGrads(ids, 2, 4); // carries a state
  const flat = grads(model);
  model.resetState();
  const fresh = model.lossAndGrads(ids, 2, 4);
  assert.equal(fresh, streams, 'from zeros both times');
  const ones = model.lossAndGrads(ids, 2, 4, { mask: new Uint8Array(8).fill(1) });
  assert.ok(Math.abs(ones - streams) <= 1e-6 * streams, `${ones} vs ${streams}`);
  assertSameGrads(grads(model), flat, 1e-5, 'a mask of ones');
  // the carried state after the second streams call is still what the next streams call starts from
  model.resetState();
  model.lossAndGrads(ids, 2, 4);
  const next = model.lossAndGrads(ids, 2, 4);
  model.resetState();
  model.lossAndGrads(ids, 2, 4);
  model.lossAndGrads(ids, 2, 4, { mask: new Uint8Array(8).fill(1) });
  assert.equal(model.lossAndGrads(ids, 2, 4), next, 'a masked call does not touch the carried state');
  model.dispose();
  vocab.dispose();
});

test('vocab.trainingSentences: word level <s> … </s> per the sentences option; char level lines sharing their newlines', () => {
  const words = lm.Vocab.build('the cat sat . the dog ran .\nbirds sing', { level: 'word', sentences: 'punctuation' });
  const s = words.trainingSentences('the cat sat . the dog ran .\nbirds sing');
  assert.deepEqual(
    s.map((x) => words.decode(x).trim()),
    ['the cat sat .', 'the dog ran .', 'birds sing'],
  );
  for (const x of s) assert.ok(x[0] === words.bos && x[x.length - 1] === words.eos);
  const chars = lm.Vocab.build('ab\ncd\n\nef', { level: 'char' });
  const lines = chars.trainingSentences('ab\ncd\n\nef').map((x) => chars.decode(x));
  assert.deepEqual(lines, ['ab\n', '\ncd\n', '\n\n', '\nef']);
  // every character but the first is predicted exactly once
  const predicted = lines.reduce((n, l) => n + l.length - 1, 0);
  assert.equal(predicted, 'ab\ncd\n\nef'.length - 1);
  assert.deepEqual(
    chars.trainingSentences('abc').map((x) => chars.decode(x)),
    ['abc'],
  );
  words.dispose();
  chars.dispose();
});

test('the sentence Trainer: N sentences a step in order, epochs, per-sentence evaluation, save and resume', () => {
  const vocab = lm.Vocab.build(WORDS, { level: 'word' });
  const sentences = vocab.trainingSentences(WORDS);
  const config = { cell: 'gru', vocabSize: vocab.size, embedding: 8, hidden: 16, seed: 5 };
  const model = lm.Model.create(config);
  const ref = lm.Model.create(config);
  const options = { batch: 2, seq: 40, optimizer: 'sgd', lr: 0.5, batching: 'sentences' };
  const trainer = new lm.Trainer(model, sentences, options);
  assert.equal(trainer.options.batching, 'sentences');
  assert.equal(trainer.sentences, 5);
  // step 1 by hand: sentences 0 and 1 padded and masked, then p -= lr·g
  const first = pad(sentences.slice(0, 2), 0, 0);
  const want = ref.lossAndGrads(first.ids, 2, first.T, { mask: first.mask });
  for (const p of ref.parameters()) p.data.forEach((x, i) => (p.data[i] = x - 0.5 * p.grad[i]));
  const stats = trainer.train(1);
  assert.ok(Math.abs(stats.loss - want) <= 1e-6 * want, `${stats.loss} vs ${want}`);
  const [a, b] = [model, ref].map((m) => m.parameters().map((p) => Float64Array.from(p.data)));
  assertSameGrads(a, b, 1e-5, 'parameters after one step');
  assert.equal(stats.position, 2);
  const after = trainer.train(2); // sentences 2 3, then 4 0: one epoch
  assert.equal(after.position, 1);
  assert.equal(after.epochs, 1);
  // held-out sentences, each from the empty state
  const held = vocab.trainingSentences('the cat ran .\nthe dog sat on the mat .');
  const r = trainer.evaluate(held);
  let nats = 0;
  for (const s of held) nats -= model.sequenceLogProbs(s, 1, s.length - 1)[0];
  assert.equal(
    r.tokens,
    held.reduce((n, s) => n + s.length - 1, 0),
  );
  assert.ok(Math.abs(r.loss - nats / r.tokens) <= 1e-9 * r.loss);
  assert.deepEqual(model.evaluateSentences(held), r);
  // save with the trainer and resume: the same next steps
  const bytes = model.save(trainer);
  const next = trainer.train(3).lastLoss;
  const back = lm.Model.load(bytes);
  const resumed = new lm.Trainer(back, sentences, options);
  resumed.restore(bytes);
  assert.equal(resumed.step, 3);
  assert.equal(resumed.train(3).lastLoss, next);
  // a streams trainer refuses the file, naming both batchings
  const streams = new lm.Trainer(back, vocab.encode(WORDS), { ...options, batching: 'streams', seq: 4 });
  throwsLike(() => streams.restore(bytes), /trained on sentences but this trainer batches streams/);
  for (const x of [trainer, resumed, streams, model, ref, back, vocab]) x.dispose();
});

test('bad input: each gets a sentence naming the problem, and the model is untouched', () => {
  const vocab = lm.Vocab.build(WORDS, { level: 'word' });
  const sentences = vocab.trainingSentences(WORDS);
  const model = lm.Model.create({ cell: 'rnn', vocabSize: vocab.size, embedding: 4, hidden: 6, seed: 1 });
  const before = model.parameters().map((p) => Float64Array.from(p.data));
  const opts = { batch: 2, seq: 10, optimizer: 'adam', lr: 0.01, batching: 'sentences' };
  throwsLike(
    () => new lm.Trainer(model, sentences, { ...opts, batching: 'sentence' }),
    /batching must be one of streams, sentences, got 'sentence'/,
  );
  throwsLike(
    () => new lm.Trainer(model, vocab.encode(WORDS), opts),
    /batching 'sentences' needs an array of sentences/,
  );
  throwsLike(() => new lm.Trainer(model, [], opts), /at least one sentence/);
  throwsLike(() => new lm.Trainer(model, [[1, 2.5]], opts), /sentences\[0\]\[1\] must be a whole token id/);
  throwsLike(
    () =>
      new lm.Trainer(
        model,
        [
          [1, 2],
          [3, vocab.size],
        ],
        opts,
      ),
    new RegExp(`ids\\[3\\] = ${vocab.size} is not a token id`),
  );
  // five sentences, the third of 12 tokens cut into two pieces at seq 10: six
  throwsLike(
    () => new lm.Trainer(model, sentences, { ...opts, batch: 9 }),
    /has 6 sentences of two or more tokens .*fewer than the batch of 9/,
  );
  throwsLike(() => new lm.Trainer(model, [[1], [2], [3, 4]], opts), /has 1 sentences of two or more tokens/);
  const { ids, mask, T } = pad(sentences.slice(0, 2), 0, 0);
  throwsLike(
    () => model.lossAndGrads(ids, 2, T, { mask: mask.subarray(1) }),
    /mask has .* entries but N·T = .* are needed/,
  );
  throwsLike(
    () => model.lossAndGrads(ids, 2, T, { mask: Array.from(mask, (x) => x * 2) }),
    /mask\[0\] must be 1 \(a real target\) or 0 \(padding\), got 2/,
  );
  throwsLike(() => model.lossAndGrads(ids, 2, T, { mask: 'yes' }), /mask must be a Uint8Array/);
  throwsLike(() => lm.Model.prototype.evaluateSentences.call(model, [[1]]), /no sentence of two or more tokens/);
  model.parameters().forEach((p, k) => assert.deepEqual(Float64Array.from(p.data), before[k], p.name));
  model.dispose();
  vocab.dispose();
});

const cli = (args) => spawnSync(process.execPath, ['scripts/lmlab.mjs', ...args], { encoding: 'utf8' });

test('lmlab train --batching sentences, word and char level; --sentences; a resume with the other batching refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lmlab-batching-'));
  try {
    const data = join(dir, 'text.txt');
    writeFileSync(data, `${WORDS}\n`.repeat(12));
    const word = join(dir, 'word.safetensors');
    let r = cli([
      'train',
      '--data',
      data,
      '--level',
      'word',
      '--batching',
      'sentences',
      '--batch',
      '4',
      '--seq',
      '16',
      '--hidden',
      '16',
      '--embedding',
      '8',
      '--steps',
      '30',
      '--every',
      '10',
      '--out',
      word,
      '--quiet',
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /saved .* at step 30: train loss [\d.]+, val loss [\d.]+/);
    const meta = JSON.parse(lm.Model.load(new Uint8Array(readFileSync(word))).metadata.training);
    assert.equal(meta.batching, 'sentences');
    r = cli([
      'train',
      '--data',
      data,
      '--batching',
      'sentences',
      '--batch',
      '4',
      '--seq',
      '12',
      '--hidden',
      '16',
      '--steps',
      '20',
      '--every',
      '10',
      '--out',
      join(dir, 'char.safetensors'),
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /sentences: \d+ for training \(\d+ pieces of at most 13 tokens\), \d+ held out/);
    assert.match(r.stdout, /batches of 4 sentences \(padded, masked; at most 12 steps\)/);
    r = cli([
      'train',
      '--data',
      data,
      '--level',
      'word',
      '--sentences',
      'punctuation',
      '--batching',
      'sentences',
      '--batch',
      '2',
      '--hidden',
      '8',
      '--embedding',
      '4',
      '--steps',
      '5',
      '--out',
      join(dir, 'p.safetensors'),
      '--quiet',
    ]);
    assert.equal(r.status, 0, r.stderr);
    // eval --per-sentence: every held-out sentence from a zero state, the sum the API gives
    r = cli(['eval', '--model', word, '--data', data, '--per-sentence', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const scored = JSON.parse(r.stdout);
    const m = lm.Model.load(new Uint8Array(readFileSync(word)));
    const v = lm.Vocab.fromJSON(JSON.parse(m.metadata.vocab));
    const want = m.evaluateSentences(v.trainingSentences(`${WORDS}\n`.repeat(12)));
    assert.equal(scored.tokens, want.tokens);
    assert.ok(Math.abs(scored.loss - want.loss) < 1e-9, `${scored.loss} vs ${want.loss}`);
    assert.equal(scored.perSentence, true);
    r = cli(['eval', '--model', word, '--data', data, '--per-sentence', '--batch', '4']);
    assert.match(r.stderr, /--per-sentence scores whole sentences: --batch and --seq do not apply/);
    // resuming with the other batching names both
    r = cli([
      'train',
      '--data',
      data,
      '--resume',
      word,
      '--batching',
      'streams',
      '--steps',
      '5',
      '--out',
      join(dir, 'again.safetensors'),
      '--quiet',
    ]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /trained on sentences but this trainer batches streams/);
    assert.ok(!existsSync(join(dir, 'again.safetensors')), 'nothing written');
    // bad flags
    r = cli(['train', '--data', data, '--batching', 'words', '--out', join(dir, 'x.safetensors')]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /--batching must be one of streams, sentences/);
    r = cli(['train', '--data', data, '--sentences', 'lines', '--out', join(dir, 'x.safetensors')]);
    assert.match(r.stderr, /--sentences applies to --level word/);
    r = cli([
      'train',
      '--data',
      data,
      '--level',
      'word',
      '--batching',
      'sentences',
      '--batch',
      '500',
      '--out',
      join(dir, 'x.safetensors'),
    ]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /fewer than the batch of 500: use a smaller batch or more text/);
    assert.ok(!existsSync(join(dir, 'x.safetensors')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
