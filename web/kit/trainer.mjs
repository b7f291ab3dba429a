// trainer.mjs — the trainer client, the kit's documented core (docs/kit.md): createTrainer({ text,
// cell, hidden, … }) gives an object that trains one model in the page's shared worker (hub.mjs):
// run / pause / step, a step limit (maxSteps) and a speed limit (steps per second), the learning rate
// live, probes (hidden states already (H, T), as heatmaps draw them), predictions, samples, model
// files; it keeps the loss history and the latest gradient curves, so a view that appears late draws
// the whole run, and replays itself into a replaced worker after a crash. It is an EventTarget:
// 'ready' 'corpus' 'model' 'snapshot' 'step' 'state' 'done' 'fault' 'restart' 'probe' 'select'
// 'highlight' 'error' (each a CustomEvent; on(type, fn) returns an unsubscribe function). Nothing
// starts until start() or the first request: a page full of trainers costs nothing until used.
import { FIELDS, resolveSettings } from '../settings.mjs';
import { LossHistory } from './history.mjs';
import { sharedHub } from './hub.mjs';
import { resolveText } from './corpora.mjs';

/** @typedef {import('../protocol.mjs').ModelInfo} ModelInfo */
/** @typedef {import('../protocol.mjs').CorpusInfo} CorpusInfo */
/** @typedef {import('../protocol.mjs').Snapshot} Snapshot */
/** @typedef {import('../protocol.mjs').Probe} Probe */
/** @typedef {import('../protocol.mjs').WorkerEvent} WorkerEvent */
/** @typedef {import('../settings.mjs').Settings} Settings */

/** The kit's version: the API documented in docs/kit.md (semver: a breaking change bumps the major). */
export const KIT_VERSION = '1.0.0';

const CHECKPOINT_EVERY_MS = 20000; // while training: keep a checkpoint to restore after a crash

/** Options of createTrainer that are not settings. */
const CLIENT_OPTIONS = [
  'text',
  'src',
  'name',
  'label',
  'maxSteps',
  'speed',
  'checkpointEveryMs',
  'workerUrl',
  'testHooks',
];
/** Friendlier names for two settings. */
const ALIASES = /** @type {const} */ ({ cell: 'model', optimizer: 'opt' });

/**
 * @typedef {object} TrainerOptions
 * @property {string} [text] the training text (checked: not empty, not binary)
 * @property {string} [corpus] a built-in corpus instead: 'brackets' or 'hello'
 * @property {string | URL} [src] or a text file's URL (relative to the page)
 * @property {string} [name] what the corpus is called in saved model files
 * @property {string} [label] what views call this trainer ("RNN", "LSTM"); default: the cell's name
 * @property {'rnn' | 'lstm' | 'gru' | 'window' | 'bigram'} [cell] the model (alias of the setting `model`)
 * @property {number} [hidden] H
 * @property {number} [embed] E (0: one-hot)
 * @property {number} [layers] L
 * @property {number} [window] W (the window MLP)
 * @property {'torch' | 'lecture'} [gru] the GRU's variant
 * @property {number} [seq] T, the truncated-BPTT window
 * @property {number} [batch] N, parallel streams (or sentences a step)
 * @property {'streams' | 'sentences'} [batching] contiguous streams with the state carried, or whole sentences
 *   (lines at character level), each from a zero state, padded and the padding masked
 * @property {'adam' | 'adagrad' | 'sgd'} [optimizer] (alias of the setting `opt`)
 * @property {number} [lr] learning rate
 * @property {number} [clip] clipping (0: off)
 * @property {'value' | 'norm'} [clipMode]
 * @property {number} [seed]
 * @property {number} [maxSteps] run() stops at this step (0: no limit)
 * @property {number} [speed] at most this many steps per second (0: no limit)
 * @property {number} [checkpointEveryMs] keep a crash checkpoint this often while training (0: never)
 * @property {string | URL} [workerUrl] the worker script, if not next to the kit's module
 * @property {boolean} [testHooks] allow the debug requests (tests only)
 */

/**
 * Split createTrainer's options into settings (checked now, with the worker's own rules) and the
 * client's own options; unknown names are refused with a sentence.
 * @param {Record<string, unknown>} options
 */
