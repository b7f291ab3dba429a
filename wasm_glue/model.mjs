// model.mjs — Model and Trainer of index.d.ts over src/model_api.c: the model ladder (RNN, LSTM, GRU,
// fixed-window LM) with one flat parameter buffer viewed zero-copy, loss and gradients, sampling,
// probes (hidden states, gates, cell state, gradient flow), masked-word prediction, model files
// (safetensors), and stateful training over N parallel streams (count steps per call, in C).
// Here only what C cannot see is checked (JS types: strings for the choices, non-integer or
// out-of-int32 numbers, non-numbers; array lengths against N and T); C checks every range, id and
// option once (src/model_api.c) and its sentence is passed through unchanged. Shapes: N streams,
// T window, V vocabulary, E embedding (0 = one-hot), H hidden, L layers, G gates, W window.
import { describe, Handle, LmlabError } from './loader.mjs';
import * as embeddings from './embeddings.mjs';
import {
  CELL,
  CLIP_MODE,
  GRU_VARIANT,
  MODEL_EVAL,
  MODEL_INFO,
  OPT_KIND,
  STATUS,
  TENSOR_INFO,
  TRAINER_INFO,
  TRAIN_STATS,
} from './constants.mjs';

/** JS option strings → the C choices of lmlab.h. */
const CELLS = { rnn: CELL.RNN, lstm: CELL.LSTM, gru: CELL.GRU, window: CELL.WINDOW };
const GRU_VARIANTS = { lecture: GRU_VARIANT.LECTURE, torch: GRU_VARIANT.TORCH };
const OPTIMIZERS = { sgd: OPT_KIND.SGD, adagrad: OPT_KIND.ADAGRAD, adam: OPT_KIND.ADAM };
const CLIP_MODES = { value: CLIP_MODE.VALUE, norm: CLIP_MODE.NORM };
const BATCHINGS = { streams: 0, sentences: 1 };
const GATE_NAMES = { lstm: ['i', 'f', 'g', 'o'], gru: ['r', 'z', 'g'] };
/** The option string of a C choice value. */
const nameOf = (table, value) => Object.keys(table).find((k) => table[k] === value);

const fail = (message) => {
  throw new LmlabError(message, STATUS.ARG);
};

/** One of the option strings of `table`. */
function choice(name, value, table) {
  if (typeof value !== 'string' || !Object.hasOwn(table, value))
    fail(
      `${name} must be one of ${Object.keys(table).join(', ')}, got ${typeof value === 'string' ? `'${value}'` : describe(value)}`,
    );
  return table[value];
}

/** A whole number the C parameter holds (int32, or uint32 for seeds); C checks its range. */
function wholeNumber(name, value, { unsigned = false } = {}) {
  const [lo, hi] = unsigned ? [0, 2 ** 32 - 1] : [-(2 ** 31), 2 ** 31 - 1];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < lo || value > hi) {
    fail(`${name} must be a whole number${unsigned ? ' from 0 to 4294967295' : ''}, got ${describe(value)}`);
  }
  return value;
}

/** A whole number in [lo, hi], for options the glue itself uses (no C call sees them). */
function inRange(name, value, lo, hi) {
  wholeNumber(name, value);
  if (value < lo || value > hi) fail(`${name} must be between ${lo} and ${hi}, got ${value}`);
  return value;
}

/** A finite number > 0, for options the glue itself applies. */
function positive(name, value) {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    fail(`${name} must be a finite number > 0, got ${String(value)}`);
  return value;
}

/** A finite number, for options the glue itself applies. */
function finite(name, value) {
  if (typeof value !== 'number' || !Number.isFinite(value))
    fail(`${name} must be a finite number, got ${describe(value)}`);
  return value;
}

/** A JS number for a C double (C checks its range; NaN reaches C and is refused there). */
function number(name, value) {
  if (typeof value !== 'number') fail(`${name} must be a number, got ${describe(value)}`);
  return value;
}

/** ids → Int32Array of whole numbers that an int32 holds (no silent truncation or wrapping: 2^32 + 3
 *  is refused, not read as 3); `length` checked when given and meaningful (a negative or zero size is
 *  C's to report). Whether each id is in [0, V) is C's check. */
function toIds(name, value, length) {
  if (!(value instanceof Int32Array) && !Array.isArray(value) && !ArrayBuffer.isView(value)) {
    fail(`${name} must be an Int32Array or an array of token ids, got ${describe(value)}`);
  }
  const ids =
    value instanceof Int32Array
      ? value
      : Int32Array.from(value, (v, i) => {
          if (typeof v !== 'number' || !Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31)
            fail(`${name}[${i}] must be a whole token id (an int32), got ${describe(v)}`);
          return v;
        });
  if (length !== undefined && length > 0 && ids.length !== length)
    fail(`${name} has ${ids.length} ids but ${length} are needed`);
  return ids;
}

