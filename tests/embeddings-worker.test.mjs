// embeddings-worker.test.mjs — the page's word vectors, on the worker's side, under Node (its message
// handler driven as a page would): the PCA of the embedding map against a brute-force eigensolver
// (Jacobi, float64), its signs held still by the previous axes; pre-trained vectors from text-file bytes
// set into the model (rows equal to the file's, the others as initialised, missing words counted and
// named), frozen then fine-tuned, set again on Reset and refused by a model of another size with the
// reason; bad files (another size, a malformed line, not UTF-8, no word in common, no embedding)
// refused with a sentence and the model bit-identical; export → parse round trip; neighbours and the
// analogy against cosines computed here; unknown words named; the map's tokens the most frequent ones.
import test from 'node:test';
import assert from 'node:assert/strict';
import { lm, call, session } from './worker-harness.mjs';
import { pca2 } from '../web/worker/pca.mjs';
const params = () =>
  session()
    .model.parameters()
    .map((p) => Array.from(p.data));
const embedding = () =>
  session()
    .model.parameters()
    .find((p) => p.name === 'embedding.weight');
/** Row `word` of the embedding (V, E). */
const row = (word) => {
  const s = session();
  const E = s.model.config.embedding;
  const id = s.tokenIndex.get(word);
  return Array.from(embedding().data.subarray(id * E, (id + 1) * E));
};
const bytesOf = (text) => new TextEncoder().encode(text).buffer;

const LINES = [
  'the king spoke to the man',
  'the queen spoke to the woman',
  'the man and the woman walked',
  'a king and a queen walked to the garden',
];
const TEXT = Array.from({ length: 60 }, (_, i) => LINES[i % LINES.length]).join('\n');
const WORDS = { level: 'word', lower: 1, minCount: 1, sentences: 'lines' };

async function wordModel(extra = {}) {
  await call('setCorpus', { name: 'royals', text: TEXT });
  return call('configure', { settings: { model: 'rnn', hidden: 8, embed: 4, lr: 0.05, seed: 5, ...WORDS, ...extra } });
}

// king − man + woman = queen exactly; the others point elsewhere
const VECTORS = [
  '6 4',
  'king 1 1 0 0',
  'man 1 0 0 0',
  'woman 0 0 1 0',
  'queen 0 1 1 0',
  'garden 0 0 0 1',
  'zebra 5 5 5 5',
].join('\n');

// ---- PCA ------------------------------------------------------------------------------------------

