// sentences.mjs — questions about one sentence, for Lab 2's two exercises: score it (each factor
// P(w_t | w_<t) of the chain rule by the neural model and P(w_t | w_{t-1}) by the bigram, their logs
// summed, the perplexity), and fill its one [MASK] (the bigram's ranking by P(w | prev)·P(next | w)
// over every word, the lab's method, beside the neural model's whole-sentence log-likelihood over
// the candidates it is given: the likeliest after the left context, or the whole vocabulary).
// Bad input — no [MASK], two, a sentence none of whose words the vocabulary knows — is refused
// with a sentence; nothing here changes the model.
import { requireCorpus, softmax } from './worker-state.mjs';
import { encodeUserText } from './tokens.mjs';

/** @typedef {import('./worker-state.mjs').Session} Session */
/** @typedef {import('../protocol.mjs').Requests} Requests */

const MAX_TOKENS = 200; // longest sentence scored (tokens)
const RANK_ROWS = 256; // candidate sentences per sequenceLogProbs call: (rows, T, V) scores stay small
/** Let the worker answer other requests between chunks (a whole-vocabulary ranking takes seconds). */
const yieldToRequests = () => new Promise((resolve) => setTimeout(resolve, 0));
const MASK = /\[MASK\]/gi;

/** The session's vocabulary. @param {Session} s */
const vocabOf = (s) => /** @type {import('lmlab').Vocab} */ (s.vocab);

/**
 * Refuse a sentence none of whose words the vocabulary knows (all would be <unk>).
 * @param {Session} s @param {number[]} ids @param {string[]} unknown
 */
function requireKnownWords(s, ids, unknown) {
  const vocab = vocabOf(s);
  const words = ids.filter((id) => id !== vocab.bos && id !== vocab.eos);
  if (words.length > 0 && words.every((id) => id === vocab.unk)) {
    throw new Error(
      `none of the words of this sentence is in the vocabulary (${unknown.join(', ')}): every one would be read as <unk>, so there is nothing to score`,
    );
  }
}

/**
 * The chain rule over one sentence: for every token after the first, P(token | everything before) by
 * the neural model (null without one) and P(token | the one before) by the bigram; the summed natural
 * logs and the perplexity exp(−log P / n) over the n predicted tokens. Word level: <s> w1 … wn </s>
 * (</s> is predicted too: the sentence has to end); character level: the characters.
 * @param {Session} s @param {Requests['score']['payload']} payload
 * @returns {Requests['score']['result']}
 */
export function score(s, { text }) {
  requireCorpus(s);
  const vocab = vocabOf(s);
  const line = String(text ?? '')
    .replace(/\s+/g, ' ')
    .trim();
  const { ids, dropped, unknown } = encodeUserText(s, line, { close: true });
  if (ids.length > MAX_TOKENS)
    throw new Error(`the sentence has ${ids.length} tokens; score at most ${MAX_TOKENS} at a time`);
  if (vocab.level === 'word') requireKnownWords(s, ids, unknown);
  if (ids.length < 2)
    throw new Error(
      vocab.level === 'word'
        ? 'type a sentence to score'
        : 'type at least two characters the vocabulary knows: the first one is given, the others are scored',
    );
  const bigram = /** @type {import('lmlab').Bigram} */ (s.bigram);
  const T = ids.length;
  const V = vocab.size;
  const scores = s.model ? s.model.logits(Int32Array.from(ids), 1, T).data : null; // (1, T, V)
  /** @type {{ token: string, bigram: number, neural: number | null }[]} */
  const factors = [];
  let bigramLog = 0;
  let neuralLog = 0;
  for (let t = 1; t < T; t++) {
    const pb = bigram.prob(ids[t - 1], ids[t]);
    const pn = scores ? softmax(scores.subarray((t - 1) * V, t * V))[ids[t]] : null;
    bigramLog += Math.log(pb);
    if (pn !== null) neuralLog += Math.log(pn);
    factors.push({ token: s.tokens[ids[t]], bigram: pb, neural: pn });
  }
  const n = T - 1;
  const total = (/** @type {number} */ logP) => ({ logProb: logP, perplexity: Math.exp(-logP / n) });
  return {
    level: vocab.level,
    first: s.tokens[ids[0]],
    factors,
    bigram: total(bigramLog),
    neural: scores ? total(neuralLog) : null,
    k: bigram.k,
    dropped,
    unknown,
  };
}

/**
 * Split a sentence at its one [MASK]; no mask, or more than one, is refused with a sentence.
 * @param {string} text
 */
export function splitAtMask(text) {
  const count = (text.match(MASK) ?? []).length;
  if (count === 0)
    throw new Error(
      'the sentence has no [MASK]: write [MASK] where the missing word goes, or click a word of a scored sentence',
    );
  if (count > 1) throw new Error(`the sentence has ${count} [MASK]s: mask exactly one word`);
  const [left, right] = text.split(/\[MASK\]/i);
  return { left, right };
}

