// sentence-queries.test.mjs — predictNext, scoreSentence and rankMasked over both kinds of model: every
// factor recomputed from the models' own calls (Bigram.prob, Model.nextLogProbs), the sum against
// Bigram.logProb and Model.sequenceLogProbs, the whole-vocabulary masked ranking against a brute-force
// rescoring (with enough words that it runs in chunks), add-k 0's zeros and infinite perplexity, each
// documented error, and the predict / score / mask / eval --masked --candidates commands.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLmlab } from '../wasm_glue/index.mjs';

const lm = await loadLmlab();
const TEXT = 'the cat sat on the mat .\nthe dog sat on the rug .\na cat ate the fish .\nthe dog ate .\n';
const vocab = lm.Vocab.build(TEXT, { level: 'word' });
const bigram = lm.Bigram.train(vocab, TEXT, { k: 1 });
const model = lm.Model.create({ cell: 'gru', vocabSize: vocab.size, embedding: 6, hidden: 8, seed: 3 });
const close = (a, b, tol, what) =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

test('scoreSentence (bigram): each factor is P(w_t | w_t-1), the sum is logProb, perplexity exp(-sum/T)', () => {
  const r = lm.scoreSentence(bigram, 'the cat ate the mat .');
  assert.deepEqual(r.tokens, ['<s>', 'the', 'cat', 'ate', 'the', 'mat', '.', '</s>']);
  assert.equal(r.predicted, 7);
  r.steps.forEach((s, t) => {
    assert.equal(s.given, r.tokens[t]);
    assert.equal(s.token, r.tokens[t + 1]);
    close(s.prob, bigram.prob(s.given, s.token), 1e-12, `factor ${t}`);
  });
  close(r.logProb, bigram.logProb('the cat ate the mat .'), 1e-9, 'logProb');
  close(r.perplexity, Math.exp(-r.logProb / 7), 1e-12, 'perplexity');
});

test('scoreSentence (neural): each factor is P(w_t | w_<t) from nextLogProbs of the prefix; the sum is sequenceLogProbs', () => {
  const ids = vocab.encode('the dog sat on the rug .');
  const r = lm.scoreSentence(model, 'the dog sat on the rug .', { vocab });
  r.steps.forEach((s, t) =>
    close(s.logProb, model.nextLogProbs(ids.subarray(0, t + 1))[ids[t + 1]], 1e-4, `factor ${t}`),
  );
  close(r.logProb, model.sequenceLogProbs(ids, 1, ids.length - 1)[0], 1e-4, 'sum');
  assert.equal(r.unknown, 0);
  assert.equal(lm.scoreSentence(model, 'the zebra sat .', { vocab }).unknown, 1);
});

test('add-k 0: an unseen pair is a factor 0, log P -Infinity and an infinite perplexity', () => {
  const mle = lm.Bigram.train(vocab, TEXT, { k: 0 });
  const r = lm.scoreSentence(mle, 'the fish sat .');
  assert.equal(r.steps[2].prob, 0); // P(sat | fish): never seen
  assert.equal(r.logProb, -Infinity);
  assert.equal(r.perplexity, Infinity);
  mle.dispose();
});

test('predictNext: the bigram ranks P(· | last word), the neural model nextLogProbs of the context; never <s>', () => {
  const b = lm.predictNext(bigram, 'a cat', { topK: 50 });
  assert.deepEqual(b.context, ['<s>', 'a', 'cat']);
  const dist = bigram.distribution('cat');
  assert.equal(b.candidates.length, vocab.size - 1);
  assert.ok(!b.candidates.some((c) => c.token === '<s>'));
  for (const c of b.candidates) close(c.prob, dist[c.id], 1e-6, c.token);
  for (let i = 1; i < b.candidates.length; i++) assert.ok(b.candidates[i - 1].prob >= b.candidates[i].prob);
  const n = lm.predictNext(model, 'a cat', { vocab, topK: 3 });
  const lp = model.nextLogProbs(vocab.encode('a cat').subarray(0, 3));
  const best = Array.from(lp.keys())
    .filter((id) => id !== vocab.bos)
    .sort((x, y) => lp[y] - lp[x])
    .slice(0, 3);
  assert.deepEqual(
    n.candidates.map((c) => c.id),
    best,
  );
});

