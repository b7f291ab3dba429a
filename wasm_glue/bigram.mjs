// bigram.mjs — the Bigram class over src/bigram.c and src/bigram_apps.c: train, probabilities,
// distributions, held-out evaluation, generation, masked-word prediction and the heatmap matrix.
// Tokens may be given as strings or ids; unknown words map to <unk>. The model keeps its own copy of
// the vocabulary (bigram.vocab), so disposing the vocabulary it was trained with is harmless.
// Here only what C cannot see is checked (option names, JS types, token strings); C checks the values
// (src/bigram.c, src/bigram_apps.c) and its sentence is passed through.
import { describe, Handle } from './loader.mjs';
import { BIGRAM_EVAL, BIGRAM_INFO, LIMITS, MASKED } from './constants.mjs';
import { argError, utf8Of, vocabClassFor } from './vocab.mjs';

/** @param {ReturnType<typeof import('./loader.mjs').instantiateCore> extends Promise<infer C> ? C : never} core */
export function install(core) {
  const X = core.exports;
  const Vocab = vocabClassFor(core);

  const textBytes = (text, what) => utf8Of(core.encoder, text, what);
  const checkOptions = (options, allowed, where) => {
    if (options === undefined) return {};
    if (!options || typeof options !== 'object') throw argError(`${where} options must be an object`);
    for (const key of Object.keys(options)) {
      if (!allowed.includes(key)) throw argError(`unknown ${where} option '${key}' (known: ${allowed.join(', ')})`);
    }
    return options;
  };
  /** A JS number for a C double or int (C checks its range; integer-ness of ints is checked here). */
  const numberOf = (value, name, fallback, integer = false) => {
    if (value === undefined) return fallback;
    if (typeof value !== 'number') throw argError(`${name} must be a number, got ${typeof value}`);
    if (integer && (!Number.isInteger(value) || Math.abs(value) >= 2 ** 31))
      throw argError(`${name} must be a whole number, got ${value}`);
    return value;
  };

  class Bigram extends Handle {
    /** @private use Bigram.train */
    constructor(ptr) {
      super('Bigram', ptr, (p) => core.check(X.lm_bigram_free(p)));
      this._info = core.scoped((s) => {
        // by BIGRAM_INFO
        const out = s.out(BIGRAM_INFO.COUNT);
        core.check(X.lm_bigram_info(ptr, out));
        return Array.from({ length: BIGRAM_INFO.COUNT }, (_, i) => core.readF64At(out + 8 * i));
      });
      const vocabPtr = core.scoped((s) => {
        const out = s.out();
        core.check(X.lm_bigram_vocab(ptr, out));
        return core.readI32At(out);
      });
      this._vocab = Vocab._borrow(vocabPtr, this);
    }

    /**
     * Count the bigrams of `text` (sentences per the vocabulary's options).
     * @param {InstanceType<typeof Vocab>} vocab
     * @param {string | Uint8Array} text
     * @param {{ k?: number, denseLimitBytes?: number }} [options]
     */
    static train(vocab, text, options) {
      if (!(vocab instanceof Vocab)) throw argError('Bigram.train needs a Vocab as its first argument');
      const o = checkOptions(options, ['k', 'denseLimitBytes'], 'Bigram.train');
      const k = numberOf(o.k, 'k', 1),
        denseLimitBytes = numberOf(o.denseLimitBytes, 'denseLimitBytes', -1);
      const vocabPtr = vocab.ptr;
      const ptr = core.scoped((s) => {
        const bytes = textBytes(text, 'the training text');
        const out = s.out();
        core.check(X.lm_bigram_train(out, vocabPtr, s.u8(bytes), bytes.length, k, denseLimitBytes));
        return core.readI32At(out);
      });
      return new Bigram(ptr);
    }

    /** The model's own vocabulary (disposed with the model). */
    get vocab() {
      this.ptr;
      return this._vocab;
    }
    get k() {
      this.ptr;
      return this._info[BIGRAM_INFO.K];
    }
    get sparse() {
      this.ptr;
      return this._info[BIGRAM_INFO.SPARSE] === 1;
    }
    /** Distinct pairs stored, training pairs counted, bytes of count storage. */
    get stats() {
      this.ptr;
      const i = this._info;
      return { nonzero: i[BIGRAM_INFO.NONZERO], pairs: i[BIGRAM_INFO.PAIRS], countBytes: i[BIGRAM_INFO.COUNT_BYTES] };
    }

    /** A token (string, unknown -> <unk>) or an id (its range is C's to check). */
    _id(token, what) {
      if (typeof token === 'number') return numberOf(token, `${what} id`, 0, true);
      const id = this.vocab.idOf(token);
      if (id < 0) throw argError(`${what} ${describe(token)} is not in the vocabulary (and it has no <unk>)`);
      return id;
    }

    _pairCall(fn, prev, next) {
      const a = this._id(prev, 'the previous token'),
        b = this._id(next, 'the next token'),
        ptr = this.ptr;
      return core.scoped((s) => {
        const out = s.out();
        core.check(fn(ptr, a, b, out));
        return core.readF64At(out);
      });
    }

    /** P(next | prev) with add-k smoothing. */
    prob(prev, next) {
      return this._pairCall(X.lm_bigram_prob, prev, next);
    }
    /** C(prev next) in the training text. */
    count(prev, next) {
      return this._pairCall(X.lm_bigram_count, prev, next);
    }

    /** The full next-token distribution P(. | prev): (V,) */
    distribution(prev) {
      const id = this._id(prev, 'the context token'),
        ptr = this.ptr,
        V = this._info[BIGRAM_INFO.V];
      return core.scoped((s) => {
        const out = s.f32(V);
        core.check(X.lm_bigram_distribution(ptr, id, out));
        return core.readF32(out, V);
      });
    }

    /** Sum of natural-log probabilities of the text's predicted tokens (-Infinity if one has probability 0). */
    logProb(sentence) {
      const ptr = this.ptr;
      return core.scoped((s) => {
        const bytes = textBytes(sentence, 'the sentence'),
          out = s.out(2);
        core.check(X.lm_bigram_log_prob(ptr, s.u8(bytes), bytes.length, out, out + 8));
        return core.readF64At(out);
      });
    }

    /** Cross-entropy (nats and bits per predicted token) and perplexity on held-out text. */
    evaluate(text) {
      const ptr = this.ptr;
      return core.scoped((s) => {
        const bytes = textBytes(text, 'the held-out text'),
          out = s.out(BIGRAM_EVAL.COUNT);
        core.check(X.lm_bigram_evaluate(ptr, s.u8(bytes), bytes.length, out));
        const at = (i) => core.readF64At(out + 8 * i);
        return {
          loss: at(BIGRAM_EVAL.LOSS),
          perplexity: at(BIGRAM_EVAL.PERPLEXITY),
          bitsPerToken: at(BIGRAM_EVAL.BITS),
          tokens: at(BIGRAM_EVAL.TOKENS),
        };
      });
    }

    /** Sample sentences (word level: <s> … </s>; char level: newline to newline), seeded. */
    generate(options) {
      const o = checkOptions(options, ['seed', 'temperature', 'greedy', 'maxLength', 'count'], 'generate');
      const word = this.vocab.level === 'word';
      const seed = numberOf(o.seed, 'seed', 1);
      const temperature = numberOf(o.temperature, 'temperature', 1);
      const maxLength = numberOf(o.maxLength, 'maxLength', word ? 50 : 200, true),
        count = numberOf(o.count, 'count', 1, true);
      const ptr = this.ptr,
        tokens = this.vocab.tokens();
      return core.scoped((s) => {
        // ids (count, maxLength): sized only when C will accept the sizes, else C's sentence comes first
        const sized = maxLength >= 1 && count >= 1 && count * maxLength <= LIMITS.MAX_CALL_ELEMS;
        const ids = s.i32(sized ? maxLength * count : 0),
          lengths = s.i32(sized ? count : 0);
        core.check(X.lm_bigram_generate(ptr, seed, temperature, o.greedy ? 1 : 0, maxLength, count, ids, lengths));
        const all = core.readI32(ids, maxLength * count),
          lens = core.readI32(lengths, count);
        return Array.from(lens, (n, i) =>
          Array.from(all.subarray(i * maxLength, i * maxLength + n), (id) => tokens[id]).join(word ? ' ' : ''),
        );
      });
    }

    /** Rank every candidate for the one [MASK] (or ___) by P(w | prev) P(next | w), normalised. */
    predictMasked(sentence, options) {
      const topK = numberOf(checkOptions(options, ['topK'], 'predictMasked').topK, 'topK', 5, true);
      const ptr = this.ptr,
        tokens = this.vocab.tokens(),
        k = Math.min(topK, tokens.length);
      return core.scoped((s) => {
        const bytes = textBytes(sentence, 'the sentence');
        const ids = s.i32(Math.max(k, 0)),
          probs = s.out(Math.max(k, 0)),
          n = s.out();
        core.check(X.lm_bigram_predict_masked(ptr, s.u8(bytes), bytes.length, k, ids, probs, n));
        const got = core.readI32(ids, core.readI32At(n));
        return Array.from(got, (id, i) => ({ token: tokens[id], id, prob: core.readF64At(probs + 8 * i) }));
      });
    }

    /** Mask one random token per held-out sentence; top-1 and top-5 accuracy. */
    maskedAccuracy(text, options) {
      const seed = numberOf(checkOptions(options, ['seed'], 'maskedAccuracy').seed, 'seed', 0),
        ptr = this.ptr;
      return core.scoped((s) => {
        const bytes = textBytes(text, 'the held-out text'),
          out = s.out(MASKED.COUNT);
        core.check(X.lm_bigram_masked_accuracy(ptr, s.u8(bytes), bytes.length, seed, out));
        const at = (i) => core.readF64At(out + 8 * i);
        return { top1: at(MASKED.TOP1), top5: at(MASKED.TOP5), sentences: at(MASKED.SENTENCES) };
      });
    }

    /** The topN most frequent tokens' rows x columns: counts or smoothed probabilities, (n, n). */
    matrix(options) {
      const o = checkOptions(options, ['topN', 'kind'], 'matrix');
      const topN = numberOf(o.topN, 'topN', 20, true),
        kind = o.kind ?? 'counts';
      if (kind !== 'counts' && kind !== 'probs')
        throw argError(`kind must be 'counts' or 'probs', got ${describe(kind)}`);
      const ptr = this.ptr,
        tokens = this.vocab.tokens(),
        m = Math.min(topN, tokens.length);
      return core.scoped((s) => {
        const side = m >= 1 && m <= LIMITS.MAX_DIM ? m : 0; // values (m, m), sized when C accepts m
        const ids = s.i32(side),
          values = s.f32(side * side),
          n = s.out();
        core.check(X.lm_bigram_matrix(ptr, m, kind === 'counts' ? 0 : 1, ids, values, n));
        const got = core.readI32(ids, m);
        return { tokens: Array.from(got, (id) => tokens[id]), ids: got, values: core.readF32(values, m * m) };
      });
    }

    dispose() {
      if (this._ptr) this._vocab._detach();
      super.dispose();
    }
  }

  return { Bigram };
}
