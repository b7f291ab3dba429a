// questions.mjs — what the views ask a session between training slices: next-character
// distributions and surprisal, samples, hidden states (and the LSTM's c, the gates, the input) over a
// probe text, the bigram matrix, and the numerical gradient check. Each takes the session and returns
// plain data (and transferable buffers), typed by the request of the same name in ../protocol.mjs.
import { requireCorpus, softmax, topK } from './worker-state.mjs';
import { encodeUserText } from './tokens.mjs';

/** @typedef {import('../protocol.mjs').Requests} Requests */
/** @typedef {import('./worker-state.mjs').Session} Session */
/** @typedef {import('lmlab').Model} Model */

const PREDICT_CONTEXT = 256; // characters of context for next-character predictions
const SURPRISAL_CHARS = 400; // longest text coloured by surprisal
const PROBE_CHARS = 300; // longest probe text (one heatmap column per character)
const PROBE_NEXT = 5; // the likeliest next characters reported per probe position

/**
 * Per-character surprisal in bits, -log2 P(c_t | c_<t), for t ≥ 1; bits[0] is NaN.
 * @param {Session} s @param {number[]} ids
 */
function surprisal(s, ids) {
  const bits = new Float32Array(ids.length);
  bits[0] = NaN;
  if (s.model) {
    // One forward pass from a zero state: scores (1, T, V); position t-1 predicts ids[t].
    const V = s.model.config.vocabSize;
    const scores = s.model.logits(Int32Array.from(ids), 1, ids.length).data;
    for (let t = 1; t < ids.length; t++) {
      const p = softmax(scores.subarray((t - 1) * V, t * V));
      bits[t] = -Math.log2(p[ids[t]]);
    }
  } else {
    const bigram = /** @type {import('lmlab').Bigram} */ (s.bigram);
    for (let t = 1; t < ids.length; t++) bits[t] = -Math.log2(bigram.prob(ids[t - 1], ids[t]));
  }
  return bits;
}

/**
 * The next character after `text` by both models, and the surprisal of its characters.
 * @param {Session} s @param {Requests['predict']['payload']} payload
 * @returns {Requests['predict']['result']}
 */
export function predict(s, { text }) {
  requireCorpus(s);
  const level = /** @type {import('lmlab').Vocab} */ (s.vocab).level;
  const context = [...String(text ?? '')].slice(-PREDICT_CONTEXT * (level === 'word' ? 8 : 1)).join('');
  const encoded = encodeUserText(s, context);
  const { dropped, unknown } = encoded;
  const ids = encoded.ids.slice(-PREDICT_CONTEXT);
  if (ids.length === 0) return { neural: null, bigram: null, context, dropped, unknown, level, surprisal: null };
  const neural = s.model ? topK(s, s.model.nextLogProbs(ids).map(Math.exp)) : null;
  const bigram = topK(s, /** @type {import('lmlab').Bigram} */ (s.bigram).distribution(ids[ids.length - 1]));
  let surprisalResult = null;
  if (ids.length > 1) {
    const tail = ids.slice(-SURPRISAL_CHARS);
    const bits = surprisal(s, tail);
    surprisalResult = { chars: tail.map((id) => s.tokens[id]), bits };
  }
  return { neural, bigram, context, dropped, unknown, level, surprisal: surprisalResult };
}

/**
 * A sample of `length` characters after the prime, from the neural model or the bigram.
 * @param {Session} s @param {Requests['sample']['payload']} payload
 * @returns {Requests['sample']['result']}
 */
export function sample(s, { prime = '', temperature = 0.8, seed = 1, length = 200 }) {
  requireCorpus(s);
  if (!(Number.isInteger(length) && length >= 1 && length <= 10000))
    throw new Error(`sample length must be a whole number from 1 to 10000, got ${length}`);
  if (!(temperature >= 0 && temperature <= 10))
    throw new Error(`temperature must be between 0 and 10, got ${temperature}`);
  if (!s.model) {
    const lines = /** @type {import('lmlab').Bigram} */ (s.bigram).generate({
      seed,
      temperature,
      maxLength: length,
      count: 8,
    });
    return { text: lines.join('\n').slice(0, length), source: 'bigram' };
  }
  const vocab = /** @type {import('lmlab').Vocab} */ (s.vocab);
  if (vocab.level === 'word')
    return { text: sampleSentences(s, s.model, { prime, temperature, seed, length }), source: 'model' };
  const { ids } = encodeUserText(s, String(prime));
  const start = ids.length ? ids : [s.tokenIndex.get('\n') ?? s.tokenIndex.get(' ') ?? 0];
  const out = s.model.sample(start, { length, temperature, seed });
  return { text: vocab.decode(out), source: 'model' };
}

