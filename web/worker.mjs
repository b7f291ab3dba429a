// worker.mjs — the training worker: it owns the lmlab WebAssembly instance, the corpus ids, the
// bigram baseline, the neural model and its trainer. It trains in time slices (≈30 ms) so requests
// (pause, step, learning rate, probes) are answered between slices, and posts throttled snapshots
// (≤10 per second) with transferable buffers. It never touches the DOM; protocol.mjs lists messages.
import { loadLmlab } from '../wasm_glue/index.mjs';
import { lastLossGradients, softmax } from './grad-through-time.mjs';

const SLICE_MS = 30;          // train this long, then yield to the message queue
const SNAPSHOT_MS = 100;      // at most 10 snapshots per second
const VAL_EVERY_MS = 1000;    // validation loss cadence while running
const PROBE_WINDOWS = 6;      // held-out windows averaged for the last-step gradient probe
const VAL_TOKENS = 6000;      // validation subset (the same tokens every time)
const HELD_OUT_MIN = 2000;    // smaller corpora are trained and validated on the whole text
const PREDICT_CONTEXT = 256;  // characters of context for next-character predictions
const SURPRISAL_CHARS = 400;  // longest text coloured by surprisal
const PROBE_CHARS = 300;      // longest probe text (one heatmap column per character)

let lm = null;
/** Everything the worker holds; replaced piece by piece, disposed explicitly. */
const S = {
  corpusName: '', vocab: null, tokens: [], tokenIndex: new Map(), trainText: '', valText: '',
  trainIds: null, valIds: null, heldOut: true, bigram: null, bigramLoss: NaN,
  settings: null, model: null, trainer: null, trainable: false, params: [],
  running: false, watch: '', pendingLosses: [], pendingFirst: 0, pendingVal: [],
  msPerStep: 0, charsPerSec: 0, lastStats: null, lastSnapshot: 0, lastVal: 0, valEveryMs: VAL_EVERY_MS,
  lastFlow: 0, flowEveryMs: SNAPSHOT_MS,
};

const post = (message, transfer = []) => self.postMessage(message, transfer);
/** A message as a sentence: capitalised, ending with a full stop. */
const sentence = (text) => {
  const t = String(text).trim();
  return t.charAt(0).toUpperCase() + t.slice(1) + (/[.!?]$/.test(t) ? '' : '.');
};

// ---- corpus -----------------------------------------------------------------------------------

/** Split at 90% of the text, never inside a surrogate pair. */
function splitPoint(text) {
  let cut = Math.floor(text.length * 0.9);
  const code = text.charCodeAt(cut);
  if (code >= 0xdc00 && code <= 0xdfff) cut++;
  return cut;
}

function disposeModel() {
  S.running = false;
  S.trainer?.dispose();
  S.model?.dispose();
  S.trainer = null;
  S.model = null;
  S.params = [];
}

function setCorpus({ name, text }) {
  const vocab = lm.Vocab.build(text, { level: 'char' });
  let bigram = null;
  try {
    const heldOut = text.length >= HELD_OUT_MIN;
    const cut = heldOut ? splitPoint(text) : text.length;
    const trainText = text.slice(0, cut);
    const valText = heldOut ? text.slice(cut) : text;
    const trainIds = vocab.encode(trainText);
    const valIds = vocab.encode(valText);
    bigram = lm.Bigram.train(vocab, trainText, { k: 1 });
    const evaluation = bigram.evaluate(valText);
    disposeModel();
    S.bigram?.dispose();
    S.vocab?.dispose();
    Object.assign(S, {
      corpusName: name, vocab, bigram, trainText, valText, trainIds, valIds, heldOut,
      tokens: vocab.toJSON().tokens, bigramLoss: evaluation.loss,
    });
    S.tokenIndex = new Map(S.tokens.map((token, id) => [token, id]));
    return {
      chars: trainIds.length + (heldOut ? valIds.length : 0), vocabSize: vocab.size,
      trainTokens: trainIds.length, valTokens: valIds.length, heldOut,
      bigram: { loss: evaluation.loss, perplexity: evaluation.perplexity, bitsPerToken: evaluation.bitsPerToken },
    };
  } catch (err) {
    bigram?.dispose();
    vocab.dispose();
    throw err;
  }
}