export function splitOptions(options) {
  /** @type {Record<string, unknown>} */
  const settings = {};
  /** @type {Record<string, unknown>} */
  const client = {};
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (CLIENT_OPTIONS.includes(key)) client[key] = value;
    else if (key === 'corpus') {
      client.corpus = value;
      if (/^[a-z0-9-]{1,40}$/.test(String(value))) settings.corpus = value;
    } else if (Object.hasOwn(ALIASES, key)) settings[ALIASES[/** @type {keyof typeof ALIASES} */ (key)]] = value;
    else if (Object.hasOwn(FIELDS, key)) settings[key] = value;
    else
      throw new Error(
        `createTrainer: unknown option '${key}' (options: ${[...CLIENT_OPTIONS, 'corpus', ...Object.keys(ALIASES), ...Object.keys(FIELDS).filter((k) => k !== 'corpus')].join(', ')})`,
      );
  }
  resolveSettings(settings); // throws the worker's sentence now rather than later
  for (const key of ['maxSteps', 'speed', 'checkpointEveryMs']) {
    const v = client[key];
    if (v !== undefined && !(typeof v === 'number' && v >= 0 && Number.isFinite(v)))
      throw new Error(`createTrainer: ${key} must be a number ≥ 0, got ${String(v)}`);
  }
  if (client.maxSteps !== undefined && !Number.isInteger(client.maxSteps))
    throw new Error(`createTrainer: maxSteps must be a whole number, got ${client.maxSteps}`);
  return { settings, client };
}

/** Bytes as an ArrayBuffer: the one given (kept as it is), or a view's bytes copied. @param {ArrayBuffer | Uint8Array} bytes */
function asBuffer(bytes) {
  if (bytes instanceof ArrayBuffer) return bytes;
  if (ArrayBuffer.isView(bytes)) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength).slice().buffer;
  throw new Error(`setText needs a string or the bytes of a UTF-8 text, got ${Object.prototype.toString.call(bytes)}`);
}

export class Trainer extends EventTarget {
  /** @param {TrainerOptions} [options] */
  constructor(options = {}) {
    super();
    const { settings, client } = splitOptions(/** @type {Record<string, unknown>} */ (options));
    const hub = sharedHub({
      workerUrl: client.workerUrl ? new URL(String(client.workerUrl), document.baseURI) : undefined,
      testHooks: client.testHooks === true,
    });
    this.hub = hub;
    /** the worker's session number for this trainer */
    this.session = hub.nextSession++;
    /** @type {Record<string, unknown>} the settings asked for (the worker fills in the rest) */
    this.given = settings;
    /** @type {Settings} the complete settings of the current model (defaults until it is built) */
    this.settings = resolveSettings(settings).settings;
    /** @type {{ text?: string, corpus?: string, src?: string | URL, name?: string }} where the text comes from */
    this.source = {
      text: /** @type {string | undefined} */ (client.text),
      corpus: /** @type {string | undefined} */ (client.corpus),
      src: /** @type {string | undefined} */ (client.src),
      name: /** @type {string | undefined} */ (client.name),
    };
    this.label = /** @type {string} */ (client.label ?? '');
    this.maxSteps = /** @type {number} */ (client.maxSteps ?? 0);
    this.speed = /** @type {number} */ (client.speed ?? 0);
    this.checkpointEveryMs = /** @type {number} */ (client.checkpointEveryMs ?? CHECKPOINT_EVERY_MS);

    /** @type {string | ArrayBuffer | null} the training text the worker holds, as it was given (bytes: UTF-8) */
    this.input = null;
    /** @type {string | null} bytes given as the text, decoded (only when `text` is read) */
    this.decoded = null;
    /** @type {string} its name */
    this.corpusName = '';
    /** @type {CorpusInfo | null} */
    this.corpus = null;
    /** @type {ModelInfo | null} the model the worker holds (null: none yet, or it could not be built) */
    this.model = null;
    /** optimizer steps taken */
    this.steps = 0;
    /** training (told to run, and no snapshot has said it stopped) */
    this.running = false;
    /** @type {Snapshot | null} the last snapshot */
    this.last = null;
    /** the loss history of the current model */
    this.history = new LossHistory();
    /** @type {{ total: Float32Array | null, last: Float32Array | null }} the latest gradient curves (T,) */
    this.gradFlow = { total: null, last: null };
    /** @type {Probe | null} the latest probe any view asked for */
    this.lastProbe = null;
    /** @type {{ t: number } | null} the character the views point at (select) */
    this.selection = null;
    /** @type {{ bytes: ArrayBuffer, step: number } | null} the model as last saved or loaded: replayed after a crash */
    this.checkpoint = null;
    this.lastCheckpoint = 0;
    /** @type {Promise<unknown> | null} the last pause; resolves once the worker stopped */
    this.pausing = null;
    /** @type {Promise<void> | null} */
    this.starting = null;
    this.disposed = false;
    hub.add({
      session: this.session,
      onWorkerEvent: (event) => this.onWorkerEvent(event),
      replay: (reason) => this.replay(reason),
      onGiveUp: (reason) => this.emit('restart', { reason, gaveUp: true, step: null }),
    });
  }

