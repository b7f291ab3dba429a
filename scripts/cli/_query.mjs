// _query.mjs — what the single-question commands (predict, score, mask) share: the model to ask, either
// a neural model file (--model FILE) or a bigram counted on the fly (--bigram, from --data or the
// built-in Brown text, all of it counted), and the one text argument. A bigram has no model file: it is
// its counts, which take about a second to make from Brown (docs/cli.md).
import { UsageError } from './_args.mjs';
import { builtInCorpusPath, openModel } from './_neural.mjs';
import { readTextBytes } from './_text.mjs';

/** The flags every query command takes. */
export const MODEL_FLAGS = {
  model: { type: 'string' },
  bigram: { type: 'bool', default: false },
  data: { type: 'string' },
  level: { type: 'string', default: 'word', choices: ['word', 'char'] },
  lowercase: { type: 'bool', default: false },
  'min-count': { type: 'int', default: 1, min: 1 },
  'add-k': { type: 'number', default: 1, min: 0 },
  json: { type: 'bool', default: false },
};

/** Their usage lines. */
export const MODEL_USAGE = `  --model FILE         a neural model file saved by train
  --bigram             ask a bigram model instead, counted now from --data (all of it)
  --data FILE          --bigram: the text to count (default: the built-in Brown text)
  --level word|char    --bigram: tokens (default word)
  --lowercase          --bigram: lower-case the text first
  --min-count N        --bigram: rarer words become <unk> (default 1)
  --add-k K            --bigram: add-k smoothing, K >= 0 (default 1: Laplace; 0: unseen pairs get 0)
  --json               print the answer as JSON`;

/** { lm, model, vocab, name, kind } for the flags: a Model (with its vocabulary) or a Bigram. */
export async function openQueryModel(f, command) {
  if (f.model && f.bigram) throw new UsageError(`${command}: give --model FILE or --bigram, not both`);
  if (!f.model && !f.bigram) throw new UsageError(`${command} needs --model FILE (a neural model) or --bigram`);
  if (f.model && f.data) throw new UsageError(`--data is for --bigram; a --model file carries its own vocabulary`);
  const { loadLmlab } = await import('../../wasm_glue/index.mjs');
  const lm = await loadLmlab();
  if (f.model) {
    const { model, vocab } = openModel(lm, f.model);
    return { lm, model, vocab, name: f.model, kind: 'neural' };
  }
  const path = f.data ?? (await builtInCorpusPath());
  const text = readTextBytes(path, '--data'); // strict UTF-8, no NUL (_text.mjs)
  const options = { level: f.level, minCount: f['min-count'] };
  if (f.level === 'word') options.lowercase = f.lowercase;
  else options.unk = true;
  const vocab = lm.Vocab.build(text, options);
  const model = lm.Bigram.train(vocab, text, { k: f['add-k'] });
  vocab.dispose(); // the bigram keeps its own copy
  return { lm, model, vocab: model.vocab, name: `bigram (add-k ${f['add-k']}) of ${path}`, kind: 'bigram' };
}

/** The one text argument of a command. */
export function oneText(f, what, command) {
  if (f._.length !== 1)
    throw new UsageError(`${command} needs exactly one ${what} in quotes, e.g. ${command} --bigram "the jury said"`);
  return f._[0];
}

export const fmtProb = (p) => (p === 0 ? '0' : p >= 1e-4 ? p.toFixed(4) : p.toExponential(2));
