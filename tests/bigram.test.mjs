// bigram.test.mjs — the Bigram API on the WASM build: counts against a brute-force JS recount, rows
// summing to 1, the lab's Laplace fractions on the lecture's "hello", perplexity = exp(mean NLL)
// recomputed here, dense = sparse, native = WASM (the bench driver compiled natively), seeded
// generation, masked-word ranking, the heatmap matrix, the CLI, and every documented error.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadLmlab } from '../wasm_glue/index.mjs';
import { splitHeldOut } from '../scripts/cli/bigram.mjs';
import { detokenize } from '../scripts/brown-corpus.mjs';
import { nativeDriver } from './native-driver.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const lm = await loadLmlab();
const { Vocab, Bigram } = lm;
const GARDEN = readFileSync(join(ROOT, 'web/corpora/garden.txt'), 'utf8');

function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

/** Random lines of Zipf-ish words w0 … w{types-1}, some lines empty. */
function randomText(seed, lines, types) {
  const r = rng(seed),
    out = [];
  for (let i = 0; i < lines; i++) {
    out.push(Array.from({ length: Math.floor(r() * 9) }, () => `w${Math.floor(r() * r() * types)}`).join(' '));
  }
  return out.join('\n') + '\n';
}

/** Brute-force recount: sentences as <s> w1 … wn </s>, pairs inside sentences. */
function recount(text) {
  const pairs = new Map();
  let total = 0;
  for (const line of text.split('\n')) {
    const words = line.split(/\s+/).filter(Boolean);
    if (!words.length) continue;
    const seq = ['<s>', ...words, '</s>'];
    for (let i = 0; i + 1 < seq.length; i++) {
      const key = `${seq[i]} ${seq[i + 1]}`;
      pairs.set(key, (pairs.get(key) ?? 0) + 1);
      total++;
    }
  }
  return { pairs, total };
}

const throwsCode = (fn, code, pattern) =>
  assert.throws(fn, (err) => {
    assert.equal(err.name, 'LmlabError', err.stack);
    assert.equal(err.code, code, err.message);
    if (pattern) assert.match(err.message, pattern);
    return true;
  });

const train = (text, vocabOptions = { level: 'word' }, options) => {
  const vocab = Vocab.build(text, vocabOptions);
  const model = Bigram.train(vocab, text, options);
  vocab.dispose(); // the model keeps its own copy
  return model;
};

test('counts equal a brute-force recount, on the dense and the sparse path', () => {
  for (const seed of [11, 12]) {
    const text = randomText(seed, 300, 40);
    const { pairs, total } = recount(text);
    for (const denseLimitBytes of [-1, 0]) {
      const model = train(text, { level: 'word', tokenizer: 'whitespace' }, { denseLimitBytes });
      assert.equal(model.sparse, denseLimitBytes === 0);
      assert.equal(model.stats.pairs, total);
      assert.equal(model.stats.nonzero, pairs.size);
      for (const [key, count] of pairs) {
        const [a, b] = key.split(' ');
        assert.equal(model.count(a, b), count, key);
      }
      const tokens = model.vocab.tokens();
      let sum = 0;
      for (const a of tokens) for (const b of tokens) sum += model.count(a, b);
      assert.equal(sum, total, 'no pair counted that the recount lacks');
      model.dispose();
    }
  }
});

test('every smoothed row sums to 1, and distribution() matches prob()', () => {
  const text = randomText(5, 200, 30);
  for (const k of [1, 0.3]) {
    const model = train(text, { level: 'word' }, { k });
    const V = model.vocab.size;
    for (let prev = 0; prev < V; prev++) {
      let sum = 0;
      for (let next = 0; next < V; next++) sum += model.prob(prev, next);
      assert.ok(Math.abs(sum - 1) < 1e-6, `row ${prev} sums to ${sum}`);
      const dist = model.distribution(prev);
      assert.equal(dist.length, V);
      for (const next of [0, 1, 3, V - 1]) assert.ok(Math.abs(dist[next] - model.prob(prev, next)) < 1e-7);
    }
    model.dispose();
  }
});