  /** The cells the worker's lmlab.wasm has (after start). */
  get cells() {
    return this.hub.cells;
  }
  /** Whether the worker runs the fused multiply-add build of lmlab (relaxed SIMD; after start). */
  get fma() {
    return this.hub.fma;
  }
  /** What views call this trainer. */
  get name() {
    return this.label || (this.model?.kind ?? this.settings.model).toUpperCase();
  }

  /**
   * Listen to an event; returns the function that stops listening.
   * @param {string} type @param {(detail: any, event: CustomEvent) => void} fn
   */
  on(type, fn) {
    const listener = (/** @type {Event} */ e) =>
      fn(/** @type {CustomEvent} */ (e).detail, /** @type {CustomEvent} */ (e));
    this.addEventListener(type, listener);
    return () => this.removeEventListener(type, listener);
  }

  /** @param {string} type @param {unknown} [detail] */
  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  /**
   * Start the worker (shared) and, when the options named a text, send it and build the model.
   * Idempotent: every caller gets the same promise. 'ready' follows, or 'error' with the sentence.
   */
  start() {
    this.starting ??= (async () => {
      await this.hub.start();
      if (this.source.text !== undefined || this.source.corpus || this.source.src) {
        const { input, label, name } = await resolveText(this.source);
        await this.setText(input, { name: this.source.name ?? name, label, configure: false });
        await this.configure();
      }
      this.emit('ready', this);
    })().catch((err) => {
      this.starting = null;
      this.emit('error', { message: err.message });
      throw err;
    });
    return this.starting;
  }

  /**
   * A request about this trainer's session.
   * @template {import('../protocol.mjs').RequestType} K
   * @param {K} type @param {import('../protocol.mjs').Payload<K>} [payload] @param {Transferable[]} [transfer]
   */
  call(type, payload, transfer) {
    if (this.disposed) return Promise.reject(new Error('this trainer was disposed'));
    return this.hub.call(this.session, type, payload, transfer);
  }

  // ---- corpus and model ---------------------------------------------------------------------------

  /**
   * Make a text the training text: a string, or a file's UTF-8 bytes (an ArrayBuffer, which the
   * trainer keeps for a replay after a crash: do not change it afterwards; or a Uint8Array, copied). The worker checks it (empty, over 32 MB, a NUL byte, invalid
   * UTF-8 at an offset: refused with a sentence naming `label`, default `name`, and the current corpus
   * and model kept), splits it and counts its bigram; the model is rebuilt for it unless configure is
   * false. Bytes are decoded only in the worker: a 32 MB file never blocks the page (the reply's
   * `text` carries the statistics and the probe excerpt).
   * @param {string | ArrayBuffer | Uint8Array} text
   * @param {{ name?: string, label?: string, configure?: boolean }} [options] name: what saved model
   *   files call the corpus
   * @returns {Promise<CorpusInfo>}
   */
  async setText(text, { name = 'text', label, configure = true } = {}) {
    const input = typeof text === 'string' ? text : asBuffer(text);
    await this.pause();
    await this.hub.start();
    const info = await this.sendText(input, name, label);
    this.input = input;
    this.decoded = null;
    this.corpusName = name;
    this.corpus = info;
    this.model = null;
    this.history.setBigram(Number.isFinite(info.bigram.loss) ? info.bigram.loss : NaN);
    this.emit('corpus', info);
    if (configure) await this.configure();
    return info;
  }

