// vocab.test.mjs — the Vocab API on the WASM build: brute-force recounts, char-level encode/decode
// round trips with astral characters, (de)serialisation, the tokenizer rules, and every documented
// error (invalid UTF-8 with its offset, empty text, limits, bad options, wrong and disposed handles).
import test from 'node:test';
import assert from 'node:assert/strict';
import { loadLmlab } from '../wasm_glue/index.mjs';

const lm = await loadLmlab();
const { Vocab } = lm;

/** A small deterministic PRNG for test data (xorshift32). */
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

function randomWords(seed, lines, types) {
  const r = rng(seed),
    out = [];
  for (let i = 0; i < lines; i++) {
    const n = Math.floor(r() * 8);
    out.push(Array.from({ length: n }, () => `w${Math.floor(r() * r() * types)}`).join(r() < 0.5 ? ' ' : ' \t '));
  }
  return out.join('\n') + '\n';
}

const throwsCode = (fn, code, pattern) =>
  assert.throws(fn, (err) => {
    assert.equal(err.name, 'LmlabError', err.stack);
    assert.equal(err.code, code, err.message);
    if (pattern) assert.match(err.message, pattern);
    return true;
  });

test('word counts equal a brute-force recount (whitespace tokenizer, random texts)', () => {
  for (const seed of [1, 2, 3]) {
    const text = randomWords(seed, 200, 50);
    const vocab = Vocab.build(text, { level: 'word', tokenizer: 'whitespace' });
    const want = new Map();
    let sentences = 0;
    for (const line of text.split('\n')) {
      const words = line.split(/\s+/).filter(Boolean);
      if (words.length) sentences++;
      for (const w of words) want.set(w, (want.get(w) ?? 0) + 1);
    }
    assert.equal(vocab.size, want.size + 3);
    const tokens = vocab.tokens(),
      counts = vocab.counts();
    assert.deepEqual(tokens.slice(0, 3), ['<unk>', '<s>', '</s>']);
    assert.equal(counts[vocab.bos], sentences);
    assert.equal(counts[vocab.eos], sentences);
    for (let id = 3; id < tokens.length; id++) {
      assert.equal(counts[id], want.get(tokens[id]), tokens[id]);
      if (id > 3) assert.ok(counts[id] <= counts[id - 1], 'most frequent first');
    }
    vocab.dispose();
  }
});

test('encode pads sentences, maps unknown words to <unk>, and decode inverts it', () => {
  const vocab = Vocab.build('the cat sat\nthe dog\n', { level: 'word' });
  const ids = vocab.encode('the cat\n\nthe zebra sat\n');
  const t = (w) => vocab.idOf(w);
  assert.deepEqual(Array.from(ids), [1, t('the'), t('cat'), 2, 1, t('the'), 0, t('sat'), 2]);
  assert.equal(vocab.idOf('zebra'), vocab.unk, 'an unknown query word maps to <unk>');
  assert.equal(vocab.decode(ids), 'the cat\nthe <unk> sat');
  const sentences = vocab.encodeSentences('the cat\nthe dog sat\n');
  assert.equal(sentences.length, 2);
  assert.deepEqual(Array.from(sentences[1]), [1, t('the'), t('dog'), t('sat'), 2]);
  assert.throws(() => vocab.decode([99]), /outside the vocabulary/);
  vocab.dispose();
});

test('the words tokenizer: contractions, hyphens, numbers, punctuation runs; lower-casing', () => {
  const vocab = Vocab.build('Don\'t re-enter: 3.14, 1,000 or 10:30... "Yes!"', { level: 'word' });
  const words = vocab.tokens().slice(3).sort();
  assert.deepEqual(
    words,
    ['!', '"', ',', '...', '1,000', '10:30', '3.14', ':', "Don't", 'Yes', 'or', 're-enter'].sort(),
  );
  const lower = Vocab.build('Apple APPLE apple Élan élan', { level: 'word', lowercase: true });
  assert.equal(lower.size, 5);
  assert.equal(lower.idOf('ÉLAN'), lower.idOf('élan'));
  assert.notEqual(lower.idOf('élan'), lower.unk);
  const punct = Vocab.build('One two. Three? Four\nfive', { level: 'word', sentences: 'punctuation' });
  assert.equal(
    punct.encodeSentences('One two. Three? Four\nfive').length,
    3,
    'a newline alone does not end a sentence',
  );
  vocab.dispose();
  lower.dispose();
  punct.dispose();
});