test('rankMasked (bigram): the C ranking P(w | prev)·P(next | w), with the words beside the mask', () => {
  const r = lm.rankMasked(bigram, 'the [MASK] sat on the mat .', { topK: 4 });
  assert.deepEqual(r.left, ['<s>', 'the']);
  assert.deepEqual(r.right, ['sat', 'on', 'the', 'mat', '.', '</s>']);
  assert.equal(r.candidateSet, vocab.size - 2);
  const c = bigram.predictMasked('the [MASK] sat on the mat .', { topK: 4 });
  assert.deepEqual(
    r.candidates.map((x) => x.id),
    c.map((x) => x.id),
  );
  const score = (w) => bigram.prob('the', w) * bigram.prob(w, 'sat');
  assert.ok(score(r.candidates[0].token) >= score(r.candidates[1].token));
});

test('rankMasked (neural, all): every word but <s> </s> rescored by the whole sentence, in chunks, as brute force', () => {
  // 2,100 words so that the (rows, T, V) scores need several chunks of at most 2^22 floats
  const words = Array.from({ length: 2100 }, (_, i) => `w${i}`);
  const text = words.map((w, i) => `${w} ${words[(i * 7) % 2100]} .`).join('\n');
  const v = lm.Vocab.build(text, { level: 'word' });
  const m = lm.Model.create({ cell: 'rnn', vocabSize: v.size, embedding: 4, hidden: 6, seed: 5 });
  const r = lm.rankMasked(m, 'w5 [MASK] .', { vocab: v, candidates: 'all', topK: 5 });
  assert.equal(r.candidateSet, v.size - 2);
  const l = v.encode('w5').subarray(0, 2);
  const right = Int32Array.of(v.idOf('.'), v.eos);
  const all = [];
  for (let id = 0; id < v.size; id++) {
    if (id === v.bos || id === v.eos) continue;
    const row = Int32Array.from([...l, id, ...right]);
    all.push({ id, lp: m.sequenceLogProbs(row, 1, row.length - 1)[0] });
  }
  all.sort((a, b) => b.lp - a.lp || a.id - b.id);
  assert.deepEqual(
    r.candidates.map((c) => c.id),
    all.slice(0, 5).map((c) => c.id),
  );
  r.candidates.forEach((c, i) => close(c.logProb, all[i].lp, 1e-4, c.token));
  const z = all.reduce((acc, c) => acc + Math.exp(c.lp - all[0].lp), 0);
  close(r.candidates[0].prob, 1 / z, 1e-4, 'normalised over the whole set');
  m.dispose();
  v.dispose();
});

test('rankMasked (neural, K): the K likeliest next words after the left context, re-ranked', () => {
  const r = lm.rankMasked(model, 'the [MASK] sat .', { vocab, candidates: 4, topK: 4 });
  assert.equal(r.candidateSet, 4);
  const lp = model.nextLogProbs(vocab.encode('the').subarray(0, 2));
  const set = Array.from(lp.keys())
    .filter((id) => id !== vocab.bos && id !== vocab.eos)
    .sort((a, b) => lp[b] - lp[a] || a - b)
    .slice(0, 4);
  assert.deepEqual(new Set(r.candidates.map((c) => c.id)), new Set(set));
  close(
    r.candidates.reduce((a, c) => a + c.prob, 0),
    1,
    1e-9,
    'probabilities over the set',
  );
});

