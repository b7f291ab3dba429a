// make-seeds.mjs — regenerates the fuzzers' seed corpus, tests/fuzz/corpus/<harness>/, from the WASM build
// (run `make wasm` first): small VALID inputs that reach deep into each parser, so mutations start from
// files that load. Every model file is what the page and the CLI write (config, vocabulary metadata and,
// for some, the trainer's state): one per cell — rnn, lstm, gru (torch and lecture variants), window,
// one-hot, two layers, word level — and seq2seq files without, with dot and with additive attention.
// The sizes are tiny (V ≤ 12, H ≤ 6) so a seed is a few KB. Deterministic: the same bytes every run.
//   node tests/fuzz/make-seeds.mjs [folder]     (or: make fuzz-seeds; folder defaults to tests/fuzz/corpus)
// tests/fuzz-seeds.test.mjs checks that the committed corpus equals a fresh generation.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadLmlab, buildVocabularies } from '../../wasm_glue/index.mjs';

const OUT = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), 'corpus');
const lm = await loadLmlab({ seq2seq: true });
const corpus = new Map(); // harness → Map(name → bytes)
const put = (harness, name, data) => {
  if (!corpus.has(harness)) corpus.set(harness, new Map());
  corpus.get(harness).set(name, typeof data === 'string' ? new TextEncoder().encode(data) : data);
};

const CHAR_TEXT = 'hello world\nthe cat sat.\n';
const WORD_TEXT = 'the cat sat . the dog sat !\na cat ran .\n';

/** A trained-for-a-few-steps model file as the CLI writes it; with the trainer's state when `withTrainer`. */
function modelFile(config, { level = 'char', text = CHAR_TEXT, withTrainer = false, optimizer = 'adam' } = {}) {
  const vocab = lm.Vocab.build(text, { level });
  const model = lm.Model.create({ ...config, vocabSize: vocab.size, seed: 7 });
  const trainer = new lm.Trainer(model, vocab.encode(text), { batch: 2, seq: 3, optimizer, lr: 0.01, clip: 5 });
  trainer.train(3);
  model.metadata = { vocab: JSON.stringify(vocab.toJSON()), level, data: 'seed' };
  const bytes = model.save(withTrainer ? trainer : undefined);
  const vocabJSON = JSON.stringify(vocab.toJSON());
  trainer.dispose();
  model.dispose();
  vocab.dispose();
  return { bytes, vocabJSON };
}

const models = {
  rnn: modelFile({ cell: 'rnn', embedding: 4, hidden: 5 }, { withTrainer: true }),
  'rnn-onehot': modelFile({ cell: 'rnn', embedding: 0, hidden: 4 }),
  'rnn-onehot-sgd': modelFile({ cell: 'rnn', embedding: 0, hidden: 3 }, { withTrainer: true, optimizer: 'sgd' }),
  lstm: modelFile({ cell: 'lstm', embedding: 3, hidden: 4 }, { withTrainer: true }),
  'lstm-2layers': modelFile({ cell: 'lstm', embedding: 3, hidden: 3, layers: 2 }),
  'gru-torch': modelFile({ cell: 'gru', embedding: 3, hidden: 4, gruVariant: 'torch' }, { withTrainer: true }),
  'gru-lecture': modelFile({ cell: 'gru', embedding: 3, hidden: 4, gruVariant: 'lecture' }),
  window: modelFile({ cell: 'window', embedding: 3, hidden: 5, window: 3 }, { withTrainer: true }),
  'word-rnn': modelFile(
    { cell: 'rnn', embedding: 3, hidden: 4 },
    { level: 'word', text: WORD_TEXT, withTrainer: true, optimizer: 'adagrad' },
  ),
};

/** A seq2seq file on reversing short strings; with the trainer's state when `withTrainer`. */
function seq2seqFile(config, withTrainer) {
  const pairs = ['abc', 'ba', 'cab', 'acb'].map((s) => ({ source: s, target: [...s].reverse().join('') }));
  const { src, tgt } = buildVocabularies(pairs, { level: 'char', shared: config.shared ?? false });
  const model = lm.Seq2Seq.create({ ...config, srcVocab: src, tgtVocab: tgt, embedding: 3, hidden: 4, seed: 3 });
  const trainer = new lm.Seq2SeqTrainer(model, pairs, { batch: 2, lr: 0.01 });
  trainer.train(2);
  const bytes = model.save(withTrainer ? trainer : undefined);
  trainer.dispose();
  model.dispose();
  return bytes;
}