test('char level: code points (astral too), sorted, exact round trip, newline split', () => {
  const text = 'héllo wörld 😀!\nzweite Zeile 𝄞\n';
  const vocab = Vocab.build(text, { level: 'char' });
  const chars = [...new Set(Array.from(text))].sort((a, b) => a.codePointAt(0) - b.codePointAt(0));
  assert.deepEqual(vocab.tokens(), chars);
  assert.equal(vocab.bos, -1);
  assert.equal(vocab.unk, -1);
  const ids = vocab.encode(text);
  assert.deepEqual(
    Array.from(ids),
    Array.from(text).map((c) => chars.indexOf(c)),
  );
  assert.equal(vocab.decode(ids), text);
  assert.deepEqual(
    vocab.encodeSentences(text).map((s) => vocab.decode(s)),
    ['héllo wörld 😀!', 'zweite Zeile 𝄞'],
  );
  throwsCode(() => vocab.encode('hallo?'), 1, /U\+0061 at byte offset 1/);
  const withUnk = Vocab.build(text, { level: 'char', unk: true });
  assert.equal(withUnk.unk, 0);
  assert.equal(withUnk.encode('§')[0], 0);
  vocab.dispose();
  withUnk.dispose();
});

test('char-level encode/decode of a 1 MB text is exact', () => {
  // A generated text of 2^20 code points (no file needed): English-like lines of ASCII letters and
  // punctuation, with a few two-, three- and four-byte characters mixed in, so the UTF-8 paths of
  // encode and decode are exercised at scale.
  const r = rng(9);
  const common = "etaoinshrdlu cmfwypvbgkjqxz ETAOINSHR,.;:!?'-";
  const rare = ['é', 'ß', 'Ω', 'ж', '€', '中', '😀', '𝄞'];
  const chars = [];
  for (let i = 0; i < 1 << 20; i++) {
    const u = r();
    chars.push(
      u < 0.02 ? '\n' : u < 0.03 ? rare[Math.floor(r() * rare.length)] : common[Math.floor(r() * common.length)],
    );
  }
  const text = chars.join('');
  const vocab = Vocab.build(text, { level: 'char' });
  assert.equal(vocab.size, new Set(chars).size);
  const ids = vocab.encode(text);
  assert.equal(ids.length, chars.length);
  assert.equal(vocab.decode(ids), text);
  vocab.dispose();
});

test('minCount and maxSize fold types into <unk>; toJSON/fromJSON round-trips', () => {
  const text = 'a a a b b c\nc d\n';
  const v1 = Vocab.build(text, { level: 'word', minCount: 2 });
  assert.deepEqual(v1.tokens(), ['<unk>', '<s>', '</s>', 'a', 'b', 'c']);
  assert.equal(v1.counts()[0], 1);
  const v2 = Vocab.build(text, { level: 'word', maxSize: 4 });
  assert.deepEqual(v2.tokens(), ['<unk>', '<s>', '</s>', 'a']);
  const json = JSON.parse(JSON.stringify(v1.toJSON()));
  assert.deepEqual(json, {
    level: 'word',
    tokenizer: 'words',
    lowercase: false,
    sentences: 'lines',
    tokens: v1.tokens(),
    counts: [1, 2, 2, 3, 2, 2],
  });
  const back = Vocab.fromJSON(json);
  assert.deepEqual(back.tokens(), v1.tokens());
  assert.deepEqual(back.counts(), v1.counts());
  assert.deepEqual(back.encode('a c d q\n'), v1.encode('a c d q\n'));
  const chars = Vocab.build('hello', { level: 'char' });
  const charsBack = Vocab.fromJSON(chars.toJSON());
  assert.deepEqual(charsBack.toJSON(), { level: 'char', tokens: ['e', 'h', 'l', 'o'], counts: [1, 1, 2, 1] });
  for (const v of [v1, v2, back, chars, charsBack]) v.dispose();
});

