// bigram.mjs — the Bigram class over src/bigram.c and src/bigram_apps.c: train, probabilities,
// distributions, held-out evaluation, generation, masked-word prediction and the heatmap matrix.
// Tokens may be given as strings or ids; unknown words map to <unk>. The model keeps its own copy of
// the vocabulary (bigram.vocab), so disposing the vocabulary it was trained with is harmless.
import { Handle } from './loader.mjs';
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
  const seedOf = (seed, fallback) => {
    if (seed === undefined) return fallback;
    if (!Number.isSafeInteger(seed) || seed < 0) throw argError(`seed must be a whole number >= 0, got ${seed}`);
    return seed;
  };

  class Bigram extends Handle {
    /** @private use Bigram.train */
    constructor(ptr) {
      super('Bigram', ptr, (p) => core.check(X.lm_bigram_free(p)));
      const info = core.scoped((s) => {
        const out = s.out(6);
        core.check(X.lm_bigram_info(ptr, out));
        return Array.from({ length: 6 }, (_, i) => core.readF64At(out + 8 * i));
      });
      this._info = info; // V, k, sparse, nonzero pairs, training pairs, count bytes
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
      const { k = 1, denseLimitBytes = -1 } = checkOptions(options, ['k', 'denseLimitBytes'], 'Bigram.train');
      if (typeof k !== 'number' || !Number.isFinite(k) || k < 0) throw argError(`the smoothing constant k must be a finite number >= 0, got ${k}`);
      if (typeof denseLimitBytes !== 'number' || Number.isNaN(denseLimitBytes)) throw argError(`denseLimitBytes must be a number, got ${denseLimitBytes}`);
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
    get vocab() { this.ptr; return this._vocab; }
    get k() { this.ptr; return this._info[1]; }
    get sparse() { this.ptr; return this._info[2] === 1; }
    /** Distinct pairs stored, training pairs counted, bytes of count storage. */
    get stats() { this.ptr; return { nonzero: this._info[3], pairs: this._info[4], countBytes: this._info[5] }; }

    /** A token (string, unknown -> <unk>) or an id, checked. */
    _id(token, what) {
      const V = this._info[0];
      if (typeof token === 'number') {
        if (!Number.isInteger(token) || token < 0 || token >= V) throw argError(`${what} id ${token} is outside the vocabulary [0, ${V})`);
        return token;
      }
      const id = this.vocab.idOf(token);
      if (id < 0) throw argError(`${what} ${JSON.stringify(token)} is not in the vocabulary (and it has no <unk>)`);
      return id;
    }

    _pairCall(fn, prev, next) {
      const a = this._id(prev, 'the previous token'), b = this._id(next, 'the next token'), ptr = this.ptr;
      return core.scoped((s) => {
        const out = s.out();
        core.check(fn(ptr, a, b, out));
        return core.readF64At(out);
      });
    }

    /** P(next | prev) with add-k smoothing. */
    prob(prev, next) { return this._pairCall(X.lm_bigram_prob, prev, next); }
    /** C(prev next) in the training text. */
    count(prev, next) { return this._pairCall(X.lm_bigram_count, prev, next); }

    /** The full next-token distribution P(. | prev): (V,) */
    distribution(prev) {
      const id = this._id(prev, 'the context token'), ptr = this.ptr, V = this._info[0];
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
        const bytes = textBytes(sentence, 'the sentence'), out = s.out(2);
        core.check(X.lm_bigram_log_prob(ptr, s.u8(bytes), bytes.length, out, out + 8));
        return core.readF64At(out);
      });
    }

    /** Cross-entropy (nats and bits per predicted token) and perplexity on held-out text. */
    evaluate(text) {
      const ptr = this.ptr;
      return core.scoped((s) => {
        const bytes = textBytes(text, 'the held-out text'), out = s.out(4);
        core.check(X.lm_bigram_evaluate(ptr, s.u8(bytes), bytes.length, out));
        const [loss, perplexity, bitsPerToken, tokens] = [0, 1, 2, 3].map((i) => core.readF64At(out + 8 * i));
        return { loss, perplexity, bitsPerToken, tokens };
      });
    }

    /** Sample sentences (word level: <s> … </s>; char level: newline to newline), seeded. */
    generate(options) {
      const o = checkOptions(options, ['seed', 'temperature', 'greedy', 'maxLength', 'count'], 'generate');
      const word = this.vocab.level === 'word';
      const seed = seedOf(o.seed, 1);
      const temperature = o.temperature ?? 1;
      if (typeof temperature !== 'number' || !Number.isFinite(temperature) || temperature < 0) throw argError(`temperature must be a finite number >= 0, got ${temperature}`);
      const maxLength = o.maxLength ?? (word ? 50 : 200), count = o.count ?? 1;
      if (!Number.isInteger(maxLength) || maxLength < 1) throw argError(`maxLength must be a whole number >= 1, got ${maxLength}`);
      if (!Number.isInteger(count) || count < 1) throw argError(`count must be a whole number >= 1, got ${count}`);
      if (count * maxLength > 1e7) throw argError(`count x maxLength must be at most 10,000,000 tokens, got ${count} x ${maxLength}`);
      const ptr = this.ptr, tokens = this.vocab.tokens();
      return core.scoped((s) => {
        const ids = s.i32(maxLength * count), lengths = s.i32(count);
        core.check(X.lm_bigram_generate(ptr, seed, temperature, o.greedy ? 1 : 0, maxLength, count, ids, lengths));
        const all = core.readI32(ids, maxLength * count), lens = core.readI32(lengths, count);
        return Array.from(lens, (n, i) => Array.from(all.subarray(i * maxLength, i * maxLength + n), (id) => tokens[id]).join(word ? ' ' : ''));
      });
    }

    /** Rank every candidate for the one [MASK] (or ___) by P(w | prev) P(next | w), normalised. */
    predictMasked(sentence, options) {
      const { topK = 5 } = checkOptions(options, ['topK'], 'predictMasked');
      if (!Number.isInteger(topK) || topK < 1) throw argError(`topK must be a whole number >= 1, got ${topK}`);
      const ptr = this.ptr, tokens = this.vocab.tokens(), k = Math.min(topK, tokens.length);
      return core.scoped((s) => {
        const bytes = textBytes(sentence, 'the sentence');
        const ids = s.i32(k), probs = s.out(k), n = s.out();
        core.check(X.lm_bigram_predict_masked(ptr, s.u8(bytes), bytes.length, k, ids, probs, n));
        const got = core.readI32(ids, core.readI32At(n));
        return Array.from(got, (id, i) => ({ token: tokens[id], id, prob: core.readF64At(probs + 8 * i) }));
      });
    }

    /** Mask one random token per held-out sentence; top-1 and top-5 accuracy. */
    maskedAccuracy(text, options) {
      const seed = seedOf(checkOptions(options, ['seed'], 'maskedAccuracy').seed, 0), ptr = this.ptr;
      return core.scoped((s) => {
        const bytes = textBytes(text, 'the held-out text'), out = s.out(3);
        core.check(X.lm_bigram_masked_accuracy(ptr, s.u8(bytes), bytes.length, seed, out));
        return { top1: core.readF64At(out), top5: core.readF64At(out + 8), sentences: core.readF64At(out + 16) };
      });
    }

    /** The topN most frequent tokens' rows x columns: counts or smoothed probabilities, (n, n). */
    matrix(options) {
      const { topN = 20, kind = 'counts' } = checkOptions(options, ['topN', 'kind'], 'matrix');
      if (!Number.isInteger(topN) || topN < 1) throw argError(`topN must be a whole number >= 1, got ${topN}`);
      if (kind !== 'counts' && kind !== 'probs') throw argError(`kind must be 'counts' or 'probs', got ${JSON.stringify(kind)}`);
      const ptr = this.ptr, tokens = this.vocab.tokens(), m = Math.min(topN, tokens.length);
      return core.scoped((s) => {
        const ids = s.i32(m), values = s.f32(m * m), n = s.out();
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
