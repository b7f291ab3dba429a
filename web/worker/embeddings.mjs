// embeddings.mjs — the worker's side of word vectors (Lab 2): pre-trained vectors from a word2vec/GloVe
// text file (parsed here, off the page's thread, by the glue's parseEmbeddingText; kept by the session
// and set again whenever the model is rebuilt — Reset, a new setting, another level — while their size
// fits), frozen or fine-tuned; the model's embedding exported in the same format; nearest neighbours by
// cosine and the analogy a − b + c; and the 2-D PCA projection of the most frequent tokens (pca.mjs),
// warm-started from the last one so its axes hold still during training. Every check comes before the
// model is written: a bad file, a wrong size or no embedding leaves the model as it was. The token
// vectors are embedding.weight (V, E), or for a one-hot model layer 0's input weights (V, G·H) —
// neighbours, analogies and the map work on those too; loading vectors needs an embedding.
import { W, requireCorpus } from './worker-state.mjs';
import { pca2 } from './pca.mjs';
import { MAX_VECTOR_BYTES, vectorFileTooBig } from '../protocol.mjs';

/** @typedef {import('./worker-state.mjs').Session} Session */
/** @typedef {import('../protocol.mjs').Requests} Requests */
/** @typedef {import('../protocol.mjs').VectorsInfo} VectorsInfo */

const MAX_TOP = 500; // tokens on the map at most

/** The session's neural model, or the sentence saying why there is none. @param {Session} s @param {string} what */
function modelFor(s, what) {
  requireCorpus(s);
  if (!s.model)
    throw new Error(`the bigram has no embedding to ${what}: choose RNN, LSTM, GRU or window in the Model panel`);
  return s.model;
}

/** The vectors' size, checked against the session's model: null when they fit, else why not. @param {Session} s @param {number} dim */
function misfit(s, dim) {
  if (!s.model) return 'the bigram has no embedding: choose RNN, LSTM, GRU or window in the Model panel';
  const E = s.model.config.embedding;
  if (E === 0)
    return `the model has one-hot input (Embedding 0), so there is no embedding matrix to set: set Embedding to ${dim}, the vectors' size, in the Model panel`;
  if (E !== dim)
    return `the vectors have ${dim} numbers per word but the model's embedding has ${E} (E): set Embedding to ${dim} in the Model panel`;
  return null;
}

/**
 * Set the session's stored vectors into its model (configure and load call this after building one).
 * Their report becomes s.vectors.info; vectors that do not fit the new model stay stored, unapplied,
 * with the reason.
 * @param {Session} s
 */
export function applyStoredVectors(s) {
  const stored = s.vectors;
  if (!stored) return;
  const why = misfit(s, stored.parsed.dim);
  if (why) {
    stored.info = { ...stored.info, applied: false, why, found: 0, missing: 0, missingExamples: [], lowercased: 0 };
    return;
  }
  const model = /** @type {import('lmlab').Model} */ (s.model);
  let report;
  try {
    report = model.setEmbedding(stored.parsed, {
      vocab: /** @type {import('lmlab').Vocab} */ (s.vocab),
      freeze: stored.freeze,
    });
  } catch (err) {
    // another vocabulary (characters now, say) may share no token with the file: the model keeps its
    // initialisation, the vectors stay for a vocabulary that fits
    stored.info = {
      ...stored.info,
      applied: false,
      why: /** @type {Error} */ (err).message,
      found: 0,
      missing: 0,
      missingExamples: [],
      lowercased: 0,
    };
    return;
  }
  stored.info = {
    ...stored.info,
    applied: true,
    why: '',
    found: report.found,
    missing: report.missing,
    missingExamples: report.missingExamples,
    lowercased: report.lowercased,
    frozen: stored.freeze,
  };
}

/**
 * Load word vectors from a text file's bytes into the model (and keep them for the next rebuild).
 * Refused, with the model and the stored vectors as they were, when the file is not UTF-8 text, is
 * malformed (the glue names the line), is bigger than MAX_VECTOR_BYTES, has another size than the
 * embedding, or shares no word with the vocabulary.
 * @param {Session} s @param {Requests['setVectors']['payload']} payload
 * @returns {Promise<Requests['setVectors']['result']>}
 */
