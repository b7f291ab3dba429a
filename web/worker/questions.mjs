// questions.mjs — what the views ask the worker between training slices: next-character
// distributions and surprisal, samples, hidden states (and the LSTM's c, the gates) over a probe
// text, the bigram matrix, and the numerical gradient check. Each returns plain data (and
// transferable buffers), typed by the request of the same name in ../protocol.mjs.
import { S, encodeKnown, requireCorpus, topK } from './worker-state.mjs';

/** @typedef {import('../protocol.mjs').Requests} Requests */

const PREDICT_CONTEXT = 256;  // characters of context for next-character predictions
const SURPRISAL_CHARS = 400;  // longest text coloured by surprisal
const PROBE_CHARS = 300;      // longest probe text (one heatmap column per character)

/** Softmax of one row of scores, stable (max subtracted). @param {ArrayLike<number>} scores */
function softmax(scores) {
  let max = -Infinity;
  for (let i = 0; i < scores.length; i++) if (scores[i] > max) max = scores[i];
  const out = new Float64Array(scores.length);
  let sum = 0;
  for (let i = 0; i < scores.length; i++) {
    out[i] = Math.exp(scores[i] - max);
    sum += out[i];
  }
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}


/** Per-character surprisal in bits, -log2 P(c_t | c_<t), for t ≥ 1; bits[0] is NaN. @param {number[]} ids */
function surprisal(ids) {
  const bits = new Float32Array(ids.length);
  bits[0] = NaN;
  if (S.model) {
    // One forward pass from a zero state: scores (1, T, V); position t-1 predicts ids[t].
    const V = S.model.config.vocabSize;
    const scores = S.model.logits(Int32Array.from(ids), 1, ids.length).data;
    for (let t = 1; t < ids.length; t++) {
      const p = softmax(scores.subarray((t - 1) * V, t * V));
      bits[t] = -Math.log2(p[ids[t]]);
    }
  } else {
    for (let t = 1; t < ids.length; t++) bits[t] = -Math.log2(S.bigram.prob(ids[t - 1], ids[t]));
  }
  return bits;
}

/**
 * The next character after `text` by both models, and the surprisal of its characters.
 * @param {Requests['predict']['payload']} payload
 * @returns {Requests['predict']['result']}
 */
export function predict({ text }) {
  requireCorpus();
  const context = [...text].slice(-PREDICT_CONTEXT).join('');
  const { ids, dropped } = encodeKnown(context);
  if (ids.length === 0) return { neural: null, bigram: null, context, dropped, surprisal: null };
  const neural = S.model ? topK(S.model.nextLogProbs(ids).map(Math.exp)) : null;
  const bigram = topK(S.bigram.distribution(ids[ids.length - 1]));
  let surprisalResult = null;
  if (ids.length > 1) {
    const tail = ids.slice(-SURPRISAL_CHARS);
    const bits = surprisal(tail);
    surprisalResult = { chars: tail.map((id) => S.tokens[id]), bits };
  }
  return { neural, bigram, context, dropped, surprisal: surprisalResult };
}

/**
 * A sample of `length` characters after the prime, from the neural model or the bigram.
 * @param {Requests['sample']['payload']} payload
 * @returns {Requests['sample']['result']}
 */
export function sample({ prime, temperature, seed, length }) {
  requireCorpus();
  if (!S.model) {
    const lines = S.bigram.generate({ seed, temperature, maxLength: length, count: 8 });
    return { text: lines.join('\n').slice(0, length), source: 'bigram' };
  }
  const { ids } = encodeKnown(prime);
  const start = ids.length ? ids : [S.tokenIndex.get('\n') ?? S.tokenIndex.get(' ') ?? 0];
  const out = S.model.sample(start, { length, temperature, seed });
  return { text: S.vocab.decode(out), source: 'model' };
}

/**
 * The last layer's hidden states (and the LSTM's c, each gate) over the known characters of `text`.
 * @param {Requests['probe']['payload']} payload
 * @returns {{ result: Requests['probe']['result'], transfer: Transferable[] }}
 */
