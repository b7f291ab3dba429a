// corpus-check.mjs — decide whether bytes are usable training text before they reach the worker:
// empty, too large for the page's memory budget, invalid UTF-8 or binary input each get one clear
// sentence naming the problem and the limit; good input comes back as a string with its statistics.
// Pure functions (no DOM, no WASM): the C core validates again at its own edge.
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

/** The one UTF-8 rule, shared with the CLI (wasm_glue/utf8.mjs). */
export { firstInvalidUtf8 };

/**
 * Check raw bytes and decode them. Throws CorpusError with a sentence for the page.
 * @param {Uint8Array} bytes @param {string} name what to call the input in messages ("notes.txt")
 * @returns {string}
 */
export function decodeCorpus(bytes, name) {
  if (bytes.length === 0) throw new CorpusError(`${name} is empty: give the model some text to learn from.`);
  if (bytes.length > MAX_CORPUS_BYTES) {
    throw new CorpusError(
      `${name} is ${formatBytes(bytes.length)}; the page holds at most ${formatBytes(MAX_CORPUS_BYTES)} of text in memory. Use an excerpt.`,
    );
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0)
    throw new CorpusError(
      `${name} looks like a binary file (a NUL byte at offset ${nul}), not text. Open a plain-text file.`,
    );
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) {
    throw new CorpusError(
      `${name} is not valid UTF-8 (first bad byte 0x${bytes[bad].toString(16).padStart(2, '0')} at offset ${bad}): is it binary, or in another encoding? Save it as UTF-8 plain text.`,
    );
  }
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  return checkText(text, name);
}

/**
 * Check text that is already a string (pasted). Throws CorpusError.
 * @param {string} text @param {string} name
 */
export function checkText(text, name) {
  if (text.length === 0) throw new CorpusError(`${name} is empty: give the model some text to learn from.`);
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text)) {
    throw new CorpusError(`${name} contains a broken surrogate pair and cannot be encoded as UTF-8.`);
  }
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > MAX_CORPUS_BYTES) {
    throw new CorpusError(
      `${name} is ${formatBytes(bytes)}; the page holds at most ${formatBytes(MAX_CORPUS_BYTES)} of text in memory. Use an excerpt.`,
    );
  }
  if (text.includes('\0')) throw new CorpusError(`${name} contains NUL characters; it looks binary, not text.`);
  const chars = [...text].length;
  if (chars < MIN_CORPUS_CHARS)
    throw new CorpusError(`${name} has ${chars} characters; give the model at least ${MIN_CORPUS_CHARS}.`);
  if (!/\S/.test(text)) throw new CorpusError(`${name} is only white space: give the model some text to learn from.`);
  return text;
}

/**
 * Size, vocabulary and the most frequent characters of a text.
 * @param {string} text @param {number} [top]
 * @returns {{ chars: number, bytes: number, vocabSize: number, top: { char: string, count: number }[] }}
 */
export function corpusStats(text, top = 12) {
  const counts = new Map();
  let chars = 0;
  for (const ch of text) {
    counts.set(ch, (counts.get(ch) ?? 0) + 1);
    chars++;
  }
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return {
    chars,
    bytes: new TextEncoder().encode(text).length,
    vocabSize: counts.size,
    top: sorted.slice(0, top).map(([char, count]) => ({ char, count })),
  };
}

/** How a character is shown in labels: visible stand-ins for space, newline and tab. @param {string} ch */
export function showChar(ch) {
  if (ch === ' ') return '␣';
  if (ch === '\n') return '⏎';
  if (ch === '\t') return '⇥';
  if (ch === '\r') return '␍';
  return ch;
}