test('the lab\'s Laplace formula on the lecture\'s "hello": exact fractions', () => {
  const hello = readFileSync(join(ROOT, 'web/corpora/hello.txt'), 'utf8');
  assert.equal(hello, 'hello');
  const model = train(hello, { level: 'char' });
  assert.deepEqual(model.vocab.tokens(), ['e', 'h', 'l', 'o']); // V = 4
  // (C(prev next) + 1) / (C(prev) + V), C(prev) = how often prev is followed by anything
  assert.equal(model.prob('h', 'e'), (1 + 1) / (1 + 4));
  assert.equal(model.prob('h', 'h'), (0 + 1) / (1 + 4));
  assert.equal(model.prob('l', 'l'), (1 + 1) / (2 + 4));
  assert.equal(model.prob('l', 'o'), (1 + 1) / (2 + 4));
  assert.equal(model.prob('l', 'e'), (0 + 1) / (2 + 4));
  assert.equal(model.prob('o', 'h'), 1 / 4, 'o never precedes anything: uniform');
  const logp = Math.log(2 / 5) + Math.log(2 / 5) + Math.log(2 / 6) + Math.log(2 / 6); // h>e, e>l, l>l, l>o
  assert.ok(Math.abs(model.logProb('hello') - logp) < 1e-12);
  const mle = train(hello, { level: 'char' }, { k: 0 });
  assert.equal(mle.prob('l', 'l'), 1 / 2);
  assert.equal(mle.prob('h', 'o'), 0);
  assert.equal(mle.logProb('ho'), -Infinity, 'k = 0: an unseen pair has log-probability -inf');
  assert.equal(mle.evaluate('hoh').perplexity, Infinity);
  model.dispose();
  mle.dispose();
});

test('perplexity equals exp(mean NLL) recomputed independently; unseen words count as <unk>', () => {
  const lines = GARDEN.split('\n');
  const trainText = lines.slice(0, 50).join('\n'),
    heldOut = lines.slice(50).join('\n') + '\nthe zyzzyva sat\n';
  const model = train(trainText, { level: 'word', tokenizer: 'whitespace' });
  let nll = 0,
    n = 0;
  for (const line of heldOut.split('\n')) {
    const words = line
      .split(/\s+/)
      .filter(Boolean)
      .map((w) => (model.vocab.idOf(w) === model.vocab.unk ? '<unk>' : w));
    if (!words.length) continue;
    const seq = ['<s>', ...words, '</s>'];
    for (let i = 0; i + 1 < seq.length; i++) {
      nll -= Math.log(model.prob(seq[i], seq[i + 1]));
      n++;
    }
  }
  const result = model.evaluate(heldOut);
  assert.equal(result.tokens, n);
  assert.ok(Math.abs(result.loss - nll / n) < 1e-12);
  assert.ok(Math.abs(result.perplexity - Math.exp(nll / n)) < 1e-9 * result.perplexity);
  assert.ok(Math.abs(result.bitsPerToken - nll / n / Math.LN2) < 1e-12);
  assert.equal(model.prob('zyzzyva', 'sat'), model.prob('<unk>', 'sat'), 'an unknown query word maps to <unk>');
  assert.equal(
    model.logProb('the zyzzyva sat'),
    Math.log(model.prob('<s>', 'the')) +
      Math.log(model.prob('the', '<unk>')) +
      Math.log(model.prob('<unk>', 'sat')) +
      Math.log(model.prob('sat', '</s>')),
  );
  model.dispose();
});

test('dense and sparse models give identical answers everywhere', () => {
  const text = randomText(21, 400, 60),
    held = randomText(22, 60, 80);
  const vocab = Vocab.build(text, { level: 'word' });
  const dense = Bigram.train(vocab, text, { denseLimitBytes: 1e9 }),
    sparse = Bigram.train(vocab, text, { denseLimitBytes: 0 });
  assert.equal(dense.sparse, false);
  assert.equal(sparse.sparse, true);
  assert.deepEqual(sparse.evaluate(held), dense.evaluate(held));
  assert.deepEqual(sparse.distribution('w3'), dense.distribution('w3'));
  assert.deepEqual(
    sparse.generate({ seed: 3, count: 4, temperature: 0.7 }),
    dense.generate({ seed: 3, count: 4, temperature: 0.7 }),
  );
  assert.deepEqual(sparse.predictMasked('w1 [MASK] w2', { topK: 7 }), dense.predictMasked('w1 [MASK] w2', { topK: 7 }));
  assert.deepEqual(sparse.maskedAccuracy(held, { seed: 4 }), dense.maskedAccuracy(held, { seed: 4 }));
  assert.deepEqual(sparse.matrix({ topN: 10, kind: 'probs' }), dense.matrix({ topN: 10, kind: 'probs' }));
  vocab.dispose();
  dense.dispose();
  sparse.dispose();
  const chars = Vocab.build(GARDEN, { level: 'char', unk: true });
  const cd = Bigram.train(chars, GARDEN),
    cs = Bigram.train(chars, GARDEN, { denseLimitBytes: 0 });
  assert.ok(!cd.sparse && cs.sparse);
  assert.deepEqual(cs.evaluate('The cat ate a frog.\n'), cd.evaluate('The cat ate a frog.\n'));
  assert.deepEqual(cs.generate({ seed: 9, count: 3 }), cd.generate({ seed: 9, count: 3 }));
  assert.deepEqual(cs.maskedAccuracy(GARDEN, { seed: 2 }), cd.maskedAccuracy(GARDEN, { seed: 2 }));
  assert.deepEqual(cs.predictMasked('the g[MASK]rden', { topK: 5 }), cd.predictMasked('the g[MASK]rden', { topK: 5 }));
  assert.equal(cd.predictMasked('the g[MASK]rden', { topK: 1 })[0].token, 'a');
  chars.dispose();
  cd.dispose();
  cs.dispose();
});