test('bad questions get a sentence naming the problem', () => {
  const throwsLike = (fn, re) => assert.throws(fn, (e) => e instanceof lm.LmlabError && re.test(e.message));
  for (const m of [bigram, model]) {
    throwsLike(() => lm.rankMasked(m, 'the cat sat', { vocab }), /no \[MASK\]/);
    throwsLike(() => lm.rankMasked(m, 'the [MASK] sat [MASK]', { vocab }), /2 masks/);
    throwsLike(() => lm.rankMasked(m, 'zebra [MASK] gnu', { vocab }), /every word of "zebra \[MASK\] gnu" is unknown/);
    throwsLike(() => lm.scoreSentence(m, 'zebra gnu', { vocab }), /every word .* is unknown/);
    throwsLike(() => lm.scoreSentence(m, '', { vocab }), /empty/);
    throwsLike(() => lm.predictNext(m, 'the', { vocab, topK: 0 }), /topK/);
  }
  throwsLike(() => lm.scoreSentence(model, 'the cat'), /needs \{ vocab \}/);
  throwsLike(() => lm.rankMasked(model, 'the [MASK]', { vocab, candidates: 'some' }), /candidates/);
  throwsLike(() => lm.predictNext({}, 'the'), /Bigram or a Model/);
});

// ---- CLI -------------------------------------------------------------------------------------------

const cli = (args) => spawnSync(process.execPath, ['scripts/lmlab.mjs', ...args], { encoding: 'utf8' });

test('CLI: predict, score and mask for a bigram and a model file, --json, eval --masked --candidates, errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lmlab-queries-'));
  try {
    const data = join(dir, 'text.txt');
    writeFileSync(data, TEXT.repeat(20));
    const file = join(dir, 'm.safetensors');
    writeFileSync(file, Object.assign(model, { metadata: { vocab: JSON.stringify(vocab.toJSON()) } }).save());
    const json = (args) => {
      const r = cli([...args, '--json']);
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout);
    };
    const b = json(['score', '--bigram', '--data', data, 'the cat sat .']);
    const big = lm.Bigram.train(vocab, TEXT.repeat(20), { k: 1 });
    close(b.logProb, big.logProb('the cat sat .'), 1e-9, 'CLI bigram score');
    const n = json(['score', '--model', file, 'the cat sat .']);
    close(n.logProb, lm.scoreSentence(model, 'the cat sat .', { vocab }).logProb, 1e-9, 'CLI model score');
    const zero = json(['score', '--bigram', '--data', data, '--add-k', '0', 'the fish sat .']);
    assert.equal(zero.perplexity, null); // JSON has no Infinity; the text output names it
    assert.match(
      cli(['score', '--bigram', '--data', data, '--add-k', '0', 'the fish sat .']).stdout,
      /perplexity Infinity/,
    );
    const p = json(['predict', '--model', file, 'the', '--top-k', '3']);
    assert.equal(p.candidates.length, 3);
    assert.equal(json(['predict', '--bigram', '--data', data, 'the']).candidates[0].token, 'dog');
    const mk = json(['mask', '--model', file, 'the [MASK] sat .', '--candidates', 'all', '--top-k', '2']);
    assert.equal(mk.candidateSet, vocab.size - 2);
    assert.match(cli(['mask', '--bigram', '--data', data, 'the [MASK] sat .']).stdout, /1\. +(dog|cat) /);
    const ev = json(['eval', '--model', file, '--data', data, '--masked', '--candidates', 'all']);
    assert.equal(ev.masked.candidates, vocab.size - 3); // <s> </s> <unk> excluded, as before
    for (const [args, re] of [
      [['mask', '--model', file, 'the cat sat'], /no \[MASK\]/],
      [['mask', '--bigram', '--data', data, 'the [MASK] [MASK]'], /2 masks/],
      [['score', '--model', file, 'zebra gnu'], /unknown/],
      [['predict', '--model', file], /exactly one context/],
      [['predict', '--model', file, '--bigram', 'the'], /not both/],
      [['mask', '--model', file, 'the [MASK]', '--candidates', '0'], /--candidates/],
      [['eval', '--model', file, '--masked', '--candidates', 'x'], /--candidates/],
    ]) {
      const r = cli(args);
      assert.notEqual(r.status, 0, args.join(' '));
      assert.match(r.stderr, re, args.join(' '));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