/** Ids of the characters the vocabulary knows; the others are reported, not guessed. */
function encodeKnown(text) {
  const ids = [];
  let dropped = '';
  for (const ch of text) {
    const id = S.tokenIndex.get(ch);
    if (id === undefined) { if (!dropped.includes(ch)) dropped += ch; } else ids.push(id);
  }
  return { ids, dropped };
}

// ---- model ------------------------------------------------------------------------------------

function trainOptions(settings) {
  return {
    batch: settings.batch, seq: settings.seq, optimizer: settings.opt, lr: settings.lr,
    clip: settings.clip, clipMode: settings.clipMode, seed: settings.seed,
  };
}

function modelInfo(note) {
  const kind = S.model ? S.model.config.cell : 'bigram';
  return {
    kind,
    parameterCount: S.model ? S.model.parameterCount : S.vocab.size * S.vocab.size,
    params: S.params.map(({ name, shape }) => ({ name, shape })),
    step: S.trainer ? S.trainer.step : 0,
    trainable: S.trainable,
    bigramLoss: S.bigramLoss,
    note,
  };
}

function resetStats() {
  S.pendingLosses = [];
  S.pendingFirst = S.trainer ? S.trainer.step + 1 : 1;
  S.pendingVal = [];
  S.msPerStep = 0;
  S.charsPerSec = 0;
  S.lastStats = null;
}

function requireCorpus() {
  if (!S.vocab) throw new Error('load a corpus first');
}

function configure({ settings }) {
  requireCorpus();
  disposeModel();
  S.settings = settings;
  S.trainable = false;
  if (settings.model === 'bigram') {
    resetStats();
    return modelInfo();
  }
  const config = {
    cell: settings.model, vocabSize: S.vocab.size, embedding: settings.embed, hidden: settings.hidden,
    layers: settings.layers, window: settings.model === 'window' ? settings.window : 0, seed: settings.seed,
  };
  const model = lm.Model.create(config);
  let trainer;
  try {
    trainer = new lm.Trainer(model, S.trainIds, trainOptions(settings));
  } catch (err) {
    model.dispose();
    throw err;
  }
  S.model = model;
  S.trainer = trainer;
  S.trainable = true;
  S.params = model.parameters().map(({ name, shape }) => ({ name, shape }));
  if (!S.params.some((p) => p.name === S.watch)) S.watch = pickDefaultWatch();
  resetStats();
  evaluateValidation();
  postSnapshot();
  return modelInfo();
}

/** The recurrent weight matrix is the most telling one to watch first. */
function pickDefaultWatch() {
  const names = S.params.map((p) => p.name);
  return names.find((n) => /weight_hh/.test(n)) ?? names.find((n) => S.params.find((p) => p.name === n).shape.length === 2) ?? names[0] ?? '';
}

function validationSlice() {
  const { seq } = S.settings;
  const ids = S.valIds.length > VAL_TOKENS ? S.valIds.subarray(0, VAL_TOKENS) : S.valIds;
  const batch = Math.max(1, Math.min(8, Math.floor((ids.length - 1) / (seq + 1))));
  const useSeq = Math.max(1, Math.min(seq, ids.length - 1));
  return { ids, batch, seq: useSeq };
}

function evaluateValidation() {
  if (!S.trainer) return;
  const { ids, batch, seq } = validationSlice();
  const t0 = performance.now();
  const result = S.trainer.evaluate(ids, { batch, seq });
  S.lastVal = performance.now();
  // Big models evaluate slowly: keep validation under a tenth of the training time.
  S.valEveryMs = Math.max(VAL_EVERY_MS, 10 * (S.lastVal - t0));
  S.pendingVal.push({ step: S.trainer.step, loss: result.loss });
}

// ---- training loop ----------------------------------------------------------------------------

const tick = new MessageChannel();
tick.port1.onmessage = () => loop();
const schedule = () => tick.port2.postMessage(0);

