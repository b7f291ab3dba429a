// model.mjs — a session's corpus and model lifecycle: split and encode a corpus, count its bigram,
// build a model and its training engine from settings (completed and checked here: a client may send
// only the fields it cares about), evaluate the held-out loss, save the model file and load one back
// (refusing a bad file without touching the current model).
import { resolveSettings } from '../settings.mjs';
import { checkCorpus } from '../corpus-check.mjs';
import { createEngine } from './engine.mjs';
import { W, VAL_EVERY_MS, requireCorpus } from './worker-state.mjs';
import { encodeCorpus, tokenKey } from './tokens.mjs';
import { postSnapshot } from './snapshot.mjs';

/** @typedef {import('../protocol.mjs').Requests} Requests */
/** @typedef {import('../settings.mjs').Settings} Settings */
/** @typedef {import('./worker-state.mjs').Session} Session */

const VAL_TOKENS = 6000; // validation subset (the same tokens every time)
// A word vocabulary makes every token's softmax V wide: validate on fewer tokens then, so one
// validation stays near 2·10⁸ multiply-adds of the output layer (about 0.1–0.3 s in WASM).
const VAL_WORK = 2e8;
const VAL_TOKENS_MIN = 500;
export const HELD_OUT_MIN = 2000; // shorter texts are trained and validated on the whole text

/**
 * Free the model and its engine (the bigram stays: it belongs to the corpus). Waits for an engine call
 * in flight, so a multi-core engine is never disposed under its helpers.
 * @param {Session} s
 */
export async function disposeModel(s) {
  s.running = false;
  if (s.inflight) await s.inflight.catch(() => {});
  s.engine?.dispose();
  s.model?.dispose();
  s.engine = null;
  s.model = null;
  s.valSentences = null;
  s.params = [];
}

/**
 * Make a text the session's corpus: checked by the page's rules (../corpus-check.mjs: a file's bytes
 * or a string; a refusal names `label`), split, encoded, its bigram counted; the old corpus and model
 * are freed only once the new one is built. The reply carries the text's statistics and probe
 * excerpt, so the page never needs the whole text on its main thread.
 * @param {Session} s @param {Requests['setCorpus']['payload']} payload
 * @returns {Promise<Requests['setCorpus']['result']>}
 */
export async function setCorpus(s, { name, text, bytes, label }) {
  const what = String(label ?? name ?? 'The text').slice(0, 200);
  let input;
  if (bytes instanceof ArrayBuffer) input = new Uint8Array(bytes);
  else if (typeof text === 'string') input = text;
  else throw new Error('setCorpus needs a text (a string) or the bytes of one (an ArrayBuffer of UTF-8)');
  const checked = checkCorpus(input, what);
  const lm = /** @type {import('lmlab').Lmlab} */ (W.lm);
  // the tokens of the last configure (characters before any): configure re-encodes when they change
  const encoded = encodeCorpus(lm, checked.text, s.settings, HELD_OUT_MIN);
  await disposeModel(s);
  adoptCorpus(s, encoded);
  s.corpusName = String(name ?? '').slice(0, 80);
  s.text = checked.text;
  s.textStats = checked.stats;
  return corpusInfo(s);
}

/**
 * Make an encoded corpus the session's (freeing the old vocabulary and bigram).
 * @param {Session} s @param {ReturnType<typeof encodeCorpus>} encoded
 */
function adoptCorpus(s, encoded) {
  s.bigram?.dispose();
  s.vocab?.dispose();
  const { vocab, bigram, trainText, valText, trainIds, valIds, heldOut, evaluation, tokens, unknown, key } = encoded;
  Object.assign(s, { vocab, bigram, trainText, valText, trainIds, valIds, heldOut, tokens });
  s.bigramLoss = evaluation.loss;
  s.bigramEval = evaluation;
  s.tokenKey = key;
  s.unknownTokens = unknown;
  s.tokenIndex = new Map(s.tokens.map((token, id) => [token, id]));
}

