// embeddings.mjs — word vectors in and out of a Model, in the common text format of word2vec and GloVe
// (one token and its numbers per line, separated by spaces; word2vec's optional first line "count dim"),
// and questions about them: nearest neighbours by cosine similarity and the analogy a − b + c. Plain JS
// over Model.parameters() (zero-copy views) and Model.setFrozen; everything is checked before the
// model is touched, so a bad file leaves it as it was. Shapes: V vocabulary, D vector size (E, or G·H
// of layer 0's Wx for one-hot input).
import { LmlabError } from './loader.mjs';
import { STATUS } from './constants.mjs';

/** @param {string} message @param {number} [code] @returns {never} */
const fail = (message, code = STATUS.ARG) => {
  throw new LmlabError(message, code);
};

/** Tokens with white space (char level: ' ', '\n', …) cannot stand in a space-separated line: written <U+0020>. */
const escapeToken = (token) =>
  token.replace(/\s/gu, (c) => `<U+${c.codePointAt(0).toString(16).toUpperCase().padStart(4, '0')}>`);
const unescapeToken = (token) =>
  token.replace(/<U\+([0-9A-F]{4,6})>/g, (_, hex) => String.fromCodePoint(parseInt(hex, 16)));

/**
 * Parse word vectors in the text format: `token x1 x2 … xD` per line (spaces or tabs), an optional first
 * line `count D` (word2vec), blank lines ignored. Every line must have the same D; a malformed number,
 * a non-finite one or a missing field is an error naming the line. A repeated token keeps its first vector.
 * @param {string} text
 * @returns {{ words: string[], vectors: Float32Array, dim: number, count: number, header: boolean, duplicates: number }}
 */
export function parseEmbeddingText(text) {
  if (typeof text !== 'string') fail(`parseEmbeddingText needs the file's text as a string, got ${typeof text}`);
  const lines = text.split('\n');
  const words = [];
  const index = new Map();
  let values = new Float32Array(1024);
  let used = 0;
  let dim = 0;
  let header = null;
  let duplicates = 0;
  let firstLine = 0;
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n].replace(/\r$/, '').trim();
    if (line === '') continue;
    const fields = line.split(/[ \t]+/);
    const where = `line ${n + 1}`;
    if (
      header === null &&
      words.length === 0 &&
      fields.length === 2 &&
      /^\d+$/.test(fields[0]) &&
      /^\d+$/.test(fields[1])
    ) {
      header = { count: Number(fields[0]), dim: Number(fields[1]) };
      if (header.dim < 1)
        fail(`${where}: the header says ${header.dim} numbers per word; it must be at least 1`, STATUS.FORMAT);
      dim = header.dim;
      continue;
    }
    if (fields.length < 2) fail(`${where}: '${fields[0].slice(0, 40)}' has no numbers after it`, STATUS.FORMAT);
    const d = fields.length - 1;
    if (dim === 0) {
      dim = d;
      firstLine = n + 1;
    } else if (d !== dim) {
      fail(
        `${where} has ${d} numbers but ${header ? `the header says ${dim}` : `line ${firstLine} has ${dim}`}: every word needs the same number`,
        STATUS.FORMAT,
      );
    }
    const token = unescapeToken(fields[0]);
    if (index.has(token)) {
      duplicates++;
      continue;
    }
    if (used + dim > values.length) {
      const grown = new Float32Array(Math.max(2 * values.length, used + dim));
      grown.set(values.subarray(0, used));
      values = grown;
    }
    for (let i = 1; i <= dim; i++) {
      const raw = fields[i];
      const x = Number(raw);
      if (!/^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(raw))
        fail(
          `${where}, number ${i} of '${fields[0].slice(0, 40)}': '${raw.slice(0, 40)}' is not a number`,
          STATUS.FORMAT,
        );
      if (!Number.isFinite(x) || !Number.isFinite(Math.fround(x)))
        fail(`${where}, number ${i} of '${fields[0].slice(0, 40)}': ${raw} is not finite in float32`, STATUS.NONFINITE);
      values[used + i - 1] = x;
    }
    index.set(token, words.length);
    words.push(token);
    used += dim;
  }
  if (words.length === 0) fail('the vector file has no word vectors', STATUS.EMPTY);
  if (header && header.count !== words.length + duplicates)
    fail(`the header says ${header.count} words but the file has ${words.length + duplicates}`, STATUS.FORMAT);
  return { words, vectors: values.slice(0, used), dim, count: words.length, header: header !== null, duplicates };
}