export async function setVectors(s, { bytes, name, freeze }) {
  requireCorpus(s);
  if (s.inflight) await s.inflight.catch(() => {}); // between training steps, never inside one
  const file = String(name ?? 'the vector file').slice(0, 120);
  if (typeof freeze !== 'boolean') throw new Error(`freeze must be true or false, got ${String(freeze)}`);
  if (!(bytes instanceof ArrayBuffer)) throw new Error(`${file}: the vectors must come as the file's bytes`);
  if (bytes.byteLength > MAX_VECTOR_BYTES) throw new Error(vectorFileTooBig(file, bytes.byteLength));
  const t0 = performance.now();
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Error(`${file} is not UTF-8 text: a vector file has a word and its numbers on each line`);
  }
  if (text.includes('\0')) throw new Error(`${file} is binary (it has NUL bytes); the page reads the text format only`);
  const lm = /** @type {import('lmlab').Lmlab} */ (W.lm);
  let parsed;
  try {
    parsed = lm.parseEmbeddingText(text);
  } catch (err) {
    throw new Error(`${file}: ${/** @type {Error} */ (err).message}`);
  }
  const why = misfit(s, parsed.dim);
  if (why) throw new Error(`${file}: ${why}, then load the file again`);
  const model = /** @type {import('lmlab').Model} */ (s.model);
  let report;
  try {
    report = model.setEmbedding(parsed, { vocab: /** @type {import('lmlab').Vocab} */ (s.vocab), freeze });
  } catch (err) {
    throw new Error(`${file}: ${/** @type {Error} */ (err).message}`);
  }
  /** @type {VectorsInfo} */
  const info = {
    name: file,
    words: parsed.count,
    dim: parsed.dim,
    header: parsed.header,
    duplicates: parsed.duplicates,
    applied: true,
    why: '',
    found: report.found,
    missing: report.missing,
    missingExamples: report.missingExamples,
    lowercased: report.lowercased,
    frozen: freeze,
    ms: performance.now() - t0,
  };
  s.vectors = { parsed, freeze, info };
  s.pca = null; // the picture starts again from the new vectors
  return info;
}

/**
 * Freeze (true) or fine-tune (false) the embedding from the next step on; stored vectors keep the
 * choice for the next rebuild.
 * @param {Session} s @param {Requests['freezeEmbedding']['payload']} payload
 * @returns {Requests['freezeEmbedding']['result']}
 */
export function freezeEmbedding(s, { freeze }) {
  const model = modelFor(s, 'freeze');
  if (typeof freeze !== 'boolean') throw new Error(`freeze must be true or false, got ${String(freeze)}`);
  if (model.config.embedding === 0)
    throw new Error('the model has one-hot input (Embedding 0): there is no embedding matrix to freeze');
  model.setFrozen('W_embed', freeze);
  if (s.vectors) {
    s.vectors.freeze = freeze;
    s.vectors.info = { ...s.vectors.info, frozen: freeze };
  }
  return { frozen: freeze };
}

/**
 * The model's token vectors in the text format (word2vec header), one line per token.
 * @param {Session} s @returns {Requests['exportEmbedding']['result']}
 */
export function exportEmbedding(s) {
  const model = modelFor(s, 'export');
  const vocab = /** @type {import('lmlab').Vocab} */ (s.vocab);
  const { shape, tensor } = model.embeddingMatrix();
  return { text: model.exportEmbeddingText(vocab), tokens: shape[0], dim: shape[1], tensor };
}

/**
 * A typed token's id: the token itself, else at word level its lower-case form when the tokenizer
 * lower-cases; null when the vocabulary lacks it (a word the tokenizer reads as <unk> is not in it).
 * @param {Session} s @param {string} typed
 */
function idOf(s, typed) {
  const raw = String(typed ?? '');
  const token = raw.trim() === '' ? raw : raw.trim(); // a space is a character-level token
  if (token === '') return null;
  const id = s.tokenIndex.get(token) ?? (s.vocab?.level === 'word' ? s.tokenIndex.get(token.toLowerCase()) : undefined);
  return id === undefined ? null : id;
}

/** Every typed token's id, or one error naming all the unknown ones. @param {Session} s @param {string[]} typed */
function idsOf(s, typed) {
  if (typed.some((t) => String(t ?? '').length === 0))
    throw new Error(typed.length === 1 ? 'type a token' : `type ${typed.length} tokens`);
  const ids = typed.map((t) => idOf(s, t));
  const unknown = typed.filter((_, i) => ids[i] === null).map((t) => `'${String(t).trim() || t}'`);
  if (unknown.length) {
    const level = s.vocab?.level === 'word' ? 'words' : 'characters';
    throw new Error(
      `not in the vocabulary: ${unknown.join(', ')} (it has ${s.tokens.length} ${level}${level === 'words' ? ', rarer ones are <unk>' : ''})`,
    );
  }
  return /** @type {number[]} */ (ids);
}

