// api-edge.test.mjs — the JS edge's promises of docs/guarantees.md (issue #11), each a finding that
// failed before its fix: ids beyond int32 are refused, not wrapped (2^32 + 3 acted as 3); a NUL in
// metadata is refused, not truncated; a parameter view of a disposed model throws instead of writing
// into the next model's memory; every property of a disposed object throws, as index.d.ts says;
// BigInt and Symbol arguments give an LmlabError with a sentence, never a TypeError.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { buildVocabularies, loadLmlab, LmlabError, STATUS } from '../wasm_glue/index.mjs';

let lm;
before(async () => {
  lm = await loadLmlab({ seq2seq: true });
});

/** fn throws an LmlabError (not a TypeError or RangeError) whose message matches `pattern`. */
function refuses(fn, pattern, code = STATUS.ARG) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof LmlabError, `${err?.name}: ${err?.message}`);
    assert.equal(err.code, code, err.message);
    assert.match(err.message, pattern);
    return true;
  });
}

const model = () => lm.Model.create({ cell: 'rnn', vocabSize: 5, embedding: 0, hidden: 4, seed: 1 });
const IDS = [1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2];

test('ids beyond int32 are refused everywhere ids enter, never wrapped (2^32 + 3 is not 3)', () => {
  const m = model();
  const wrapped = 2 ** 32 + 3;
  refuses(() => m.nextLogProbs([wrapped]), /context\[0\] must be a whole token id \(an int32\), got 4294967299/);
  refuses(() => m.nextLogProbs(Float64Array.of(1, -(2 ** 32) + 3)), /context\[1\] must be a whole token id/);
  refuses(() => m.logits([1, wrapped], 1, 2), /ids\[1\] must be a whole token id/);
  refuses(() => m.sample([wrapped], { length: 2 }), /must be a whole token id/);
  refuses(() => m.hiddenStates([wrapped]), /must be a whole token id/);
  refuses(() => m.probe([1, wrapped]), /must be a whole token id/);
  refuses(() => m.evaluate([1, 2, wrapped, 1, 2], { batch: 1, seq: 2 }), /must be a whole token id/);
  refuses(() => new lm.Trainer(m, [...IDS, wrapped], { batch: 1, seq: 2 }), /ids\[12\] must be a whole token id/);
  refuses(() => m.predictMasked([1, wrapped], [2]), /whole/);
  // the same ids as int32 work, so the refusal is about the wrapping, not the id
  assert.equal(m.nextLogProbs([3]).length, 5);
  // the net under every caller: an int array reaching C holds only int32 values
  const vocab = lm.Vocab.build('abcabcabd', { level: 'char' });
  refuses(() => vocab.decode([wrapped]), /id 4294967299 at position 0 is outside the vocabulary/);
  refuses(() => lm.layers.embedding_forward([[wrapped]], [[1, 2]]), /must be an integer/);
  vocab.dispose();
  m.dispose();
});

test('BigInt and Symbol arguments throw an LmlabError with a sentence, never a TypeError', () => {
  const m = model();
  const vocab = lm.Vocab.build('abcabcabd', { level: 'char' });
  for (const bad of [3n, Symbol('three')]) {
    const shown = typeof bad === 'bigint' ? /3n \(a BigInt\)/ : /Symbol\(three\) \(a Symbol\)/;
    refuses(() => lm.Model.create({ cell: bad, vocabSize: 5, embedding: 0, hidden: 4 }), shown);
    refuses(() => lm.Model.create({ cell: 'rnn', vocabSize: bad, embedding: 0, hidden: 4 }), shown);
    refuses(() => m.nextLogProbs([bad]), shown);
    refuses(() => m.logits([1, bad], 1, 2), shown);
    refuses(() => m.logits([1, 2], bad, 2), shown);
    refuses(() => m.sample([1], { length: bad }), shown);
    refuses(() => m.sample([1], { length: 2, temperature: bad }), shown);
    refuses(() => new lm.Trainer(m, [...IDS, bad], { batch: 1, seq: 2 }), shown);
    refuses(() => new lm.Trainer(m, IDS, { batch: 1, seq: 2, optimizer: bad }), shown);
    refuses(() => new lm.Trainer(m, IDS, { batch: 1, seq: 2, lr: bad }), shown);
    refuses(() => vocab.decode([bad]), shown);
    refuses(() => vocab.tokenOf(bad), shown);
  }
  vocab.dispose();
  m.dispose();
});

