// embeddings.test.mjs — word vectors in the word2vec/GloVe text format: the parser (header or none, tabs,
// CRLF, each malformed line named), a float32-exact round trip through the writer, Model.setEmbedding
// (rows set, missing words left as initialised and reported, bad input leaving the model untouched),
// freezing (bit-identical under every optimizer and clip mode, restored from the training state),
// nearest neighbours and analogies against brute force, and train --embeddings --freeze, embeddings
// --export and neighbors from the CLI.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLmlab } from '../wasm_glue/index.mjs';

const lm = await loadLmlab();
const TEXT = 'the king rules .\nthe queen rules .\na man walks .\na woman walks .\nthe king and the queen .\n';
const vocab = lm.Vocab.build(TEXT, { level: 'word' });
const bytesOf = (model) => model.parameters().map((p) => Buffer.from(p.data.slice().buffer));
const throwsLike = (fn, re) => assert.throws(fn, (e) => e instanceof lm.LmlabError && re.test(e.message), String(re));

test('parseEmbeddingText: with and without a header, tabs, CRLF, blank lines; duplicates keep the first', () => {
  const a = lm.parseEmbeddingText('3 2\nthe 1 2\nking\t0.5  -1e-3\r\n\nthe 9 9\n');
  assert.deepEqual(a.words, ['the', 'king']);
  assert.deepEqual(Array.from(a.vectors), [1, 2, 0.5, Math.fround(-1e-3)]);
  assert.equal(a.dim, 2);
  assert.equal(a.header, true);
  assert.equal(a.duplicates, 1);
  const b = lm.parseEmbeddingText('x 1 2 3\ny 4 5 6');
  assert.equal(b.header, false);
  assert.equal(b.count, 2);
});

test('parseEmbeddingText: every malformed file gets a sentence naming the line', () => {
  throwsLike(() => lm.parseEmbeddingText('a 1 2\nb 1 2 3'), /line 2 has 3 numbers but line 1 has 2/);
  throwsLike(() => lm.parseEmbeddingText('2 3\na 1 2 3\nb 1 2'), /line 3 has 2 numbers but the header says 3/);
  throwsLike(() => lm.parseEmbeddingText('a 1 2\nb 1 two'), /line 2, number 2 of 'b': 'two' is not a number/);
  throwsLike(() => lm.parseEmbeddingText('a 1 NaN'), /line 1, number 2 of 'a': 'NaN' is not a number/);
  throwsLike(() => lm.parseEmbeddingText('a 1 1e39'), /line 1, number 2 of 'a': 1e39 is not finite in float32/);
  throwsLike(() => lm.parseEmbeddingText('a 1\nb'), /line 2: 'b' has no numbers/);
  throwsLike(() => lm.parseEmbeddingText('5 2\na 1 2'), /header says 5 words but the file has 1/);
  throwsLike(() => lm.parseEmbeddingText('\n\n'), /no word vectors/);
  throwsLike(() => lm.parseEmbeddingText(42), /as a string/);
});

test('export then parse gives back every float32 exactly (char level too: white-space tokens escaped)', () => {
  for (const [text, level, E] of [
    [TEXT, 'word', 7],
    ['ab a\nb c', 'char', 0],
  ]) {
    const v = lm.Vocab.build(text, { level });
    const m = lm.Model.create({ cell: 'lstm', vocabSize: v.size, embedding: E, hidden: 3, seed: 2 });
    const parsed = lm.parseEmbeddingText(m.exportEmbeddingText(v));
    const { data, shape, tensor } = m.embeddingMatrix();
    assert.equal(tensor, E ? 'embedding.weight' : 'rnn.weight_ih_l0');
    assert.deepEqual(parsed.words, v.tokens());
    assert.equal(parsed.dim, shape[1]);
    assert.deepEqual(Buffer.from(parsed.vectors.buffer), Buffer.from(data.buffer));
    m.dispose();
    v.dispose();
  }
});

test('setEmbedding: matching rows set (lower-case fallback), the rest as initialised, reported; freeze flag', () => {
  const m = lm.Model.create({ cell: 'gru', vocabSize: vocab.size, embedding: 3, hidden: 4, seed: 7 });
  const fresh = m.embeddingMatrix().data;
  const r = m.setEmbedding(lm.parseEmbeddingText('king 1 0 0\nQUEEN 9 9 9\nqueen 0 1 0\nzebra 5 5 5\n'), {
    vocab,
    freeze: true,
  });
  assert.equal(r.found, 2);
  assert.equal(r.missing, vocab.size - 2);
  assert.ok(r.missingExamples.includes('the') && r.missingExamples.length <= 10);
  const { data } = m.embeddingMatrix();
  assert.deepEqual(Array.from(data.subarray(3 * vocab.idOf('king'), 3 * vocab.idOf('king') + 3)), [1, 0, 0]);
  assert.deepEqual(Array.from(data.subarray(3 * vocab.idOf('queen'), 3 * vocab.idOf('queen') + 3)), [0, 1, 0]);
  const the = vocab.idOf('the');
  assert.deepEqual(data.subarray(3 * the, 3 * the + 3), fresh.subarray(3 * the, 3 * the + 3));
  assert.deepEqual(m.frozen(), ['embedding.weight']);
  const cased = lm.Vocab.build('The King rules .', { level: 'word' });
  const mc = lm.Model.create({ cell: 'rnn', vocabSize: cased.size, embedding: 1, hidden: 2, seed: 1 });
  const rc = mc.setEmbedding(lm.parseEmbeddingText('king 4\nthe 5'), { vocab: cased });
  assert.equal(rc.lowercased, 2);
  assert.equal(mc.embeddingMatrix().data[cased.idOf('King')], 4);
  assert.deepEqual(mc.frozen(), []);
  m.dispose();
  mc.dispose();
  cased.dispose();
});

