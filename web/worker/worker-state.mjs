// worker-state.mjs — what the training worker holds, shared by its modules: the lmlab instance (one per
// worker), and one session per trainer a page's clients opened (its corpus, bigram, model and
// engine, the pending snapshot data and the cadences), so several trainers on a page share one worker;
// plus small helpers every part needs (posting, sentences, encoding known characters). No DOM. The
// page's side is web/kit/trainer.mjs; the settings schema is ../settings.mjs.

/** @typedef {import('lmlab').Lmlab} Lmlab */
/** @typedef {import('../protocol.mjs').WorkerMessage} WorkerMessage */

export const SNAPSHOT_MS = 100; // at most 10 snapshots per second per session
export const VAL_EVERY_MS = 1000; // validation loss cadence while running (longer for big models)

/** What the worker holds once, whatever the number of sessions. */
export const W = {
  /** @type {Lmlab | null} the WebAssembly instance (init) */
  lm: null,
  /** debugPoison / debugCrash allowed (the page was opened with ?testhooks=1) */
  testHooks: false,
  /** @type {Map<number, Session>} open sessions by id */
  sessions: new Map(),
};

/**
 * A fresh session: one trainer's corpus, model and training state.
 * @param {number} id the client's session number (every message about it carries it)
 */
export function createSession(id) {
  return {
    id,
    // ---- the corpus (setCorpus) ----
    /** the corpus's name, written into saved model files */
    corpusName: '',
    /** the whole text (kept: a change of level or tokenizer options re-encodes it) */
    text: '',
    /** @type {import('../protocol.mjs').TextStats | null} its statistics and probe excerpt (corpus-check.mjs) */
    textStats: /** @type {import('../protocol.mjs').TextStats | null} */ (null),
    /** the tokenizer settings the ids were made with (tokens.mjs tokenKey): 'char' or the word options */
    tokenKey: 'char',
    /** training tokens that are <unk> (word level) */
    unknownTokens: 0,
    /** @type {import('lmlab').Vocab | null} the tokens (characters or words) of the whole text */
    vocab: null,
    /** @type {string[]} the vocabulary's tokens by id */
    tokens: /** @type {string[]} */ ([]),
    /** @type {Map<string, number>} token → id */
    tokenIndex: new Map(),
    /** the first 90% of the text (all of it when too short to hold text out) */
    trainText: '',
    /** the held-out last 10% (or the whole text) */
    valText: '',
    /** @type {Int32Array | null} trainText as ids */
    trainIds: /** @type {Int32Array | null} */ (null),
    /** @type {Int32Array | null} valText as ids */
    valIds: /** @type {Int32Array | null} */ (null),
    /** @type {Int32Array[] | null} batching 'sentences': the held-out sentences validation scores (a slice) */
    valSentences: /** @type {Int32Array[] | null} */ (null),
    /** false: the text is too short to hold text out, validation uses the training text */
    heldOut: true,
    /** @type {import('lmlab').Bigram | null} counted on trainText, add-one smoothed */
    bigram: /** @type {import('lmlab').Bigram | null} */ (null),
    /** the bigram's loss on valText */
    bigramLoss: NaN,
    /** @type {import('lmlab').EvalResult} the bigram on valText: loss, perplexity, bits per token */
    bigramEval: /** @type {import('lmlab').EvalResult} */ ({
      loss: NaN,
      perplexity: NaN,
      bitsPerToken: NaN,
      tokens: 0,
    }),

    // ---- the model (configure, load) ----
    /** @type {import('../settings.mjs').Settings | null} the complete settings the model was built from */
    settings: /** @type {import('../settings.mjs').Settings | null} */ (null),
    /** @type {import('lmlab').Model | null} null for the bigram */
    model: /** @type {import('lmlab').Model | null} */ (null),
    /** @type {import('./engine.mjs').Engine | null} trains the model */
    engine: /** @type {import('./engine.mjs').Engine | null} */ (null),
    /** a neural model is configured */
    trainable: false,
    /** @type {import('../protocol.mjs').ParamInfo[]} the model's parameter tensors */
    params: /** @type {import('../protocol.mjs').ParamInfo[]} */ ([]),

    // ---- training and what the next snapshot reports ----
    /** the training loop trains this session */
    running: false,
    /** stop once the step reaches this (0: no limit) */
    until: 0,
    /** at most this many steps per second (0: as fast as the slices allow) */
    speed: 0,
    /** the speed limit's clock: when it started and the steps taken since */
    paceStart: 0,
    paceSteps: 0,
    /** @type {Promise<unknown> | null} the engine call in flight (requests that replace the engine wait for it) */
    inflight: /** @type {Promise<unknown> | null} */ (null),
    /** the parameter snapshots carry (its name) */
    watch: '',
    /** @type {number[]} training losses since the last snapshot */
    pendingLosses: /** @type {number[]} */ ([]),
    /** step of pendingLosses[0] */
    pendingFirst: 0,
    /** @type {{ step: number, loss: number }[]} validation points since the last snapshot */
    pendingVal: /** @type {{ step: number, loss: number }[]} */ ([]),
    /** smoothed time per training step */
    msPerStep: 0,
    /** smoothed training characters per second */
    charsPerSec: 0,
    /** @type {import('lmlab').StepStats | null} the last step's statistics */
    lastStats: /** @type {import('lmlab').StepStats | null} */ (null),

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
  };
}
/** @typedef {ReturnType<typeof createSession>} Session */

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
 * Ids of the characters the session's vocabulary knows; the others are reported (each once), not guessed.
 * @param {Session} s @param {string} text
 * @returns {{ ids: number[], dropped: string }}
 */
export function encodeKnown(s, text) {
  const ids = [];
  let dropped = '';
  for (const ch of text) {
    const id = s.tokenIndex.get(ch);
    if (id === undefined) {
      if (!dropped.includes(ch)) dropped += ch;
    } else ids.push(id);
  }
  return { ids, dropped };
}

/** Throws the sentence a page shows when a question comes before any corpus. @param {Session} s */
export function requireCorpus(s) {
  if (!s.vocab) throw new Error('load a corpus first');
}

/** Euclidean norm of an array. @param {ArrayLike<number>} array */
export function l2(array) {
  let sum = 0;
  for (let i = 0; i < array.length; i++) sum += array[i] * array[i];
  return Math.sqrt(sum);
}

/**
 * The k most probable tokens of a (V,) distribution.
 * @param {Session} s @param {ArrayLike<number>} probs @param {number} [k]
 * @returns {import('../protocol.mjs').TokenProb[]}
 */
export function topK(s, probs, k = 10) {
  const order = Array.from({ length: probs.length }, (_, i) => i)
    .sort((a, b) => probs[b] - probs[a])
    .slice(0, k);
  return order.map((id) => ({ token: s.tokens[id], p: probs[id] }));
}

/** Softmax of one row of scores, stable (max subtracted). @param {ArrayLike<number>} scores */
export function softmax(scores) {
  let max = -Infinity;
  for (let i = 0; i < scores.length; i++) if (scores[i] > max) max = scores[i];
  const out = new Float64Array(scores.length);
  let sum = 0;
  for (let i = 0; i < scores.length; i++) {
    out[i] = Math.exp(scores[i] - max);
    sum += out[i];
  }
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}