/**
 * Count the bigram again with add-k smoothing k (the vocabulary and ids stay); k = 0 leaves the pairs
 * training never saw at probability 0, so the held-out loss can be infinite.
 * @param {Session} s @param {number} k
 */
export function recountBigram(s, k) {
  requireCorpus(s);
  if (!(typeof k === 'number' && Number.isFinite(k) && k >= 0 && k <= 100))
    throw new Error(`the bigram's add-k must be a number from 0 to 100, got ${k}`);
  const lm = /** @type {import('lmlab').Lmlab} */ (W.lm);
  const bigram = lm.Bigram.train(/** @type {import('lmlab').Vocab} */ (s.vocab), s.trainText, { k });
  s.bigram?.dispose();
  s.bigram = bigram;
  s.bigramEval = bigram.evaluate(s.valText);
  s.bigramLoss = s.bigramEval.loss;
  if (s.settings) s.settings.addK = k;
  return corpusInfo(s);
}

/**
 * The corpus as the session has encoded it (the reply to setCorpus; configure's too, in ModelInfo).
 * @param {Session} s @returns {import('../protocol.mjs').CorpusInfo}
 */
export function corpusInfo(s) {
  const vocab = /** @type {import('lmlab').Vocab} */ (s.vocab);
  const trainIds = /** @type {Int32Array} */ (s.trainIds);
  const valIds = /** @type {Int32Array} */ (s.valIds);
  const evaluation = s.bigramEval;
  return {
    chars: s.text.length,
    level: vocab.level,
    vocabSize: vocab.size,
    trainTokens: trainIds.length,
    valTokens: valIds.length,
    unknownRate: trainIds.length ? s.unknownTokens / trainIds.length : 0,
    k: /** @type {import('lmlab').Bigram} */ (s.bigram).k,
    heldOut: s.heldOut,
    bigram: { loss: evaluation.loss, perplexity: evaluation.perplexity, bitsPerToken: evaluation.bitsPerToken },
    text: /** @type {import('../protocol.mjs').TextStats} */ (s.textStats),
  };
}

/**
 * What the page is told about the session's model (the bigram when there is none).
 * @param {Session} s @param {string} [note] what loading a file could not restore
 * @returns {import('../protocol.mjs').ModelInfo}
 */
export function modelInfo(s, note) {
  const settings = /** @type {Settings} */ (s.settings);
  const kind = s.model ? s.model.config.cell : 'bigram';
  const vocab = /** @type {import('lmlab').Vocab} */ (s.vocab);
  return {
    kind,
    config: {
      vocabSize: vocab.size,
      hidden: settings.hidden,
      embed: settings.embed,
      layers: settings.layers,
      window: settings.window,
      gru: settings.gru,
    },
    parameterCount: s.model ? s.model.parameterCount : vocab.size * vocab.size,
    params: s.params.map(({ name, shape }) => ({ name, shape })),
    step: s.engine ? s.engine.step : 0,
    trainable: s.trainable,
    bigramLoss: s.bigramLoss,
    layout: s.engine ? { ...s.engine.layout, heldOut: s.heldOut, trainTokens: s.trainIds?.length ?? 0 } : null,
    threads: s.engine ? s.engine.threads : 0,
    ...(s.engine?.threadNote ? { threadNote: s.engine.threadNote } : {}),
    settings: { ...settings },
    corpus: corpusInfo(s),
    note,
    vectors: s.vectors ? { ...s.vectors.info } : null,
  };
}

/** Forget the pending snapshot data and the speed averages (a new or reloaded model). @param {Session} s */
export function resetStats(s) {
  s.pendingLosses = [];
  s.pendingFirst = s.engine ? s.engine.step + 1 : 1;
  s.pendingVal = [];
  s.msPerStep = 0;
  s.charsPerSec = 0;
  s.lastStats = null;
  s.until = 0;
}

/**
 * Build the model and engine for these settings (a reset from the seed); the bigram needs neither.
 * The settings are an open object: missing fields get their defaults, each given one is checked.
 * @param {Session} s @param {Requests['configure']['payload']} payload
 * @returns {Promise<Requests['configure']['result']>}
 */