/**
 * The text format with a word2vec header line "count dim": one line per word, numbers with 9
 * significant digits (float32 round-trips through them).
 * @param {string[]} words @param {Float32Array} vectors (words.length, dim) @param {number} dim
 */
export function formatEmbeddingText(words, vectors, dim) {
  if (!Array.isArray(words) || !(vectors instanceof Float32Array) || !Number.isInteger(dim) || dim < 1)
    fail('formatEmbeddingText(words, vectors, dim) needs a string array, a Float32Array and a whole dim ≥ 1');
  if (vectors.length !== words.length * dim)
    fail(
      `formatEmbeddingText: ${words.length} words of ${dim} numbers need ${words.length * dim} values, got ${vectors.length}`,
    );
  const lines = [`${words.length} ${dim}`];
  for (let w = 0; w < words.length; w++) {
    const row = Array.from(vectors.subarray(w * dim, (w + 1) * dim), (x) => String(Number(x.toPrecision(9))));
    lines.push(`${escapeToken(words[w])} ${row.join(' ')}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Cosine similarities of row `q` (D,) with every row of m (V, D): (V,); a zero row scores 0. */
function cosines(m, V, D, q) {
  let qn = 0;
  for (let i = 0; i < D; i++) qn += q[i] * q[i];
  qn = Math.sqrt(qn);
  const out = new Float64Array(V);
  for (let v = 0; v < V; v++) {
    let dot = 0;
    let n = 0;
    for (let i = 0; i < D; i++) {
      const x = m[v * D + i];
      dot += x * q[i];
      n += x * x;
    }
    out[v] = n > 0 && qn > 0 ? dot / (Math.sqrt(n) * qn) : 0;
  }
  return out;
}

/** The topK ids by score, excluding some: [{ id, cosine }] best first (ties: lower id). */
function best(scores, topK, exclude) {
  return Array.from(scores.keys())
    .filter((id) => !exclude.has(id))
    .sort((a, b) => scores[b] - scores[a] || a - b)
    .slice(0, topK)
    .map((id) => ({ id, cosine: scores[id] }));
}

// The Model methods of index.d.ts: model.mjs's Model calls these with itself.

/** The tensor whose rows are the token vectors: embedding.weight (V, E), or for one-hot input layer 0's Wx (V, G·H). */
function wordTensor(model) {
  const params = model.parameters();
  return params.find((p) => p.lecture === 'W_embed') ?? params[0];
}

function topKOf(options) {
  const k = options.topK ?? 10;
  if (!Number.isInteger(k) || k < 1) fail(`topK must be a whole number ≥ 1, got ${String(k)}`);
  return k;
}

function idOf(model, id, what) {
  if (!Number.isInteger(id) || id < 0 || id >= model.config.vocabSize)
    fail(`${what} must be a token id in [0, ${model.config.vocabSize}), got ${String(id)}`);
  return id;
}

/** A copy of the token vectors (V, D) and which tensor they are. */
export function embeddingMatrix(model) {
  const t = wordTensor(model);
  return { data: t.data.slice(), shape: [...t.shape], tensor: t.name };
}

/**
 * Set the embedding from parsed vectors (parseEmbeddingText; needs options.vocab: a token of the
 * vocabulary takes the vector of the same word, else of its lower-case form) or from a Tensor (V, E).
 * Words without a vector keep their initialisation. freeze: true = the trainer leaves the embedding as
 * set, false (default) = it is fine-tuned. Everything is checked before the model is written.
 */
export function setEmbedding(model, vectors, options = {}) {
  const E = model.config.embedding;
  if (E === 0)
    fail(
      'the model has one-hot input (embedding 0): there is no embedding matrix to set; create it with an embedding size equal to the vectors',
    );
  const freeze = options.freeze ?? false;
  if (typeof freeze !== 'boolean') fail(`freeze must be true or false, got ${String(freeze)}`);
  const V = model.config.vocabSize;
  const name = wordTensor(model).name; // embedding.weight (V, E)
  const fresh = () => model.parameters().find((p) => p.name === name).data; // a view after any growth
  if (vectors && vectors.data instanceof Float32Array && Array.isArray(vectors.shape)) {
    const [rows, cols] = vectors.shape;
    if (rows !== V || cols !== E || vectors.data.length !== V * E)
      fail(
        `the embedding must be (${V}, ${E}) (V, E), got (${vectors.shape.join(', ')}) of ${vectors.data.length} values`,
      );
    if (!vectors.data.every(Number.isFinite)) fail('the embedding holds a non-finite value', STATUS.NONFINITE);
    fresh().set(vectors.data);
    model.setFrozen(name, freeze);
    return { found: V, lowercased: 0, missing: 0, missingExamples: [], dim: E };
  }
  if (!vectors || !Array.isArray(vectors.words) || !(vectors.vectors instanceof Float32Array))
    fail('setEmbedding needs parseEmbeddingText(text) output or a Tensor (V, E)');
  const vocab = options.vocab;
  if (!vocab || typeof vocab.tokens !== 'function') fail('setEmbedding(vectors) needs { vocab } to match words to ids');
  if (vocab.size !== V) fail(`the vocabulary has ${vocab.size} tokens but the model expects ${V}`);
  if (vectors.dim !== E)
    fail(
      `the vectors have ${vectors.dim} numbers per word but the model's embedding has ${E} (E): create the model with embedding ${vectors.dim}`,
    );
  const index = new Map(vectors.words.map((w, i) => [w, i]));
  const rows = new Int32Array(V).fill(-1); // (V,) the file's row for each id, -1 none
  let lowercased = 0;
  const missing = [];
  vocab.tokens().forEach((token, id) => {
    let row = index.get(token);
    if (row === undefined && token.toLowerCase() !== token) {
      row = index.get(token.toLowerCase());
      if (row !== undefined) lowercased++;
    }
    if (row === undefined) missing.push(token);
    else rows[id] = row;
  });
  if (missing.length === V) fail(`none of the ${V} words of the vocabulary has a vector in the file`, STATUS.EMPTY);
  const data = fresh();
  rows.forEach((row, id) => {
    if (row >= 0) data.set(vectors.vectors.subarray(row * E, (row + 1) * E), id * E);
  });
  model.setFrozen(name, freeze);
  return {
    found: V - missing.length,
    lowercased,
    missing: missing.length,
    missingExamples: missing.slice(0, 10),
    dim: E,
  };
}

/** The token vectors in the text format (word2vec header line), one line per token of `vocab`. */
export function exportEmbeddingText(model, vocab) {
  if (!vocab || typeof vocab.tokens !== 'function') fail("exportEmbeddingText needs the model's vocabulary");
  if (vocab.size !== model.config.vocabSize)
    fail(`the vocabulary has ${vocab.size} tokens but the model expects ${model.config.vocabSize}`);
  const { data, shape } = embeddingMatrix(model);
  return formatEmbeddingText(vocab.tokens(), data, shape[1]);
}

/** The topK (default 10) tokens nearest to token `id` by cosine similarity of their vectors, itself excluded. */
export function neighbors(model, id, options = {}) {
  idOf(model, id, 'id');
  const { data, shape } = embeddingMatrix(model);
  const [V, D] = shape;
  return best(cosines(data, V, D, data.subarray(id * D, (id + 1) * D)), topKOf(options), new Set([id]));
}

/** The analogy a − b + c (king − man + woman ≈ queen): the topK (default 10) tokens nearest by cosine, a, b and c excluded. */
export function analogy(model, a, b, c, options = {}) {
  [a, b, c].forEach((id, i) => idOf(model, id, 'abc'[i]));
  const { data, shape } = embeddingMatrix(model);
  const [V, D] = shape;
  const q = new Float64Array(D);
  for (let i = 0; i < D; i++) q[i] = data[a * D + i] - data[b * D + i] + data[c * D + i];
  return best(cosines(data, V, D, q), topKOf(options), new Set([a, b, c]));
}

export function install() {
  return { parseEmbeddingText, formatEmbeddingText };
}
