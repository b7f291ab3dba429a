// eval.mjs — `lmlab eval`: held-out loss (mean cross-entropy in nats), perplexity and bits per
// char/token of a model file on a text, read as --batch streams with the state carried across windows
// (--batch 1: one stream from a zero state, every token after the first predicted), or with
// --per-sentence each sentence from a zero state (as train --batching sentences trains); --masked adds the
// masked-word accuracy (word level), comparable with the bigram's on the same seed; --free-running N
// scores the text's first N tokens twice on the same targets, teacher-forced (the true previous token
// fed at every step, as training and the loss above do) and free-running (the model fed its own greedy
// predictions after --prime true tokens), and prints what the free-running model wrote.
import { parseFlags, UsageError } from './_args.mjs';
import { fmt, openModel, readCorpus, splitText } from './_neural.mjs';
import { candidatesOf } from './mask.mjs';

export const summary = 'evaluate a model file: loss, perplexity, bits per char/token';

export const usage = `usage: node scripts/lmlab.mjs eval --model FILE [flags]

  --model FILE        a model file saved by train (required)
  --data FILE         text to score; default: the held-out end of the built-in Brown text
  --val-fraction F    without --data: the share of Brown held out by train (default 0.1)
  --batch N           parallel streams (default 1: one stream, every token after the first predicted)
  --seq T             window length (default 100; the state is carried across windows)
  --per-sentence      score each sentence from a zero state instead (word level <s> … </s>, char level
                      lines), as train --batching sentences trains: no state crosses a sentence end
  --masked            also mask one word per sentence and report top-1/top-5 accuracy (word level)
  --masked-sentences K  at most this many sentences for --masked (default 500)
  --candidates K|all  --masked: the candidate set, the K likeliest next words after the left context
                      re-ranked by the whole sentence, or all (every word but <s> </s> <unk>; default 50)
  --seed S            masking seed (default 1)
  --free-running N    also score the text's first N tokens teacher-forced (the true previous token fed
                      at every step) and free-running (the model's own greedy prediction fed back), on
                      the same targets, and show what the free-running model wrote
  --prime K           --free-running: the true tokens fed before it runs free (default 1)
  --json              print the result as JSON`;

const spec = {
  model: { type: 'string' },
  data: { type: 'string' },
  'val-fraction': { type: 'number', default: 0.1, min: 0, max: 1 },
  batch: { type: 'int', default: 1, min: 1 },
  seq: { type: 'int', default: 100, min: 1 },
  'per-sentence': { type: 'bool', default: false },
  masked: { type: 'bool', default: false },
  'masked-sentences': { type: 'int', default: 500, min: 1 },
  candidates: { type: 'string', default: '50' },
  seed: { type: 'int', default: 1, min: 0, max: 4294967295 },
  'free-running': { type: 'int', min: 2, max: 100000 },
  prime: { type: 'int', min: 1 },
  json: { type: 'bool', default: false },
};