test('native and WASM builds agree (bench driver compiled natively, same split and seeds)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lmlab-bigram-'));
  const path = join(dir, 'corpus.txt');
  writeFileSync(path, GARDEN + randomText(31, 200, 120));
  for (const level of ['word', 'char']) {
    const native = JSON.parse(execFileSync(nativeDriver('bigram'), [path, '--level', level], { encoding: 'utf8' }));
    const { train: trainBytes, heldOut } = splitHeldOut(readFileSync(path));
    const vocab = Vocab.build(trainBytes, level === 'word' ? { level } : { level, unk: true });
    const model = Bigram.train(vocab, trainBytes);
    assert.equal(model.vocab.size, native.V);
    const held = model.evaluate(heldOut),
      tr = model.evaluate(trainBytes);
    assert.equal(held.tokens, native.heldOut.tokens);
    assert.ok(
      Math.abs(held.loss - native.heldOut.loss) <= 1e-12 * native.heldOut.loss,
      `${held.loss} vs ${native.heldOut.loss}`,
    );
    assert.ok(Math.abs(tr.loss - native.train.loss) <= 1e-12 * native.train.loss);
    const acc = model.maskedAccuracy(heldOut, { seed: 0 });
    assert.deepEqual(acc, native.masked);
    const tokens = model.vocab.tokens();
    const nativeText = native.generated.map((ids) => ids.map((id) => tokens[id]).join(level === 'word' ? ' ' : ''));
    assert.deepEqual(model.generate({ seed: 1, temperature: 1, maxLength: 30, count: 3 }), nativeText);
    vocab.dispose();
    model.dispose();
  }
});

test('generation: reproducible per seed, greedy is the argmax chain, low temperature approaches greedy', () => {
  const model = train('a b\na b\na c\nb a c\n');
  const options = { seed: 42, count: 5, maxLength: 12 };
  assert.deepEqual(model.generate(options), model.generate(options));
  assert.notDeepEqual(model.generate({ ...options, seed: 43 }), model.generate(options));
  assert.deepEqual(model.generate({ greedy: true, count: 2 }), ['a b', 'a b']);
  assert.deepEqual(model.generate({ temperature: 0, count: 1 }), ['a b']);
  assert.deepEqual(model.generate({ temperature: 0.02, count: 3, seed: 5 }), ['a b', 'a b', 'a b']);
  for (const s of model.generate({ seed: 7, count: 20, maxLength: 8 })) {
    assert.ok(!/<s>|<\/s>/.test(s), 'no sentence markers inside a sentence');
    assert.ok(s.split(' ').length <= 8);
  }
  const mle = train('a b\na b\na c\n', { level: 'word' }, { k: 0 });
  for (const s of mle.generate({ seed: 1, count: 20 })) assert.ok(s === 'a b' || s === 'a c', s);
  const chars = train(GARDEN, { level: 'char' });
  const line = chars.generate({ seed: 3, maxLength: 300 })[0];
  assert.ok(!line.includes('\n') && line.length > 0 && line.length <= 300);
  model.dispose();
  mle.dispose();
  chars.dispose();
});

