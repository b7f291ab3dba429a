// seq2seq.mjs — Seq2Seq and Seq2SeqTrainer of index.d.ts over src/seq2seq_api.c: an encoder–decoder
// (RNN, LSTM or GRU on both sides; no attention, dot or additive attention) with its two vocabularies
// (or one shared), trained with teacher forcing on (source, target) text pairs, decoding greedily or
// with a beam and returning the attention weights α of every output step (the alignment), model files
// with the vocabularies in their metadata, and exact resumption. Here only what C cannot see is checked
// (JS types, option strings, texts against the vocabularies); C checks every size and rule once and its
// sentence is passed through. Shapes: N pairs, Ts / Tt source / target steps, Vs / Vt vocabularies.
import { Handle, LmlabError } from './loader.mjs';
import {
  ATTN_SCORE,
  CELL,
  CLIP_MODE,
  GRU_VARIANT,
  LIMITS,
  OPT_KIND,
  S2S_LOSS,
  S2S_TRAIN_STATS,
  SEQ2SEQ_INFO,
  STATUS,
  TENSOR_INFO,
} from './constants.mjs';
import { tokenize, detokenize } from './seq2seq-data.mjs';
import { PairVocab, PAD, BOS, EOS, UNK, encodePairs } from './seq2seq-vocab.mjs';

const CELLS = { rnn: CELL.RNN, lstm: CELL.LSTM, gru: CELL.GRU };
const GRU_VARIANTS = { lecture: GRU_VARIANT.LECTURE, torch: GRU_VARIANT.TORCH };
const ATTENTIONS = { none: ATTN_SCORE.NONE, dot: ATTN_SCORE.DOT, additive: ATTN_SCORE.ADDITIVE };
const OPTIMIZERS = { sgd: OPT_KIND.SGD, adagrad: OPT_KIND.ADAGRAD, adam: OPT_KIND.ADAM };
const CLIP_MODES = { value: CLIP_MODE.VALUE, norm: CLIP_MODE.NORM };
const LEVELS = { char: 'char', word: 'word' };
/** metadata keys the glue writes itself; the rest of `metadata` is the caller's */
const OWN_KEYS = new Set(['src_vocab', 'tgt_vocab', 'level']);
const nameOf = (table, value) => Object.keys(table).find((k) => table[k] === value);
const fail = (message) => {
  throw new LmlabError(message, STATUS.ARG);
};

function choice(name, value, table) {
  if (!Object.hasOwn(table, value))
    fail(`${name} must be one of ${Object.keys(table).join(', ')}, got ${JSON.stringify(value)}`);
  return table[value];
}

function wholeNumber(name, value, { unsigned = false } = {}) {
  const [lo, hi] = unsigned ? [0, 2 ** 32 - 1] : [-(2 ** 31), 2 ** 31 - 1];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < lo || value > hi) {
    fail(`${name} must be a whole number${unsigned ? ' from 0 to 4294967295' : ''}, got ${String(value)}`);
  }
  return value;
}

function number(name, value) {
  if (typeof value !== 'number') fail(`${name} must be a number, got ${String(value)}`);
  return value;
}

/** pairs: a non-empty array of { source: string, target: string }. */
function checkPairs(what, pairs) {
  if (!Array.isArray(pairs) || pairs.length === 0) fail(`${what} needs a non-empty array of { source, target } pairs`);
  pairs.forEach((p, i) => {
    if (!p || typeof p.source !== 'string' || typeof p.target !== 'string')
      fail(`${what}: pair ${i} must be { source: string, target: string }`);
  });
  return pairs;
}