/**
 * Rank candidates for the [MASK] of a sentence: the bigram over every word by P(w | prev)·P(next | w)
 * (normalised over all of them), and the neural model by the log-likelihood of the whole sentence
 * with each candidate in place (normalised over its candidates): `candidates` of them, the likeliest
 * after the left context, or 'all' (the whole vocabulary but <s> and </s>: one sentence scored per
 * word). The time taken and the number of sentences scored are reported. The whole vocabulary takes
 * seconds at word level: the worker answers other requests between chunks, and a training step in
 * the meantime stops the ranking with a sentence (the model it ranked with is gone).
 * @param {Session} s @param {Requests['mask']['payload']} payload
 * @returns {Promise<Requests['mask']['result']>}
 */
export async function mask(s, { text, candidates = 50, topK = 10 }) {
  requireCorpus(s);
  const vocab = vocabOf(s);
  if (vocab.level !== 'word')
    throw new Error('a masked word needs word-level tokens: choose Level "words" in the Tokens panel');
  if (!(Number.isInteger(topK) && topK >= 1 && topK <= 100))
    throw new Error(`topK must be a whole number from 1 to 100, got ${topK}`);
  const line = String(text ?? '')
    .replace(/\s+/g, ' ')
    .trim();
  const { left, right } = splitAtMask(line);
  const l = encodeUserText(s, left);
  const r = encodeUserText(s, right, { close: true });
  const leftIds = l.ids.length ? l.ids : [vocab.bos];
  // the right part is its own sentence to the tokenizer (<s> … </s>): its <s> is not in the sentence
  const rightIds = r.ids[0] === vocab.bos ? r.ids.slice(1) : r.ids;
  const unknown = [...new Set([...l.unknown, ...r.unknown])];
  requireKnownWords(s, [...leftIds, ...rightIds], unknown);
  if (leftIds.length + rightIds.length + 1 > MAX_TOKENS)
    throw new Error(`the sentence is longer than ${MAX_TOKENS} tokens`);
  const bigram = /** @type {import('lmlab').Bigram} */ (s.bigram);
  const t0 = performance.now();
  const bigramRanked = bigram
    .predictMasked(line.replace(MASK, '[MASK]'), { topK })
    .map(({ token, prob }) => ({ token, p: prob }));
  const bigramMs = performance.now() - t0;
  let neural = null;
  if (s.model) neural = await rankNeural(s, s.model, leftIds, rightIds, candidates, topK);
  return {
    tokens: [...leftIds.map((id) => s.tokens[id]), '[MASK]', ...rightIds.map((id) => s.tokens[id])],
    bigram: bigramRanked,
    bigramMs,
    neural,
    unknown,
  };
}

/**
 * The neural model's ranking (Model.predictMasked's method, in chunks so that the whole vocabulary
 * fits in memory): the `candidates` likeliest tokens after the left context, each put in the gap
 * and the whole sentence's log-likelihood summed; softmax over the candidates.
 * @param {Session} s @param {import('lmlab').Model} model @param {number[]} leftIds @param {number[]} rightIds
 * @param {number | 'all'} candidates @param {number} topK
 */
async function rankNeural(s, model, leftIds, rightIds, candidates, topK) {
  const vocab = vocabOf(s);
  const V = vocab.size;
  const words = V - 2; // every token but <s> and </s>
  if (candidates !== 'all' && !(Number.isInteger(candidates) && candidates >= 1 && candidates <= V))
    throw new Error(`candidates must be 'all' or a whole number from 1 to ${V}, got ${candidates}`);
  const count = candidates === 'all' ? words : Math.min(candidates, words);
  const t0 = performance.now();
  const first = model.nextLogProbs(leftIds); // (V,) log P(· | left)
  const order = Array.from({ length: V }, (_, id) => id)
    .filter((id) => id !== vocab.bos && id !== vocab.eos)
    .sort((a, b) => first[b] - first[a] || a - b)
    .slice(0, count);
  const T = leftIds.length + rightIds.length; // a row is left, candidate, right: T + 1 ids
  const totals = new Float64Array(order.length);
  const step = s.engine?.step ?? 0;
  for (let from = 0; from < order.length; from += RANK_ROWS) {
    if (from > 0) {
      await yieldToRequests();
      if (s.model !== model || (s.engine?.step ?? 0) !== step)
        throw new Error(
          'the model changed (training or a rebuild) while the candidates were ranked: pause training and rank again',
        );
    }
    const n = Math.min(RANK_ROWS, order.length - from);
    const rows = new Int32Array(n * (T + 1)); // (n, T + 1)
    for (let i = 0; i < n; i++) {
      rows.set(leftIds, i * (T + 1));
      rows[i * (T + 1) + leftIds.length] = order[from + i];
      rows.set(rightIds, i * (T + 1) + leftIds.length + 1);
    }
    totals.set(model.sequenceLogProbs(rows, n, T), from);
  }
  let max = -Infinity;
  for (const t of totals) max = Math.max(max, t);
  let z = 0;
  for (const t of totals) z += Math.exp(t - max);
  const ranked = Array.from(order, (id, i) => ({ id, logProb: totals[i] }))
    .sort((a, b) => b.logProb - a.logProb || a.id - b.id)
    .slice(0, topK)
    .map(({ id, logProb }) => ({ token: s.tokens[id], p: Math.exp(logProb - max) / z, logProb }));
  return { ranked, candidates: order.length, sentenceTokens: T + 1, ms: performance.now() - t0 };
}