/** Eigenvalues and eigenvectors of a symmetric matrix (Jacobi rotations, float64): descending. */
function jacobiEigen(A, D) {
  const a = Float64Array.from(A);
  const v = new Float64Array(D * D);
  for (let i = 0; i < D; i++) v[i * D + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < D; p++) for (let q = p + 1; q < D; q++) off += a[p * D + q] ** 2;
    if (off < 1e-24) break;
    for (let p = 0; p < D; p++)
      for (let q = p + 1; q < D; q++) {
        if (Math.abs(a[p * D + q]) < 1e-300) continue;
        const theta = (a[q * D + q] - a[p * D + p]) / (2 * a[p * D + q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < D; k++) {
          const akp = a[k * D + p];
          const akq = a[k * D + q];
          a[k * D + p] = c * akp - s * akq;
          a[k * D + q] = s * akp + c * akq;
        }
        for (let k = 0; k < D; k++) {
          const apk = a[p * D + k];
          const aqk = a[q * D + k];
          a[p * D + k] = c * apk - s * aqk;
          a[q * D + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < D; k++) {
          const vkp = v[k * D + p];
          const vkq = v[k * D + q];
          v[k * D + p] = c * vkp - s * vkq;
          v[k * D + q] = s * vkp + c * vkq;
        }
      }
  }
  const order = Array.from({ length: D }, (_, i) => i).sort((x, y) => a[y * D + y] - a[x * D + x]);
  return order.map((i) => ({ value: a[i * D + i], vector: Array.from({ length: D }, (_, k) => v[k * D + i]) }));
}

/** A reproducible (n, D) matrix with a clear spectrum (column scales 5, 3, 1, 0.5, …). */
function sample(n, D, seed = 1) {
  let x = seed;
  const rand = () => (x = (1664525 * x + 1013904223) % 4294967296) / 4294967296 - 0.5;
  const out = new Float32Array(n * D);
  for (let r = 0; r < n; r++) for (let i = 0; i < D; i++) out[r * D + i] = rand() * [5, 3, 1, 0.5][Math.min(i, 3)] + 2;
  return out;
}

test('pca2: the two leading axes, variances and coordinates of a brute-force eigendecomposition', () => {
  for (const [n, D] of [
    [40, 6],
    [200, 16],
    [5, 12], // fewer rows than columns
  ]) {
    const X = sample(n, D, n + D);
    const mean = new Float64Array(D);
    for (let r = 0; r < n; r++) for (let i = 0; i < D; i++) mean[i] += X[r * D + i] / n;
    const C = new Float64Array(D * D); // covariance / n
    for (let r = 0; r < n; r++)
      for (let i = 0; i < D; i++)
        for (let j = 0; j < D; j++) C[i * D + j] += ((X[r * D + i] - mean[i]) * (X[r * D + j] - mean[j])) / n;
    const eig = jacobiEigen(C, D);
    const p = pca2(X, n, D);
    let trace = 0;
    for (let i = 0; i < D; i++) trace += C[i * D + i];
    assert.ok(Math.abs(p.total - trace) < 1e-9 * trace, `(${n}, ${D}) total ${p.total} vs ${trace}`);
    for (let k = 0; k < 2; k++) {
      assert.ok(
        Math.abs(p.variance[k] - eig[k].value) < 1e-7 * eig[0].value,
        `(${n}, ${D}) variance ${k}: ${p.variance[k]} vs ${eig[k].value}`,
      );
      const axis = p.axes.subarray(k * D, (k + 1) * D);
      const cos = eig[k].vector.reduce((s, v, i) => s + v * axis[i], 0);
      assert.ok(Math.abs(Math.abs(cos) - 1) < 1e-6, `(${n}, ${D}) axis ${k}: |cos| = ${Math.abs(cos)}`);
      for (let r = 0; r < n; r++) {
        let want = 0;
        for (let i = 0; i < D; i++) want += (X[r * D + i] - mean[i]) * axis[i];
        assert.ok(Math.abs(p.xy[2 * r + k] - want) < 1e-4 * (1 + Math.abs(want)), `(${n}, ${D}) row ${r}`);
      }
    }
    const orth = p.axes.subarray(0, D).reduce((s, v, i) => s + v * p.axes[D + i], 0);
    assert.ok(Math.abs(orth) < 1e-9, `axes not orthogonal: ${orth}`);
  }
});

test('pca2: the previous axes set the signs and start the iteration; degenerate inputs stay finite', () => {
  const n = 60;
  const D = 8;
  const X = sample(n, D, 7);
  const first = pca2(X, n, D);
  // the previous axes with both signs flipped: the new axes follow them (the picture mirrors with them)
  const flipped = first.axes.map((v) => -v);
  const again = pca2(X, n, D, flipped);
  for (let i = 0; i < 2 * D; i++) assert.ok(Math.abs(again.axes[i] + first.axes[i]) < 1e-5);
  assert.ok(again.iterations <= 3, `a warm start took ${again.iterations} iterations`);
  assert.ok(first.iterations > again.iterations);
  // a small change (a training step): same signs as before, though no sign rule alone would say so
  const moved = X.map((v, i) => v + 0.01 * Math.sin(i));
  const next = pca2(moved, n, D, first.axes);
  for (let k = 0; k < 2; k++) {
    const cos = first.axes.subarray(k * D, (k + 1) * D).reduce((s, v, i) => s + v * next.axes[k * D + i], 0);
    assert.ok(cos > 0.99, `axis ${k} turned: cos ${cos}`);
  }
  // every row the same: no variance, finite coordinates of 0; one column; one row
  const same = pca2(new Float32Array(5 * 3).fill(2), 5, 3);
  assert.deepEqual(Array.from(same.xy), new Array(10).fill(0));
  assert.deepEqual(same.variance, [0, 0]);
  const line = pca2(Float32Array.from([1, 2, 3, 6]), 4, 1);
  assert.deepEqual(
    Array.from(line.xy).filter((_, i) => i % 2 === 0),
    [-2, -1, 0, 3],
  );
  assert.ok(pca2(Float32Array.from([1, 2, 3]), 1, 3).xy.every(Number.isFinite));
  assert.throws(() => pca2(new Float32Array(3), 2, 3), /pca2 needs/);
});

// ---- vectors in ------------------------------------------------------------------------------------

test('setVectors: the file’s rows set, the rest as initialised, missing words reported', async () => {
  await wordModel();
  const s = session();
  const before = Object.fromEntries(s.tokens.map((t) => [t, row(t)]));
  const info = await call('setVectors', { bytes: bytesOf(VECTORS), name: 'royal.txt', freeze: false });
  const file = lm.parseEmbeddingText(VECTORS);
  // independently: which vocabulary tokens have a vector (exactly, or lower-cased in the file)
  const inFile = new Set(file.words.map((w) => w.toLowerCase()));
  const missing = s.tokens.filter((t) => !inFile.has(t));
  assert.equal(info.found, s.tokens.length - missing.length);
  assert.equal(info.found, 5); // king man woman queen garden
  assert.equal(info.missing, missing.length);
  assert.deepEqual(info.missingExamples, missing.slice(0, 10));
  assert.ok(info.missingExamples.includes('the') && info.missingExamples.includes('<s>'));
  assert.equal(info.words, 6);
  assert.equal(info.dim, 4);
  assert.equal(info.header, true);
  assert.equal(info.applied, true);
  assert.equal(info.frozen, false);
  assert.deepEqual(row('king'), [1, 1, 0, 0]);
  assert.deepEqual(row('queen'), [0, 1, 1, 0]);
  for (const t of missing) assert.deepEqual(row(t), before[t], `${t} changed`);
});

test('freeze: the embedding stays bit-identical while training, moves once fine-tuned; Reset sets the vectors again', async () => {
  await wordModel();
  await call('setVectors', { bytes: bytesOf(VECTORS), name: 'royal.txt', freeze: true });
  const frozen = Array.from(embedding().data);
  const others = params().slice(1);
  await call('step', { count: 10 });
  assert.deepEqual(Array.from(embedding().data), frozen, 'a frozen embedding moved');
  assert.notDeepEqual(params().slice(1), others, 'the rest did not train');
  assert.deepEqual(await call('freezeEmbedding', { freeze: false }), { frozen: false });
  await call('step', { count: 5 });
  assert.notDeepEqual(Array.from(embedding().data), frozen, 'a fine-tuned embedding did not move');
  // Reset: a new model from the seed takes the vectors again, with the last freeze choice
  const info = await call('configure', {
    settings: { model: 'rnn', hidden: 8, embed: 4, lr: 0.05, seed: 5, ...WORDS },
  });
  assert.equal(info.vectors.applied, true);
  assert.equal(info.vectors.frozen, false);
  assert.deepEqual(row('king'), [1, 1, 0, 0]);
  assert.deepEqual(session().model.frozen(), []);
  // another size: kept, not applied, and the reason says what to do
  const wide = await call('configure', { settings: { model: 'lstm', hidden: 8, embed: 6, seed: 5, ...WORDS } });
  assert.equal(wide.vectors.applied, false);
  assert.match(wide.vectors.why, /4 numbers per word but the model's embedding has 6 \(E\): set Embedding to 4/);
  const bigram = await call('configure', { settings: { model: 'bigram', ...WORDS } });
  assert.match(bigram.vectors.why, /the bigram has no embedding/);
  // back to size 4 (a GRU this time): applied again; clearVectors forgets them
  const gru = await call('configure', { settings: { model: 'gru', hidden: 8, embed: 4, seed: 5, ...WORDS } });
  assert.equal(gru.vectors.applied, true);
  assert.deepEqual(row('woman'), [0, 0, 1, 0]);
  // characters: no token has a vector in a file of words; the model builds all the same, the vectors wait
  const chars = await call('configure', { settings: { model: 'rnn', hidden: 8, embed: 4, level: 'char' } });
  assert.equal(chars.vectors.applied, false);
  assert.match(chars.vectors.why, /none of the \d+ words of the vocabulary has a vector in the file/);
  assert.ok(session().model);
  await call('clearVectors');
  const plain = await call('configure', { settings: { model: 'gru', hidden: 8, embed: 4, seed: 5, ...WORDS } });
  assert.equal(plain.vectors, null);
  assert.notDeepEqual(row('woman'), [0, 0, 1, 0]);
});

test('bad vector files are refused with a sentence; the model and the stored vectors stay as they were', async () => {
  await wordModel();
  await call('setVectors', { bytes: bytesOf(VECTORS), name: 'royal.txt', freeze: false });
  const stored = session().vectors;
  const before = params();
  const cases = [
    [
      'king 1 2 3\nman 1 2 3',
      /small\.txt: the vectors have 3 numbers per word but the model's embedding has 4 \(E\): set Embedding to 3 in the Model panel, then load the file again/,
    ],
    ['king 1 2 3 4\nman 1 2 x 4', /bad\.txt: line 2, number 3 of 'man': 'x' is not a number/],
    ['king 1 2 3 4\nman 1 2 3', /bad\.txt: line 2 has 3 numbers but line 1 has 4/],
    ['3 4\nking 1 2 3 4', /the header says 3 words but the file has 1/],
    ['king 1 2 3 1e999', /not finite/],
    ['', /no word vectors/],
    ['zebra 1 2 3 4\nyak 4 3 2 1', /none of the \d+ words of the vocabulary has a vector/],
  ];
  for (const [text, pattern] of cases) {
    const name = pattern.source.startsWith('small') ? 'small.txt' : 'bad.txt';
    await assert.rejects(call('setVectors', { bytes: bytesOf(text), name, freeze: false }), pattern, text);
  }
  const latin1 = Uint8Array.from([0x6b, 0x69, 0x6e, 0x67, 0xe9, 0x20, 0x31]).buffer; // "kingé 1" in Latin-1
  await assert.rejects(
    call('setVectors', { bytes: latin1, name: 'l1.txt', freeze: false }),
    /l1\.txt is not UTF-8 text/,
  );
  const nul = Uint8Array.from([0x6b, 0x00, 0x20, 0x31]).buffer;
  await assert.rejects(call('setVectors', { bytes: nul, name: 'b.bin', freeze: false }), /b\.bin is binary/);
  // too big: refused before a byte is decoded (the buffer is never touched, so never resident)
  await assert.rejects(
    call('setVectors', { bytes: new ArrayBuffer(256 * 1024 * 1024 + 1), name: 'huge.txt', freeze: false }),
    /huge\.txt is 256 MB; the page reads at most 256 MB of vectors/,
  );
  await assert.rejects(
    call('setVectors', { bytes: bytesOf(VECTORS), name: 'v', freeze: 'yes' }),
    /freeze must be true or false/,
  );
  await assert.rejects(
    call('setVectors', { bytes: 'king 1 2 3 4', name: 'v', freeze: false }),
    /must come as the file's bytes/,
  );
  assert.deepEqual(params(), before, 'a refused file changed the model');
  assert.equal(session().vectors, stored, 'a refused file replaced the stored vectors');
  assert.deepEqual(session().model.frozen(), []);
  // one-hot input and the bigram: nothing to set, and the sentence says what would be
  await call('configure', { settings: { model: 'rnn', hidden: 8, embed: 0, ...WORDS } });
  await assert.rejects(
    call('setVectors', { bytes: bytesOf(VECTORS), name: 'royal.txt', freeze: false }),
    /one-hot input \(Embedding 0\).*set Embedding to 4/,
  );
  await call('configure', { settings: { model: 'bigram', ...WORDS } });
  await assert.rejects(
    call('setVectors', { bytes: bytesOf(VECTORS), name: 'royal.txt', freeze: false }),
    /the bigram has no embedding/,
  );
  await assert.rejects(call('neighbors', { word: 'king' }), /the bigram has no embedding to ask/);
});

// ---- vectors out, and questions ---------------------------------------------------------------------

test('exportEmbedding: the text format of embeddingMatrix(), which loads back row for row', async () => {
  await wordModel();
  await call('step', { count: 3 });
  const out = await call('exportEmbedding');
  const s = session();
  assert.equal(out.tokens, s.tokens.length);
  assert.equal(out.dim, 4);
  assert.equal(out.tensor, 'embedding.weight');
  const parsed = lm.parseEmbeddingText(out.text);
  assert.deepEqual(parsed.words, s.tokens);
  assert.deepEqual(Array.from(parsed.vectors), Array.from(s.model.embeddingMatrix().data));
  const trained = Array.from(embedding().data);
  await wordModel({ seed: 9 });
  const info = await call('setVectors', { bytes: bytesOf(out.text), name: 'export.txt', freeze: false });
  assert.equal(info.found, s.tokens.length);
  assert.equal(info.missing, 0);
  assert.deepEqual(Array.from(embedding().data), trained);
});

/** Cosine of two rows. */
const cosine = (u, v) => {
  const d = u.reduce((a, x, i) => a + x * v[i], 0);
  return d / Math.sqrt(u.reduce((a, x) => a + x * x, 0) * v.reduce((a, x) => a + x * x, 0));
};

test('neighbors and analogy: cosines computed here, king − man + woman = queen, unknown words named', async () => {
  await wordModel();
  await call('setVectors', { bytes: bytesOf(VECTORS), name: 'royal.txt', freeze: false });
  const s = session();
  const near = await call('neighbors', { word: 'King', topK: 5 }); // lower-cased like the tokenizer
  assert.equal(near.token, 'king');
  assert.equal(near.neighbors.length, 5);
  const all = s.tokens.filter((t) => t !== 'king').map((t) => ({ token: t, cosine: cosine(row('king'), row(t)) }));
  all.sort((a, b) => b.cosine - a.cosine);
  assert.deepEqual(
    near.neighbors.map((n) => n.token),
    all.slice(0, 5).map((n) => n.token),
  );
  for (const n of near.neighbors) assert.ok(Math.abs(n.cosine - cosine(row('king'), row(n.token))) < 1e-6);
  const a = await call('analogy', { a: 'king', b: 'man', c: 'woman', topK: 3 });
  assert.deepEqual(a.tokens, ['king', 'man', 'woman']);
  assert.equal(a.results[0].token, 'queen');
  assert.ok(Math.abs(a.results[0].cosine - 1) < 1e-6);
  assert.ok(!a.results.some((r) => ['king', 'man', 'woman'].includes(r.token)));
  await assert.rejects(
    call('neighbors', { word: 'dragon' }),
    /not in the vocabulary: 'dragon' \(it has \d+ words, rarer ones are <unk>\)/,
  );
  await assert.rejects(
    call('analogy', { a: 'king', b: 'dragon', c: 'unicorn' }),
    /not in the vocabulary: 'dragon', 'unicorn'/,
  );
  await assert.rejects(call('analogy', { a: 'king', b: '', c: 'man' }), /type 3 tokens/);
  await assert.rejects(call('neighbors', { word: 'king', topK: 0 }), /topK must be a whole number from 1 to 50/);
});

test('projection: the most frequent tokens on the first two principal axes, steady signs while training; characters too', async () => {
  await wordModel();
  const s = session();
  const p1 = await call('projection', { top: 10 });
  // the ten most frequent training tokens, counted here
  const counts = new Map();
  for (const id of s.trainIds) counts.set(s.tokens[id], (counts.get(s.tokens[id]) ?? 0) + 1);
  const ranked = [...counts.entries()].sort((x, y) => y[1] - x[1] || s.tokenIndex.get(x[0]) - s.tokenIndex.get(y[0]));
  assert.deepEqual(
    p1.tokens,
    ranked.slice(0, 10).map(([t]) => t),
  );
  assert.deepEqual(
    p1.counts,
    ranked.slice(0, 10).map(([, c]) => c),
  );
  assert.equal(p1.xy.length, 20);
  assert.equal(p1.D, 4);
  // the same as pca2 of those rows
  const rows = Float32Array.from(p1.tokens.flatMap((t) => row(t)));
  const direct = pca2(rows, 10, 4);
  for (let i = 0; i < 20; i++) assert.ok(Math.abs(p1.xy[i] - direct.xy[i]) < 1e-5);
  assert.ok(p1.variance[0] >= p1.variance[1] && p1.variance[0] + p1.variance[1] <= p1.total * (1 + 1e-9));
  // a training step later the axes keep their direction: the coordinates correlate positively
  await call('step', { count: 1 });
  const p2 = await call('projection', { top: 10 });
  for (let k = 0; k < 2; k++) {
    let dot = 0;
    for (let r = 0; r < 10; r++) dot += p1.xy[2 * r + k] * p2.xy[2 * r + k];
    assert.ok(dot > 0, `axis ${k} flipped after one step`);
  }
  assert.ok(p2.iterations < p1.iterations, `warm start: ${p2.iterations} vs ${p1.iterations} iterations`);
  await assert.rejects(call('projection', { top: 2 }), /from 3 to 500 tokens/);
  await assert.rejects(call('projection', { top: 501 }), /from 3 to 500 tokens/);
  // characters, one-hot: the rows of layer 0's input weights
  await call('setCorpus', { name: 'royals', text: TEXT });
  await call('configure', { settings: { model: 'gru', hidden: 6, embed: 0, level: 'char' } });
  const chars = await call('projection', { top: 12 });
  assert.equal(chars.tokens.length, 12);
  assert.equal(chars.tokens[0], ' ');
  assert.equal(chars.D, 18); // G·H = 3·6
  assert.match(chars.tensor, /weight_ih_l0/);
  assert.ok(chars.xy.every(Number.isFinite));
  const near = await call('neighbors', { word: ' ' }); // a space is a character
  assert.equal(near.token, ' ');
  await assert.rejects(call('neighbors', { word: 'kx' }), /not in the vocabulary: 'kx' \(it has \d+ characters\)/);
});
