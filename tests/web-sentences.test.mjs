// web-sentences.test.mjs — the page worker's sentence questions under Node (web/worker/sentences.mjs
// and the word-level corpus of web/worker/tokens.mjs), on a session built as the worker builds it:
// a sentence's factors are the bigram's P(w_t | w_{t-1}) and the model's P(w_t | w_<t), their logs sum
// to Bigram.logProb and Model.sequenceLogProbs; the masked-word ranking equals Model.predictMasked on
// the same candidates, 'all' ranks every word but <s> and </s>, and the bigram's is
// Bigram.predictMasked; no [MASK], two, unknown words and character level are refused with a
// sentence and the model is untouched.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadLmlab } from '../wasm_glue/index.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
// the worker posts snapshots to its page; here they go nowhere
globalThis.self ??= /** @type {any} */ ({ postMessage() {} });
const { W, createSession } = await import('../web/worker/worker-state.mjs');
const { setCorpus, configure } = await import('../web/worker/model.mjs');
const { score, mask, splitAtMask, readout } = await import('../web/worker/sentences.mjs');

const WORDS = { level: 'word', lower: 1, minCount: 1, sentences: 'lines' };
let lm;
let garden;

/** A session on the garden text with these settings, as the worker makes one. */
async function session(settings) {
  const s = createSession(1);
  await setCorpus(s, { name: 'garden', text: garden });
  await configure(s, { settings });
  return s;
}

before(async () => {
  lm = W.lm = await loadLmlab();
  garden = await readFile(join(ROOT, 'web/corpora/garden.txt'), 'utf8');
});

test('score: the chain rule factors of both models, their log sums and the perplexity', async () => {
  const s = await session({ ...WORDS, model: 'rnn', hidden: 16, embed: 8, seed: 2 });
  const sentence = 'The cat slept on the warm stones.';
  const out = score(s, { text: sentence });
  const vocab = s.vocab;
  const ids = Array.from(vocab.encode(sentence));
  assert.equal(out.first, '<s>');
  assert.deepEqual(
    out.factors.map((f) => f.token),
    ids.slice(1).map((id) => vocab.tokenOf(id)),
  );
  assert.equal(out.factors.at(-1).token, '</s>');
  out.factors.forEach((f, i) => assert.equal(f.bigram, s.bigram.prob(ids[i], ids[i + 1])));
  assert.ok(Math.abs(out.bigram.logProb - s.bigram.logProb(sentence)) < 1e-4, `${out.bigram.logProb}`);
  const seq = s.model.sequenceLogProbs(Int32Array.from(ids), 1, ids.length - 1)[0];
  assert.ok(Math.abs(out.neural.logProb - seq) < 1e-3, `${out.neural.logProb} vs ${seq}`);
  const n = ids.length - 1;
  assert.ok(Math.abs(out.neural.perplexity - Math.exp(-seq / n)) < 1e-2 * out.neural.perplexity);
  // an unknown word is read as <unk> and named; a sentence of unknown words is refused
  assert.deepEqual(score(s, { text: 'the zyzzyva slept' }).unknown, ['zyzzyva']);
  assert.throws(() => score(s, { text: 'zyzzyva quuxes' }), /none of the words .*zyzzyva, quuxes.* <unk>/);
});