test('setEmbedding: bad input is refused with a sentence and the model is untouched', () => {
  const m = lm.Model.create({ cell: 'rnn', vocabSize: vocab.size, embedding: 3, hidden: 4, seed: 7 });
  const before = bytesOf(m);
  throwsLike(
    () => m.setEmbedding(lm.parseEmbeddingText('king 1 2'), { vocab }),
    /2 numbers per word but the model's embedding has 3/,
  );
  throwsLike(() => m.setEmbedding(lm.parseEmbeddingText('zebra 1 2 3'), { vocab }), /none of the \d+ words/);
  throwsLike(() => m.setEmbedding(lm.parseEmbeddingText('king 1 2 3')), /needs \{ vocab \}/);
  throwsLike(() => m.setEmbedding({ data: new Float32Array(3), shape: [1, 3] }), /must be \(\d+, 3\)/);
  const nan = new Float32Array(vocab.size * 3).fill(NaN);
  throwsLike(() => m.setEmbedding({ data: nan, shape: [vocab.size, 3] }), /non-finite/);
  throwsLike(() => m.setEmbedding(lm.parseEmbeddingText('king 1 2 3'), { vocab, freeze: 'yes' }), /freeze/);
  assert.deepEqual(bytesOf(m), before);
  assert.deepEqual(m.frozen(), []);
  const onehot = lm.Model.create({ cell: 'rnn', vocabSize: vocab.size, embedding: 0, hidden: 4, seed: 7 });
  throwsLike(() => onehot.setEmbedding(lm.parseEmbeddingText('king 1 2 3'), { vocab }), /one-hot input/);
  throwsLike(() => m.setFrozen('nothing'), /no parameter 'nothing'/);
  m.dispose();
  onehot.dispose();
});

test('a frozen tensor stays bit-identical under sgd, momentum, adagrad, adam with value and norm clipping; restored by resume', () => {
  const ids = vocab.encode(TEXT.repeat(10));
  for (const optimizer of ['sgd', 'adagrad', 'adam'])
    for (const momentum of optimizer === 'sgd' ? [0, 0.9] : [0])
      for (const clipMode of ['value', 'norm']) {
        const what = `${optimizer} momentum ${momentum} ${clipMode}`;
        const m = lm.Model.create({ cell: 'lstm', vocabSize: vocab.size, embedding: 4, hidden: 5, seed: 3 });
        m.setFrozen('W_embed');
        m.setFrozen('Wh');
        const frozen = () =>
          m
            .parameters()
            .filter((p) => p.frozen)
            .map((p) => Buffer.from(p.data.slice().buffer));
        const trained = () =>
          Buffer.from(
            m
              .parameters()
              .find((p) => p.lecture === 'Wx')
              .data.slice().buffer,
          );
        const [b0, b1] = [frozen(), trained()];
        const options = {
          batch: 2,
          seq: 6,
          optimizer,
          lr: optimizer === 'sgd' ? 0.5 : 0.05,
          momentum,
          clip: 0.01,
          clipMode,
        };
        const t = new lm.Trainer(m, ids, options);
        const stats = t.train(15);
        assert.ok(stats.clipEvents > 0, `${what}: clipping was active`);
        assert.deepEqual(frozen(), b0, `${what}: frozen tensors changed`);
        assert.notDeepEqual(trained(), b1, `${what}: Wx did not train`);
        // saved in the training state; a new trainer of a loaded model restores it
        const bytes = m.save(t);
        const m2 = lm.Model.load(bytes);
        assert.deepEqual(m2.frozen(), [], 'a model alone loads with nothing frozen');
        const t2 = new lm.Trainer(m2, ids, options);
        t2.restore(bytes);
        assert.deepEqual(m2.frozen(), ['embedding.weight', 'rnn.weight_hh_l0']);
        // fine-tuning again moves it
        m.setFrozen('W_embed', false);
        t.train(3);
        assert.notDeepEqual(frozen()[0], b0[0], `${what}: unfrozen embedding did not train`);
        for (const x of [t, t2, m, m2]) x.dispose();
      }
});

