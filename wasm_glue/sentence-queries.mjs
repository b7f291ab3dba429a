// sentence-queries.mjs — the single questions of Lab 2, asked the same way of a bigram model and of a
// neural model: the likeliest next tokens after a context (predictNext), every factor P(w_t | w_<t) of a
// sentence with its product and perplexity (scoreSentence, the chain rule), and the candidates for one
// [MASK] (rankMasked). Plain JS over the models' own calls (Bigram.distribution / predictMasked,
// Model.nextLogProbs / logits / predictMasked); only text handling and the choice of candidates live here.
// Shapes: V vocabulary, T tokens of a sentence.
import { LmlabError } from './loader.mjs';
import { STATUS } from './constants.mjs';

const fail = (message) => {
  throw new LmlabError(message, STATUS.ARG);
};

/** The marks of the masked word, as the bigram's C parser reads them: [MASK] or three or more underscores. */
const MASK = /\[MASK\]|_{3,}/g;

/** 'bigram' or 'neural', and the vocabulary to use (a Bigram carries its own; a Model needs options.vocab). */
function kindOf(model, options, fn) {
  if (model && typeof model.distribution === 'function' && model.vocab) return { kind: 'bigram', vocab: model.vocab };
  if (model && typeof model.nextLogProbs === 'function') {
    const vocab = options?.vocab;
    if (!vocab || typeof vocab.encode !== 'function')
      fail(`${fn}: a neural Model needs { vocab } (e.g. Vocab.fromJSON(JSON.parse(model.metadata.vocab)))`);
    if (vocab.size !== model.config.vocabSize)
      fail(`${fn}: the vocabulary has ${vocab.size} tokens but the model expects ${model.config.vocabSize}`);
    return { kind: 'neural', vocab };
  }
  return fail(`${fn} needs a Bigram or a Model, got ${model === null ? 'null' : typeof model}`);
}

function text(value, what, fn) {
  if (typeof value !== 'string') fail(`${fn}: ${what} must be a string, got ${typeof value}`);
  return value;
}

function topKOf(value, fallback, V) {
  const k = value ?? fallback;
  if (!Number.isInteger(k) || k < 1) fail(`topK must be a whole number ≥ 1, got ${String(k)}`);
  return Math.min(k, V);
}

/** Word level: the ids of a text with its closing </s> dropped (a context continues); char level: as is. */
function contextIds(vocab, s) {
  const ids = vocab.encode(s);
  if (vocab.level !== 'word') return ids;
  if (ids.length === 0) return Int32Array.of(vocab.bos);
  return ids[ids.length - 1] === vocab.eos ? ids.subarray(0, ids.length - 1) : ids;
}

/** Throws when every real token of `ids` is <unk> (nothing the model knows), naming the words. */
function requireKnown(vocab, ids, s, fn) {
  if (vocab.unk < 0) return;
  const real = Array.from(ids).filter((id) => id !== vocab.bos && id !== vocab.eos);
  if (real.length > 0 && real.every((id) => id === vocab.unk))
    fail(
      `${fn}: every word of ${JSON.stringify(s.trim())} is unknown to the model's vocabulary (all read as <unk>); use words of the training text`,
    );
}

const logSoftmaxAt = (row, target) => {
  let max = -Infinity;
  for (const x of row) max = x > max ? x : max;
  let z = 0;
  for (const x of row) z += Math.exp(x - max);
  return row[target] - max - Math.log(z);
};

/**
 * The likeliest next tokens after `context`: the bigram's P(· | last token), the neural model's
 * P(· | whole context) from a zero state. Word level: the context's sentence is left open (no </s>);
 * <s> is never proposed (it only starts a sentence).
 * @returns {{ context: string[], candidates: { token: string, id: number, prob: number, logProb: number }[] }}
 */
export function predictNext(model, context, options = {}) {
  const { kind, vocab } = kindOf(model, options, 'predictNext');
  const ids = contextIds(vocab, text(context, 'the context', 'predictNext'));
  requireKnown(vocab, ids, context, 'predictNext');
  const V = vocab.size;
  const topK = topKOf(options.topK, 10, V);
  let logProbs;
  if (kind === 'bigram') {
    // the bigram conditions on the last token only; an empty char-level context has no token to condition on
    if (ids.length === 0) fail('predictNext: the context is empty; give at least one character');
    logProbs = Float64Array.from(model.distribution(ids[ids.length - 1]), Math.log);
  } else {
    logProbs = model.nextLogProbs(ids);
  }
  const skip = vocab.level === 'word' ? vocab.bos : -1;
  const order = Array.from(logProbs.keys())
    .filter((id) => id !== skip)
    .sort((a, b) => logProbs[b] - logProbs[a] || a - b)
    .slice(0, topK);
  const tokens = vocab.tokens();
  return {
    context: Array.from(ids, (id) => tokens[id]),
    candidates: order.map((id) => ({ token: tokens[id], id, prob: Math.exp(logProbs[id]), logProb: logProbs[id] })),
  };
}

