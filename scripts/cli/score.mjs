// score.mjs — `lmlab score`: the chain rule for one sentence: each factor P(w_t | w_<t) (the bigram:
// P(w_t | w_t-1)), the log-probability of the sentence (their sum of logs) and its perplexity.
import { parseFlags } from './_args.mjs';
import { fmt } from './_neural.mjs';
import { fmtProb, MODEL_FLAGS, MODEL_USAGE, oneText, openQueryModel } from './_query.mjs';

export const summary = "a sentence's per-token probabilities, log-probability and perplexity";

export const usage = `usage: node scripts/lmlab.mjs score (--model FILE | --bigram) "sentence" [flags]

Every token after the first is predicted (word level: <s> w1 … wn </s>, so w1 … wn and </s>); one
line per factor P(w_t | w_<t), then log P(sentence) = Σ log factors (natural log) and the perplexity
exp(−log P / predicted tokens). Unknown words are read as <unk> and counted. With --bigram --add-k 0
an unseen pair has probability 0: log P = -Infinity, perplexity Infinity.

${MODEL_USAGE}`;

export async function run(argv) {
  const f = parseFlags(argv, MODEL_FLAGS, { positional: 1 });
  const sentence = oneText(f, 'sentence', 'score');
  const { lm, model, vocab, name } = await openQueryModel(f, 'score');
  const answer = lm.scoreSentence(model, sentence, { vocab });
  if (f.json) {
    console.log(JSON.stringify({ model: name, ...answer }, null, 2));
    return 0;
  }
  console.log(`${name}: ${answer.tokens.join(' ')}`);
  const bigram = f.bigram;
  for (const s of answer.steps) {
    const given = bigram ? s.given : '…';
    console.log(`  P(${s.token} | ${given})`.padEnd(40) + `${fmtProb(s.prob).padStart(10)}   log ${fmt(s.logProb)}`);
  }
  console.log(
    `log P(sentence) = ${fmt(answer.logProb)} nats over ${answer.predicted} predicted tokens   perplexity ${fmt(answer.perplexity, 2)}${answer.perplexity === Infinity ? ' (infinite: a factor is 0, an unseen pair at add-k 0)' : ''}${answer.unknown ? `   (${answer.unknown} unknown, read as <unk>)` : ''}`,
  );
  return 0;
}
