// mask.mjs — `lmlab mask`: candidates for the one [MASK] of a sentence, ranked by a bigram counted on
// the fly (the lab's method, P(w | prev)·P(next | w) over the whole vocabulary) or by a neural model
// file (the log-likelihood of the whole sentence with w in place, on --candidates words).
import { parseFlags, UsageError } from './_args.mjs';
import { fmt } from './_neural.mjs';
import { fmtProb, MODEL_FLAGS, MODEL_USAGE, oneText, openQueryModel } from './_query.mjs';

export const summary = 'rank the candidates for the one [MASK] of a sentence (neural model file or bigram)';

export const usage = `usage: node scripts/lmlab.mjs mask (--model FILE | --bigram) "the [MASK] sat" [flags]

Mark exactly one word with [MASK] (or ___). How each model ranks (docs/lab2.md):
  bigram   every word w except <s> and </s>, scored P(w | prev) · P(next | w) with prev and next
           the words beside the mask (<s> / </s> at the sentence's ends)
  neural   log P(whole sentence with w in place), every token of it; the candidate set is the
           --candidates likeliest next words after the left context, or all (every word except
           <s> and </s>: one forward pass of the sentence per word)
prob is normalised over the candidate set, so the two models' probabilities compare.

${MODEL_USAGE}
  --top-k K            candidates shown (default 10)
  --candidates K|all   neural: the candidate set (default 50)`;

const spec = {
  ...MODEL_FLAGS,
  'top-k': { type: 'int', default: 10, min: 1, max: 1000000 },
  candidates: { type: 'string', default: '50' },
};

/** --candidates K|all → a whole number or 'all'. */
export function candidatesOf(raw) {
  if (raw === 'all') return 'all';
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--candidates must be a whole number ≥ 1 or all, got '${raw}'`);
  return n;
}

export async function run(argv) {
  const f = parseFlags(argv, spec, { positional: 1 });
  const sentence = oneText(f, 'sentence with [MASK]', 'mask');
  const candidates = candidatesOf(f.candidates);
  const { lm, model, vocab, name } = await openQueryModel(f, 'mask');
  const t0 = performance.now();
  const answer = lm.rankMasked(model, sentence, { vocab, topK: f['top-k'], candidates });
  const seconds = (performance.now() - t0) / 1000;
  if (f.json) {
    console.log(JSON.stringify({ model: name, ...answer, seconds }, null, 2));
    return 0;
  }
  console.log(`${name}: ${answer.left.join(' ')} [MASK] ${answer.right.join(' ')}`);
  console.log(`ranked by ${answer.method}; ${answer.candidateSet} candidates, ${fmt(seconds, 3)} s`);
  answer.candidates.forEach((c, i) =>
    console.log(
      `${String(i + 1).padStart(4)}. ${c.token.padEnd(16)} P = ${fmtProb(c.prob)}   log score ${fmt(c.logProb)}`,
    ),
  );
  return 0;
}