/** topK checked: 1 to 50. @param {unknown} k */
function topKOf(k) {
  const n = k ?? 10;
  if (!(Number.isInteger(n) && /** @type {number} */ (n) >= 1 && /** @type {number} */ (n) <= 50))
    throw new Error(`topK must be a whole number from 1 to 50, got ${String(k)}`);
  return /** @type {number} */ (n);
}

/**
 * The topK tokens nearest to a typed one by cosine similarity (itself excluded).
 * @param {Session} s @param {Requests['neighbors']['payload']} payload
 * @returns {Requests['neighbors']['result']}
 */
export function neighbors(s, { word, topK }) {
  const model = modelFor(s, 'ask');
  const k = topKOf(topK);
  const [id] = idsOf(s, [word]);
  const list = model.neighbors(id, { topK: Math.min(k, s.tokens.length - 1) });
  return {
    token: s.tokens[id],
    neighbors: list.map((n) => ({ token: s.tokens[n.id], cosine: n.cosine })),
    tensor: model.embeddingMatrix().tensor,
  };
}

/**
 * The analogy a − b + c: the topK tokens nearest to that vector by cosine, a, b and c excluded.
 * @param {Session} s @param {Requests['analogy']['payload']} payload
 * @returns {Requests['analogy']['result']}
 */
export function analogy(s, { a, b, c, topK }) {
  const model = modelFor(s, 'ask');
  const k = topKOf(topK);
  const [ia, ib, ic] = idsOf(s, [a, b, c]);
  const list = model.analogy(ia, ib, ic, { topK: Math.min(k, Math.max(1, s.tokens.length - 3)) });
  return {
    tokens: [s.tokens[ia], s.tokens[ib], s.tokens[ic]],
    results: list.map((n) => ({ token: s.tokens[n.id], cosine: n.cosine })),
    tensor: model.embeddingMatrix().tensor,
  };
}

/**
 * The ids of the `top` most frequent tokens of the training text, most frequent first (cached per
 * encoding of the corpus). @param {Session} s @param {number} top
 */
function frequentIds(s, top) {
  const ids = /** @type {Int32Array} */ (s.trainIds);
  if (!s.frequent || s.frequent.of !== ids) {
    const counts = new Float64Array(s.tokens.length);
    for (const id of ids) counts[id]++;
    const order = Array.from(counts.keys()).sort((x, y) => counts[y] - counts[x] || x - y);
    s.frequent = { of: ids, order, counts };
  }
  return { order: s.frequent.order.slice(0, top), counts: s.frequent.counts };
}

/**
 * The 2-D PCA projection of the `top` most frequent tokens' vectors: each token's point, the variance
 * along each axis and in all. The axes start from the last projection of this model and keep its signs.
 * @param {Session} s @param {Requests['projection']['payload']} payload
 * @returns {{ result: Requests['projection']['result'], transfer: Transferable[] }}
 */
export function projection(s, { top }) {
  const model = modelFor(s, 'project');
  if (!(Number.isInteger(top) && top >= 3 && top <= MAX_TOP))
    throw new Error(`the map shows from 3 to ${MAX_TOP} tokens, got ${String(top)}`);
  const t0 = performance.now();
  const { order, counts } = frequentIds(s, top);
  const { data, shape, tensor } = model.embeddingMatrix();
  const D = shape[1];
  const n = order.length;
  const rows = new Float32Array(n * D); // (n, D) the chosen tokens' vectors
  order.forEach((id, r) => rows.set(data.subarray(id * D, (id + 1) * D), r * D));
  const previous = s.pca && s.pca.model === model && s.pca.D === D ? s.pca.axes : null;
  const p = pca2(rows, n, D, previous);
  s.pca = { model, D, axes: p.axes };
  const result = {
    tokens: order.map((id) => s.tokens[id]),
    counts: order.map((id) => counts[id]),
    xy: p.xy,
    variance: p.variance,
    total: p.total,
    iterations: p.iterations,
    tensor,
    D,
    step: s.engine?.step ?? 0,
    ms: performance.now() - t0,
  };
  return { result, transfer: [p.xy.buffer] };
}