const seq2seq = {
  'lstm-none': seq2seqFile({ cell: 'lstm', attention: 'none' }, true),
  'gru-dot': seq2seqFile({ cell: 'gru', attention: 'dot', shared: true }, true),
  'rnn-additive': seq2seqFile({ cell: 'rnn', attention: 'additive', attentionSize: 3 }, false),
  'lstm-dot-2layers': seq2seqFile({ cell: 'lstm', attention: 'dot', layers: 2, outContext: false }, false),
};

/** The JSON header of a safetensors file (8-byte little-endian length, then the JSON). */
const headerOf = (bytes) => {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return new TextDecoder().decode(bytes.subarray(8, 8 + n));
};

for (const [name, { bytes, vocabJSON }] of Object.entries(models)) {
  put('model_load', `${name}.safetensors`, bytes);
  put('safetensors', `${name}.safetensors`, bytes);
  put('json', `${name}-header.json`, headerOf(bytes));
  if (name === 'rnn' || name === 'word-rnn') put('vocab_json', `${name}.json`, vocabJSON);
}
for (const [name, bytes] of Object.entries(seq2seq)) {
  put('seq2seq_load', `${name}.safetensors`, bytes);
  put('safetensors', `s2s-${name}.safetensors`, bytes);
  put('json', `s2s-${name}-header.json`, headerOf(bytes));
}

// More vocabularies: both tokenizers, lower-casing, sentence rules, a char vocabulary with <unk>.
const vocabSeeds = {
  'char-unk': lm.Vocab.build('aab\u00e9\u4e2d\ud83d\ude00', { level: 'char', unk: 'always' }),
  'word-whitespace': lm.Vocab.build('A b. c\n\nd e!', {
    level: 'word',
    tokenizer: 'whitespace',
    lowercase: true,
    sentences: 'punctuation',
  }),
  'word-numbers': lm.Vocab.build("It's 3.14, isn't it? \u00c9t\u00e9 -- 2nd.\n", { level: 'word' }),
};
for (const [name, vocab] of Object.entries(vocabSeeds)) {
  put('vocab_json', `${name}.json`, JSON.stringify(vocab.toJSON()));
  vocab.dispose();
}

// JSON beyond the headers: every escape, nesting, numbers at the edges of double.
put('json', 'escapes.json', '{"a":"\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\\u0000","b":[true,false,null]}');
put(
  'json',
  'numbers.json',
  '[0,-0,1e308,-1.7976931348623157e308,5e-324,2.2250738585072011e-308,123456789012345678901]',
);
put('json', 'nested.json', '{"x":[[[[{"y":[{}]}]]]],"z":{"w":""}}');

// Tokenizer inputs: byte 0 picks level, tokenizer, lower-casing and sentences (tests/fuzz/fuzz_tokenize.c).
const texts = {
  'char-ascii': [0x00, 'hello world\nthe cat sat.\n'],
  'char-utf8': [0x00, 'caf\u00e9 \u4e2d\u6587 \ud83d\ude00 \u0301\n'],
  'word-words': [0x01, "It's 3.14, isn't it? \u00c9t\u00e9 -- 2nd.\nNew line here!\n"],
  'word-whitespace-lower': [0x07, 'A b. C\n\nD e! F?\n'],
  'word-punct': [0x09, 'One. Two! Three? ... four\n\nfive'],
};
for (const [name, [options, text]] of Object.entries(texts)) {
  const body = new TextEncoder().encode(text);
  const data = new Uint8Array(body.length + 1);
  data[0] = options;
  data.set(body, 1);
  put('tokenize', `${name}.txt`, data);
}

// Decimal numbers in JSON's grammar: exact, halfway, subnormal, huge, long digit strings.
const numbers = [
  '0',
  '-0.0',
  '0.1',
  '1e23',
  '9007199254740993',
  '2.2250738585072011e-308',
  '4.9406564584124654e-324',
  '2.4703282292062327e-324',
  '1.7976931348623157e308',
  '1.7976931348623159e308',
  '123456789012345678901234567890',
  '0.000000000000000000000000000000123456789',
  '-3.14159265358979323846e-5',
  '1E+2',
];
numbers.forEach((n, i) => put('decimal', `n${String(i).padStart(2, '0')}.txt`, n));

rmSync(OUT, { recursive: true, force: true });
for (const [harness, files] of corpus) {
  mkdirSync(join(OUT, harness), { recursive: true });
  for (const [name, data] of files) writeFileSync(join(OUT, harness, name), data);
}
for (const harness of readdirSync(OUT).sort()) {
  console.log(`${harness}: ${readdirSync(join(OUT, harness)).length} seeds`);
}