/** A mask (N, T) of 1 (a real target) and 0 (padding) → Uint8Array of `length`. */
function toMask(value, length) {
  if (!(value instanceof Uint8Array) && !Array.isArray(value) && !ArrayBuffer.isView(value))
    fail(`mask must be a Uint8Array or an array of 0 and 1 (one per target), got ${describe(value)}`);
  const mask = Uint8Array.from(/** @type {ArrayLike<unknown>} */ (value), (v, i) => {
    if (v !== 0 && v !== 1 && v !== true && v !== false)
      fail(`mask[${i}] must be 1 (a real target) or 0 (padding), got ${describe(v)}`);
    return v ? 1 : 0;
  });
  if (length > 0 && mask.length !== length) fail(`mask has ${mask.length} entries but N·T = ${length} are needed`);
  return mask;
}

/** Sentences (an array of token-id arrays) → the concatenated ids and the sentence starts (S+1,). */
function toSentences(value) {
  if (!Array.isArray(value))
    fail(
      `batching 'sentences' needs an array of sentences (Int32Array of ids each, e.g. vocab.trainingSentences(text)), got ${describe(value)}`,
    );
  if (value.length === 0) fail("batching 'sentences' needs at least one sentence, got an empty array");
  const lists = value.map((s, i) => toIds(`sentences[${i}]`, s));
  const starts = new Int32Array(lists.length + 1);
  for (let i = 0; i < lists.length; i++) starts[i + 1] = starts[i] + lists[i].length;
  const ids = new Int32Array(starts[lists.length]);
  lists.forEach((s, i) => ids.set(s, starts[i]));
  return { ids, starts };
}

/** softmax of scores (V,) in float64, stably: (V,) */
function softmax(row) {
  let max = -Infinity;
  for (const x of row) max = x > max ? x : max;
  const out = new Float64Array(row.length);
  let z = 0;
  for (let i = 0; i < row.length; i++) z += out[i] = Math.exp(row[i] - max);
  for (let i = 0; i < row.length; i++) out[i] /= z;
  return out;
}

/**
 * @param {Awaited<ReturnType<typeof import('./loader.mjs').instantiateCore>>} core
 */