test('masked-word prediction: a forced answer, normalised probabilities, and the accuracy helper', () => {
  const text = 'the cat sat on the mat\nthe cat sat on the mat\nthe dog ran to the park\na cat ran\n';
  const model = train(text);
  const ranked = model.predictMasked('the [MASK] sat on the mat', { topK: 3 });
  assert.equal(ranked[0].token, 'cat');
  assert.ok(ranked[0].prob > ranked[1].prob && ranked[1].prob >= ranked[2].prob);
  const V = model.vocab.size,
    tokens = model.vocab.tokens();
  let z = 0;
  for (let w = 0; w < V; w++)
    if (w !== model.vocab.bos && w !== model.vocab.eos) z += model.prob('the', w) * model.prob(w, 'sat');
  assert.ok(Math.abs(ranked[0].prob - (model.prob('the', 'cat') * model.prob('cat', 'sat')) / z) < 1e-12);
  const all = model.predictMasked('the dog ___ to', { topK: 1000 });
  assert.equal(all.length, V - 2, 'every candidate except <s> and </s>');
  assert.ok(Math.abs(all.reduce((s, r) => s + r.prob, 0) - 1) < 1e-9);
  assert.equal(all[0].token, 'ran');
  assert.equal(model.predictMasked('[MASK] cat', { topK: 1 })[0].token, 'the', 'a mask at the start conditions on <s>');
  assert.equal(model.predictMasked('the zebra [MASK]', { topK: 1 }).length, 1, 'an unknown neighbour is <unk>');
  throwsCode(() => model.predictMasked('the cat sat'), 1, /no \[MASK\]/);
  throwsCode(() => model.predictMasked('[MASK] and ___'), 1, /2 masks/);
  // A corpus where every neighbourhood is unique: every masked word is forced, so accuracy is 1.
  const chain = 'a b c d e\nf g h i j\n';
  const forced = train(chain.repeat(3));
  assert.deepEqual(forced.maskedAccuracy(chain, { seed: 3 }), { top1: 1, top5: 1, sentences: 2 });
  throwsCode(() => forced.maskedAccuracy('\n\n'), 7, /no sentence/);
  assert.ok(tokens.includes('mat'));
  model.dispose();
  forced.dispose();
});

test('matrix: the top-N tokens by count, counts and probabilities', () => {
  const model = train(GARDEN);
  const counts = model.matrix({ topN: 6 }),
    probs = model.matrix({ topN: 6, kind: 'probs' });
  const all = model.vocab.counts();
  const order = Array.from(all.keys())
    .sort((a, b) => all[b] - all[a] || a - b)
    .slice(0, 6);
  assert.deepEqual(Array.from(counts.ids), order);
  assert.deepEqual(
    counts.tokens,
    order.map((id) => model.vocab.tokenOf(id)),
  );
  for (let r = 0; r < 6; r++) {
    for (let c = 0; c < 6; c++) {
      assert.equal(counts.values[r * 6 + c], model.count(order[r], order[c]));
      assert.ok(Math.abs(probs.values[r * 6 + c] - model.prob(order[r], order[c])) < 1e-7);
    }
  }
  assert.equal(model.matrix({ topN: 100000 }).ids.length, model.vocab.size);
  throwsCode(() => model.matrix({ kind: 'logits' }), 1, /kind must be/);
  model.dispose();
});

