// state.mjs — what the training worker holds, shared by its modules: the lmlab instance, the corpus
// (text, ids, vocabulary, bigram), the model and trainer, the pending snapshot data, the cadences;
// plus small helpers every part needs (posting, sentences, encoding known characters). No DOM.

export const SNAPSHOT_MS = 100;      // at most 10 snapshots per second
export const VAL_EVERY_MS = 1000;    // validation loss cadence while running (longer for big models)

/** Everything the worker holds; replaced piece by piece, disposed explicitly. */
export const S = {
  lm: null,
  corpusName: '', vocab: null, tokens: [], tokenIndex: new Map(), trainText: '', valText: '',
  trainIds: null, valIds: null, heldOut: true, bigram: null, bigramLoss: NaN,
  settings: null, model: null, trainer: null, trainable: false, params: [],
  running: false, watch: '', pendingLosses: [], pendingFirst: 0, pendingVal: [],
  msPerStep: 0, charsPerSec: 0, lastStats: null, lastSnapshot: 0, lastVal: 0, valEveryMs: VAL_EVERY_MS, nextValStep: 0, valCostMs: 0,
  lastFlow: 0, flowEveryMs: SNAPSHOT_MS,
  testHooks: false, // debugPoison / debugCrash allowed (the page was opened with ?testhooks=1)
};

/** @param {object} message @param {Transferable[]} [transfer] */
export const post = (message, transfer = []) => self.postMessage(message, transfer);

/** A message as a sentence: capitalised, ending with a full stop. @param {string} text */
export const sentence = (text) => {
  const t = String(text).trim();
  return t.charAt(0).toUpperCase() + t.slice(1) + (/[.!?]$/.test(t) ? '' : '.');
};

/** Ids of the characters the vocabulary knows; the others are reported, not guessed. */
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

/** Euclidean norm of an array. */
export function l2(array) {
  let sum = 0;
  for (let i = 0; i < array.length; i++) sum += array[i] * array[i];
  return Math.sqrt(sum);
}

/** The k most probable tokens of a (V,) distribution. */
export function topK(probs, k = 10) {
  const order = Array.from(probs.keys()).sort((a, b) => probs[b] - probs[a]).slice(0, k);
  return order.map((id) => ({ token: S.tokens[id], p: probs[id] }));
}
