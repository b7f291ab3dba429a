// predict.mjs — `lmlab predict`: the likeliest next tokens after a context, from a neural model file
// (P(w | the whole context), from a zero state) or a bigram counted on the fly (P(w | the last word)).
import { parseFlags } from './_args.mjs';
import { fmtProb, MODEL_FLAGS, MODEL_USAGE, oneText, openQueryModel } from './_query.mjs';

export const summary = 'the top-k next tokens after a context (neural model file or bigram)';

export const usage = `usage: node scripts/lmlab.mjs predict (--model FILE | --bigram) "context" [flags]

The likeliest next tokens after the context. A neural model reads the whole context from a zero
state; the bigram looks at its last word only. Word level: the context's sentence is left open (no
</s> after it) and <s> is never proposed.

${MODEL_USAGE}
  --top-k K            how many tokens (default 10)`;

const spec = { ...MODEL_FLAGS, 'top-k': { type: 'int', default: 10, min: 1, max: 1000000 } };

export async function run(argv) {
  const f = parseFlags(argv, spec, { positional: 1 });
  const context = oneText(f, 'context', 'predict');
  const { lm, model, vocab, name } = await openQueryModel(f, 'predict');
  const answer = lm.predictNext(model, context, { vocab, topK: f['top-k'] });
  if (f.json) {
    console.log(JSON.stringify({ model: name, ...answer }, null, 2));
    return 0;
  }
  console.log(`${name}: after ${answer.context.join(' ')}`);
  answer.candidates.forEach((c, i) =>
    console.log(`${String(i + 1).padStart(4)}. ${c.token.padEnd(16)} P = ${fmtProb(c.prob)}`),
  );
  return 0;
}