  /**
   * The setCorpus request: a string as it is, bytes as a copy moved to the worker (the trainer keeps
   * its own for a replay after a crash).
   * @param {string | ArrayBuffer} input @param {string} name @param {string} [label]
   */
  sendText(input, name, label) {
    if (typeof input === 'string') return this.call('setCorpus', { name, label, text: input });
    const bytes = input.slice(0);
    return this.call('setCorpus', { name, label, bytes }, [bytes]);
  }

  /** The training text (null before one); bytes given to setText are decoded on first use (the page never asks). */
  get text() {
    if (this.input === null || typeof this.input === 'string') return this.input;
    this.decoded ??= new TextDecoder().decode(this.input);
    return this.decoded;
  }

  /** The probe excerpt of the training text that views start with ('' before one). */
  get probeExcerpt() {
    return this.corpus?.text.probe ?? '';
  }

  /**
   * Build the model from the seed (a reset), with `changes` merged into the settings asked for so far.
   * Resolves with the model's description, or rejects with the worker's sentence (no model then).
   * @param {Record<string, unknown>} [changes] settings (and the aliases cell, optimizer)
   * @returns {Promise<ModelInfo>}
   */
  async configure(changes = {}) {
    const { settings } = splitOptions(changes);
    const given = { ...this.given, ...settings };
    resolveSettings(given);
    this.given = given;
    await this.pause();
    // Cleared first: the worker's first snapshot (validation at step 0) comes before its reply.
    this.history.reset();
    this.gradFlow = { total: null, last: null };
    this.checkpoint = null;
    this.steps = 0;
    this.last = null;
    try {
      const info = await this.call('configure', { settings: /** @type {any} */ (given) });
      this.adoptCorpus(info.corpus);
      this.model = info;
      this.settings = info.settings;
      this.steps = info.step;
      this.emit('model', info);
      return info;
    } catch (err) {
      this.model = null;
      this.emit('model', null);
      throw err;
    }
  }

  /**
   * The corpus as the worker encoded it for the model (a change of level or word options re-encodes
   * it): when the tokens changed, the bigram line follows and 'corpus' is emitted.
   * @param {CorpusInfo | undefined} info
   */
  adoptCorpus(info) {
    if (!info) return;
    const before = this.corpus;
    this.corpus = info;
    if (
      before &&
      before.level === info.level &&
      before.vocabSize === info.vocabSize &&
      before.k === info.k &&
      before.bigram.loss === info.bigram.loss
    )
      return;
    // k = 0 can make the bigram's loss infinite: no line to beat then (the numbers say ∞)
    this.history.setBigram(Number.isFinite(info.bigram.loss) ? info.bigram.loss : NaN);
    this.emit('corpus', info);
  }

  /** Rebuild the model from the seed. */
  reset() {
    return this.configure();
  }

  // ---- training -----------------------------------------------------------------------------------

  /**
   * Train until paused, until maxSteps (the step count, not steps from now), at most `speed` steps a
   * second. Either limit can be given here (it sticks) or changed later.
   * @param {{ maxSteps?: number, speed?: number }} [limits]
   */
  async run({ maxSteps, speed } = {}) {
    if (maxSteps !== undefined) this.setLimit('maxSteps', maxSteps);
    if (speed !== undefined) this.setLimit('speed', speed);
    await this.start();
    if (!this.model?.trainable)
      throw new Error(
        this.model
          ? 'the bigram is counted, not trained: choose RNN, LSTM, GRU or window to train'
          : 'no model to train',
      );
    if (this.maxSteps > 0 && this.steps >= this.maxSteps) {
      this.emit('done', { step: this.steps });
      return;
    }
    await this.call('run', { until: this.maxSteps, speed: this.speed });
    if (!this.running) {
      this.running = true;
      this.emit('state', { running: true });
    }
  }

  /** Stop after the current slice; resolves once the worker has stopped. */
  async pause() {
    if (!this.running) return this.pausing ?? undefined;
    this.running = false;
    this.emit('state', { running: false });
    this.pausing = this.call('pause').catch(() => {});
    await this.pausing;
  }

  /** Run or pause. */
  toggle() {
    return this.running ? this.pause() : this.run();
  }