test("unk 'never': V is exactly the types plus <s> and </s>; unknown words throw naming them; nothing is folded", () => {
  const text = 'the cat sat\nthe dog sat\n';
  const v = Vocab.build(text, { level: 'word', unk: 'never' });
  assert.equal(v.size, 6); // <s>, </s>, the, sat, cat, dog
  assert.deepEqual([v.unk, v.bos, v.eos], [-1, 0, 1]);
  assert.deepEqual(v.tokens().slice(0, 3), ['<s>', '</s>', 'sat']);
  assert.deepEqual(Array.from(v.encode('the dog sat')), [0, v.idOf('the'), v.idOf('dog'), v.idOf('sat'), 1]);
  assert.equal(v.idOf('zebra'), -1);
  throwsCode(
    () => v.encode('the cat sat\nthe zebra sat'),
    1,
    /^the text has the word 'zebra' at byte offset 16, which is not in the vocabulary \(and the vocabulary has no <unk>\)$/,
  );
  // the model-file form round-trips without <unk>
  const back = Vocab.fromJSON(v.toJSON());
  assert.deepEqual([back.size, back.unk, back.bos, back.eos], [6, -1, 0, 1]);
  assert.deepEqual(back.tokens(), v.tokens());
  // the same text with the default rule has <unk> first
  const auto = Vocab.build(text, { level: 'word' });
  assert.deepEqual([auto.size, auto.unk, auto.bos, auto.eos], [7, 0, 1, 2]);
  assert.deepEqual(Array.from(Vocab.build(text, { level: 'word', unk: 'auto' }).tokens()), auto.tokens());
  // nothing may be folded into a missing <unk>
  throwsCode(
    () => Vocab.build('a a b c\n', { level: 'word', unk: 'never', minCount: 2 }),
    1,
    /^vocab_build: min_count 2 and max_size 0 would fold 2 of the 3 word types into <unk>, but unk is 'never'/,
  );
  throwsCode(
    () => Vocab.build('aabc', { level: 'char', unk: 'never', maxSize: 2 }),
    1,
    /would fold 1 of the 3 characters into <unk>/,
  );
  throwsCode(
    () => Vocab.build('a b', { level: 'word', unk: 'sometimes' }),
    1,
    /^unk must be 'auto', 'always' or 'never' \(or true \/ false\), got "sometimes"$/,
  );
  // char level: 'always' (or true) gives <unk>, 'never' and 'auto' do not when nothing is dropped
  assert.equal(Vocab.build('ab', { level: 'char', unk: 'always' }).unk, 0);
  assert.equal(Vocab.build('ab', { level: 'char', unk: true }).unk, 0);
  assert.equal(Vocab.build('ab', { level: 'char', unk: 'never' }).unk, -1);
  for (const x of [v, back, auto]) x.dispose();
});

test('fromJSON rejects malformed vocabularies with clear messages', () => {
  throwsCode(() => Vocab.fromJSON({ level: 'bytes', tokens: [], counts: [] }), 1, /level must be one of/);
  throwsCode(() => Vocab.fromJSON({ level: 'char', tokens: ['a'], counts: [] }), 1, /one whole number per token/);
  throwsCode(
    () => Vocab.fromJSON({ level: 'char', tokens: ['a'], counts: [-1] }),
    5,
    /^vocab_from_tokens: token 0 has a negative count -1$/,
  );
  throwsCode(() => Vocab.fromJSON({ level: 'char', tokens: ['a', 'a'], counts: [1, 1] }), 5, /appears twice/);
  throwsCode(() => Vocab.fromJSON({ level: 'char', tokens: ['ab'], counts: [1] }), 5, /not a single character/);
  throwsCode(
    () => Vocab.fromJSON({ level: 'word', tokens: ['a'], counts: [1] }),
    5,
    /^vocab_from_tokens: a word-level vocabulary must contain <s> and <\/s>$/,
  );
  throwsCode(
    () => Vocab.fromJSON({ level: 'char', tokens: [], counts: [] }),
    5,
    /^vocab_from_tokens: V \(vocabulary size\) must be between 1 and 2000000, got 0$/,
  );
});