function trainSteps(deadlineMs, maxSteps = Infinity) {
  const t0 = performance.now();
  let steps = 0;
  do {
    const stats = S.trainer.train(1);
    if (S.pendingLosses.length === 0) S.pendingFirst = stats.step;
    S.pendingLosses.push(stats.loss);
    S.lastStats = stats;
    steps++;
  } while (steps < maxSteps && performance.now() - t0 < deadlineMs);
  const ms = (performance.now() - t0) / steps;
  S.msPerStep = S.msPerStep ? 0.8 * S.msPerStep + 0.2 * ms : ms;
  S.charsPerSec = (S.settings.batch * S.settings.seq * 1000) / S.msPerStep;
}

function loop() {
  if (!S.running || !S.trainer) return;
  try {
    trainSteps(SLICE_MS);
    const now = performance.now();
    if (now - S.lastVal >= S.valEveryMs) evaluateValidation();
    if (now - S.lastSnapshot >= SNAPSHOT_MS) postSnapshot();
  } catch (err) {
    trainingFailed(err);
    return;
  }
  schedule();
}

/** A refused step (NaN/inf) pauses training and says what to try; anything else is a fault too. */
function trainingFailed(err) {
  S.running = false;
  postSnapshot();
  const nonfinite = err?.code === 6;
  const hint = nonfinite
    ? `Training paused at step ${S.trainer.step} (learning rate ${S.settings.lr}, clipping ${S.settings.clip > 0 ? S.settings.clip : 'off'}): lower the learning rate (it changes live) and press Train to go on, or press Reset to start again from the seed.`
    : 'Training paused.';
  post({ type: 'fault', kind: nonfinite ? 'nonfinite' : 'error', message: `${sentence(err?.message ?? String(err))} ${hint}` });
}

// ---- snapshots --------------------------------------------------------------------------------

function l2(array) {
  let sum = 0;
  for (let i = 0; i < array.length; i++) sum += array[i] * array[i];
  return Math.sqrt(sum);
}

/**
 * ||∂L_T/∂h_t|| averaged over a few held-out windows of the training length (one-layer RNN only:
 * the probe follows the tanh recurrence). (T,) or null for other models.
 */
function lastStepFlow(views) {
  const { cell, layers, vocabSize: V, hidden: H } = S.model.config;
  if (cell !== 'rnn' || layers !== 1) return null;
  const Wh = views.find((p) => p.lecture === 'Wh');
  const Wy = views.find((p) => p.lecture === 'Wy');
  if (!Wh || !Wy) return null;
  const Whd = Wh.data.slice();
  const Wyd = Wy.data.slice();
  const T = Math.min(S.settings.seq, 64, S.valIds.length - 1); // the decay shows within 64 steps
  if (T < 2) return null;
  const sum = new Float32Array(T);
  let windows = 0;
  const span = S.valIds.length - T - 1;
  for (let k = 0; k < PROBE_WINDOWS; k++) {
    const start = Math.floor((span * k) / PROBE_WINDOWS);
    const ids = S.valIds.subarray(start, start + T + 1);
    const input = Int32Array.from(ids.subarray(0, T));
    const states = S.model.hiddenStates(input).data;
    const scores = S.model.logits(input, 1, T).data.subarray((T - 1) * V, T * V);
    const norms = lastLossGradients(states, Whd, Wyd, softmax(scores), ids[T], T, H, V);
    for (let t = 0; t < T; t++) sum[t] += norms[t];
    windows++;
  }
  return sum.map((v) => v / windows);
}

