// seq2seq-vocab.mjs — the vocabulary of one side of a sequence-to-sequence model (or of both, shared):
// tokens ↔ ids with four special tokens at fixed ids (<pad> 0, <s> 1, </s> 2, <unk> 3) and the rest by
// frequency; and the encoding of (source, target) pairs into the id sequences the C core trains on:
// a source is its tokens then </s>, a target <s>, its tokens, </s>. Plain JS (no WebAssembly), saved as
// JSON in a model file's metadata.
import { tokenize } from './seq2seq-data.mjs';

/** The special tokens, at ids 0 … 3 of every vocabulary. */
export const SPECIALS = Object.freeze(['<pad>', '<s>', '</s>', '<unk>']);
export const PAD = 0,
  BOS = 1,
  EOS = 2,
  UNK = 3;

export class PairVocab {
  /** @param {string[]} tokens every token by id, the specials first (use PairVocab.build or fromJSON) */
  constructor(tokens) {
    if (!Array.isArray(tokens) || tokens.length < SPECIALS.length || SPECIALS.some((s, i) => tokens[i] !== s)) {
      throw new RangeError(`a vocabulary's tokens must start with ${SPECIALS.join(' ')}`);
    }
    /** @type {readonly string[]} */
    this.tokens = Object.freeze([...tokens]);
    /** @type {Map<string, number>} */
    this.ids = new Map();
    this.tokens.forEach((t, i) => {
      if (typeof t !== 'string' || t.length === 0)
        throw new RangeError(`vocabulary token ${i} must be a non-empty string`);
      if (this.ids.has(t))
        throw new RangeError(`vocabulary token ${JSON.stringify(t)} appears twice (ids ${this.ids.get(t)} and ${i})`);
      this.ids.set(t, i);
    });
  }

  /**
   * The vocabulary of token sequences: the specials, then every token by falling count (ties in code
   * unit order, so the same data always gives the same ids), at most maxSize in all.
   * @param {Iterable<string[]>} sequences @param {{ maxSize?: number }} [options]
   */
  static build(sequences, { maxSize = Infinity } = {}) {
    if (!(maxSize >= SPECIALS.length + 1))
      throw new RangeError(`maxSize must be at least ${SPECIALS.length + 1}, got ${maxSize}`);
    const counts = new Map();
    for (const tokens of sequences) for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
    for (const s of SPECIALS) counts.delete(s); // a literal "<s>" in the data is a special, not a token
    const ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return new PairVocab([...SPECIALS, ...ranked.slice(0, maxSize - SPECIALS.length).map(([t]) => t)]);
  }

  get size() {
    return this.tokens.length;
  }

  /** @param {string} token @returns {number} its id, or UNK */
  id(token) {
    return this.ids.get(token) ?? UNK;
  }

  /** Ids of tokens (UNK for unknown ones). @param {string[]} tokens */
  encode(tokens) {
    return tokens.map((t) => this.id(t));
  }

  /** Tokens of ids up to the first </s>, without <pad> and <s>. @param {ArrayLike<number>} ids */
  decode(ids) {
    const out = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (id === EOS) break;
      if (id === PAD || id === BOS) continue;
      if (!Number.isInteger(id) || id < 0 || id >= this.size)
        throw new RangeError(`id ${id} is outside the vocabulary [0, ${this.size})`);
      out.push(this.tokens[id]);
    }
    return out;
  }

  toJSON() {
    return { tokens: [...this.tokens] };
  }

  /** @param {{ tokens: string[] }} json */
  static fromJSON(json) {
    if (!json || !Array.isArray(json.tokens))
      throw new RangeError('a vocabulary must be an object with a tokens array');
    return new PairVocab(json.tokens);
  }
}

/**
 * Pairs as the C trainer takes them: sources (tokens, </s>) and targets (<s>, tokens, </s>) concatenated,
 * with their lengths. unknown counts tokens that became <unk>.
 * @param {{ source: string[], target: string[] }[]} pairs tokenized pairs
 * @param {PairVocab} srcVocab @param {PairVocab} tgtVocab
 */
export function encodePairs(pairs, srcVocab, tgtVocab) {
  let ns = 0,
    nt = 0;
  for (const p of pairs) {
    ns += p.source.length + 1;
    nt += p.target.length + 2;
  }
  const src = new Int32Array(ns),
    tgt = new Int32Array(nt);
  const srcLen = new Int32Array(pairs.length),
    tgtLen = new Int32Array(pairs.length);
  let s = 0,
    t = 0,
    unknown = 0;
  pairs.forEach((p, i) => {
    for (const tok of p.source) unknown += Number((src[s++] = srcVocab.id(tok)) === UNK);
    src[s++] = EOS;
    srcLen[i] = p.source.length + 1;
    tgt[t++] = BOS;
    for (const tok of p.target) unknown += Number((tgt[t++] = tgtVocab.id(tok)) === UNK);
    tgt[t++] = EOS;
    tgtLen[i] = p.target.length + 2;
  });
  return { src, srcLen, tgt, tgtLen, unknown };
}

/**
 * The vocabularies of (source, target) text pairs at a level: one per side, or one for both (`shared`,
 * for tasks whose two sides use the same tokens, e.g. reversing a string).
 * @param {{ source: string, target: string }[]} pairs @param {{ level: 'char' | 'word', shared?: boolean, maxSize?: number }} options
 * @returns {{ src: PairVocab, tgt: PairVocab }}
 */
export function buildVocabularies(pairs, { level, shared = false, maxSize }) {
  const sources = pairs.map((p) => tokenize(p.source, level)),
    targets = pairs.map((p) => tokenize(p.target, level));
  if (shared) {
    const both = PairVocab.build([...sources, ...targets], { maxSize });
    return { src: both, tgt: both };
  }
  return { src: PairVocab.build(sources, { maxSize }), tgt: PairVocab.build(targets, { maxSize }) };
}