test('bad input: each documented error, with a clear message and no crash', () => {
  const vocab = Vocab.build('hello world\n', { level: 'word' });
  throwsCode(
    () => Bigram.train(vocab, 'hello world', { k: -1 }),
    1,
    /^bigram_train: k \(add-k smoothing\) must be a finite number >= 0, got -1$/,
  );
  throwsCode(() => Bigram.train(vocab, 'hello world', { k: '1' }), 1, /^k must be a number, got string$/);
  throwsCode(
    () => Bigram.train(vocab, 'hello world', { k: NaN }),
    1,
    /k \(add-k smoothing\) must be a finite number >= 0, got nan/,
  );
  throwsCode(() => Bigram.train(vocab, ''), 7, /empty/);
  throwsCode(() => Bigram.train(vocab, new Uint8Array([0x68, 0x69, 0x20, 0xf0, 0x9f])), 3, /byte offset 3/);
  throwsCode(() => Bigram.train({}, 'hello'), 1, /needs a Vocab/);
  throwsCode(() => Bigram.train(vocab, 'x', { smoothing: 1 }), 1, /unknown Bigram.train option 'smoothing'/);
  const chars = Vocab.build('h', { level: 'char' });
  throwsCode(() => Bigram.train(chars, 'h'), 7, /fewer than two tokens/);
  const single = Bigram.train(vocab, 'hello\n'); // <s> hello </s>: a single word still has two bigrams
  assert.equal(single.prob('<s>', 'hello'), 2 / 6);
  throwsCode(() => single.evaluate('   '), 7, /no tokens to predict/);
  throwsCode(() => single.prob(99, 0), 1, /^bigram_prob: prev = 99 is not a token id in \[0, V\) = \[0, \d+\)$/);
  throwsCode(() => single.distribution(-1), 1, /^bigram_distribution: prev = -1 is not a token id/);
  throwsCode(
    () => single.generate({ maxLength: 100001 }),
    1,
    /^bigram_generate: max_length must be between 1 and 100000, got 100001$/,
  );
  throwsCode(
    () => single.predictMasked('[MASK] x', { topK: 0 }),
    1,
    /^bigram_predict_masked: top_k must be between 1 and 1000, got 0$/,
  );
  throwsCode(() => single.generate({ temperature: -1 }), 1, /temperature/);
  throwsCode(
    () => single.generate({ seed: -2 }),
    1,
    /^bigram_generate: seed must be a whole number from 0 to 9007199254740991, got -2$/,
  );
  // The raw C edge gives the same sentences.
  const { core } = lm;
  core.scoped((s) => {
    const out = s.out(),
      text = s.str('hello');
    throwsCode(() => core.check(core.exports.lm_bigram_train(out, vocab.ptr, text, 5, -0.5, -1)), 1, /got -0.5/);
    throwsCode(
      () => core.check(core.exports.lm_bigram_prob(vocab.ptr, 0, 0, out)),
      4,
      /is a vocabulary, expected a bigram model/,
    );
    throwsCode(
      () => core.check(core.exports.lm_bigram_train(out, single.ptr, text, 5, 1, -1)),
      4,
      /is a bigram model, expected a vocabulary/,
    );
  });
  const ptr = single.ptr,
    ownVocab = single.vocab;
  single.dispose();
  throwsCode(() => single.prob('hello', 'world'), 4, /disposed/);
  throwsCode(() => ownVocab.encode('hello'), 4, /disposed/);
  core.scoped((s) => {
    const out = s.out();
    throwsCode(() => core.check(core.exports.lm_bigram_prob(ptr, 0, 0, out)), 4, /not a live bigram model/);
  });
  vocab.dispose();
  throwsCode(() => Bigram.train(vocab, 'hello'), 4, /disposed/);
  chars.dispose();
});

test('Brown detokeniser: tags stripped, quotes and punctuation glued', () => {
  assert.equal(
    detokenize("\tThe/at jury/nn said/vbd ``/`` no/at evidence/nn ''/'' ,/, and/cc (/( Jr./np ./. )/) ;/. ;/."),
    'The jury said "no evidence", and (Jr.);',
  );
  assert.equal(detokenize('It/pps is/bez 1-1/2/cd miles/nns ?/.'), 'It is 1-1/2 miles?');
});

test('CLI: bigram --help documents every flag; a small run prints every figure; errors exit 2', () => {
  const cli = join(ROOT, 'scripts/lmlab.mjs');
  const help = execFileSync('node', [cli, 'bigram', '--help'], { encoding: 'utf8' });
  for (const flag of [
    '--data',
    '--eval',
    '--level',
    '--tokenizer',
    '--sentences',
    '--lowercase',
    '--min-count',
    '--max-size',
    '--k',
    '--dense-limit',
    '--generate',
    '--seed',
    '--temperature',
    '--greedy',
    '--max-length',
    '--skip-masked',
    '--json',
  ]) {
    assert.ok(help.includes(flag), flag);
  }
  const data = join(ROOT, 'web/corpora/garden.txt');
  const json = JSON.parse(
    execFileSync('node', [cli, 'bigram', '--data', data, '--json', '--generate', '2'], { encoding: 'utf8' }),
  );
  assert.ok(json.vocabSize > 100 && json.heldOut.perplexity > 1 && json.train.perplexity < json.heldOut.perplexity);
  assert.equal(json.generated.length, 2);
  assert.ok(json.masked.sentences >= 6 && json.masked.top5 >= json.masked.top1);
  const text = execFileSync('node', [cli, 'bigram', '--data', data, '--level', 'char', '--generate', '1'], {
    encoding: 'utf8',
  });
  assert.match(text, /vocabulary: \d+ characters/);
  assert.match(text, /held-out perplexity \d/);
  assert.match(text, /top-1 \d+\.\d%, top-5/);
  const bad = spawnSync('node', [cli, 'bigram', '--k', '-1', '--data', data], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--k must be at least 0/);
  const missing = spawnSync('node', [cli, 'bigram', '--data', join(ROOT, 'no-such-file.txt')], { encoding: 'utf8' });
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /no such file/);
});