export async function configure(s, { settings: given }) {
  requireCorpus(s);
  const { settings, notes } = resolveSettings(given ?? {});
  const lm = /** @type {import('lmlab').Lmlab} */ (W.lm);
  await disposeModel(s);
  if (tokenKey(settings) !== s.tokenKey) adoptCorpus(s, encodeCorpus(lm, s.text, settings, HELD_OUT_MIN));
  else if (/** @type {import('lmlab').Bigram} */ (s.bigram).k !== settings.addK) recountBigram(s, settings.addK);
  s.settings = settings;
  s.trainable = false;
  if (settings.model === 'bigram') {
    await applyStoredVectors(s); // not applied: says why
    resetStats(s);
    return modelInfo(s, notes.join('; ') || undefined);
  }
  /** @type {import('lmlab').ModelConfig} */
  const config = {
    cell: settings.model,
    vocabSize: /** @type {import('lmlab').Vocab} */ (s.vocab).size,
    embedding: settings.embed,
    hidden: settings.hidden,
    layers: settings.layers,
    window: settings.model === 'window' ? settings.window : 0,
    seed: settings.seed,
    ...(settings.model === 'gru' ? { gruVariant: settings.gru } : {}),
    ...(settings.initScale !== 1 ? { initScale: settings.initScale } : {}),
    ...(settings.gain > 0 && settings.model !== 'window' ? { recurrentGain: settings.gain } : {}),
    ...(settings.model === 'lstm' && settings.forgetBias !== 1 ? { forgetBias: settings.forgetBias } : {}),
  };
  const model = lm.Model.create(config);
  let engine;
  try {
    const vocab = /** @type {import('lmlab').Vocab} */ (s.vocab);
    const trainSentences = settings.batching === 'sentences' ? vocab.trainingSentences(s.trainText) : null;
    engine = await createEngine(lm, {
      model,
      trainIds: /** @type {Int32Array} */ (s.trainIds),
      trainSentences,
      settings,
    });
  } catch (err) {
    model.dispose();
    throw err;
  }
  s.model = model;
  s.engine = engine;
  s.trainable = true;
  s.valSentences = validationSentences(s, settings);
  s.params = model.parameters().map(({ name, shape }) => ({ name, shape }));
  if (!s.params.some((p) => p.name === s.watch)) s.watch = pickDefaultWatch(s);
  await applyStoredVectors(s); // pre-trained vectors the page loaded start every rebuilt model that fits them
  resetStats(s);
  evaluateValidation(s);
  postSnapshot(s);
  return modelInfo(s, notes.join('; ') || undefined);
}

/**
 * Set the word vectors the page loaded (if any) into a model just built; their module loads only
 * once there are some (worker/embeddings.mjs, a chunk of its own in the built site).
 * @param {Session} s
 */
async function applyStoredVectors(s) {
  if (s.vectors) (await import('./embeddings.mjs')).applyStoredVectors(s);
}

/** The recurrent weight matrix is the most telling one to watch first. @param {Session} s */
function pickDefaultWatch(s) {
  const names = s.params.map((p) => p.name);
  return names.find((n) => /weight_hh/.test(n)) ?? s.params.find((p) => p.shape.length === 2)?.name ?? names[0] ?? '';
}

/** The most held-out tokens one validation scores (a big softmax scores fewer). @param {Session} s @param {Settings} settings */
function validationTokens(s, settings) {
  const V = s.vocab?.size ?? 1;
  return Math.max(VAL_TOKENS_MIN, Math.min(VAL_TOKENS, Math.floor(VAL_WORK / (V * settings.hidden))));
}

/**
 * Batching 'sentences': the first held-out sentences (about validationTokens of them), which validation
 * scores each from a zero state, as the model trains; null for streams.
 * @param {Session} s @param {Settings} settings
 */
function validationSentences(s, settings) {
  if (settings.batching !== 'sentences') return null;
  const all = /** @type {import('lmlab').Vocab} */ (s.vocab).trainingSentences(s.valText);
  const most = validationTokens(s, settings);
  const out = [];
  for (let i = 0, n = 0; i < all.length && n < most; i++) {
    out.push(all[i]);
    n += all[i].length;
  }
  return out.some((x) => x.length >= 2) ? out : null;
}