  /**
   * Exactly `count` optimizer updates (training pauses first).
   * @param {number} [count]
   */
  async step(count = 1) {
    await this.start();
    await this.pause();
    const { step } = await this.call('step', { count });
    this.steps = step;
    this.emit('step', { step });
    return step;
  }

  /** @param {'maxSteps' | 'speed'} key @param {number} value */
  setLimit(key, value) {
    if (
      !(typeof value === 'number' && value >= 0 && Number.isFinite(value)) ||
      (key === 'maxSteps' && !Number.isInteger(value))
    ) {
      throw new Error(
        `${key} must be a ${key === 'maxSteps' ? 'whole number' : 'number'} ≥ 0 (0: no limit), got ${value}`,
      );
    }
    this[key] = value;
  }

  /** At most this many steps per second from now on (0: no limit). @param {number} stepsPerSecond */
  async setSpeed(stepsPerSecond) {
    this.setLimit('speed', stepsPerSecond);
    if (this.running) await this.call('run', { until: this.maxSteps, speed: this.speed });
  }

  /** Stop at this step (0: no limit). @param {number} step */
  async setMaxSteps(step) {
    this.setLimit('maxSteps', step);
    if (this.running) await this.call('run', { until: this.maxSteps, speed: this.speed });
  }

  /** The learning rate, from the next step on. @param {number} lr */
  async setLr(lr) {
    await this.call('setLr', { lr });
    this.settings.lr = lr;
    this.given.lr = lr;
  }

  // ---- questions ----------------------------------------------------------------------------------

  /**
   * Hidden states over `text`: every quantity (H, T), rows = neurons. Emits 'probe' for other views.
   * @param {string} text @returns {Promise<Probe>}
   */
  async probe(text) {
    const result = await this.call('probe', { text });
    this.lastProbe = result;
    this.emit('probe', result);
    return result;
  }

  /** What both models expect after `text`, and its surprisal. @param {string} text */
  predict(text) {
    return this.call('predict', { text });
  }

  /**
   * Text from the model after a prime (the bigram's lines when there is no neural model).
   * @param {{ prime?: string, temperature?: number, seed?: number, length?: number }} [options]
   */
  sample({ prime = '', temperature = this.settings.temp, seed = this.settings.seed, length = 200 } = {}) {
    return this.call('sample', { prime, temperature, seed, length });
  }

  /**
   * P(next | previous) of the topN most frequent tokens, or their training counts: values (n, n).
   * @param {number} [topN] @param {'probs' | 'counts'} [kind]
   */
  bigramMatrix(topN = 28, kind = 'probs') {
    return this.call('bigramMatrix', { topN, kind });
  }

  /**
   * Count the bigram again with add-k smoothing k (the neural model stays); 'corpus' follows.
   * @param {number} k 0 to 100 (0: unseen pairs have probability 0)
   */
  async setAddK(k) {
    const info = await this.call('setAddK', { k });
    this.given = { ...this.given, addK: k };
    if (this.settings) this.settings = { ...this.settings, addK: k };
    this.adoptCorpus(info);
    return info;
  }

  /** The chain rule over a sentence: each factor by both models, the log-probability, the perplexity. @param {string} text */
  score(text) {
    return this.call('score', { text });
  }

  /**
   * Rank the words for the one [MASK] of a sentence, by the bigram and by the neural model.
   * @param {string} text @param {{ candidates?: number | 'all', topK?: number }} [options]
   */
  mask(text, { candidates = 50, topK = 10 } = {}) {
    return this.call('mask', { text, candidates, topK });
  }

  /** Each step of a text written out: x_t, y_t, ŷ_t over the vocabulary, J_t. @param {string} text */
  readout(text) {
    return this.call('readout', { text });
  }

  /** Teacher forcing against free-running on the first held-out tokens. */
  freeRunning() {
    return this.call('freeRunning');
  }

  /** The backward pass against centred differences, per tensor. */
  gradCheck() {
    return this.call('gradCheck');
  }

  /** Snapshots carry this parameter (by name) and its gradient. @param {string} param */
  watch(param) {
    return this.call('watch', { param });
  }

  /** The validation loss now (a snapshot follows). */
  evaluate() {
    return this.call('evaluate');
  }

  // ---- model files --------------------------------------------------------------------------------

  /** The model file (safetensors, optimizer state included); it also becomes the crash checkpoint. */
  async save() {
    const { bytes, step } = await this.call('save');
    this.checkpoint = { bytes: bytes.slice(0), step };
    return { bytes, step };
  }