const READOUT_TOKENS = 64; // longest text written out step by step
const READOUT_TOP = 12; // tokens listed per step (all of them for a small vocabulary)

/**
 * One step at a time, as the min-char-rnn notes draw "hello": for every position t of the text (from
 * a zero state), the input x_t, the target y_t (the next token), the model's ŷ_t over the vocabulary
 * (its likeliest tokens, every token when V ≤ 32) and J_t = −log ŷ_t[y_t]; the bigram's P(· | x_t)
 * when there is no neural model. Word level: <s> w1 … wn </s>.
 * @param {Session} s @param {Requests['readout']['payload']} payload
 * @returns {Requests['readout']['result']}
 */
export function readout(s, { text }) {
  requireCorpus(s);
  const vocab = vocabOf(s);
  const encoded = encodeUserText(s, String(text ?? ''), { close: true });
  const { dropped, unknown } = encoded;
  const ids = encoded.ids.slice(0, READOUT_TOKENS + 1);
  if (vocab.level === 'word') requireKnownWords(s, ids, unknown);
  if (ids.length < 2)
    throw new Error('the text needs at least two tokens the vocabulary knows: an input and its target');
  const T = ids.length - 1; // steps: x_t = ids[t], y_t = ids[t + 1]
  const V = vocab.size;
  const scores = s.model ? s.model.logits(Int32Array.from(ids.slice(0, T)), 1, T).data : null; // (1, T, V)
  const bigram = /** @type {import('lmlab').Bigram} */ (s.bigram);
  const top = V <= 32 ? V : READOUT_TOP;
  const steps = [];
  let sum = 0;
  for (let t = 0; t < T; t++) {
    const probs = scores ? softmax(scores.subarray(t * V, (t + 1) * V)) : bigram.distribution(ids[t]);
    const target = ids[t + 1];
    const order = Array.from({ length: V }, (_, i) => i).sort((a, b) => probs[b] - probs[a] || a - b);
    const rank = order.indexOf(target) + 1;
    const loss = -Math.log(probs[target]);
    sum += loss;
    steps.push({
      t,
      input: s.tokens[ids[t]],
      target: s.tokens[target],
      targetP: probs[target],
      rank,
      loss,
      top: order.slice(0, top).map((id) => ({ token: s.tokens[id], p: probs[id] })),
    });
  }
  return {
    steps,
    V,
    level: vocab.level,
    source: scores ? 'model' : 'bigram',
    sum,
    mean: sum / T,
    dropped,
    unknown,
    cut: Math.max(0, encoded.ids.length - 1 - T),
  };
}

const FREE_TOKENS = 64; // held-out tokens scored both ways

/**
 * Teacher forcing against free-running on the first held-out tokens: the same targets scored with the
 * true previous token fed at every step, and with the model's own greedy prediction of the step
 * before fed instead (after a prime: <s> and the first word, or 8 characters). Model.freeRunning.
 * @param {Session} s
 * @returns {Requests['freeRunning']['result']}
 */
export function freeRunning(s) {
  requireCorpus(s);
  if (!s.model) throw new Error('free-running needs a neural model: the bigram has nothing to feed back');
  const level = vocabOf(s).level;
  const valIds = /** @type {Int32Array} */ (s.valIds);
  const ids = valIds.subarray(0, Math.min(FREE_TOKENS + 1, valIds.length));
  const prime = Math.min(level === 'word' ? 2 : 8, ids.length - 1);
  if (ids.length < 3) throw new Error('the held-out text is too short to compare free-running with teacher forcing');
  const r = s.model.freeRunning(ids, { prime });
  return {
    teacherForced: r.teacherForced,
    freeRunning: r.freeRunning,
    tokens: r.tokens,
    prime: Array.from(ids.subarray(0, prime), (id) => s.tokens[id]),
    predicted: Array.from(r.predicted.subarray(0, 24), (id) => s.tokens[id]),
    truth: Array.from(ids.subarray(prime, prime + 24), (id) => s.tokens[id]),
    level,
  };
}