test('mask: the neural ranking is Model.predictMasked on the same candidates; all = every word', async () => {
  const s = await session({ ...WORDS, model: 'gru', hidden: 16, embed: 8, seed: 4 });
  const vocab = s.vocab;
  const before = s.model.parameters().map((p) => Float32Array.from(p.data));
  const out = await mask(s, { text: 'the cat [MASK] on the warm stones .', candidates: 50, topK: 10 });
  assert.deepEqual(out.tokens, ['<s>', 'the', 'cat', '[MASK]', 'on', 'the', 'warm', 'stones', '.', '</s>']);
  const left = ['<s>', 'the', 'cat'].map((w) => vocab.idOf(w));
  const right = ['on', 'the', 'warm', 'stones', '.', '</s>'].map((w) => vocab.idOf(w));
  const reference = s.model.predictMasked(left, right, { candidates: 50, topK: 10, exclude: [vocab.bos, vocab.eos] });
  assert.deepEqual(
    out.neural.ranked.map((r) => r.token),
    reference.map((r) => vocab.tokenOf(r.id)),
  );
  out.neural.ranked.forEach((r, i) => assert.ok(Math.abs(r.logProb - reference[i].logProb) < 1e-4));
  assert.equal(out.neural.candidates, 50);
  const bigram = s.bigram.predictMasked('the cat [MASK] on the warm stones .', { topK: 10 });
  assert.deepEqual(
    out.bigram.map((r) => r.token),
    bigram.map((r) => r.token),
  );
  // the whole vocabulary: every word but <s> and </s>, in chunks; the best of 50 can only improve
  const all = await mask(s, { text: 'the cat [MASK] on the warm stones .', candidates: 'all' });
  assert.equal(all.neural.candidates, vocab.size - 2);
  assert.ok(all.neural.ranked[0].logProb >= out.neural.ranked[0].logProb - 1e-6);
  console.log(
    `# mask over all ${all.neural.candidates} words: ${all.neural.candidates} sentences of ${all.neural.sentenceTokens} tokens in ${all.neural.ms.toFixed(0)} ms (50 candidates: ${out.neural.ms.toFixed(0)} ms)`,
  );
  // bad input is refused with a sentence, and the model is untouched
  await assert.rejects(() => mask(s, { text: 'the cat sat' }), /no \[MASK\]/);
  await assert.rejects(() => mask(s, { text: 'the [MASK] [mask] sat' }), /2 \[MASK\]s: mask exactly one word/);
  await assert.rejects(() => mask(s, { text: 'zyzzyva [MASK] quux' }), /none of the words/);
  await assert.rejects(
    () => mask(s, { text: 'the [MASK]', candidates: 0 }),
    /candidates must be 'all' or a whole number/,
  );
  s.model.parameters().forEach((p, i) => assert.deepEqual(p.data, before[i]));
  // a training step between the chunks of a whole-vocabulary ranking stops it with a sentence
  const ranking = mask(s, { text: 'the cat [MASK] on the warm stones .', candidates: 'all' });
  await s.engine.train(1);
  await assert.rejects(ranking, /the model changed .* pause training and rank again/);
  assert.deepEqual(splitAtMask('a [MASK] b'), { left: 'a ', right: ' b' });
});

test('character level: sentences are scored per character; a masked word needs word level', async () => {
  const s = await session({ model: 'bigram' });
  const out = score(s, { text: 'the cat' });
  assert.equal(out.level, 'char');
  assert.equal(out.first, 't');
  assert.equal(out.factors.length, 6);
  assert.equal(out.neural, null);
  await assert.rejects(() => mask(s, { text: 'the [MASK] sat' }), /word-level tokens/);
});

test("readout: x_t, y_t, ŷ_t over the vocabulary and J_t, summing to the sentence's negative log-likelihood", async () => {
  const s = await session({ ...WORDS, model: 'lstm', hidden: 16, embed: 8, seed: 6 });
  const sentence = 'the gardener opened the gate .';
  const r = readout(s, { text: sentence });
  const ids = Array.from(s.vocab.encode(sentence));
  assert.equal(r.steps.length, ids.length - 1);
  assert.deepEqual(
    r.steps.map((st) => [st.input, st.target]),
    ids.slice(0, -1).map((id, t) => [s.vocab.tokenOf(id), s.vocab.tokenOf(ids[t + 1])]),
  );
  const nll = -s.model.sequenceLogProbs(Int32Array.from(ids), 1, ids.length - 1)[0];
  assert.ok(Math.abs(r.sum - nll) < 1e-3, `Σ J_t ${r.sum} vs ${nll}`);
  for (const st of r.steps) {
    assert.ok(Math.abs(st.loss + Math.log(st.targetP)) < 1e-9);
    assert.equal(st.top.length, 12);
    const inTop = st.top.findIndex((x) => x.token === st.target);
    if (inTop >= 0) assert.equal(st.rank, inTop + 1);
    else assert.ok(st.rank > 12);
  }
  // a small vocabulary is listed whole; without a neural model the bigram's P(· | x_t) is shown
  const hello = createSession(2);
  await setCorpus(hello, { name: 'hello', text: 'hello' });
  await configure(hello, { settings: { model: 'bigram' } });
  const b = readout(hello, { text: 'hello' });
  assert.equal(b.source, 'bigram');
  assert.equal(b.steps.length, 4);
  assert.ok(b.steps.every((st) => st.top.length === 4));
  assert.ok(Math.abs(b.steps[0].targetP - hello.bigram.prob('h', 'e')) < 1e-6);
  assert.throws(() => readout(hello, { text: 'h' }), /at least two tokens/);
});