/**
 * Word level: sentences generated until </s>, each from <s> (the first after the prime's words), one
 * per line, until about `length` characters are written (at most 12 sentences, 60 words each).
 * @param {Session} s @param {Model} model
 * @param {{ prime: string, temperature: number, seed: number, length: number }} options
 */
function sampleSentences(s, model, { prime, temperature, seed, length }) {
  const vocab = /** @type {import('lmlab').Vocab} */ (s.vocab);
  const lines = [];
  let written = 0;
  for (let k = 0; k < 12 && written < length; k++) {
    const start = k === 0 && prime.trim() ? encodeUserText(s, prime).ids : [vocab.bos];
    const out = Array.from(model.sample(start, { length: 60, temperature, seed: seed + k, stopId: vocab.eos }));
    const ended = out[out.length - 1] === vocab.eos;
    if (ended) out.pop();
    // the first line continues the prime (the page writes the prime before it)
    const line = (k === 0 && prime.trim() ? ' ' : '') + vocab.decode(out) + (ended ? '' : ' …');
    lines.push(line);
    written += line.length + 1;
  }
  return lines.join('\n');
}

/**
 * Transpose a (T, H) row-major block (row stride `stride`, first column `offset`) to (H, T): the
 * heatmap's orientation, neurons as rows.
 * @param {Float32Array} data @param {number} T @param {number} H @param {number} [stride] @param {number} [offset]
 */
function neuronsByTime(data, T, H, stride = H, offset = 0) {
  const out = new Float32Array(H * T);
  for (let t = 0; t < T; t++) for (let h = 0; h < H; h++) out[h * T + t] = data[t * stride + offset + h];
  return out;
}

/**
 * The last layer's hidden states (and the LSTM's c, each gate) over the known characters of `text`,
 * every quantity (H, T) — rows are neurons, columns characters, as heatmaps draw them — plus the
 * input x_t of a one-layer model with an embedding ((E, T)) and the likeliest next characters at
 * every position.
 * @param {Session} s @param {Requests['probe']['payload']} payload
 * @returns {{ result: Requests['probe']['result'], transfer: Transferable[] }}
 */
export function probe(s, { text }) {
  if (!s.model) throw new Error('the bigram has no hidden state: choose RNN, LSTM or GRU to look inside');
  const model = s.model;
  const known = encodeUserText(s, String(text ?? ''), { close: true });
  const { dropped, unknown } = known;
  const level = /** @type {import('lmlab').Vocab} */ (s.vocab).level;
  const ids = known.ids.slice(0, PROBE_CHARS);
  if (ids.length < 2)
    throw new Error(
      level === 'word'
        ? 'the probe text needs at least one word'
        : 'the probe text needs at least two characters the vocabulary knows',
    );
  const result = model.probe(ids);
  const [T, H] = result.h.shape;
  const quantities = [{ key: 'h', data: neuronsByTime(result.h.data, T, H) }];
  if (result.c) quantities.push({ key: 'c', data: neuronsByTime(result.c.data, T, H) });
  // the gates are packed (T, G·H) in gateNames' order: gate g is columns g·H … (g+1)·H − 1
  const G = result.gateNames.length;
  result.gateNames.forEach((name, g) => {
    quantities.push({
      key: name,
      data: neuronsByTime(/** @type {import('lmlab').Tensor} */ (result.gates).data, T, H, G * H, g * H),
    });
  });
  // x_t of the first layer: the embedding row of each character (one-hot needs no numbers: its id says it)
  const { embedding, layers = 1, cell } = model.config;
  let inputs = null;
  if (embedding > 0 && layers === 1 && cell !== 'window') {
    const table = model.parameters().find((p) => p.name === 'embedding.weight');
    if (table) {
      const rows = new Float32Array(T * embedding);
      ids.forEach((id, t) => rows.set(table.data.subarray(id * embedding, (id + 1) * embedding), t * embedding));
      inputs = neuronsByTime(rows, T, embedding);
    }
  }
  // p_t: the model's distribution after each probed character (position t predicts t + 1)
  const V = model.config.vocabSize;
  const scores = model.logits(Int32Array.from(ids), 1, T).data;
  const next = Array.from({ length: T }, (_, t) => topK(s, softmax(scores.subarray(t * V, (t + 1) * V)), PROBE_NEXT));
  const cut = known.ids.length > PROBE_CHARS ? known.ids.length - PROBE_CHARS : 0;
  const transfer = quantities.map((q) => q.data.buffer);
  if (inputs) transfer.push(inputs.buffer);
  return {
    result: {
      chars: ids.map((id) => s.tokens[id]),
      ids,
      T,
      H,
      E: embedding,
      cell,
      quantities,
      inputs,
      next,
      dropped,
      unknown,
      level,
      cut,
    },
    transfer,
  };
}