export function install(core) {
  const X = core.exports;
  const { check, scoped } = core;
  const u32At = (ptr) => core.memory().u32[ptr >> 2];
  const f64s = (ptr, n) => core.memory().f64.slice(ptr >> 3, (ptr >> 3) + n);

  class Model extends Handle {
    /** @param {number} ptr */
    constructor(ptr) {
      super('model', ptr, (p) => X.lm_model_free(p));
      this._info = scoped((s) => {
        const info = s.out(MODEL_INFO.COUNT);
        check(X.lm_model_info(ptr, info));
        return Array.from(core.memory().u32.subarray(info >> 2, (info >> 2) + MODEL_INFO.COUNT));
      });
      const i = this._info;
      const config = {
        cell: nameOf(CELLS, i[MODEL_INFO.CELL]),
        vocabSize: i[MODEL_INFO.V],
        embedding: i[MODEL_INFO.E],
        hidden: i[MODEL_INFO.H],
        layers: i[MODEL_INFO.L],
        window: i[MODEL_INFO.W],
        seed: i[MODEL_INFO.SEED],
      };
      if (config.cell === 'gru') config.gruVariant = nameOf(GRU_VARIANTS, i[MODEL_INFO.GRU_VARIANT]);
      this._config = Object.freeze(config);
      this._metadata = scoped((s) => {
        const out = s.out();
        check(X.lm_model_metadata(ptr, out));
        return JSON.parse(core.readCString(u32At(out)));
      });
    }

    /**
     * Create a model with freshly initialised weights (see the init scheme in docs/training.md).
     * @param {import('./index.d.ts').ModelConfig} config
     */
    static create(config) {
      if (!config || typeof config !== 'object') fail('Model.create needs a config object');
      const cell = config.cell ?? 'rnn';
      const c = choice('cell', cell, CELLS);
      const V = wholeNumber('vocabSize', config.vocabSize);
      const E = wholeNumber('embedding', config.embedding ?? 0);
      const H = wholeNumber('hidden', config.hidden);
      const L = wholeNumber('layers', config.layers ?? 1);
      const W = wholeNumber('window', config.window ?? 0);
      // the option's absence is invisible to C (which gets a variant for every cell): checked here
      if (config.gruVariant !== undefined && cell !== 'gru')
        fail(`gruVariant applies to the GRU only, not to cell '${cell}'`);
      const variant = choice('gruVariant', config.gruVariant ?? 'torch', GRU_VARIANTS);
      const seed = wholeNumber('seed', config.seed ?? 0, { unsigned: true });
      // the teaching knobs of the initialisation, applied in JS to C's draws (checked before creating)
      const scale = config.initScale === undefined ? undefined : positive('initScale', config.initScale);
      const gain = config.recurrentGain === undefined ? undefined : positive('recurrentGain', config.recurrentGain);
      if (gain !== undefined && cell === 'window')
        fail('recurrentGain applies to recurrent cells, not the window model');
      const forget = config.forgetBias === undefined ? undefined : finite('forgetBias', config.forgetBias);
      if (forget !== undefined && cell !== 'lstm') fail(`forgetBias applies to the LSTM only, not to cell '${cell}'`);
      const ptr = scoped((s) => {
        const out = s.out();
        check(X.lm_model_create(c, V, E, H, L, W, cell === 'gru' ? variant : GRU_VARIANT.LECTURE, seed, out));
        return u32At(out);
      });
      const model = new Model(ptr);
      if (scale !== undefined || gain !== undefined || forget !== undefined)
        model._applyInitKnobs(scale ?? 1, gain, forget);
      return model;
    }

    /**
     * initScale s multiplies every weight matrix but the embedding (N(0, 0.01²) → N(0, (0.01·s)²));
     * recurrentGain g sets each Wh's entries to N(0, g²/H) (the same draws, rescaled), so its spectral
     * radius is about g: g > 1 lets ||dL/dh_t|| grow back through time (exploding gradients), g < 1
     * shrink. forgetBias b (LSTM) starts every layer's forget-gate bias at b instead of C's 1: the block f
     * of bias_ih (gates i|f|g|o), so σ(b) of the cell state is kept at the start. Recorded in metadata.init.
     */
    _applyInitKnobs(scale, gain, forget) {
      const H = this._config.hidden;
      for (const p of this.parameters()) {
        if (p.shape.length === 1 && forget !== undefined && p.name.startsWith('rnn.bias_ih_l')) {
          p.data.fill(forget, H, 2 * H); // b: (4H,) as i|f|g|o
          continue;
        }
        if (p.shape.length !== 2 || p.lecture === 'W_embed') continue;
        const factor = p.lecture === 'Wh' && gain !== undefined ? gain / (0.01 * Math.sqrt(H)) : scale;
        for (let i = 0; i < p.data.length; i++) p.data[i] *= factor;
      }
      const init = { initScale: scale };
      if (gain !== undefined) init.recurrentGain = gain;
      if (forget !== undefined) init.forgetBias = forget;
      this.metadata = { ...this.metadata, init: JSON.stringify(init) };
    }

    /**
     * Parse a safetensors model file; throws a clear LmlabError on any malformed input.
     * @param {Uint8Array} bytes
     */
    static load(bytes) {
      if (!(bytes instanceof Uint8Array))
        fail(`Model.load needs the file's bytes as a Uint8Array, got ${typeof bytes}`);
      const ptr = scoped((s) => {
        const data = s.u8(bytes);
        const out = s.out();
        check(X.lm_model_load(data, bytes.length, out));
        return u32At(out);
      });
      return new Model(ptr);
    }

    get config() {
      this.ptr; // every property throws after dispose(), as index.d.ts says
      return this._config;
    }
    get parameterCount() {
      this.ptr;
      return this._info[MODEL_INFO.PARAMS];
    }
    /** string metadata stored with the model (vocabulary JSON, training options, …) */
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
        check(X.lm_model_buffers(ptr, bufs, bufs + 4));
        const params = u32At(bufs);
        const grads = u32At(bufs + 4);
        const info = s.out(TENSOR_INFO.COUNT);
        const names = s.out(2);
        const views = [];
        for (let k = 0; k < this._info[MODEL_INFO.TENSORS]; k++) {
          check(X.lm_model_tensor(ptr, k, info, names, names + 4));
          const t = core.memory().u32.subarray(info >> 2, (info >> 2) + TENSOR_INFO.COUNT);
          const [ndim, r, c] = [t[TENSOR_INFO.NDIM], t[TENSOR_INFO.ROWS], t[TENSOR_INFO.COLS]];
          const [offset, count] = [t[TENSOR_INFO.OFFSET], t[TENSOR_INFO.ELEMS]];
          // data and grad are views made when read: they throw once the model is disposed (its memory
          // may hold the next model by then) and are fresh after memory growth
          const model = this;
          views.push({
            name: core.readCString(u32At(names)),
            lecture: core.readCString(u32At(names + 4)),
            shape: ndim === 2 ? [r, c] : [r],
            frozen: t[TENSOR_INFO.FROZEN] === 1,
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

    /**
     * Freeze (true) or fine-tune (false) a parameter tensor, by its PyTorch or lecture name: a Trainer
     * leaves a frozen tensor bit-identical (its gradient is zeroed before the norm and clipping). Saved
     * in the model file's training state (model.save(trainer)) and restored by trainer.restore.
     */
    setFrozen(name, frozen = true) {
      if (typeof frozen !== 'boolean') fail(`frozen must be true or false, got ${String(frozen)}`);
      const params = this.parameters();
      const k = params.findIndex((p) => p.name === name || p.lecture === name);
      if (k < 0) fail(`the model has no parameter '${name}' (it has ${params.map((p) => p.name).join(', ')})`);
      check(X.lm_model_set_frozen(this.ptr, k, frozen ? 1 : 0));
    }

    /**
     * One step written out (the "hello" figure of the min-char-rnn notes): over ids (T+1,) from a zero
     * state, for each t the input ids[t], the target ids[t+1], ŷ_t = softmax of the scores over the
     * vocabulary (V,) and J_t = −log ŷ_t[target]. Teacher forcing: step t is given the true ids[≤t].
     */
    stepReadout(ids) {
      const data = toIds('ids', ids);
      if (data.length < 2) fail(`stepReadout needs at least 2 ids (an input and its target), got ${data.length}`);
      const T = data.length - 1;
      const V = this._config.vocabSize;
      const { data: scores } = this.logits(data.subarray(0, T), 1, T); // (1, T, V)
      return Array.from({ length: T }, (_, t) => {
        const row = scores.subarray(t * V, (t + 1) * V);
        const probs = softmax(row);
        return { t, input: data[t], target: data[t + 1], probs, loss: -Math.log(probs[data[t + 1]]) };
      });
    }

    /**
     * Free-running against teacher-forced evaluation of one sequence ids (T+1,): teacher forcing feeds
     * the true ids[t] at every step; free-running feeds the first `prime` (default 1) true ids, then the
     * model's own greedy prediction of the step before. Both are scored on the same targets ids[prime …
     * T]: loss (mean −log P(target), nats) and accuracy (argmax = target). `predicted` (T+1−prime,) are
     * the free-running model's greedy outputs at those steps.
     */
    freeRunning(ids, options = {}) {
      const data = toIds('ids', ids);
      const prime = inRange('prime', options.prime ?? 1, 1, Math.max(1, data.length - 1));
      if (data.length < 2) fail(`freeRunning needs at least 2 ids, got ${data.length}`);
      const T = data.length - 1;
      const V = this._config.vocabSize;
      const targets = data.subarray(1);
      const score = (inputs) => {
        const { data: scores } = this.logits(inputs, 1, T); // (1, T, V)
        let nats = 0;
        let right = 0;
        const argmax = new Int32Array(T - prime + 1);
        for (let t = prime - 1; t < T; t++) {
          const row = scores.subarray(t * V, (t + 1) * V);
          nats -= Math.log(softmax(row)[targets[t]]);
          let best = 0;
          for (let v = 1; v < V; v++) if (row[v] > row[best]) best = v;
          argmax[t - prime + 1] = best;
          if (best === targets[t]) right++;
        }
        const n = T - prime + 1;
        return { loss: nats / n, accuracy: right / n, argmax };
      };
      const teacher = score(data.subarray(0, T));
      // greedy continuation of the prime: the next input is always the argmax of the step before
      const generated = this.sample(data.subarray(0, prime), { length: T - prime, temperature: 0 });
      const free = score(Int32Array.from([...data.subarray(0, prime), ...generated]));
      return {
        teacherForced: { loss: teacher.loss, accuracy: teacher.accuracy },
        freeRunning: { loss: free.loss, accuracy: free.accuracy },
        predicted: free.argmax,
        tokens: T - prime + 1,
      };
    }

    /** The PyTorch names of the frozen tensors. */
    frozen() {
      return this.parameters()
        .filter((p) => p.frozen)
        .map((p) => p.name);
    }

    // Word vectors (wasm_glue/embeddings.mjs): the token vectors (V, D), set from word2vec/GloVe text,
    // exported to it, and their nearest neighbours and analogies by cosine similarity.
    embeddingMatrix() {
      return embeddings.embeddingMatrix(this);
    }
    setEmbedding(vectors, options = {}) {
      return embeddings.setEmbedding(this, vectors, options);
    }
    exportEmbeddingText(vocab) {
      return embeddings.exportEmbeddingText(this, vocab);
    }
    neighbors(id, options = {}) {
      return embeddings.neighbors(this, id, options);
    }
    analogy(a, b, c, options = {}) {
      return embeddings.analogy(this, a, b, c, options);
    }

    /** ids (N, T+1) as an Int32Array of that length (N and T themselves are C's to check). */
    _window(ids, N, T) {
      wholeNumber('N (batch)', N);
      wholeNumber('T (time steps)', T);
      return toIds('ids', ids, N >= 1 && T >= 1 ? N * (T + 1) : undefined);
    }

    /** Forward + backward on ids (N, T+1): inputs [:, :T], targets [:, 1:]. Carries the hidden state.
     *  Returns the mean loss per token; the gradients are of the window sum averaged over streams (T times it).
     *  With options.mask (N, T) (1 a real target, 0 padding) the rows are padded sentences: each starts from
     *  the empty state (the carried state untouched), the loss is the mean per real token, and the gradients
     *  are of each row's sum over its real tokens averaged over N; padding changes neither. */
    lossAndGrads(ids, N, T, options = {}) {
      const data = this._window(ids, N, T);
      const mask = options.mask === undefined ? null : toMask(options.mask, N * T);
      const ptr = this.ptr;
      return scoped((s) => {
        const loss = s.out();
        if (mask) check(X.lm_model_loss_and_grads_masked(ptr, s.i32(data), s.u8(mask), N, T, loss));
        else check(X.lm_model_loss_and_grads(ptr, s.i32(data), N, T, loss));
        return core.readF64At(loss);
      });
    }

    /** Forget the carried hidden state (the next window starts from zeros). */
    resetState() {
      check(X.lm_model_reset_state(this.ptr));
    }

    /** log P(next | context) from a zero state: (V,); an empty context gives softmax(by) (the window model: its all-pad context). */
    nextLogProbs(context) {
      const data = toIds('context', context);
      const V = this._config.vocabSize;
      const ptr = this.ptr;
      return scoped((s) => {
        const out = s.f32(V);
        check(X.lm_model_next_logprobs(ptr, data.length ? s.i32(data) : 0, data.length, out));
        return core.readF32(out, V);
      });
    }

    /** Scores before the softmax for ids (N, T) from a zero state: Tensor (N, T, V). */
    logits(ids, N, T) {
      wholeNumber('N (batch)', N);
      wholeNumber('T (time steps)', T);
      const data = toIds('ids', ids, N >= 1 && T >= 1 ? N * T : undefined);
      const V = this._config.vocabSize;
      const ptr = this.ptr;
      return scoped((s) => {
        const out = s.f32(Math.max(N * T, 0) * V);
        check(X.lm_model_logits(ptr, s.i32(data), N, T, out));
        return { data: core.readF32(out, N * T * V), shape: [N, T, V] };
      });
    }

    /** Summed log-probability of ids[n, 1:] given the tokens before, per row, from a zero state: (N,). */
    sequenceLogProbs(ids, N, T) {
      const data = this._window(ids, N, T);
      const ptr = this.ptr;
      return scoped((s) => {
        const out = s.out(N);
        check(X.lm_model_sequence_logprobs(ptr, s.i32(data), N, T, out));
        return f64s(out, N);
      });
    }

    /** Sample `length` ids after `prime` ids (seeded; temperature 0 = greedy; topK 0 = all; stops after stopId). */
    sample(prime, options = {}) {
      const data = toIds('prime', prime ?? []);
      const length = wholeNumber('length', options.length);
      const temperature = number('temperature', options.temperature ?? 1);
      const topK = wholeNumber('topK', options.topK ?? 0);
      const seed = wholeNumber('seed', options.seed ?? 0, { unsigned: true });
      const stopId = wholeNumber('stopId', options.stopId ?? -1);
      const ptr = this.ptr;
      return scoped((s) => {
        const out = s.i32(Math.max(length, 0));
        const n = s.out();
        check(
          X.lm_model_generate(
            ptr,
            data.length ? s.i32(data) : 0,
            data.length,
            length,
            temperature,
            topK,
            seed,
            stopId,
            out,
            n,
          ),
        );
        return core.readI32(out, core.readI32At(n));
      });
    }

    /** Hidden states of the top layer over a probe sequence from a zero state: (T, H). */
    hiddenStates(ids) {
      const data = toIds('ids', ids);
      const H = this._config.hidden;
      const ptr = this.ptr;
      return scoped((s) => {
        const out = s.f32(data.length * H);
        check(X.lm_model_hidden_states(ptr, s.i32(data), data.length, out));
        return { data: core.readF32(out, data.length * H), shape: [data.length, H] };
      });
    }

    /**
     * What the page draws over a probe sequence, from a zero state, for the last layer: h (T, H); the
     * LSTM's cell state c (T, H); gate activations (T, G·H) packed as gateNames (LSTM i|f|g|o, GRU r|z|g).
     * @returns {import('./index.d.ts').Probe}
     */
    probe(ids) {
      const data = toIds('ids', ids);
      const { hidden: H, cell } = this._config;
      const n = data.length;
      const names = GATE_NAMES[cell] ?? [];
      const G = names.length;
      const ptr = this.ptr;
      return scoped((s) => {
        const h = s.f32(n * H);
        const c = cell === 'lstm' ? s.f32(n * H) : 0;
        const gates = G ? s.f32(n * G * H) : 0;
        check(X.lm_model_probe(ptr, s.i32(data), n, h, c, gates));
        const result = { h: { data: core.readF32(h, n * H), shape: [n, H] }, gateNames: names };
        if (c) result.c = { data: core.readF32(c, n * H), shape: [n, H] };
        if (G) result.gates = { data: core.readF32(gates, n * G * H), shape: [n, G * H] };
        return result;
      });
    }

    /** Per-step ||dL/dh_t|| of the top layer in the last lossAndGrads / training step: (T,). */
    gradFlow() {
      const ptr = this.ptr;
      return scoped((s) => {
        const out = s.out(2);
        check(X.lm_model_grad_flow(ptr, out, out + 4));
        return core.readF32(u32At(out), core.readI32At(out + 4));
      });
    }

    /**
     * The last-step gradient-flow probe: ids (N, T+1) from a zero state, the loss of the LAST position
     * only (mean over the N streams), ||∂L_T/∂h_t|| of the last layer for t = 0 … T-1 (entry T-1 is the
     * decoder's own). Recurrent cells only. Leaves the gradients, the carried state and gradFlow() as
     * they were, so it may run between training steps.
     * @returns {{ norms: Float32Array, loss: number }}
     */
    gradFlowLastStep(ids, N, T) {
      const data = this._window(ids, N, T);
      const ptr = this.ptr;
      return scoped((s) => {
        const out = s.f32(Math.max(T, 0));
        const loss = s.out(2);
        check(X.lm_model_grad_flow_last(ptr, s.i32(data), N, T, out, loss));
        return { norms: core.readF32(out, T), loss: core.readF64At(loss) };
      });
    }

    /** Numerical gradient check against lossAndGrads (options.mask as there): max relative error per parameter tensor. */
    gradientCheck(ids, N, T, options = {}) {
      const data = this._window(ids, N, T);
      const samples = wholeNumber('samples', options.samples ?? 5);
      const eps = number('eps', options.eps ?? 1e-2);
      const seed = wholeNumber('seed', options.seed ?? 1, { unsigned: true });
      const mask = options.mask === undefined ? null : toMask(options.mask, N * T);
      const ptr = this.ptr;
      const count = this._info[MODEL_INFO.TENSORS];
      const errors = scoped((s) => {
        const out = s.out(count);
        check(X.lm_model_gradient_check(ptr, s.i32(data), mask ? s.u8(mask) : 0, N, T, samples, eps, seed, out));
        return f64s(out, count);
      });
      return this.parameters().map((p, k) => ({ name: p.name, relError: errors[k] }));
    }

    /**
     * Candidates for one masked token between `left` and `right` (ids, e.g. <s> … and … </s>): the
     * `candidates` most likely next tokens after `left`, re-ranked by the log-likelihood of the whole
     * sentence with each in place. prob is normalised over the candidates.
     */
    predictMasked(left, right, options = {}) {
      const l = toIds('left', left);
      const r = toIds('right', right);
      const V = this._config.vocabSize;
      // predictMasked runs in JS (over C's log-probabilities): its options are checked here
      const count = inRange('candidates', options.candidates ?? Math.min(50, V), 1, V);
      const topK = inRange('topK', options.topK ?? Math.min(5, count), 1, count);
      const exclude = new Set(options.exclude ?? []);
      const first = this.nextLogProbs(l);
      const order = Array.from(first.keys())
        .filter((id) => !exclude.has(id))
        .sort((a, b) => first[b] - first[a] || a - b)
        .slice(0, count);
      if (order.length === 0) fail('every token is excluded: no candidate to rank');
      const T = l.length + r.length; // row = left + [c] + right has T + 1 ids
      let totals;
      if (T === 0) {
        totals = order.map((id) => first[id]);
      } else {
        // one row per candidate, scored in chunks so the (rows, T, V) scores stay near 4M floats (16 MB)
        const chunk = Math.max(1, Math.floor(2 ** 22 / (T * V)));
        const sums = new Float64Array(order.length);
        for (let start = 0; start < order.length; start += chunk) {
          const part = order.slice(start, start + chunk);
          const rows = new Int32Array(part.length * (T + 1));
          part.forEach((id, n) => {
            rows.set(l, n * (T + 1));
            rows[n * (T + 1) + l.length] = id;
            rows.set(r, n * (T + 1) + l.length + 1);
          });
          sums.set(this.sequenceLogProbs(rows, part.length, T), start);
        }
        // the first id of a row is not predicted: with an empty left context that is the candidate itself
        totals = order.map((id, n) => sums[n] + (l.length === 0 ? first[id] : 0));
      }
      const max = totals.reduce((a, b) => (b > a ? b : a), -Infinity);
      const z = totals.reduce((acc, t) => acc + Math.exp(t - max), 0);
      return order
        .map((id, n) => ({ id, logProb: totals[n], prob: Math.exp(totals[n] - max) / z }))
        .sort((a, b) => b.logProb - a.logProb || a.id - b.id)
        .slice(0, topK);
    }

    /**
     * Mask one token in each sentence (the same positions as Bigram.maskedAccuracy for the same seed:
     * word level skips <s> and </s>) and score top-1 / top-5 accuracy of predictMasked.
     * @param {Int32Array[]} sentences from vocab.encodeSentences(text)
     * @param {{ seed?: number, candidates?: number, wordLevel?: boolean, exclude?: number[] }} [options]
     */
    maskedAccuracy(sentences, options = {}) {
      if (!Array.isArray(sentences)) fail('maskedAccuracy needs an array of sentences (Int32Array of ids each)');
      const seed = wholeNumber('seed', options.seed ?? 1, { unsigned: true });
      const wordLevel = options.wordLevel ?? true;
      const lists = sentences.map((s, i) => toIds(`sentences[${i}]`, s));
      const positions = scoped((s) => {
        const out = s.i32(Math.max(lists.length, 1));
        check(
          X.lm_mask_positions(
            seed,
            lists.length ? s.i32(lists.map((x) => x.length)) : 0,
            lists.length,
            wordLevel ? 1 : 0,
            out,
          ),
        );
        return core.readI32(out, lists.length);
      });
      let top1 = 0;
      let top5 = 0;
      let scored = 0;
      lists.forEach((ids, i) => {
        const pos = positions[i];
        if (pos < 0) return;
        const candidates = options.candidates ?? Math.min(50, this._config.vocabSize);
        const ranked = this.predictMasked(ids.subarray(0, pos), ids.subarray(pos + 1), {
          candidates,
          topK: Math.min(5, candidates),
          exclude: options.exclude,
        });
        const rank = ranked.findIndex((c) => c.id === ids[pos]);
        if (rank === 0) top1++;
        if (rank >= 0 && rank < 5) top5++;
        scored++;
      });
      if (scored === 0) throw new LmlabError('the held-out text has no sentence with a token to mask', STATUS.EMPTY);
      return { top1: top1 / scored, top5: top5 / scored, sentences: scored };
    }

    /** safetensors bytes: parameters (PyTorch names/layout), config, metadata, and the trainer's state if given. */
    save(trainer) {
      // a ParallelTrainer (parallel.mjs) saves through its own thread's Trainer, which holds every stream's state
      if (trainer?._trainer instanceof Trainer) trainer = trainer._trainer;
      if (trainer !== undefined && !(trainer instanceof Trainer))
        fail('save(trainer) needs a Trainer, a ParallelTrainer or nothing');
      const meta = this.metadata ?? {};
      for (const [k, v] of Object.entries(meta)) {
        if (typeof v !== 'string')
          fail(`metadata '${k}' must be a string (JSON.stringify objects first), got ${typeof v}`);
        const nul = `${k}\0${v}`.indexOf('\0');
        if (nul !== k.length || v.includes('\0'))
          fail(`metadata ${JSON.stringify(k)} contains a NUL character (U+0000), which a model file cannot keep`);
      }
      const ptr = this.ptr;
      return scoped((s) => {
        check(X.lm_model_set_metadata(ptr, s.str(JSON.stringify(meta))));
        const out = s.out();
        check(X.lm_model_save(ptr, trainer ? trainer.ptr : 0, out));
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

  class Trainer extends Handle {
    /**
     * Train `model` on token stream `ids` with N parallel streams (stream n starts at n·floor(len/N))
     * and windows of T, the hidden state carried from window to window; or, with batching 'sentences',
     * on `ids` = an array of sentences, N a step in order, each from the empty state, padded to the
     * batch's longest with the padding masked (T: the most time steps of one piece of a sentence).
     * @param {Model} model @param {Int32Array | ArrayLike<number>[]} ids @param {import('./index.d.ts').TrainOptions} options
     */
    constructor(model, ids, options) {
      if (!(model instanceof Model)) fail('Trainer needs a Model');
      if (!options || typeof options !== 'object') fail('Trainer needs options { batch, seq, optimizer, lr }');
      const N = wholeNumber('batch', options.batch);
      const T = wholeNumber('seq', options.seq);
      const optimizer = options.optimizer ?? 'adagrad';
      const kind = choice('optimizer', optimizer, OPTIMIZERS);
      const lr = number('lr', options.lr ?? (optimizer === 'adagrad' ? 0.1 : optimizer === 'adam' ? 0.002 : 0.01));
      const momentum = number('momentum', options.momentum ?? 0);
      const clip = number('clip', options.clip ?? 0);
      const clipMode = options.clipMode ?? 'value';
      const mode = choice('clipMode', clipMode, CLIP_MODES);
      const batching = options.batching ?? 'streams';
      choice('batching', batching, BATCHINGS);
      const stateResets = number('stateResets', options.stateResets ?? 0);
      const sentences = batching === 'sentences' ? toSentences(ids) : null;
      const data = sentences ? sentences.ids : toIds('ids', ids);
      const ptr = scoped((s) => {
        const out = s.out();
        if (sentences) {
          const S = sentences.starts.length - 1;
          check(
            X.lm_trainer_create_sentences(
              model.ptr,
              s.i32(data),
              data.length,
              s.i32(sentences.starts),
              S,
              N,
              T,
              kind,
              lr,
              momentum,
              clip,
              mode,
              out,
            ),
          );
        } else {
          check(X.lm_trainer_create(model.ptr, s.i32(data), data.length, N, T, kind, lr, momentum, clip, mode, out));
        }
        return u32At(out);
      });
      super('trainer', ptr, (p) => X.lm_trainer_free(p));
      if (stateResets !== 0) {
        try {
          check(X.lm_trainer_set_state_resets(ptr, stateResets)); // C checks the range and the batching
        } catch (err) {
          this.dispose();
          throw err;
        }
      }
      this._model = model;
      this._options = Object.freeze({
        batch: N,
        seq: T,
        optimizer,
        lr,
        momentum,
        clip,
        clipMode,
        batching,
        stateResets,
      });
      this._step = 0;
      this._clipEvents = 0;
    }

    get step() {
      this.ptr; // every property throws after dispose(), as index.d.ts says
      return this._step;
    }
    get model() {
      this.ptr;
      return this._model;
    }
    get options() {
      this.ptr;
      return this._options;
    }

    setLearningRate(lr) {
      number('lr', lr);
      check(X.lm_trainer_set_lr(this.ptr, lr));
      this._options = Object.freeze({ ...this._options, lr });
    }

    /**
     * Run `count` optimizer steps in C. loss is the mean over these steps, lastLoss the last one's.
     * A non-finite loss or gradient throws (STATUS.NONFINITE) and leaves the parameters at their last
     * finite values.
     * @returns {import('./index.d.ts').StepStats}
     */
    train(count = 1) {
      wholeNumber('count', count);
      const ptr = this.ptr;
      return scoped((s) => {
        const out = s.out(TRAIN_STATS.COUNT);
        const status = X.lm_trainer_train(ptr, count, out);
        const v = f64s(out, TRAIN_STATS.COUNT);
        if (status === STATUS.OK || status === STATUS.NONFINITE) {
          // the stats of the steps done
          this._step = v[TRAIN_STATS.STEP];
          this._clipEvents = v[TRAIN_STATS.CLIP_EVENTS];
        }
        check(status);
        return {
          step: v[TRAIN_STATS.STEP],
          loss: v[TRAIN_STATS.LOSS],
          lastLoss: v[TRAIN_STATS.LAST_LOSS],
          gradNorm: v[TRAIN_STATS.GRAD_NORM],
          clipped: v[TRAIN_STATS.CLIPPED] === 1,
          clipEvents: v[TRAIN_STATS.CLIP_EVENTS],
          position: v[TRAIN_STATS.POSITION],
          epochs: v[TRAIN_STATS.WRAPS],
        };
      });
    }

    /**
     * Loss over held-out ids read as `batch` streams (default: the trainer's) with the state carried
     * across windows of `seq` from a zero start; batch 1: one stream, every token after the first predicted.
     * @returns {import('./index.d.ts').EvalResult}
     */
    evaluate(ids, options = {}) {
      if (this.options.batching === 'sentences' && Array.isArray(ids)) return evaluateSentences(this.model, ids);
      const B = wholeNumber('batch', options.batch ?? this.options.batch);
      const T = wholeNumber('seq', options.seq ?? this.options.seq);
      return evaluateModel(this.model, ids, B, T);
    }

    /** Restore optimizer state, step, stream position and carried state from model.save(trainer) bytes. */
    restore(bytes) {
      if (!(bytes instanceof Uint8Array)) fail('restore needs the model file bytes as a Uint8Array');
      const ptr = this.ptr;
      scoped((s) => check(X.lm_trainer_restore(ptr, s.u8(bytes), bytes.length)));
      this._readInfo();
    }

    /** step, clip events, stream position and wraps as C holds them. */
    _readInfo() {
      const ptr = this.ptr;
      const v = scoped((s) => {
        const out = s.out(TRAINER_INFO.COUNT);
        check(X.lm_trainer_info(ptr, out));
        return f64s(out, TRAINER_INFO.COUNT);
      });
      this._step = v[TRAINER_INFO.STEP];
      this._clipEvents = v[TRAINER_INFO.CLIP_EVENTS];
      return {
        step: v[TRAINER_INFO.STEP],
        clipEvents: v[TRAINER_INFO.CLIP_EVENTS],
        position: v[TRAINER_INFO.POSITION],
        epochs: v[TRAINER_INFO.WRAPS],
        sentences: v[TRAINER_INFO.SENTENCES],
      };
    }

    /** Sentence batching: the pieces cycled through (sentences of two or more tokens, long ones cut at seq+1 tokens); 0 for streams. */
    get sentences() {
      return this._readInfo().sentences;
    }
  }

  /** EvalResult of `model` over ids as B streams of windows T. */
  function evaluateModel(model, ids, B, T) {
    const data = toIds('ids', ids);
    const [sum, count] = scoped((s) => {
      const out = s.out(MODEL_EVAL.COUNT);
      check(X.lm_model_evaluate(model.ptr, s.i32(data), data.length, B, T, out));
      const v = f64s(out, MODEL_EVAL.COUNT);
      return [v[MODEL_EVAL.NATS], v[MODEL_EVAL.TOKENS]];
    });
    const loss = sum / count;
    return { loss, perplexity: Math.exp(loss), bitsPerToken: loss / Math.LN2, tokens: count };
  }

  /** Held-out sentences, each from the empty state (as batching 'sentences' trains): every token after a
   *  sentence's first predicted. Sentences of one length go through sequenceLogProbs together. */
  function evaluateSentences(model, sentences) {
    if (!Array.isArray(sentences))
      fail(`evaluateSentences needs an array of sentences (Int32Array of ids each), got ${describe(sentences)}`);
    /** @type {Map<number, Int32Array[]>} */
    const byLength = new Map();
    sentences.forEach((s, i) => {
      const ids = toIds(`sentences[${i}]`, s);
      if (ids.length < 2) return; // nothing to predict
      const list = byLength.get(ids.length) ?? [];
      list.push(ids);
      byLength.set(ids.length, list);
    });
    if (byLength.size === 0)
      throw new LmlabError('the held-out text has no sentence of two or more tokens to score', STATUS.EMPTY);
    const V = model.config.vocabSize;
    let nats = 0;
    let tokens = 0;
    for (const [len, list] of byLength) {
      const rows = Math.max(1, Math.floor(2 ** 22 / (len * V))); // scores (rows, len-1, V) of a few MB a call
      for (let a = 0; a < list.length; a += rows) {
        const chunk = list.slice(a, a + rows);
        const ids = new Int32Array(chunk.length * len); // (rows, len)
        chunk.forEach((s, n) => ids.set(s, n * len));
        for (const logProb of model.sequenceLogProbs(ids, chunk.length, len - 1)) nats -= logProb;
        tokens += chunk.length * (len - 1);
      }
    }
    const loss = nats / tokens;
    return { loss, perplexity: Math.exp(loss), bitsPerToken: loss / Math.LN2, tokens };
  }

  /** Evaluate any model on held-out sentences, each from the empty state. */
  /** @type {any} */ (Model.prototype).evaluateSentences = function (sentences) {
    return evaluateSentences(this, sentences);
  };

  /** Evaluate any model on held-out ids: batch 1 (default) reads one stream from a zero state. */
  /** @type {any} */ (Model.prototype).evaluate = function evaluate(ids, options = {}) {
    const B = wholeNumber('batch', options.batch ?? 1);
    const T = wholeNumber('seq', options.seq ?? 100);
    return evaluateModel(this, ids, B, T);
  };

  return { Model, Trainer };
}