/** @param {Awaited<ReturnType<typeof import('./loader.mjs').instantiateCore>>} core */
export function install(core) {
  const X = core.exports;
  const { check, scoped } = core;
  const u32At = (ptr) => core.memory().u32[ptr >> 2];
  const f64s = (ptr, n) => core.memory().f64.slice(ptr >> 3, (ptr >> 3) + n);

  class Seq2Seq extends Handle {
    /** @private Use Seq2Seq.create or Seq2Seq.load. */
    constructor(ptr, vocabs) {
      super('seq2seq model', ptr, (p) => X.lm_seq2seq_free(p));
      const i = scoped((s) => {
        const info = s.out(SEQ2SEQ_INFO.COUNT);
        check(X.lm_seq2seq_info(ptr, info));
        return Array.from(core.memory().u32.subarray(info >> 2, (info >> 2) + SEQ2SEQ_INFO.COUNT));
      });
      this._info = i;
      const config = {
        cell: nameOf(CELLS, i[SEQ2SEQ_INFO.CELL]),
        attention: nameOf(ATTENTIONS, i[SEQ2SEQ_INFO.ATTENTION]),
        embedding: i[SEQ2SEQ_INFO.E],
        hidden: i[SEQ2SEQ_INFO.H],
        layers: i[SEQ2SEQ_INFO.L],
        attentionSize: i[SEQ2SEQ_INFO.A],
        outContext: i[SEQ2SEQ_INFO.OUT_CONTEXT] === 1,
        seed: i[SEQ2SEQ_INFO.SEED],
        level: vocabs.level,
        shared: vocabs.src === vocabs.tgt,
      };
      if (config.cell === 'gru') config.gruVariant = nameOf(GRU_VARIANTS, i[SEQ2SEQ_INFO.GRU_VARIANT]);
      this._config = Object.freeze(config);
      /** @type {PairVocab} */
      this._srcVocab = vocabs.src;
      /** @type {PairVocab} */
      this._tgtVocab = vocabs.tgt;
      this._metadata = vocabs.metadata ?? {};
    }

    /**
     * A new model with initialised weights over the given vocabularies (PairVocab, e.g. from
     * buildVocabularies; the same object twice for a shared vocabulary).
     * @param {import('./index.d.ts').Seq2SeqConfig} config
     */
    static create(config) {
      if (!config || typeof config !== 'object') fail('Seq2Seq.create needs a config object');
      const { srcVocab, tgtVocab } = config;
      if (!(srcVocab instanceof PairVocab) || !(tgtVocab instanceof PairVocab))
        fail('Seq2Seq.create needs srcVocab and tgtVocab (PairVocab)');
      const level = choice('level', config.level ?? 'char', LEVELS);
      const cell = config.cell ?? 'lstm';
      const c = choice('cell', cell, CELLS);
      if (config.gruVariant !== undefined && cell !== 'gru')
        fail(`gruVariant applies to the GRU only, not to cell '${cell}'`);
      const variant = choice('gruVariant', config.gruVariant ?? 'torch', GRU_VARIANTS);
      const attention = config.attention ?? 'dot';
      const att = choice('attention', attention, ATTENTIONS);
      const E = wholeNumber('embedding', config.embedding ?? 32);
      const H = wholeNumber('hidden', config.hidden ?? 64);
      const L = wholeNumber('layers', config.layers ?? 1);
      if (config.attentionSize !== undefined && attention !== 'additive')
        fail(`attentionSize applies to additive attention only, not '${attention}'`);
      const A = attention === 'additive' ? wholeNumber('attentionSize', config.attentionSize ?? H) : 0;
      if (config.outContext !== undefined && typeof config.outContext !== 'boolean')
        fail(`outContext must be true or false, got ${config.outContext}`);
      if (config.outContext && attention === 'none')
        fail("outContext feeds the attention context to the output layer; attention 'none' has none");
      const outContext = attention === 'none' ? 0 : config.outContext === false ? 0 : 1;
      const seed = wholeNumber('seed', config.seed ?? 1, { unsigned: true });
      const ptr = scoped((s) => {
        const out = s.out();
        check(
          X.lm_seq2seq_create(
            c,
            cell === 'gru' ? variant : GRU_VARIANT.LECTURE,
            srcVocab.size,
            tgtVocab.size,
            E,
            H,
            L,
            att,
            A,
            outContext,
            PAD,
            PAD,
            BOS,
            EOS,
            seed,
            out,
          ),
        );
        return u32At(out);
      });
      return new Seq2Seq(ptr, { src: srcVocab, tgt: tgtVocab, level, metadata: {} });
    }

    /** A model from a seq2seq file's bytes; a malformed file throws with the C core's sentence. */
    static load(bytes) {
      if (!(bytes instanceof Uint8Array))
        fail(`Seq2Seq.load needs the file's bytes as a Uint8Array, got ${typeof bytes}`);
      const ptr = scoped((s) => {
        const out = s.out();
        check(X.lm_seq2seq_load(s.u8(bytes), bytes.length, out));
        return u32At(out);
      });
      try {
        const meta = scoped((s) => {
          const out = s.out();
          check(X.lm_seq2seq_metadata(ptr, out));
          return JSON.parse(core.readCString(u32At(out)));
        });
        if (typeof meta.src_vocab !== 'string' || typeof meta.level !== 'string') {
          throw new LmlabError(
            'seq2seq file has no vocabulary in its metadata (src_vocab, level): it was not saved by Seq2Seq.save',
            STATUS.FORMAT,
          );
        }
        let src, tgt;
        try {
          src = PairVocab.fromJSON(JSON.parse(meta.src_vocab));
          tgt = meta.tgt_vocab ? PairVocab.fromJSON(JSON.parse(meta.tgt_vocab)) : src;
        } catch (err) {
          throw new LmlabError(`seq2seq file's vocabulary is malformed: ${err.message}`, STATUS.FORMAT);
        }
        const level = choice("the file's level", meta.level, LEVELS);
        const i = scoped((s) => {
          const info = s.out(SEQ2SEQ_INFO.COUNT);
          check(X.lm_seq2seq_info(ptr, info));
          return core.memory().u32.slice(info >> 2, (info >> 2) + SEQ2SEQ_INFO.COUNT);
        });
        if (i[SEQ2SEQ_INFO.VS] !== src.size || i[SEQ2SEQ_INFO.VT] !== tgt.size) {
          throw new LmlabError(
            `seq2seq file's vocabularies hold ${src.size} and ${tgt.size} tokens but its model ${i[SEQ2SEQ_INFO.VS]} and ${i[SEQ2SEQ_INFO.VT]}`,
            STATUS.FORMAT,
          );
        }
        const metadata = Object.fromEntries(Object.entries(meta).filter(([k]) => !OWN_KEYS.has(k)));
        return new Seq2Seq(ptr, { src, tgt, level, metadata });
      } catch (err) {
        X.lm_seq2seq_free(ptr);
        throw err;
      }
    }

    // every property throws after dispose(), as index.d.ts says (this.ptr checks)
    get config() {
      this.ptr;
      return this._config;
    }
    get level() {
      this.ptr;
      return this._config.level;
    }
    get parameterCount() {
      this.ptr;
      return this._info[SEQ2SEQ_INFO.PARAMS];
    }
    /** @type {PairVocab} */
    get srcVocab() {
      this.ptr;
      return this._srcVocab;
    }
    /** @type {PairVocab} */
    get tgtVocab() {
      this.ptr;
      return this._tgtVocab;
    }
    /** the caller's string metadata, saved with the model (task, options, …) */
    get metadata() {
      this.ptr;
      return this._metadata;
    }
    set metadata(value) {
      this.ptr;
      this._metadata = value;
    }

    /** Zero-copy views of every parameter tensor and its gradient; refetch after calls that may grow memory. */
    parameters() {
      const ptr = this.ptr;
      return scoped((s) => {
        const bufs = s.out(2);
        check(X.lm_seq2seq_buffers(ptr, bufs, bufs + 4));
        const params = u32At(bufs),
          grads = u32At(bufs + 4);
        const info = s.out(TENSOR_INFO.COUNT),
          names = s.out(2);
        const views = [];
        for (let k = 0; k < this._info[SEQ2SEQ_INFO.TENSORS]; k++) {
          check(X.lm_seq2seq_tensor(ptr, k, info, names, names + 4));
          const t = core.memory().u32.subarray(info >> 2, (info >> 2) + TENSOR_INFO.COUNT);
          const [ndim, r, c, offset, count] = [
            t[TENSOR_INFO.NDIM],
            t[TENSOR_INFO.ROWS],
            t[TENSOR_INFO.COLS],
            t[TENSOR_INFO.OFFSET],
            t[TENSOR_INFO.ELEMS],
          ];
          // views made when read: they throw once the model is disposed, and are fresh after memory growth
          const model = this;
          views.push({
            name: core.readCString(u32At(names)),
            lecture: core.readCString(u32At(names + 4)),
            shape: ndim === 2 ? [r, c] : [r],
            get data() {
              model.ptr;
              return new Float32Array(core.memory().buffer, params + 4 * offset, count);
            },
            get grad() {
              model.ptr;
              return new Float32Array(core.memory().buffer, grads + 4 * offset, count);
            },
          });
        }
        return views;
      });
    }

    /** Source text → its ids (tokens, then </s>) and tokens; unknown tokens become <unk>. */
    encodeSource(text) {
      if (typeof text !== 'string') fail(`a source must be a string, got ${typeof text}`);
      const tokens = tokenize(text, this.level);
      if (tokens.length === 0) fail('the source is empty: type at least one token');
      if (tokens.length + 1 > LIMITS.MAX_S2S_LEN)
        fail(`the source has ${tokens.length} tokens; at most ${LIMITS.MAX_S2S_LEN - 1} fit`);
      const ids = Int32Array.from([...this.srcVocab.encode(tokens), EOS]);
      return { ids, tokens: [...tokens, '</s>'], unknown: ids.filter((id) => id === UNK).length };
    }

    /**
     * Text pairs → a padded batch as the C core takes it: src (N, Ts), tgt (N, Tt+1) = <s> … </s> <pad>…
     * @param {{ source: string, target: string }[]} pairs
     * @returns {import('./index.d.ts').Seq2SeqBatch}
     */
    batch(pairs) {
      checkPairs('batch', pairs);
      const level = this.level;
      const tokenized = pairs.map((p) => ({ source: tokenize(p.source, level), target: tokenize(p.target, level) }));
      const e = encodePairs(tokenized, this.srcVocab, this.tgtVocab);
      const N = pairs.length,
        Ts = Math.max(...e.srcLen),
        Ty = Math.max(...e.tgtLen);
      const src = new Int32Array(N * Ts).fill(PAD),
        tgt = new Int32Array(N * Ty).fill(PAD);
      let a = 0,
        b = 0;
      for (let n = 0; n < N; n++) {
        src.set(e.src.subarray(a, a + e.srcLen[n]), n * Ts);
        tgt.set(e.tgt.subarray(b, b + e.tgtLen[n]), n * Ty);
        a += e.srcLen[n];
        b += e.tgtLen[n];
      }
      return { src, tgt, N, Ts, Tt: Ty - 1, unknown: e.unknown };
    }

    _batchOf(data) {
      const b = Array.isArray(data) ? this.batch(data) : data;
      if (!b || !(b.src instanceof Int32Array) || !(b.tgt instanceof Int32Array))
        fail('expected text pairs or a batch from batch()');
      wholeNumber('N', b.N);
      wholeNumber('Ts', b.Ts);
      wholeNumber('Tt', b.Tt);
      if (b.src.length !== b.N * b.Ts) fail(`batch src holds ${b.src.length} ids, not N·Ts = ${b.N * b.Ts}`);
      if (b.tgt.length !== b.N * (b.Tt + 1))
        fail(`batch tgt holds ${b.tgt.length} ids, not N·(Tt+1) = ${b.N * (b.Tt + 1)}`);
      return b;
    }

    /** Teacher-forced forward and backward; returns the mean loss per real target token (nats). */
    lossAndGrads(data) {
      const b = this._batchOf(data),
        ptr = this.ptr;
      return scoped((s) => {
        const loss = s.out();
        check(X.lm_seq2seq_loss_and_grads(ptr, s.i32(b.src), b.N, b.Ts, s.i32(b.tgt), b.Tt, loss));
        return core.readF64At(loss);
      });
    }

    /** Σ log p(target | source) per pair (teacher forcing): (N,). */
    sequenceLogProbs(data) {
      const b = this._batchOf(data),
        ptr = this.ptr;
      return scoped((s) => {
        const out = s.out(b.N);
        check(X.lm_seq2seq_sequence_logprobs(ptr, s.i32(b.src), b.N, b.Ts, s.i32(b.tgt), b.Tt, out));
        return f64s(out, b.N);
      });
    }

    /**
     * Held-out per-token loss over pairs, in batches of `batch` (default 64).
     * @returns {{ loss: number, perplexity: number, tokens: number }}
     */
    evaluate(pairs, { batch = 64 } = {}) {
      checkPairs('evaluate', pairs);
      wholeNumber('batch', batch);
      if (batch < 1) fail(`batch must be at least 1, got ${batch}`);
      let nats = 0,
        tokens = 0;
      for (let i = 0; i < pairs.length; i += batch) {
        const b = this.batch(pairs.slice(i, i + batch)),
          ptr = this.ptr;
        scoped((s) => {
          const out = s.out(S2S_LOSS.COUNT);
          check(X.lm_seq2seq_loss(ptr, s.i32(b.src), b.N, b.Ts, s.i32(b.tgt), b.Tt, out));
          const v = f64s(out, S2S_LOSS.COUNT);
          nats += v[S2S_LOSS.NATS];
          tokens += v[S2S_LOSS.TOKENS];
        });
      }
      const loss = nats / tokens;
      return { loss, perplexity: Math.exp(loss), tokens };
    }

    _maxLength(sourceTokens, maxLength) {
      if (maxLength === undefined) return Math.min(LIMITS.MAX_S2S_LEN, 2 * sourceTokens + 10);
      return wholeNumber('maxLength', maxLength);
    }

    /** The Translation of out ids (length n) for a source, with α rows (n, Ts) copied out. */
    _result(src, out, n, alpha, Ts, logProb) {
      const ids = Int32Array.from(out.subarray(0, n));
      const ended = n > 0 && ids[n - 1] === EOS;
      const tokens = this.tgtVocab.decode(ids);
      return {
        output: detokenize(tokens, this.level),
        tokens,
        ids,
        ended,
        logProb,
        sourceTokens: src.tokens,
        unknown: src.unknown,
        alpha: { data: alpha.slice(0, n * Ts), shape: [n, Ts] },
      };
    }

    /**
     * Decode one source: greedily (beam 1, the default) or by beam search of width `beam`; stops at
     * </s> or maxLength tokens (default 2·source + 10). alpha (steps, Ts) is the attention of every
     * output step over the source tokens (with </s>); zeros without attention.
     * @param {string} source @param {{ beam?: number, maxLength?: number }} [options]
     * @returns {import('./index.d.ts').Translation}
     */
    translate(source, { beam = 1, maxLength } = {}) {
      wholeNumber('beam', beam);
      const src = this.encodeSource(source),
        Ts = src.ids.length;
      const cap = this._maxLength(Ts, maxLength),
        ptr = this.ptr;
      return scoped((s) => {
        const out = s.i32(cap),
          len = s.out(),
          alpha = s.f32(cap * Ts),
          lp = s.out();
        if (beam === 1) check(X.lm_seq2seq_greedy(ptr, s.i32(src.ids), 1, Ts, cap, out, len, alpha, lp));
        else check(X.lm_seq2seq_beam(ptr, s.i32(src.ids), Ts, beam, cap, out, len, alpha, lp));
        const n = core.readI32At(len);
        return this._result(src, core.readI32(out, cap), n, core.readF32(alpha, cap * Ts), Ts, core.readF64At(lp));
      });
    }

    /**
     * Decode many sources: greedily in batches of `batch` (default 64) when beam is 1, else one beam
     * search each. Same results as translate() for each.
     * @param {string[]} sources @param {{ beam?: number, maxLength?: number, batch?: number }} [options]
     * @returns {import('./index.d.ts').Translation[]}
     */
    translateMany(sources, { beam = 1, maxLength, batch = 64 } = {}) {
      if (!Array.isArray(sources)) fail('translateMany needs an array of source strings');
      wholeNumber('beam', beam);
      wholeNumber('batch', batch);
      if (batch < 1) fail(`batch must be at least 1, got ${batch}`);
      if (beam !== 1) return sources.map((source) => this.translate(source, { beam, maxLength }));
      const results = [];
      for (let i = 0; i < sources.length; i += batch) {
        const srcs = sources.slice(i, i + batch).map((t) => this.encodeSource(t));
        const N = srcs.length,
          Ts = Math.max(...srcs.map((x) => x.ids.length));
        const cap = this._maxLength(Ts, maxLength),
          ptr = this.ptr;
        const ids = new Int32Array(N * Ts).fill(PAD);
        srcs.forEach((x, n) => ids.set(x.ids, n * Ts));
        scoped((s) => {
          const out = s.i32(N * cap),
            len = s.i32(N),
            alpha = s.f32(N * cap * Ts),
            lp = s.out(N);
          check(X.lm_seq2seq_greedy(ptr, s.i32(ids), N, Ts, cap, out, len, alpha, lp));
          const o = core.readI32(out, N * cap),
            l = core.readI32(len, N),
            a = core.readF32(alpha, N * cap * Ts),
            p = f64s(lp, N);
          srcs.forEach((x, n) => {
            const r = this._result(
              x,
              o.subarray(n * cap, (n + 1) * cap),
              l[n],
              a.subarray(n * cap * Ts, (n + 1) * cap * Ts),
              Ts,
              p[n],
            );
            // the batch's padding columns belong to the other sources: keep this source's own columns
            const own = x.ids.length,
              rows = r.alpha.shape[0],
              trimmed = new Float32Array(rows * own);
            for (let t = 0; t < rows; t++) trimmed.set(r.alpha.data.subarray(t * Ts, t * Ts + own), t * own);
            r.alpha = { data: trimmed, shape: [rows, own] };
            results.push(r);
          });
        });
      }
      return results;
    }

    /**
     * Exact-match accuracy of decoding the pairs' sources against their targets, overall and by source
     * length in tokens (without </s>), greedy (beam 1) or by beam search.
     * @param {{ source: string, target: string }[]} pairs @param {{ beam?: number, maxLength?: number, batch?: number }} [options]
     * @returns {import('./index.d.ts').Seq2SeqAccuracy}
     */
    accuracy(pairs, options = {}) {
      checkPairs('accuracy', pairs);
      const outputs = this.translateMany(
        pairs.map((p) => p.source),
        options,
      );
      const groups = new Map();
      let exact = 0;
      outputs.forEach((o, i) => {
        const want = detokenize(tokenize(pairs[i].target, this.level), this.level);
        const right = o.ended && o.output === want;
        exact += Number(right);
        const length = o.sourceTokens.length - 1;
        const g = groups.get(length) ?? { length, pairs: 0, exact: 0, accuracy: 0 };
        g.pairs++;
        g.exact += Number(right);
        groups.set(length, g);
      });
      const byLength = [...groups.values()].sort((a, b) => a.length - b.length);
      for (const g of byLength) g.accuracy = g.exact / g.pairs;
      return { exactMatch: exact / pairs.length, exact, pairs: pairs.length, byLength, outputs };
    }

    /** Centered differences against lossAndGrads on a batch: the largest relative error per tensor. */
    gradientCheck(data, { samples = 10, eps = 1e-2, seed = 1 } = {}) {
      const b = this._batchOf(data),
        ptr = this.ptr;
      wholeNumber('samples', samples);
      number('eps', eps);
      wholeNumber('seed', seed, { unsigned: true });
      const names = this.parameters().map((p) => p.name);
      return scoped((s) => {
        const out = s.out(names.length);
        check(X.lm_seq2seq_gradient_check(ptr, s.i32(b.src), b.N, b.Ts, s.i32(b.tgt), b.Tt, samples, eps, seed, out));
        const v = f64s(out, names.length);
        return names.map((name, k) => ({ name, relError: v[k] }));
      });
    }

    /** safetensors bytes: parameters (PyTorch names), config, vocabularies and metadata, and the trainer's state if given. */
    save(trainer) {
      if (trainer !== undefined && !(trainer instanceof Seq2SeqTrainer))
        fail('save(trainer) needs a Seq2SeqTrainer or nothing');
      for (const [k, v] of Object.entries(this.metadata)) {
        if (OWN_KEYS.has(k)) fail(`metadata '${k}' is written by Seq2Seq itself`);
        if (typeof v !== 'string')
          fail(`metadata '${k}' must be a string (JSON.stringify objects first), got ${typeof v}`);
        if (k.includes('\0') || v.includes('\0'))
          fail(`metadata ${JSON.stringify(k)} contains a NUL character (U+0000), which a model file cannot keep`);
      }
      // the vocabularies as JSON strings; a shared one once (no tgt_vocab)
      const meta = { ...this.metadata, level: this.level, src_vocab: JSON.stringify(this.srcVocab.toJSON()) };
      if (this.tgtVocab !== this.srcVocab) meta.tgt_vocab = JSON.stringify(this.tgtVocab.toJSON());
      const ptr = this.ptr;
      return scoped((s) => {
        check(X.lm_seq2seq_set_metadata(ptr, s.str(JSON.stringify(meta))));
        const out = s.out();
        check(X.lm_seq2seq_save(ptr, trainer ? trainer.ptr : 0, out));
        const bytesPtr = u32At(out);
        try {
          const view = s.out(2);
          check(X.lm_bytes_view(bytesPtr, view, view + 4));
          return core.readBytes(u32At(view), u32At(view + 4));
        } finally {
          X.lm_bytes_free(bytesPtr);
        }
      });
    }
  }

  class Seq2SeqTrainer extends Handle {
    /**
     * Train `model` with teacher forcing on text pairs: batches of `batch` pairs from a shuffled order
     * (a new one each epoch, fixed by `seed`), the mean loss over real target tokens, clipping, and an
     * optimizer step.
     * @param {Seq2Seq} model @param {{ source: string, target: string }[]} pairs
     * @param {import('./index.d.ts').Seq2SeqTrainOptions} [options]
     */
    constructor(model, pairs, options = {}) {
      if (!(model instanceof Seq2Seq)) fail('Seq2SeqTrainer needs a Seq2Seq model');
      checkPairs('Seq2SeqTrainer', pairs);
      if (options === null || typeof options !== 'object') fail('Seq2SeqTrainer options must be an object');
      const N = wholeNumber('batch', options.batch ?? 32);
      const optimizer = options.optimizer ?? 'adam';
      const kind = choice('optimizer', optimizer, OPTIMIZERS);
      const lr = number('lr', options.lr ?? (optimizer === 'adam' ? 0.003 : optimizer === 'adagrad' ? 0.1 : 0.1));
      const momentum = number('momentum', options.momentum ?? 0);
      const clip = number('clip', options.clip ?? 1);
      const clipMode = options.clipMode ?? 'norm';
      const mode = choice('clipMode', clipMode, CLIP_MODES);
      const seed = wholeNumber('seed', options.seed ?? 1, { unsigned: true });
      const level = model.level;
      const tokenized = pairs.map((p) => ({ source: tokenize(p.source, level), target: tokenize(p.target, level) }));
      tokenized.forEach((p, i) => {
        if (p.source.length === 0 || p.target.length === 0)
          fail(`Seq2SeqTrainer: pair ${i} has an empty ${p.source.length ? 'target' : 'source'}`);
      });
      const e = encodePairs(tokenized, model.srcVocab, model.tgtVocab);
      const ptr = scoped((s) => {
        const out = s.out();
        check(
          X.lm_seq2seq_trainer_create(
            model.ptr,
            s.i32(e.src),
            s.i32(e.srcLen),
            s.i32(e.tgt),
            s.i32(e.tgtLen),
            pairs.length,
            N,
            kind,
            lr,
            momentum,
            clip,
            mode,
            seed,
            out,
          ),
        );
        return u32At(out);
      });
      super('seq2seq trainer', ptr, (p) => X.lm_seq2seq_trainer_free(p));
      this._model = model;
      this._pairs = pairs.length;
      this._unknownTokens = e.unknown;
      this._options = Object.freeze({ batch: N, optimizer, lr, momentum, clip, clipMode, seed });
      this._step = 0;
    }

    // every property throws after dispose(), as index.d.ts says
    get step() {
      this.ptr;
      return this._step;
    }
    get model() {
      this.ptr;
      return this._model;
    }
    get pairs() {
      this.ptr;
      return this._pairs;
    }
    /** tokens of the pairs not in the model's vocabularies (trained on as <unk>) */
    get unknownTokens() {
      this.ptr;
      return this._unknownTokens;
    }
    get options() {
      this.ptr;
      return this._options;
    }

    setLearningRate(lr) {
      number('lr', lr);
      check(X.lm_seq2seq_trainer_set_lr(this.ptr, lr));
      this._options = Object.freeze({ ...this._options, lr });
    }

    /**
     * `count` optimizer steps in C. A non-finite loss or gradient throws (STATUS.NONFINITE) and leaves
     * the parameters at their last finite values.
     * @returns {import('./index.d.ts').Seq2SeqStepStats}
     */
    train(count = 1) {
      wholeNumber('count', count);
      const ptr = this.ptr;
      return scoped((s) => {
        const out = s.out(S2S_TRAIN_STATS.COUNT);
        const status = X.lm_seq2seq_trainer_train(ptr, count, out);
        const v = f64s(out, S2S_TRAIN_STATS.COUNT);
        if (status === STATUS.OK || status === STATUS.NONFINITE) this._step = v[S2S_TRAIN_STATS.STEP];
        check(status);
        return {
          step: v[S2S_TRAIN_STATS.STEP],
          loss: v[S2S_TRAIN_STATS.LOSS],
          lastLoss: v[S2S_TRAIN_STATS.LAST_LOSS],
          gradNorm: v[S2S_TRAIN_STATS.GRAD_NORM],
          clipped: v[S2S_TRAIN_STATS.CLIPPED] === 1,
          clipEvents: v[S2S_TRAIN_STATS.CLIP_EVENTS],
          pairs: v[S2S_TRAIN_STATS.PAIRS],
          tokens: v[S2S_TRAIN_STATS.TOKENS],
          epoch: v[S2S_TRAIN_STATS.EPOCH],
        };
      });
    }

    /** Restore the optimizer state, step and data position from model.save(trainer) bytes. */
    restore(bytes) {
      if (!(bytes instanceof Uint8Array)) fail('restore needs the model file bytes as a Uint8Array');
      const ptr = this.ptr;
      scoped((s) => check(X.lm_seq2seq_trainer_restore(ptr, s.u8(bytes), bytes.length)));
      // C restored the step from the file's trainer metadata (it checked the file); the glue mirrors it
      const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
      const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
      this._step = JSON.parse(header.__metadata__.trainer).step;
    }
  }

  return { Seq2Seq, Seq2SeqTrainer };
}