/**
 * P(next | previous) (kind 'probs', add-k smoothed) or the training counts of each pair (kind 'counts')
 * among the topN most frequent tokens.
 * @param {Session} s @param {Requests['bigramMatrix']['payload']} payload
 * @returns {{ result: Requests['bigramMatrix']['result'], transfer: Transferable[] }}
 */
export function bigramMatrix(s, { topN = 28, kind = 'probs' }) {
  requireCorpus(s);
  if (!(Number.isInteger(topN) && topN >= 1 && topN <= 256))
    throw new Error(`topN must be a whole number from 1 to 256, got ${topN}`);
  if (kind !== 'probs' && kind !== 'counts') throw new Error(`the matrix shows 'probs' or 'counts', got '${kind}'`);
  const vocab = /** @type {import('lmlab').Vocab} */ (s.vocab);
  const { tokens, values } = /** @type {import('lmlab').Bigram} */ (s.bigram).matrix({
    topN: Math.min(topN, vocab.size),
    kind,
  });
  const copy = Float32Array.from(values);
  return { result: { tokens, values: copy }, transfer: [copy.buffer] };
}

/**
 * The model's numerical check, run RUNS times with one random entry per tensor each, so every
 * tensor gets RUNS independent relative errors: their median is robust to float32 noise on tiny
 * gradient entries (which makes the max jump on a trained network); the max is reported too.
 * @param {Session} s
 * @returns {Requests['gradCheck']['result']}
 */
export function gradCheck(s) {
  if (!s.model) throw new Error('the gradient check needs a neural model (choose RNN, LSTM, GRU or window)');
  const model = s.model;
  const trainIds = /** @type {Int32Array} */ (s.trainIds);
  const RUNS = 21;
  // A training-sized batch, so most rows of a one-hot Wx see their character (an unseen row's
  // gradient is exactly zero on both sides and says nothing).
  const settings = /** @type {import('../settings.mjs').Settings} */ (s.settings);
  const T = Math.min(32, settings.seq, trainIds.length - 1);
  let N = Math.max(1, Math.min(16, Math.floor(trainIds.length / (T + 1))));
  // C starts the check from the trainer's carried state when N is the training batch; that state
  // ended other text than these windows, and on a trained RNN it made the float32 errors about ten
  // times larger. A batch one smaller starts from zero states (and leaves the carried state alone).
  if (N === settings.batch && N > 1) N--;
  if (T < 1 || trainIds.length < N * (T + 1)) throw new Error('the corpus is too short for a gradient check batch');
  // N windows spread over the training text, for a variety of characters.
  const ids = new Int32Array(N * (T + 1));
  const stride = Math.floor((trainIds.length - (T + 1)) / N);
  for (let n = 0; n < N; n++) ids.set(trainIds.subarray(n * stride, n * stride + T + 1), n * (T + 1));
  const t0 = performance.now();
  /** @type {number[][]} per tensor, its relative error in each run */
  const errors = [];
  /** @type {string[]} */
  let names = [];
  for (let run = 1; run <= RUNS; run++) {
    const result = model.gradientCheck(ids, N, T, { samples: 1, eps: 1e-2, seed: run });
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