/** @param {Session} s */
function validationSlice(s) {
  const { seq } = /** @type {Settings} */ (s.settings);
  const valIds = /** @type {Int32Array} */ (s.valIds);
  const most = validationTokens(s, /** @type {Settings} */ (s.settings));
  const ids = valIds.length > most ? valIds.subarray(0, most) : valIds;
  const batch = Math.max(1, Math.min(8, Math.floor((ids.length - 1) / (seq + 1))));
  const useSeq = Math.max(1, Math.min(seq, ids.length - 1));
  return { ids, batch, seq: useSeq };
}

/** The validation loss now, queued for the next snapshot; sets when the next one is due. @param {Session} s */
export function evaluateValidation(s) {
  if (!s.engine || !s.model) return;
  const { ids, batch, seq } = validationSlice(s);
  const t0 = performance.now();
  // sentences are scored as they are trained, each from a zero state; streams with the state carried
  const result = s.valSentences ? s.model.evaluateSentences(s.valSentences) : s.model.evaluate(ids, { batch, seq });
  s.lastVal = performance.now();
  // Big models evaluate slowly: keep validation under a tenth of the training time.
  s.valCostMs = s.lastVal - t0;
  s.valEveryMs = Math.max(VAL_EVERY_MS, 10 * s.valCostMs);
  // Early on the loss falls fastest: also validate on a geometric step schedule (10, 22, 38, …), so
  // the curve's start is not one straight segment when a small model runs hundreds of steps a second.
  s.nextValStep = Math.ceil(s.engine.step * 1.25) + 10;
  s.pendingVal.push({ step: s.engine.step, loss: result.loss });
}

/**
 * The model file: weights, optimizer state, vocabulary, settings and corpus name.
 * @param {Session} s
 * @returns {Promise<{ result: Requests['save']['result'], transfer: Transferable[] }>}
 */
export async function save(s) {
  if (!s.model || !s.engine)
    throw new Error('the bigram is rebuilt from the corpus in an instant; choose a neural model to save one');
  if (s.inflight) await s.inflight.catch(() => {});
  s.model.metadata = {
    ...s.model.metadata,
    'lmlab.vocab': JSON.stringify(/** @type {import('lmlab').Vocab} */ (s.vocab).toJSON()),
    'lmlab.settings': JSON.stringify(s.settings),
    'lmlab.corpus': s.corpusName,
  };
  const bytes = s.engine.save();
  const copy = bytes.slice();
  return { result: { bytes: copy.buffer, step: s.engine.step }, transfer: [copy.buffer] };
}

/**
 * Replace the model with the one in a model file; a bad file or another vocabulary is refused with a
 * sentence and the current model is kept.
 * @param {Session} s @param {Requests['load']['payload']} payload
 * @returns {Promise<Requests['load']['result']>}
 */
