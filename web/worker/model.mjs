// model.mjs — the worker's corpus and model lifecycle: split and encode a corpus, count its bigram,
// build a model and trainer from the page's settings, evaluate the held-out loss, save the model
// file and load one back (refusing a bad file without touching the current model).
import { S, VAL_EVERY_MS, requireCorpus } from './worker-state.mjs';
import { postSnapshot } from './snapshot.mjs';

/** @typedef {import('../protocol.mjs').Requests} Requests */
/** @typedef {import('../settings.mjs').Settings} Settings */

const VAL_TOKENS = 6000;      // validation subset (the same tokens every time)
const HELD_OUT_MIN = 2000;    // smaller corpora are trained and validated on the whole text

/** Split at 90% of the text, never inside a surrogate pair. @param {string} text */
function splitPoint(text) {
  let cut = Math.floor(text.length * 0.9);
  const code = text.charCodeAt(cut);
  if (code >= 0xdc00 && code <= 0xdfff) cut++;
  return cut;
}

/** Free the model and its trainer (the bigram stays: it belongs to the corpus). */
export function disposeModel() {
  S.running = false;
  S.trainer?.dispose();
  S.model?.dispose();
  S.trainer = null;
  S.model = null;
  S.params = [];
}

/**
 * Make `text` the corpus: split, encode, count the bigram; the old corpus and model are freed only
 * once the new one is built.
 * @param {Requests['setCorpus']['payload']} payload
 * @returns {Requests['setCorpus']['result']}
 */
export function setCorpus({ name, text }) {
  const vocab = S.lm.Vocab.build(text, { level: 'char' });
  let bigram = null;
  try {
    const heldOut = text.length >= HELD_OUT_MIN;
    const cut = heldOut ? splitPoint(text) : text.length;
    const trainText = text.slice(0, cut);
    const valText = heldOut ? text.slice(cut) : text;
    const trainIds = vocab.encode(trainText);
    const valIds = vocab.encode(valText);
    bigram = S.lm.Bigram.train(vocab, trainText, { k: 1 });
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

/**
 * The trainer's options for the page's settings.
 * @param {Settings} settings
 * @returns {import('lmlab').TrainOptions}
 */
export function trainOptions(settings) {
  return {
    batch: settings.batch, seq: settings.seq, optimizer: settings.opt, lr: settings.lr,
    clip: settings.clip, clipMode: settings.clipMode, seed: settings.seed,
  };
}

/**
 * What the page is told about the current model (the bigram when there is none).
 * @param {string} [note] what loading a file could not restore
 * @returns {import('../protocol.mjs').ModelInfo}
 */
export function modelInfo(note) {
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

/** Forget the pending snapshot data and the speed averages (a new or reloaded model). */
export function resetStats() {
  S.pendingLosses = [];
  S.pendingFirst = S.trainer ? S.trainer.step + 1 : 1;
  S.pendingVal = [];
  S.msPerStep = 0;
  S.charsPerSec = 0;
  S.lastStats = null;
}

/**
 * Build the model and trainer for `settings` (a reset from the seed); the bigram needs neither.
 * @param {Requests['configure']['payload']} payload
 * @returns {Requests['configure']['result']}
 */
export function configure({ settings }) {
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
  const model = S.lm.Model.create(config);
  let trainer;
  try {
    trainer = new S.lm.Trainer(model, S.trainIds, trainOptions(settings));
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

/** The validation loss now, queued for the next snapshot; sets when the next one is due. */
export function evaluateValidation() {
  if (!S.trainer) return;
  const { ids, batch, seq } = validationSlice();
  const t0 = performance.now();
  const result = S.trainer.evaluate(ids, { batch, seq });
  S.lastVal = performance.now();
  // Big models evaluate slowly: keep validation under a tenth of the training time.
  S.valCostMs = S.lastVal - t0;
  S.valEveryMs = Math.max(VAL_EVERY_MS, 10 * S.valCostMs);
  // Early on the loss falls fastest: also validate on a geometric step schedule (10, 22, 38, …), so
  // the curve's start is not one straight segment when a small model runs hundreds of steps a second.
  S.nextValStep = Math.ceil(S.trainer.step * 1.25) + 10;
  S.pendingVal.push({ step: S.trainer.step, loss: result.loss });
}

/**
 * The model file: weights, optimizer state, vocabulary, settings and corpus name.
 * @returns {{ result: Requests['save']['result'], transfer: Transferable[] }}
 */
export function save() {
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

/**
 * Replace the model with the one in a model file; a bad file or another vocabulary is refused with a
 * sentence and the current model is kept.
 * @param {Requests['load']['payload']} payload
 * @returns {Requests['load']['result']}
 */
export function load({ bytes, name }) {
  requireCorpus();
  const data = new Uint8Array(bytes);
  let model;
  try {
    model = S.lm.Model.load(data);
  } catch (err) {
    throw new Error(`${name} is not a model file this page can load: ${err.message}`);
  }
  let trainer = null;
  try {
    const meta = model.metadata ?? {};
    /** @type {string[] | null} the tokens of the vocabulary the file was trained with */
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
    const { cell, hidden, embedding, layers, window } = model.config;
    const merged = { ...S.settings, ...(settings ?? {}), model: cell, hidden, embed: embedding, layers: layers ?? 1 };
    if (cell === 'window') merged.window = window;
    trainer = new S.lm.Trainer(model, S.trainIds, trainOptions(merged));
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