/**
 * The chain rule made visible: the sentence's tokens (word level <s> w1 … wn </s>), each predicted one
 * with its factor P(w_t | w_<t) (the bigram: P(w_t | w_t-1)); logProb = Σ log factors, perplexity =
 * exp(−logProb / predicted). Every token after the first is predicted. With the bigram at k = 0 an
 * unseen pair has probability 0: logProb −Infinity and an infinite perplexity.
 */
export function scoreSentence(model, sentence, options = {}) {
  const { kind, vocab } = kindOf(model, options, 'scoreSentence');
  const ids = vocab.encode(text(sentence, 'the sentence', 'scoreSentence'));
  if (ids.length < 2)
    fail('scoreSentence: the sentence is empty; give at least one word (two characters at char level)');
  requireKnown(vocab, ids, sentence, 'scoreSentence');
  const tokens = vocab.tokens();
  const T = ids.length - 1; // predicted tokens
  const factors = new Float64Array(T); // log P(ids[t+1] | ids[≤t])
  if (kind === 'bigram') {
    for (let t = 0; t < T; t++) factors[t] = Math.log(model.prob(ids[t], ids[t + 1]));
  } else {
    const V = vocab.size;
    const { data } = model.logits(ids.subarray(0, T), 1, T); // (1, T, V)
    for (let t = 0; t < T; t++) factors[t] = logSoftmaxAt(data.subarray(t * V, (t + 1) * V), ids[t + 1]);
  }
  const steps = Array.from(factors, (logProb, t) => ({
    token: tokens[ids[t + 1]],
    id: ids[t + 1],
    given: tokens[ids[t]],
    prob: Math.exp(logProb),
    logProb,
  }));
  const logProb = factors.reduce((a, b) => a + b, 0);
  return {
    tokens: Array.from(ids, (id) => tokens[id]),
    steps,
    logProb,
    perplexity: Math.exp(-logProb / T),
    predicted: T,
    unknown: vocab.unk < 0 ? 0 : Array.from(ids).filter((id) => id === vocab.unk).length,
  };
}

/** The text before and after the one mask, or an error naming what is wrong with the marks. */
export function splitMask(sentence) {
  const marks = [...sentence.matchAll(MASK)];
  if (marks.length === 0) fail('the sentence has no [MASK] (or ___) to predict; mark one word, e.g. "the [MASK] sat"');
  if (marks.length > 1) fail(`the sentence has ${marks.length} masks; mark exactly one word with [MASK] or ___`);
  const at = marks[0].index;
  return { left: sentence.slice(0, at), right: sentence.slice(at + marks[0][0].length) };
}

/**
 * Candidates for the one [MASK] (or ___), best first. The bigram (the lab's method) scores every word w
 * of the vocabulary except <s> and </s> by P(w | prev)·P(next | w), prev and next the words beside the
 * mask, normalised over those candidates. The neural model scores a candidate by the log-likelihood of
 * the whole sentence with it in place, log P(w_1 … w | …) summed over every token, on a candidate set of
 * the `candidates` likeliest next words after the left context (or 'all': every word except <s> and
 * </s>, V − 2 forward passes of the sentence), normalised over that set. <unk> is a candidate for both.
 * @returns {{ candidates: { token: string, id: number, prob: number, logProb: number }[], method: string,
 *   candidateSet: number, left: string[], right: string[] }}
 */
export function rankMasked(model, sentence, options = {}) {
  const { kind, vocab } = kindOf(model, options, 'rankMasked');
  const { left, right } = splitMask(text(sentence, 'the sentence', 'rankMasked'));
  const word = vocab.level === 'word';
  const l = contextIds(vocab, left);
  let r = vocab.encode(right);
  if (word && r.length && r[0] === vocab.bos) r = r.subarray(1);
  if (word && r.length === 0) r = Int32Array.of(vocab.eos);
  requireKnown(vocab, Int32Array.from([...l, ...r]), sentence, 'rankMasked');
  const V = vocab.size;
  const topK = topKOf(options.topK, 10, V);
  const tokens = vocab.tokens();
  const specials = word ? [vocab.bos, vocab.eos] : [];
  const all = V - specials.length;
  const names = (ids) => Array.from(ids, (id) => tokens[id]);
  if (kind === 'bigram') {
    const ranked = model.predictMasked(sentence, { topK });
    return {
      candidates: ranked.map((c) => ({ ...c, logProb: Math.log(c.prob) })),
      method: 'bigram: P(w | prev) · P(next | w), normalised over the candidates',
      candidateSet: all,
      left: names(l),
      right: names(r),
    };
  }
  const requested = options.candidates ?? 50;
  if (requested !== 'all' && (!Number.isInteger(requested) || requested < 1))
    fail(`candidates must be a whole number ≥ 1 or 'all', got ${String(requested)}`);
  const count = requested === 'all' ? all : Math.min(requested, all);
  const ranked = model.predictMasked(l, r, { candidates: count, topK: Math.min(topK, count), exclude: specials });
  return {
    candidates: ranked.map((c) => ({ token: tokens[c.id], ...c })),
    method: `neural: log P(whole sentence) with w in place, over the ${count === all ? 'whole vocabulary' : `${count} likeliest next words after the left context`}, normalised over the candidates`,
    candidateSet: count,
    left: names(l),
    right: names(r),
  };
}

export function install() {
  return { predictNext, scoreSentence, rankMasked };
}