export async function run(argv) {
  const f = parseFlags(argv, spec);
  if (!f.model) throw new UsageError('eval needs --model FILE');
  const candidates = candidatesOf(f.candidates);
  const { loadLmlab } = await import('../../wasm_glue/index.mjs');
  const lm = await loadLmlab();
  const { model, vocab } = openModel(lm, f.model);
  const corpus = await readCorpus(f.data);
  const text = f.data ? corpus.text : splitText(corpus.text, f['val-fraction'])[1];
  const perSentence = f['per-sentence'];
  if (perSentence && (f.batch !== 1 || f.seq !== 100))
    throw new UsageError('--per-sentence scores whole sentences: --batch and --seq do not apply');
  const ids = vocab.encode(text);
  if (!perSentence && ids.length < 2 * f.batch)
    throw new UsageError(`the text has ${ids.length} tokens: too few for ${f.batch} streams`);
  const t0 = performance.now();
  let result;
  try {
    result = perSentence
      ? model.evaluateSentences(vocab.trainingSentences(text))
      : model.evaluate(ids, { batch: f.batch, seq: f.seq });
  } catch (err) {
    if (err instanceof lm.LmlabError && err.code === lm.STATUS.EMPTY) throw new UsageError(err.message);
    throw err;
  }
  const seconds = (performance.now() - t0) / 1000;
  const unit = vocab.level === 'char' ? 'char' : 'token';
  const out = {
    model: f.model,
    data: corpus.name,
    level: vocab.level,
    loss: result.loss,
    perplexity: result.perplexity,
    [`bitsPer${unit === 'char' ? 'Char' : 'Token'}`]: result.bitsPerToken,
    tokens: result.tokens,
    ...(perSentence ? { perSentence: true } : { batch: f.batch, seq: f.seq }),
    seconds,
  };
  if (f.masked) {
    if (vocab.level !== 'word') throw new UsageError('--masked needs a word-level model');
    const sentences = vocab.encodeSentences(text).slice(0, f['masked-sentences']);
    const specials = [vocab.bos, vocab.eos, vocab.unk].filter((id) => id >= 0);
    const count =
      candidates === 'all' ? vocab.size - specials.length : Math.min(candidates, vocab.size - specials.length);
    const m0 = performance.now();
    out.masked = model.maskedAccuracy(sentences, { seed: f.seed, exclude: specials, candidates: count });
    out.masked.candidates = count;
    out.masked.seconds = (performance.now() - m0) / 1000;
  }
  const freeTokens = f['free-running'];
  if (f.prime !== undefined && freeTokens === undefined) throw new UsageError('--prime goes with --free-running N');
  if (freeTokens !== undefined) {
    const prime = f.prime ?? 1;
    const sequence = ids.subarray(0, freeTokens + 1);
    if (sequence.length <= prime + 1)
      throw new UsageError(
        `--free-running needs more than --prime ${prime} + 1 tokens; the text has ${sequence.length}`,
      );
    const r = model.freeRunning(sequence, { prime });
    out.freeRunning = {
      tokens: r.tokens,
      prime,
      teacherForced: r.teacherForced,
      freeRunning: r.freeRunning,
      primeText: vocab.decode(sequence.subarray(0, prime)),
      truth: vocab.decode(sequence.subarray(prime)),
      written: vocab.decode(r.predicted),
    };
  }
  if (f.json) {
    console.log(JSON.stringify(out, null, 2));
    return 0;
  }
  console.log(
    `${f.model} on ${corpus.name}${f.data ? '' : ' (held-out part)'}: ${result.tokens} ${unit}s predicted (${perSentence ? 'each sentence from a zero state' : `batch ${f.batch}, seq ${f.seq}`})`,
  );
  console.log(
    `loss ${fmt(result.loss)} nats/${unit}   perplexity ${fmt(result.perplexity, 3)}   ${fmt(result.bitsPerToken)} bits/${unit}   (${fmt(seconds, 1)} s)`,
  );
  if (out.masked)
    console.log(
      `masked word: top-1 ${fmt(100 * out.masked.top1, 1)}%   top-5 ${fmt(100 * out.masked.top5, 1)}%   (${out.masked.sentences} sentences, seed ${f.seed}; ${out.masked.candidates} candidates each, ${fmt(out.masked.seconds, 1)} s)`,
    );
  const fr = out.freeRunning;
  if (fr) {
    const line = (name, r) => `${name} loss ${fmt(r.loss)} nats/${unit}, accuracy ${fmt(100 * r.accuracy, 1)}%`;
    console.log(`the first ${fr.tokens} ${unit}s after a prime of ${fr.prime}, the same targets:`);
    console.log(`  ${line('teacher-forced (the true previous token fed in)', fr.teacherForced)}`);
    console.log(`  ${line('free-running   (its own prediction fed back)   ', fr.freeRunning)}`);
    const gap = vocab.level === 'char' ? '' : ' ';
    const show = (t) => JSON.stringify(t.length > 200 ? `${t.slice(0, 200)}…` : t);
    console.log(`  the text:            ${show(fr.primeText + gap + fr.truth)}`);
    console.log(`  free-running wrote:  ${show(fr.primeText + gap + fr.written)}`);
  }
  return 0;
}
