// worker-state.mjs — what the training worker holds, shared by its modules: the lmlab instance, the
// corpus (text, ids, vocabulary, bigram), the model and trainer, the pending snapshot data and the
// cadences; plus small helpers every part needs (posting, sentences, encoding known characters).
// No DOM. The page's own state is in app.mjs; the page's settings schema in ../settings.mjs.

/** @typedef {import('lmlab').Lmlab} Lmlab */
/** @typedef {import('../protocol.mjs').WorkerMessage} WorkerMessage */

export const SNAPSHOT_MS = 100;      // at most 10 snapshots per second
export const VAL_EVERY_MS = 1000;    // validation loss cadence while running (longer for big models)

/** Everything the worker holds; replaced piece by piece, disposed explicitly. */
export const S = {
  /** @type {Lmlab | null} the WebAssembly instance (init) */
  lm: null,

  // ---- the corpus (setCorpus) ----
  /** the corpus's name, written into saved model files */
  corpusName: '',
  /** @type {import('lmlab').Vocab | null} characters of the whole text */
  vocab: null,
  /** @type {string[]} the vocabulary's tokens by id */
  tokens: [],
  /** @type {Map<string, number>} token → id */
  tokenIndex: new Map(),
  /** the first 90% of the text (all of it when too short to hold text out) */
  trainText: '',
  /** the held-out last 10% (or the whole text) */
  valText: '',
  /** @type {Int32Array | null} trainText as ids */
  trainIds: null,
  /** @type {Int32Array | null} valText as ids */
  valIds: null,
  /** false: the text is too short to hold text out, validation uses the training text */
  heldOut: true,
  /** @type {import('lmlab').Bigram | null} counted on trainText, add-one smoothed */
  bigram: null,
  /** the bigram's loss on valText */
  bigramLoss: NaN,

  // ---- the model (configure, load) ----
  /** @type {import('../settings.mjs').Settings | null} the page's settings the model was built from */
  settings: null,
  /** @type {import('lmlab').Model | null} null for the bigram */
  model: null,
  /** @type {import('lmlab').Trainer | null} */
  trainer: null,
  /** a neural model is configured */
  trainable: false,
  /** @type {import('../protocol.mjs').ParamInfo[]} the model's parameter tensors */
  params: [],

  // ---- training and what the next snapshot reports ----
  /** the training loop is scheduled */
  running: false,
  /** the parameter snapshots carry (its name) */
  watch: '',
  /** @type {number[]} training losses since the last snapshot */
  pendingLosses: [],
  /** step of pendingLosses[0] */
  pendingFirst: 0,
  /** @type {{ step: number, loss: number }[]} validation points since the last snapshot */
  pendingVal: [],
  /** smoothed time per training step */
  msPerStep: 0,
  /** smoothed training characters per second */
  charsPerSec: 0,
  /** @type {import('lmlab').StepStats | null} the last step's statistics */
  lastStats: null,

  // ---- cadences (performance.now() times, ms) ----
  lastSnapshot: 0,
  lastVal: 0,
  /** validation interval: at least VAL_EVERY_MS, ten times its cost for big models */
  valEveryMs: VAL_EVERY_MS,
  /** the next step of the geometric validation schedule */
  nextValStep: 0,
  /** what the last validation took */
  valCostMs: 0,
  /** when the last-step gradient probe last ran */
  lastFlow: 0,
  /** its interval: ten times its cost, at least SNAPSHOT_MS */
  flowEveryMs: SNAPSHOT_MS,

  /** debugPoison / debugCrash allowed (the page was opened with ?testhooks=1) */
  testHooks: false,
};

/**
 * Post a message to the page (its buffers in `transfer` move rather than copy).
 * @param {WorkerMessage} message @param {Transferable[]} [transfer]
 */
export const post = (message, transfer = []) => self.postMessage(message, { transfer });

/** A message as a sentence: capitalised, ending with a full stop. @param {string} text */
export const sentence = (text) => {
  const t = String(text).trim();
  return t.charAt(0).toUpperCase() + t.slice(1) + (/[.!?]$/.test(t) ? '' : '.');
};

/**
 * Ids of the characters the vocabulary knows; the others are reported (each once), not guessed.
 * @param {string} text
 * @returns {{ ids: number[], dropped: string }}
 */
export function encodeKnown(text) {
  const ids = [];
  let dropped = '';
  for (const ch of text) {
    const id = S.tokenIndex.get(ch);
    if (id === undefined) { if (!dropped.includes(ch)) dropped += ch; } else ids.push(id);
  }
  return { ids, dropped };
}

/** Throws the sentence the page shows when a question comes before any corpus. */
export function requireCorpus() {
  if (!S.vocab) throw new Error('load a corpus first');
}

/** Euclidean norm of an array. @param {ArrayLike<number>} array */
export function l2(array) {
  let sum = 0;
  for (let i = 0; i < array.length; i++) sum += array[i] * array[i];
  return Math.sqrt(sum);
}

/**
 * The k most probable tokens of a (V,) distribution.
 * @param {Float32Array | Float64Array} probs @param {number} [k]
 * @returns {import('../protocol.mjs').TokenProb[]}
 */
export function topK(probs, k = 10) {
  const order = Array.from(probs.keys()).sort((a, b) => probs[b] - probs[a]).slice(0, k);
  return order.map((id) => ({ token: S.tokens[id], p: probs[id] }));
}
