// tokens.mjs — what a session's tokens are: characters, or the word tokenizer's words (lower-cased or
// not, rare ones → <unk>, sentences per line or cut after . ! ?). Encodes a corpus at the settings'
// level (the split, the ids, the bigram counted on the training part), and a user's text the way
// the views need it: characters the vocabulary lacks are skipped and named; at word level unknown
// words are read as <unk> (that is what <unk> is for) and named, and a text is one sentence after
// <s>. Tokens are joined with nothing (characters) or a space (words) when shown.
import { TOKEN_SETTINGS } from '../settings.mjs';

/** @typedef {import('../settings.mjs').Settings} Settings */
/** @typedef {import('./worker-state.mjs').Session} Session */

/**
 * The tokenizer's part of the settings, as one string: two settings with the same key give the same
 * vocabulary (the word options do not matter at character level).
 * @param {Pick<Settings, 'level' | 'lower' | 'minCount' | 'sentences'>} settings
 */
export function tokenKey(settings) {
  if (settings.level !== 'word') return 'char';
  return TOKEN_SETTINGS.map((key) => `${key}=${/** @type {Record<string, unknown>} */ (settings)[key]}`).join('&');
}

/**
 * The Vocab.build options of these settings.
 * @param {Pick<Settings, 'level' | 'lower' | 'minCount' | 'sentences'>} settings
 * @returns {import('lmlab').VocabOptions}
 */
export function vocabOptions(settings) {
  if (settings.level !== 'word') return { level: 'char' };
  return {
    level: 'word',
    lowercase: settings.lower === 1,
    minCount: settings.minCount,
    sentences: settings.sentences,
  };
}

/**
 * Where the held-out part starts: at 90% of the text, never inside a surrogate pair; at word level at
 * the start of the line there (a sentence per line is not cut in two when sentences are lines).
 * @param {string} text @param {'char' | 'word'} level
 */
export function splitPoint(text, level) {
  let cut = Math.floor(text.length * 0.9);
  const code = text.charCodeAt(cut);
  if (code >= 0xdc00 && code <= 0xdfff) cut++;
  if (level === 'word') {
    const line = text.lastIndexOf('\n', cut - 1) + 1;
    if (line > text.length * 0.5) cut = line;
  }
  return cut;
}

/**
 * Encode a corpus for these settings: the vocabulary of the whole text, the split, the ids and the
 * add-k bigram counted on the training part. The caller owns (and disposes) vocab and bigram; on a
 * failure nothing is left allocated.
 * @param {import('lmlab').Lmlab} lm @param {string} text
 * @param {Settings | null} settings null: characters
 * @param {number} heldOutMin shorter texts are trained and validated on the whole text
 */
export function encodeCorpus(lm, text, settings, heldOutMin) {
  const level = settings?.level === 'word' ? 'word' : 'char';
  const options = settings ? vocabOptions(settings) : { level: 'char' };
  const vocab = lm.Vocab.build(text, /** @type {import('lmlab').VocabOptions} */ (options));
  let bigram = null;
  try {
    const heldOut = text.length >= heldOutMin;
    const cut = heldOut ? splitPoint(text, level) : text.length;
    const trainText = text.slice(0, cut);
    const valText = heldOut ? text.slice(cut) : text;
    const trainIds = vocab.encode(trainText);
    const valIds = vocab.encode(valText);
    if (trainIds.length < 2)
      throw new Error(`the corpus has fewer than 2 ${level === 'word' ? 'words' : 'characters'}`);
    bigram = lm.Bigram.train(vocab, trainText, { k: settings?.addK ?? 1 });
    const evaluation = bigram.evaluate(valText);
    const tokens = vocab.tokens().slice();
    let unknown = 0;
    if (level === 'word' && vocab.unk >= 0) for (const id of trainIds) if (id === vocab.unk) unknown++;
    return {
      vocab,
      bigram,
      trainText,
      valText,
      trainIds,
      valIds,
      heldOut,
      evaluation,
      tokens,
      unknown,
      level,
      key: settings ? tokenKey(settings) : 'char',
    };
  } catch (err) {
    bigram?.dispose();
    vocab.dispose();
    throw err;
  }
}

/**
 * A user's text as ids of the session's vocabulary. Characters: the known ones (the others are
 * skipped and named in `dropped`). Words: <s> and the words of the text as one sentence (line breaks
 * and sentence ends inside it are kept as the tokenizer reads them), unknown words as <unk> and named
 * in `unknown`; `close` adds the final </s> (a whole sentence), else the ids end with the last word
 * (a context whose next word is asked for).
 * @param {Session} s @param {string} text @param {{ close?: boolean }} [options]
 * @returns {{ ids: number[], dropped: string, unknown: string[] }}
 */
export function encodeUserText(s, text, { close = false } = {}) {
  const vocab = /** @type {import('lmlab').Vocab} */ (s.vocab);
  if (vocab.level !== 'word') {
    const ids = [];
    let dropped = '';
    for (const ch of text) {
      const id = s.tokenIndex.get(ch);
      if (id === undefined) {
        if (!dropped.includes(ch)) dropped += ch;
      } else ids.push(id);
    }
    return { ids, dropped, unknown: [] };
  }
  /** @type {string[]} */
  const unknown = [];
  if (vocab.unk >= 0) {
    // name the unknown words: each white-space-separated piece alone, as the tokenizer reads it
    for (const piece of text.split(/\s+/u)) {
      if (!piece || unknown.length >= 20) continue;
      const pieceIds = vocab.encode(piece);
      if (pieceIds.includes(vocab.unk) && !unknown.includes(piece)) unknown.push(piece);
    }
  }
  const all = Array.from(vocab.encode(text));
  if (all.length === 0) return { ids: [], dropped: '', unknown };
  // every sentence comes padded <s> … </s>; a context drops the last </s>
  if (!close && all[all.length - 1] === vocab.eos) all.pop();
  return { ids: all, dropped: '', unknown };
}

/** How tokens are joined for reading: nothing between characters, a space between words. @param {Session} s */
export const tokenGap = (s) => (s.vocab?.level === 'word' ? ' ' : '');