test('a NUL in metadata is refused (it used to be cut off at the NUL), in JS and in C', () => {
  const m = model();
  m.metadata = { note: 'a\u0000b' };
  refuses(() => m.save(), /metadata "note" contains a NUL character \(U\+0000\)/);
  m.metadata = { 'no\u0000te': 'ab' };
  refuses(() => m.save(), /contains a NUL character/);
  m.metadata = { note: 'ab' };
  assert.equal(lm.Model.load(m.save()).metadata.note, 'ab');
  m.dispose();
});

test('a parameter view of a disposed model throws: nothing is written into the next model', () => {
  const a = model();
  const views = a.parameters();
  views[0].data[0] = 0.5; // a live view writes through
  assert.equal(a.parameters()[0].data[0], 0.5);
  a.dispose();
  const b = model(); // likely in the memory a had
  const snapshot = b.parameters().map((p) => Array.from(p.data));
  refuses(
    () => {
      views[0].data[0] = 123;
    },
    /this model was disposed/,
    STATUS.HANDLE,
  );
  refuses(() => views[1].grad, /this model was disposed/, STATUS.HANDLE);
  assert.deepEqual(
    b.parameters().map((p) => Array.from(p.data)),
    snapshot,
  );
  b.dispose();
});

test('every property of a disposed object throws, as index.d.ts says', () => {
  const m = model();
  const t = new lm.Trainer(m, IDS, { batch: 1, seq: 2 });
  t.dispose();
  for (const key of ['step', 'options', 'model']) refuses(() => t[key], /this trainer was disposed/, STATUS.HANDLE);
  m.dispose();
  for (const key of ['config', 'parameterCount', 'metadata'])
    refuses(() => m[key], /this model was disposed/, STATUS.HANDLE);
  refuses(
    () => {
      m.metadata = {};
    },
    /this model was disposed/,
    STATUS.HANDLE,
  );
  assert.equal(m.disposed, true); // the one property that answers after dispose()
  const vocab = lm.Vocab.build('abcabcabd', { level: 'char' });
  const bigram = lm.Bigram.train(vocab, 'abcabcabd');
  vocab.dispose();
  for (const key of ['size', 'level', 'unk', 'bos', 'eos']) refuses(() => vocab[key], /disposed/, STATUS.HANDLE);
  bigram.dispose();
  for (const key of ['vocab', 'k', 'sparse', 'stats']) refuses(() => bigram[key], /disposed/, STATUS.HANDLE);
  const pairs = [
    { source: 'ab', target: 'ba' },
    { source: 'abc', target: 'cba' },
  ];
  const v = buildVocabularies(pairs, { level: 'char', shared: true });
  const s2s = lm.Seq2Seq.create({
    srcVocab: v.src,
    tgtVocab: v.tgt,
    cell: 'rnn',
    attention: 'none',
    hidden: 4,
    embedding: 3,
    seed: 1,
  });
  const st = new lm.Seq2SeqTrainer(s2s, pairs, { batch: 2 });
  st.dispose();
  for (const key of ['step', 'options', 'model', 'pairs', 'unknownTokens'])
    refuses(() => st[key], /disposed/, STATUS.HANDLE);
  s2s.dispose();
  for (const key of ['config', 'level', 'parameterCount', 'srcVocab', 'tgtVocab', 'metadata'])
    refuses(() => s2s[key], /disposed/, STATUS.HANDLE);
});