function postSnapshot() {
  S.lastSnapshot = performance.now();
  const transfer = [];
  const losses = Float32Array.from(S.pendingLosses);
  transfer.push(losses.buffer);
  let paramGrads = new Float32Array(0);
  let gradFlow = null;
  let gradLast = null;
  let watched = null;
  if (S.model) {
    const views = S.model.parameters();
    paramGrads = Float32Array.from(views, (p) => l2(p.grad));
    transfer.push(paramGrads.buffer);
    if (S.trainer.step > 0) {
      gradFlow = Float32Array.from(S.model.gradFlow());
      transfer.push(gradFlow.buffer);
    }
    // The probe costs T·H² per window in JS: keep it under a tenth of the time (big models refresh it less often).
    const now = performance.now();
    if (now - S.lastFlow >= S.flowEveryMs || !S.running) {
      gradLast = lastStepFlow(views);
      S.lastFlow = performance.now();
      S.flowEveryMs = Math.max(SNAPSHOT_MS, 10 * (S.lastFlow - now));
      if (gradLast) transfer.push(gradLast.buffer);
    }
    const view = views.find((p) => p.name === S.watch);
    if (view) {
      watched = { name: view.name, shape: view.shape, data: view.data.slice(), grad: view.grad.slice() };
      transfer.push(watched.data.buffer, watched.grad.buffer);
    }
  }
  post({
    type: 'snapshot',
    step: S.trainer ? S.trainer.step : 0,
    running: S.running,
    firstStep: S.pendingFirst,
    losses,
    val: S.pendingVal,
    gradNorm: S.lastStats?.gradNorm ?? NaN,
    clipEvents: S.lastStats?.clipEvents ?? 0,
    msPerStep: S.msPerStep,
    charsPerSec: S.charsPerSec,
    paramGrads,
    gradFlow,
    gradLast,
    watched,
  }, transfer);
  S.pendingLosses = [];
  S.pendingVal = [];
}

// ---- questions the views ask ------------------------------------------------------------------

function topK(probs, k = 10) {
  const order = Array.from(probs.keys()).sort((a, b) => probs[b] - probs[a]).slice(0, k);
  return order.map((id) => ({ token: S.tokens[id], p: probs[id] }));
}

/** Per-character surprisal in bits, -log2 P(c_t | c_<t), for t ≥ 1. */
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