export function probe({ text }) {
  if (!S.model) throw new Error('the bigram has no hidden state: choose RNN, LSTM or GRU to look inside');
  const known = encodeKnown(text);
  const { dropped } = known;
  const ids = known.ids.slice(0, PROBE_CHARS);
  if (ids.length < 2) throw new Error('the probe text needs at least two characters the vocabulary knows');
  const probe = S.model.probe(ids);
  const [T, H] = probe.h.shape;
  // One (T, H) array per quantity the page can show: h, the LSTM's c, then each gate (sliced out of
  // the packed (T, G·H) gates).
  const quantities = [{ key: 'h', data: Float32Array.from(probe.h.data) }];
  if (probe.c) quantities.push({ key: 'c', data: Float32Array.from(probe.c.data) });
  const G = probe.gateNames.length;
  probe.gateNames.forEach((name, g) => {
    const data = new Float32Array(T * H);
    for (let t = 0; t < T; t++) data.set(probe.gates.data.subarray((t * G + g) * H, (t * G + g + 1) * H), t * H);
    quantities.push({ key: name, data });
  });
  const cut = known.ids.length > PROBE_CHARS ? known.ids.length - PROBE_CHARS : 0;
  return {
    result: { chars: ids.map((id) => S.tokens[id]), T, H, cell: S.model.config.cell, quantities, dropped, cut },
    transfer: quantities.map((q) => q.data.buffer),
  };
}

/**
 * P(next | previous) among the topN most frequent tokens.
 * @param {Requests['bigramMatrix']['payload']} payload
 * @returns {{ result: Requests['bigramMatrix']['result'], transfer: Transferable[] }}
 */
export function bigramMatrix({ topN }) {
  requireCorpus();
  const { tokens, values } = S.bigram.matrix({ topN: Math.min(topN, S.vocab.size), kind: 'probs' });
  const copy = Float32Array.from(values);
  return { result: { tokens, values: copy }, transfer: [copy.buffer] };
}

/**
 * The model's numerical check, run RUNS times with one random entry per tensor each, so every
 * tensor gets RUNS independent relative errors: their median is robust to float32 noise on tiny
 * gradient entries (which makes the max jump on a trained network); the max is reported too.
 */
/** @returns {Requests['gradCheck']['result']} */
export function gradCheck() {
  if (!S.model) throw new Error('the gradient check needs a neural model (choose RNN, LSTM, GRU or window)');
  const RUNS = 21;
  // A training-sized batch, so most rows of a one-hot Wx see their character (an unseen row's
  // gradient is exactly zero on both sides and says nothing).
  const T = Math.min(32, S.settings.seq);
  const N = Math.max(1, Math.min(16, Math.floor(S.trainIds.length / (T + 1))));
  if (S.trainIds.length < N * (T + 1)) throw new Error('the corpus is too short for a gradient check batch');
  // N windows spread over the training text, for a variety of characters.
  const ids = new Int32Array(N * (T + 1));
  const stride = Math.floor((S.trainIds.length - (T + 1)) / N);
  for (let n = 0; n < N; n++) ids.set(S.trainIds.subarray(n * stride, n * stride + T + 1), n * (T + 1));
  const t0 = performance.now();
  /** @type {number[][]} per tensor, its relative error in each run */
  const errors = [];
  /** @type {string[]} */
  let names = [];
  for (let run = 1; run <= RUNS; run++) {
    const result = S.model.gradientCheck(ids, N, T, { samples: 1, eps: 1e-2, seed: run });
    names = result.map((r) => r.name);
    result.forEach((r, k) => (errors[k] ??= []).push(r.relError));
  }
  const results = names.map((name, k) => {
    const sorted = errors[k].sort((a, b) => a - b);
    // An exact 0 is an entry this batch does not touch (e.g. the Wx row of a character it lacks):
    // both gradients are 0, which says nothing, so the median is over the touched entries.
    const touched = sorted.filter((e) => e > 0);
    const median = touched.length ? touched[touched.length >> 1] : 0;
    return { name, median, max: sorted[RUNS - 1], touched: touched.length };
  });
  return { results, N, T, runs: RUNS, ms: performance.now() - t0 };
}