test('bad input: invalid UTF-8 names the byte offset, empty text, limits, options', () => {
  throwsCode(
    () => Vocab.build(new Uint8Array([104, 105, 0xc3, 0x28]), { level: 'word' }),
    3,
    /byte offset 3 \(byte 0x28/,
  );
  throwsCode(() => Vocab.build(new Uint8Array([0x61, 0xff]), { level: 'char' }), 3, /byte offset 1/);
  throwsCode(() => Vocab.build(new Uint8Array([0xed, 0xa0, 0x80]), { level: 'char' }), 3, /surrogate/);
  throwsCode(() => Vocab.build('ok \uD800 no', { level: 'word' }), 3, /lone UTF-16 surrogate at index 3/);
  throwsCode(() => Vocab.build('😀\uDC00', { level: 'char' }), 3, /lone UTF-16 surrogate at index 2/);
  throwsCode(() => Vocab.build('', { level: 'word' }), 7, /^vocab_build: the text is empty$/);
  throwsCode(() => Vocab.build(' \n \n', { level: 'word' }), 7, /no words/);
  throwsCode(
    () => Vocab.build('a b', { level: 'word', maxSize: 2_000_001 }),
    1,
    /^vocab_build: max_size \(0 = no limit\) must be between 0 and 2000000, got 2000001$/,
  );
  throwsCode(() => Vocab.build('a b', { level: 'word', maxSize: 3 }), 1, /leaves no room/);
  throwsCode(
    () => Vocab.build('x'.repeat(2000), { level: 'word' }),
    1,
    /longer than the limit of 1024 bytes|more than the limit of 1024 bytes/,
  );
  throwsCode(
    () => Vocab.build('a', { level: 'word', minCount: 0 }),
    1,
    /^vocab_build: min_count must be at least 1, got 0$/,
  );
  throwsCode(() => Vocab.build('a', { level: 'word', minCount: 1.5 }), 1, /^minCount must be a whole number, got 1.5$/);
  throwsCode(() => Vocab.build('a', { level: 'words' }), 1, /level must be one of 'char', 'word'/);
  throwsCode(() => Vocab.build('a', { level: 'char', tokenizer: 'words' }), 1, /word-level vocabularies only/);
  throwsCode(() => Vocab.build('a', { level: 'word', colour: 'red' }), 1, /unknown Vocab option 'colour'/);
  const v = Vocab.build('a b', { level: 'word' });
  throwsCode(() => v.idOf(''), 1, /^vocab_id_of: len \(token bytes\) must be between 1 and 1024, got 0$/);
  throwsCode(() => v.idOf(7), 1, /a token must be a string/);
  v.dispose();
  throwsCode(() => Vocab.build(42, { level: 'word' }), 1, /string or a Uint8Array/);
  throwsCode(() => Vocab.build('a'), 1, /needs options/);
});

test('a disposed vocabulary cannot be used again; a wrong handle is refused by C', () => {
  const vocab = Vocab.build('a b\n', { level: 'word' });
  const ptr = vocab.ptr;
  vocab.dispose();
  vocab.dispose(); // twice is harmless
  throwsCode(() => vocab.encode('a'), 4, /disposed/);
  throwsCode(() => vocab.size, 4, /disposed/);
  const { core } = lm;
  core.scoped((s) => {
    const out = s.i32(8);
    throwsCode(() => core.check(core.exports.lm_vocab_info(ptr, out)), 4, /not a live vocabulary/);
    throwsCode(() => core.check(core.exports.lm_vocab_info(out, out)), 4, /not a live vocabulary/);
  });
});

test('vocabulary overflow: more distinct words than LM_MAX_VOCAB is a clear error', async () => {
  const fresh = await loadLmlab(); // its own instance: the 2M-type attempt grows memory that stays reserved
  const words = new Array(2_000_001);
  for (let i = 0; i < words.length; i++) words[i] = i.toString(36);
  throwsCode(
    () => fresh.Vocab.build(words.join(' '), { level: 'word', tokenizer: 'whitespace' }),
    2,
    /more than 1999997 distinct words, the vocabulary limit \(2000000 types/,
  );
  // with maxSize the same text is fine: the rarest types fold into <unk>
  const capped = fresh.Vocab.build(words.slice(0, 1000).join(' '), { level: 'word', maxSize: 100 });
  assert.equal(capped.size, 100);
  assert.equal(capped.counts()[capped.unk], 903);
  capped.dispose();
});