function predict({ text }) {
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

function sample({ prime, temperature, seed, length }) {
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

function probe({ text }) {
  if (!S.model) throw new Error('the bigram has no hidden state: choose RNN, LSTM or GRU to look inside');
  const known = encodeKnown(text);
  const { dropped } = known;
  const ids = known.ids.slice(0, PROBE_CHARS);
  if (ids.length < 2) throw new Error('the probe text needs at least two characters the vocabulary knows');
  const states = S.model.hiddenStates(ids);
  const [T, H] = states.shape;
  const data = Float32Array.from(states.data);
  const cut = known.ids.length > PROBE_CHARS ? known.ids.length - PROBE_CHARS : 0;
  return { result: { chars: ids.map((id) => S.tokens[id]), T, H, states: data, dropped, cut }, transfer: [data.buffer] };
}

function bigramMatrix({ topN }) {
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
function gradCheck() {
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
  const errors = [];
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

// ---- save and load ----------------------------------------------------------------------------

function save() {
  if (!S.model) throw new Error('the bigram is rebuilt from the corpus in an instant; choose a neural model to save one');
  S.model.metadata = {
    ...S.model.metadata,
    'lmlab.vocab': JSON.stringify(S.vocab.toJSON()),
    'lmlab.settings': JSON.stringify(S.settings),
    'lmlab.corpus': S.corpusName,
  };
  const bytes = S.model.save(S.trainer);
  const copy = bytes.slice();
  return { result: { bytes: copy.buffer, step: S.trainer.step }, transfer: [copy.buffer] };
}

function load({ bytes, name }) {
  requireCorpus();
  const data = new Uint8Array(bytes);
  let model;
  try {
    model = lm.Model.load(data);
  } catch (err) {
    throw new Error(`${name} is not a model file this page can load: ${err.message}`);
  }
  let trainer = null;
  try {
    const meta = model.metadata ?? {};
    let savedVocab = null;
    if (meta['lmlab.vocab']) {
      try { savedVocab = JSON.parse(meta['lmlab.vocab']).tokens; } catch { savedVocab = null; }
    }
    if (!savedVocab || savedVocab.length !== S.tokens.length || savedVocab.some((t, i) => t !== S.tokens[i])) {
      const from = meta['lmlab.corpus'] ? ` (it was trained on the '${meta['lmlab.corpus']}' corpus)` : '';
      throw new Error(`${name} has a different vocabulary from the loaded corpus${from}: load that corpus first, then the model.`);
    }
    let settings = null;
    try { settings = JSON.parse(meta['lmlab.settings'] ?? 'null'); } catch { settings = null; }
    const merged = { ...S.settings, ...(settings ?? {}), model: model.config.cell, hidden: model.config.hidden, embed: model.config.embedding };
    trainer = new lm.Trainer(model, S.trainIds, trainOptions(merged));
    let note;
    try {
      trainer.restore(data);
    } catch (err) {
      note = `optimizer state not restored (${err.message}); training continues with a fresh optimizer`;
    }
    disposeModel();
    S.model = model;
    S.trainer = trainer;
    S.settings = merged;
    S.trainable = true;
    S.params = model.parameters().map(({ name: n, shape }) => ({ name: n, shape }));
    if (!S.params.some((p) => p.name === S.watch)) S.watch = pickDefaultWatch();
    resetStats();
    return { ...modelInfo(note), settings: merged };
  } catch (err) {
    trainer?.dispose();
    model.dispose();
    throw err;
  }
}

// ---- dispatch ---------------------------------------------------------------------------------

const handlers = {
  async init() {
    lm = await loadLmlab({ wasm: new URL('./lmlab.wasm', import.meta.url) });
    const cells = [];
    for (const cell of ['rnn', 'lstm', 'gru', 'window']) {
      try {
        lm.Model.create({ cell, vocabSize: 4, embedding: 2, hidden: 2, window: cell === 'window' ? 2 : 0, seed: 1 }).dispose();
        cells.push(cell);
      } catch { /* not built into this lmlab.wasm */ }
    }
    return { cells };
  },
  setCorpus,
  configure,
  run() {
    if (!S.trainer) throw new Error(S.model === null && S.settings?.model === 'bigram' ? 'the bigram is counted, not trained: choose RNN, LSTM or GRU to train' : 'no model to train');
    if (!S.running) {
      S.running = true;
      S.lastVal = performance.now();
      schedule();
    }
    return { step: S.trainer.step };
  },
  pause() {
    S.running = false;
    if (S.trainer) {
      evaluateValidation();
      postSnapshot();
    }
    return { step: S.trainer?.step ?? 0 };
  },
  step() {
    if (!S.trainer) throw new Error('no model to step');
    S.running = false;
    try {
      trainSteps(0, 1);
    } catch (err) {
      trainingFailed(err);
      return { step: S.trainer.step };
    }
    postSnapshot();
    return { step: S.trainer.step };
  },
  setLr({ lr }) {
    if (!(lr > 0) || !Number.isFinite(lr)) throw new Error(`learning rate must be a positive number, got ${lr}`);
    if (S.settings) S.settings.lr = lr;
    S.trainer?.setLearningRate(lr);
    return {};
  },
  watch({ param }) {
    S.watch = param;
    if (S.model) postSnapshot();
    return {};
  },
  sample,
  predict,
  probe,
  bigramMatrix,
  gradCheck,
  save,
  load,
  evaluate() {
    evaluateValidation();
    postSnapshot();
    return {};
  },
  /** Test hook: make one weight NaN, so the next step exercises the non-finite refusal path. */
  debugPoison() {
    if (!S.model) throw new Error('no model to poison');
    S.model.parameters()[0].data[0] = NaN;
    return {};
  },
  debugCrash() {
    setTimeout(() => { throw new Error('the worker was told to crash (test hook)'); });
    return {};
  },
};

self.onmessage = async (event) => {
  const { id, type, ...payload } = event.data;
  const handler = handlers[type];
  try {
    if (!handler) throw new Error(`unknown request '${type}'`);
    if (!lm && type !== 'init') throw new Error('the worker is still loading lmlab.wasm');
    const out = await handler(payload);
    const { result, transfer } = out && 'transfer' in out ? out : { result: out, transfer: [] };
    post({ type: 'reply', id, ok: true, result }, transfer);
  } catch (err) {
    const fatal = err instanceof WebAssembly.RuntimeError || err instanceof RangeError;
    post({ type: 'reply', id, ok: false, error: err?.message ?? String(err), code: err?.code ?? 0 });
    if (fatal) {
      S.running = false;
      post({ type: 'fault', kind: 'fatal', message: `the WebAssembly instance failed (${err.message})` });
    }
  }
};