  /**
   * Replace the model with a model file's (the bytes move to the worker); a bad file is refused with
   * the worker's sentence and the current model kept.
   * @param {ArrayBuffer} bytes @param {string} [name] what to call the file in messages
   */
  async load(bytes, name = 'the model file') {
    await this.pause();
    const keep = bytes.slice(0);
    const info = await this.call('load', { bytes, name }, [bytes]);
    this.adoptCorpus(info.corpus);
    this.checkpoint = { bytes: keep, step: info.step };
    this.model = info;
    this.settings = info.settings;
    this.given = { ...info.settings };
    this.steps = info.step;
    this.history.reset();
    this.gradFlow = { total: null, last: null };
    this.emit('model', info);
    await this.call('evaluate'); // a fresh snapshot (validation loss, weights) for the loaded model
    return info;
  }

  // ---- views pointing at things -------------------------------------------------------------------

  /** Point every view at character t of the probe (null: none). @param {number | null} t */
  select(t) {
    this.selection = t === null ? null : { t };
    this.emit('select', this.selection);
  }

  /**
   * Highlight a tensor in every view that shows it (the formula view's hover), or nothing.
   * @param {{ symbol: string, quantity?: string, param?: string, t?: number } | null} target
   */
  highlight(target) {
    this.emit('highlight', target);
  }

  // ---- the worker's side --------------------------------------------------------------------------

  /** @param {WorkerEvent} event */
  onWorkerEvent(event) {
    if (event.type === 'snapshot') {
      const s = event;
      this.last = s;
      this.history.append(s.firstStep, s.losses);
      this.history.addValidation(s.val);
      if (s.gradFlow || s.gradLast)
        this.gradFlow = { total: s.gradFlow ?? this.gradFlow.total, last: s.gradLast ?? this.gradFlow.last };
      const stepped = s.step !== this.steps;
      this.steps = s.step;
      if (!s.running && this.running) {
        this.running = false;
        this.emit('state', { running: false });
      }
      this.emit('snapshot', s);
      if (stepped) this.emit('step', { step: s.step });
      if (s.stopped === 'until') this.emit('done', { step: s.step });
      const now = performance.now();
      if (
        this.running &&
        this.checkpointEveryMs > 0 &&
        now - this.lastCheckpoint > this.checkpointEveryMs &&
        s.step > 0
      ) {
        this.lastCheckpoint = now;
        this.save().catch(() => {});
      }
    } else if (event.type === 'fault') {
      this.running = false;
      this.emit('state', { running: false });
      this.emit('fault', event);
    }
  }

  /** The worker was replaced: send the corpus, the settings and the checkpoint again. @param {string} reason */
  async replay(reason) {
    const checkpoint = this.checkpoint; // configure() forgets it
    const wasRunning = this.running;
    this.running = false;
    if (wasRunning) this.emit('state', { running: false });
    try {
      if (this.input !== null) {
        this.corpus = await this.sendText(this.input, this.corpusName);
        // not this.configure(): the curves so far stay on screen until the checkpoint replaces them
        const info = await this.call('configure', { settings: /** @type {any} */ (this.given) });
        this.adoptCorpus(info.corpus);
        this.model = info;
        this.steps = info.step;
        if (checkpoint) await this.load(checkpoint.bytes.slice(0), 'the last checkpoint');
        else this.emit('model', info);
      }
      this.emit('restart', { reason, gaveUp: false, step: checkpoint ? checkpoint.step : null });
    } catch (err) {
      this.emit('restart', { reason: `${reason}; could not replay: ${err.message}`, gaveUp: true, step: null });
    }
  }

  /** Free this trainer's session in the worker (the worker stays for the page's other trainers). */
  async dispose() {
    if (this.disposed) return;
    await this.pause().catch(() => {});
    if (this.hub.started) await this.call('close').catch(() => {});
    this.disposed = true;
    this.hub.remove(this.session);
  }
}

/**
 * A trainer client (docs/kit.md). Options are checked now: an unknown name or a bad value throws a
 * sentence. Nothing starts until start() or the first request.
 * @param {TrainerOptions} [options]
 */
export function createTrainer(options = {}) {
  return new Trainer(options);
}