export async function load(s, { bytes, name }) {
  requireCorpus(s);
  const lm = /** @type {import('lmlab').Lmlab} */ (W.lm);
  const data = new Uint8Array(bytes);
  let model;
  try {
    model = lm.Model.load(data);
  } catch (err) {
    throw new Error(`${name} is not a model file this page can load: ${err.message}`);
  }
  let engine = null;
  /** @type {ReturnType<typeof encodeCorpus> | null} the corpus at the file's tokens, when they differ */
  let encoded = null;
  try {
    const meta = model.metadata ?? {};
    /** @type {string[] | null} the tokens of the vocabulary the file was trained with */
    let savedVocab = null;
    /** @type {Record<string, unknown>} the tokenizer settings its vocabulary says it used */
    let savedTokens = {};
    if (meta['lmlab.vocab']) {
      try {
        const json = JSON.parse(meta['lmlab.vocab']);
        savedVocab = json.tokens;
        savedTokens =
          json.level === 'word'
            ? { level: 'word', lower: json.lowercase ? 1 : 0, ...(json.sentences ? { sentences: json.sentences } : {}) }
            : { level: 'char' };
      } catch {
        savedVocab = null;
      }
    }
    /** @type {Record<string, unknown>} the settings the file carries, each checked (a bad one is dropped) */
    let saved = {};
    try {
      saved = JSON.parse(meta['lmlab.settings'] ?? '{}') ?? {};
    } catch {
      saved = {};
    }
    const fromFile = Object.fromEntries(
      Object.entries(saved).filter(([key, value]) => {
        try {
          resolveSettings({ [key]: value });
          return true;
        } catch {
          return false;
        }
      }),
    );
    const { cell, hidden, embedding, layers, window, gruVariant } = model.config;
    const { settings } = resolveSettings({
      ...(s.settings ?? {}),
      ...fromFile,
      ...savedTokens,
      model: cell,
      hidden,
      embed: embedding,
      layers: layers ?? 1,
      ...(cell === 'window' ? { window } : {}),
      ...(cell === 'gru' && gruVariant ? { gru: gruVariant } : {}),
    });
    // A file made at another level (or with other word options) gets the corpus encoded its way first;
    // the session adopts that encoding only once the file is accepted.
    if (tokenKey(settings) !== s.tokenKey) encoded = encodeCorpus(lm, s.text, settings, HELD_OUT_MIN);
    const tokens = encoded ? encoded.tokens : s.tokens;
    if (!savedVocab || savedVocab.length !== tokens.length || savedVocab.some((t, i) => t !== tokens[i])) {
      const from = meta['lmlab.corpus'] ? ` (it was trained on the '${meta['lmlab.corpus']}' corpus)` : '';
      throw new Error(
        `${name} has a different vocabulary from the loaded corpus${from}: load that corpus first, then the model.`,
      );
    }
    const trainIds = /** @type {Int32Array} */ (encoded ? encoded.trainIds : s.trainIds);
    // Finite numbers can still make a non-finite model (huge weights overflow the scores): try it on
    // the held-out text before it replaces anything.
    const valIds = /** @type {Int32Array} */ (encoded ? encoded.valIds : s.valIds);
    let trial;
    try {
      trial = model.evaluate(valIds.subarray(0, Math.min(valIds.length, VAL_TOKENS_MIN)), { batch: 1 }).loss;
    } catch (err) {
      trial = err instanceof Error ? err.message : String(err);
    }
    if (typeof trial !== 'number' || !Number.isFinite(trial)) {
      const why = typeof trial === 'number' ? `held-out loss ${trial}` : trial;
      throw new Error(`${name} makes the model's predictions non-finite (${why}), so it was not loaded`);
    }
    const vocab = /** @type {import('lmlab').Vocab} */ (encoded ? encoded.vocab : s.vocab);
    const trainText = encoded ? encoded.trainText : s.trainText;
    const trainSentences = settings.batching === 'sentences' ? vocab.trainingSentences(trainText) : null;
    engine = await createEngine(lm, { model, trainIds, trainSentences, settings });
    let note;
    try {
      await engine.restore(data);
    } catch (err) {
      note = `optimizer state not restored (${err.message}); training continues with a fresh optimizer`;
    }
    await disposeModel(s);
    if (encoded) adoptCorpus(s, encoded);
    s.model = model;
    s.engine = engine;
    s.settings = settings;
    s.trainable = true;
    s.valSentences = validationSentences(s, settings);
    s.params = model.parameters().map(({ name: n, shape }) => ({ name: n, shape }));
    if (!s.params.some((p) => p.name === s.watch)) s.watch = pickDefaultWatch(s);
    if (s.vectors)
      s.vectors.info = {
        ...s.vectors.info,
        applied: false,
        why: `${name} brought its own embedding (Reset sets the vectors again)`,
      };
    resetStats(s);
    return modelInfo(s, note);
  } catch (err) {
    engine?.dispose();
    model.dispose();
    encoded?.bigram.dispose();
    encoded?.vocab.dispose();
    throw err;
  }
}
