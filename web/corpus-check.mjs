// corpus-check.mjs — decide whether bytes are usable training text before they reach the worker:
// empty, too large for the page's memory budget, invalid UTF-8 or binary input each get one clear
// sentence naming the problem and the limit; good input comes back as a string with its statistics.
// Pure functions (no DOM, no WASM): the C core validates again at its own edge. The page runs them in
// the training worker (its 'checkCorpus' request), never on its main thread: they are linear in the
// text, but 32 MB of it is still a second or more. Each pass is a plain loop over code units (no
// array of characters, no Map per character), so 32 MB stays a few passes over memory.
import { firstInvalidUtf8 } from '../wasm_glue/utf8.mjs';
/** The largest text the page accepts: it keeps the text, its UTF-16 copy, ids (4 bytes per
 * character) and the model in one tab, and WebAssembly memory is capped at 2 GB. */
export const MAX_CORPUS_BYTES = 32 * 1024 * 1024;
/** A model needs at least one (previous, next) pair; whether a text fills a training window of the
 * chosen batch and length is the trainer's check, with its own message. */
export const MIN_CORPUS_CHARS = 2;

/** Input that is not usable training text; the message is the sentence the page shows. */
export class CorpusError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'CorpusError';
  }
}

/** @param {number} bytes */
export function formatBytes(bytes) {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The sentence for a text over the limit. @param {string} name @param {number} bytes */
export function tooLarge(name, bytes) {
  return `${name} is ${formatBytes(bytes)}; the page holds at most ${formatBytes(MAX_CORPUS_BYTES)} of text in memory. Use an excerpt.`;
}

/** The one UTF-8 rule, shared with the CLI (wasm_glue/utf8.mjs). */
export { firstInvalidUtf8 };

/**
 * Check raw bytes and decode them. Throws CorpusError with a sentence for the page.
 * @param {Uint8Array} bytes @param {string} name what to call the input in messages ("notes.txt")
 * @returns {string}
 */
export function decodeCorpus(bytes, name) {
  if (bytes.length > MAX_CORPUS_BYTES) throw new CorpusError(tooLarge(name, bytes.length));
  const nul = bytes.indexOf(0);
  if (nul >= 0)
    throw new CorpusError(
      `${name} looks like a binary file (a NUL byte at offset ${nul}), not text. Open a plain-text file.`,
    );
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // the decoder says only that it failed; the shared rule finds the byte (the same rules)
    const bad = Math.max(0, firstInvalidUtf8(bytes));
    throw new CorpusError(
      `${name} is not valid UTF-8 (first bad byte 0x${bytes[bad].toString(16).padStart(2, '0')} at offset ${bad}): is it binary, or in another encoding? Save it as UTF-8 plain text.`,
    );
  }
  return checkDecoded(text, name);
}

/**
 * Check text that is already a string (pasted). Throws CorpusError.
 * @param {string} text @param {string} name
 */
export function checkText(text, name) {
  if (!isWellFormed(text)) {
    throw new CorpusError(`${name} contains a broken surrogate pair and cannot be encoded as UTF-8.`);
  }
  const bytes = utf8Length(text);
  if (bytes > MAX_CORPUS_BYTES) throw new CorpusError(tooLarge(name, bytes));
  return checkDecoded(text, name);
}

/**
 * The checks left for a string that is well-formed and within the size limit (what a fatal UTF-8
 * decoder returns from checked bytes). Throws CorpusError.
 * @param {string} text @param {string} name
 */
function checkDecoded(text, name) {
  if (text.length === 0) throw new CorpusError(`${name} is empty: give the model some text to learn from.`);
  if (text.includes('\0')) throw new CorpusError(`${name} contains NUL characters; it looks binary, not text.`);
  const chars = text.length > MIN_CORPUS_CHARS ? MIN_CORPUS_CHARS : [...text].length; // a long text has enough
  if (chars < MIN_CORPUS_CHARS)
    throw new CorpusError(`${name} has ${chars} characters; give the model at least ${MIN_CORPUS_CHARS}.`);
  if (!/\S/.test(text)) throw new CorpusError(`${name} is only white space: give the model some text to learn from.`);
  return text;
}

/** No lone surrogate (String.prototype.isWellFormed: Chromium 111, Node 20). @param {string} text */
function isWellFormed(text) {
  return text.isWellFormed();
}

/** Bytes of a well-formed string in UTF-8, without encoding it (a pair's two units make 4). @param {string} text */
export function utf8Length(text) {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    n += c < 0x80 ? 1 : c < 0x800 || (c >= 0xd800 && c <= 0xdfff) ? 2 : 3;
  }
  return n;
}

/**
 * Size, vocabulary and the most frequent characters of a text. Counts UTF-16 code units in a table
 * (a pair is one character, counted by its code point beside it): a loop over the string, no
 * string per character.
 * @param {string} text @param {number} [top]
 * @returns {{ chars: number, bytes: number, vocabSize: number, top: { char: string, count: number }[], alphabet: string }}
 *   alphabet: every distinct character, the most frequent first
 */
export function corpusStats(text, top = 12) {
  const bmp = new Float64Array(0x10000); // counts of the characters below U+10000
  /** @type {Map<number, number>} characters above U+FFFF (surrogate pairs) */
  const astral = new Map();
  let pairs = 0;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        const cp = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
        astral.set(cp, (astral.get(cp) ?? 0) + 1);
        pairs++;
        bytes += 4;
        i++;
        continue;
      }
    }
    bmp[c]++;
    bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
  }
  /** @type {[string, number][]} */
  const counts = [];
  for (let c = 0; c < 0x10000; c++) if (bmp[c] > 0) counts.push([String.fromCharCode(c), bmp[c]]);
  for (const [cp, count] of astral) counts.push([String.fromCodePoint(cp), count]);
  const sorted = counts.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return {
    chars: text.length - pairs,
    bytes,
    vocabSize: counts.length,
    top: sorted.slice(0, top).map(([char, count]) => ({ char, count })),
    alphabet: sorted.map(([char]) => char).join(''),
  };
}

/**
 * A text checked and counted in one go: bytes (a file's) or a string (pasted, a link's); throws
 * CorpusError with the sentence. The training worker runs it on every corpus it is sent (setCorpus),
 * and answers with the statistics and the probe excerpt: the page never holds the whole text.
 * @param {Uint8Array | string} input @param {string} name what to call the input in messages
 */
export function checkCorpus(input, name) {
  const text = typeof input === 'string' ? checkText(input, name) : decodeCorpus(input, name);
  return { text, stats: { ...corpusStats(text), probe: defaultProbe(text) } };
}

/**
 * A probe excerpt from the held-out part of a text: starts at a line or sentence, about 100
 * characters (tiny texts: their beginning).
 * @param {string} text the corpus
 */
export function defaultProbe(text) {
  const from = Math.floor(text.length * 0.92);
  let start = text.indexOf('\n', from);
  if (start < 0 || start > from + 400) start = from;
  let excerpt = text.slice(start + 1, start + 1 + 160);
  if (excerpt.trim().length < 20) excerpt = text.slice(0, 160);
  return [...excerpt].slice(0, 100).join('').replace(/\s+$/, '');
}

/** How a character is shown in labels: visible stand-ins for space, newline and tab. @param {string} ch */
export function showChar(ch) {
  if (ch === ' ') return '␣';
  if (ch === '\n') return '⏎';
  if (ch === '\t') return '⇥';
  if (ch === '\r') return '␍';
  return ch;
}