test('neighbors and analogy: cosine similarity by brute force; king - man + woman = queen', () => {
  const m = lm.Model.create({ cell: 'rnn', vocabSize: vocab.size, embedding: 3, hidden: 4, seed: 9 });
  const rows = { king: [1, 1, 0], man: [1, 0, 0], woman: [1, 0, 1], queen: [1, 1, 1] };
  const text = Object.entries(rows)
    .map(([w, v]) => `${w} ${v.join(' ')}`)
    .join('\n');
  m.setEmbedding(lm.parseEmbeddingText(text), { vocab });
  const [best] = m.analogy(vocab.idOf('king'), vocab.idOf('man'), vocab.idOf('woman'), { topK: 1 });
  assert.equal(vocab.tokenOf(best.id), 'queen');
  assert.ok(Math.abs(best.cosine - 1) < 1e-6);
  const { data } = m.embeddingMatrix();
  const row = (id) => Array.from(data.subarray(3 * id, 3 * id + 3));
  const cos = (u, v) => {
    const dot = u.reduce((a, x, i) => a + x * v[i], 0);
    return dot / Math.hypot(...u) / Math.hypot(...v);
  };
  const king = vocab.idOf('king');
  const near = m.neighbors(king, { topK: vocab.size - 1 });
  assert.equal(near.length, vocab.size - 1);
  assert.ok(!near.some((n) => n.id === king));
  for (const n of near) assert.ok(Math.abs(n.cosine - cos(row(king), row(n.id))) < 1e-6);
  for (let i = 1; i < near.length; i++) assert.ok(near[i - 1].cosine >= near[i].cosine);
  throwsLike(() => m.neighbors(-1), /token id/);
  throwsLike(() => m.analogy(0, 1, vocab.size), /c must be a token id/);
  throwsLike(() => m.neighbors(0, { topK: 0 }), /topK/);
  m.dispose();
});

// ---- CLI -------------------------------------------------------------------------------------------

const cli = (args) => spawnSync(process.execPath, ['scripts/lmlab.mjs', ...args], { encoding: 'utf8' });

test('CLI: train --embeddings --freeze reports missing words and keeps the vectors; embeddings --export; neighbors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lmlab-embeddings-'));
  try {
    const data = join(dir, 'text.txt');
    writeFileSync(data, TEXT.repeat(30));
    const vectors = join(dir, 'vectors.txt');
    writeFileSync(vectors, 'king 1 1 0\nman 1 0 0\nwoman 1 0 1\nqueen 1 1 1\nzebra 0 0 0\n');
    const file = join(dir, 'm.safetensors');
    const base = ['train', '--data', data, '--level', 'word', '--cell', 'gru', '--hidden', '6', '--steps', '20'];
    const small = ['--batch', '2', '--seq', '5', '--val-fraction', '0', '--out', file];
    let r = cli([...base, ...small, '--embeddings', vectors, '--freeze', 'W_embed']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /embeddings: 4 of \d+ tokens have a vector .* \d+ missing, initialised as usual \(e\.g\. /);
    assert.match(r.stdout, /frozen \(left as they are\): embedding\.weight/);
    const out = join(dir, 'vectors-out.txt');
    r = cli(['embeddings', '--model', file, '--export', out]);
    assert.equal(r.status, 0, r.stderr);
    const back = lm.parseEmbeddingText(readFileSync(out, 'utf8'));
    const at = (w) => Array.from(back.vectors.subarray(3 * back.words.indexOf(w), 3 * back.words.indexOf(w) + 3));
    assert.deepEqual(at('woman'), [1, 0, 1]); // frozen: exactly as loaded after 20 steps
    r = cli(['neighbors', '--model', file, '--analogy', 'king', 'man', 'woman', '--json']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).neighbors[0].token, 'queen');
    r = cli(['neighbors', '--model', file, 'king', '--top-k', '2']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /nearest to king/);
    // the exported file starts another model
    r = cli([...base, ...small.slice(0, -1), join(dir, 'm2.safetensors'), '--embeddings', out]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /embeddings: (\d+) of \1 tokens have a vector/);
    for (const [args, re] of [
      [[...base, ...small, '--embeddings', data], /--embeddings .*line 1, number 1 of 'the': 'king' is not a number/],
      [[...base, ...small, '--embeddings', vectors, '--embedding', '4'], /has 3 numbers per word but --embedding is 4/],
      [[...base, ...small, '--embeddings', vectors, '--embedding', '0'], /--embeddings needs an embedding matrix/],
      [[...base, ...small, '--freeze', 'Wq'], /--freeze: the model has no parameter 'Wq'/],
      [['neighbors', '--model', file, 'zebra'], /'zebra' is not in the model's vocabulary/],
      [['neighbors', '--model', file, '--analogy', 'king', 'man'], /three words/],
      [['embeddings', '--model', file, '--export', file], /is a model file/],
    ]) {
      r = cli(args);
      assert.notEqual(r.status, 0, args.join(' '));
      assert.match(r.stderr, re, args.join(' '));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
