// seq2seq-data.mjs — (source, target) pairs for sequence-to-sequence training, with no WebAssembly in it:
// the built-in synthetic tasks (reverse a string, sort its letters, rewrite a date as ISO 8601), generated
// deterministically from a seed; train/test splits whose source lengths the learner chooses (the test set
// may be longer than anything seen in training) and whose test sources never occur in training; the
// reader of a user's pairs file (one `source<TAB>target` per line, UTF-8), which names every bad line;
// and char- or word-level tokenization. Imported by the Seq2Seq glue, the CLI, the benchmark and the page.

import { decodeStrictUtf8 } from './utf8.mjs';

/** The built-in tasks. `lengths` is the default [min, max] source length in characters. */
export const TASKS = Object.freeze({
  reverse: Object.freeze({
    description: 'a random string of lowercase letters → the same letters backwards',
    lengths: Object.freeze([5, 25]),
    alphabet: 'abcdefghijklmnopqrstuvwxyz',
  }),
  sort: Object.freeze({
    description: 'a random string of lowercase letters → its letters in alphabetical order',
    lengths: Object.freeze([5, 25]),
    alphabet: 'abcdefghijklmnopqrstuvwxyz',
  }),
  dates: Object.freeze({
    description: 'a date between 1950 and 2049 in one of 8 styles (e.g. "21 November 2026") → 2026-11-21',
    lengths: null, // the styles set the length; length options do not apply
    alphabet: null,
  }),
});

const MAX_LENGTH = 1000; // the C core's LM_S2S_MAX_LEN is 1024 ids, with room for </s>

/** Throw an Error whose message is one sentence naming the problem. @param {string} message @returns {never} */
function fail(message) {
  throw new RangeError(message);
}

/**
 * A small deterministic generator (Mulberry32 over a 32-bit state): the same seed gives the same pairs
 * in Node and in every browser. @param {number} seed a whole number
 */
export function createRandom(seed) {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    fail(`seed must be a whole number from 0 to 4294967295, got ${seed}`);
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return (z ^ (z >>> 14)) >>> 0;
  };
  /** a whole number in [0, n) */
  const below = (n) => Math.floor((next() / 4294967296) * n);
  return { next, below };
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const pad2 = (n) => String(n).padStart(2, '0');

/** The input styles of the dates task, each (year, month 1-12, day, weekday 0-6) → text. */
export const DATE_STYLES = Object.freeze([
  (y, m, d) => `${d} ${MONTHS[m - 1]} ${y}`, // 21 November 2026
  (y, m, d) => `${MONTHS[m - 1]} ${d}, ${y}`, // November 21, 2026
  (y, m, d) => `${d} ${MONTHS[m - 1].slice(0, 3)} ${y}`, // 21 Nov 2026
  (y, m, d) => `${MONTHS[m - 1].slice(0, 3)} ${d}, ${y}`, // Nov 21, 2026
  (y, m, d) => `${pad2(d)}.${pad2(m)}.${y}`, // 21.11.2026
  (y, m, d) => `${pad2(m)}/${pad2(d)}/${y}`, // 11/21/2026
  (y, m, d, w) => `${WEEKDAYS[w]}, ${d} ${MONTHS[m - 1]} ${y}`, // Saturday, 21 November 2026
  (y, m, d, w) => `${WEEKDAYS[w].slice(0, 3)} ${MONTHS[m - 1].slice(0, 3)} ${d} ${y}`, // Sat Nov 21 2026
]);

function datePair(random) {
  const first = Date.UTC(1950, 0, 1),
    days = Math.round((Date.UTC(2050, 0, 1) - first) / 86400000);
  const date = new Date(first + random.below(days) * 86400000);
  const y = date.getUTCFullYear(),
    m = date.getUTCMonth() + 1,
    d = date.getUTCDate(),
    w = date.getUTCDay();
  const style = DATE_STYLES[random.below(DATE_STYLES.length)];
  return { source: style(y, m, d, w), target: `${y}-${pad2(m)}-${pad2(d)}` };
}

function letterPair(task, random, minLength, maxLength) {
  const { alphabet } = TASKS[task];
  const length = minLength + random.below(maxLength - minLength + 1);
  const letters = Array.from({ length }, () => alphabet[random.below(alphabet.length)]);
  const target = task === 'reverse' ? [...letters].reverse() : [...letters].sort();
  return { source: letters.join(''), target: target.join('') };
}

function checkTask(task) {
  if (!Object.hasOwn(TASKS, task))
    fail(`task must be one of ${Object.keys(TASKS).join(', ')}, got ${JSON.stringify(task)}`);
}

/** @param {string} task @param {number[] | undefined} lengths @param {string} what @returns {[number, number] | null} */
function checkLengths(task, lengths, what) {
  if (!TASKS[task].lengths) return null;
  const [min, max] = lengths ?? TASKS[task].lengths;
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || max < min || max > MAX_LENGTH) {
    fail(`${what} must be two whole numbers 1 ≤ min ≤ max ≤ ${MAX_LENGTH}, got ${JSON.stringify(lengths)}`);
  }
  return [min, max];
}

/**
 * `count` pairs of a built-in task from `seed`.
 * @param {'reverse' | 'sort' | 'dates'} task
 * @param {{ count?: number, seed?: number, lengths?: [number, number] }} options count is required; lengths: source lengths (reverse, sort)
 * @returns {{ source: string, target: string }[]}
 */
export function generatePairs(task, { count, seed = 1, lengths } = {}) {
  checkTask(task);
  if (!Number.isInteger(count) || count < 0) fail(`count must be a whole number >= 0, got ${count}`);
  const range = checkLengths(task, lengths, 'lengths');
  const random = createRandom(seed);
  return Array.from({ length: count }, () => (range ? letterPair(task, random, range[0], range[1]) : datePair(random)));
}

/**
 * A train/test split of a built-in task: the test sources never occur in the training set (the test
 * measures generalisation, not memory), and its lengths may differ, e.g. train on 5–15 and test on
 * 5–25 to see how a model does beyond the lengths it has seen.
 * @param {'reverse' | 'sort' | 'dates'} task
 * @param {{ seed?: number, train?: number, test?: number, trainLengths?: [number, number], testLengths?: [number, number] }} options
 * @returns {{ train: { source: string, target: string }[], test: { source: string, target: string }[] }}
 */
export function taskSplit(task, { seed = 1, train = 10000, test = 500, trainLengths, testLengths } = {}) {
  checkTask(task);
  if (!Number.isInteger(train) || train < 0) fail(`train must be a whole number of pairs >= 0, got ${train}`);
  if (!Number.isInteger(test) || test < 0) fail(`test must be a whole number of pairs >= 0, got ${test}`);
  const trainRange = checkLengths(task, trainLengths, 'trainLengths');
  const testRange = checkLengths(task, testLengths ?? trainRange ?? undefined, 'testLengths');
  const trainPairs = generatePairs(task, { count: train, seed, lengths: trainRange ?? undefined });
  const seen = new Set(trainPairs.map((p) => p.source));
  const random = createRandom((seed ^ 0x5bd1e995) >>> 0); // another stream for the test set
  const testPairs = [];
  const limit = 200 * test + 1000; // short lengths have few distinct strings: do not loop forever
  for (let tries = 0; testPairs.length < test && tries < limit; tries++) {
    const pair = testRange ? letterPair(task, random, testRange[0], testRange[1]) : datePair(random);
    if (seen.has(pair.source)) continue;
    seen.add(pair.source);
    testPairs.push(pair);
  }
  if (testPairs.length < test) {
    fail(
      `only ${testPairs.length} of ${test} test sources of lengths ${JSON.stringify(testRange)} are not in the training set: ` +
        'use longer test lengths or fewer pairs',
    );
  }
  return { train: trainPairs, test: testPairs };
}

// ---- tokens ---------------------------------------------------------------------------------------

/**
 * Tokens of a text: its Unicode code points (char level) or its whitespace-separated words (word level).
 * @param {string} text @param {'char' | 'word'} level
 */
export function tokenize(text, level) {
  if (level === 'char') return Array.from(text);
  if (level === 'word') return text.split(/\s+/u).filter((t) => t.length > 0);
  return fail(`level must be 'char' or 'word', got ${JSON.stringify(level)}`);
}

/** The text of tokens: joined directly (char) or with single spaces (word). */
export function detokenize(tokens, level) {
  if (level !== 'char' && level !== 'word') fail(`level must be 'char' or 'word', got ${JSON.stringify(level)}`);
  return tokens.join(level === 'char' ? '' : ' ');
}

// ---- a user's pairs file --------------------------------------------------------------------------

/**
 * Decode a file's bytes as UTF-8, or throw a sentence naming the byte offset of the first invalid byte.
 * A leading byte-order mark is dropped. @param {Uint8Array} bytes @param {string} [name]
 */
export function decodeUtf8(bytes, name = 'the file') {
  return decodeStrictUtf8(bytes, name); // the one rule for every text read from bytes (utf8.mjs)
}

/**
 * Read pairs from the text of a pairs file: one `source<TAB>target` per line (a final newline, CRLF line
 * ends and blank lines are fine). Lines that cannot be a pair are not used, and each is reported with its
 * line number and the reason; nothing is dropped silently.
 * @param {string} text
 * @param {{ level?: 'char' | 'word', maxTokens?: number }} [options] maxTokens: longest side, in tokens
 * @returns {{ pairs: { source: string, target: string, line: number }[], bad: { line: number, reason: string }[], blank: number, lines: number }}
 */
export function parsePairs(text, { level = 'char', maxTokens = MAX_LENGTH } = {}) {
  if (typeof text !== 'string') fail(`the pairs text must be a string, got ${typeof text}`);
  tokenize('', level); // checks the level
  if (!Number.isInteger(maxTokens) || maxTokens < 1 || maxTokens > MAX_LENGTH) {
    fail(`maxTokens must be a whole number from 1 to ${MAX_LENGTH}, got ${maxTokens}`);
  }
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop(); // the final newline ends the last line
  const pairs = [],
    bad = [];
  let blank = 0;
  lines.forEach((raw, i) => {
    const line = i + 1,
      body = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (body.trim() === '') {
      blank++;
      return;
    }
    const tabs = body.split('\t').length - 1;
    const control = body.match(/[\u0000-\u0008\u000b-\u001f\u007f]/u);
    let reason = null;
    if (tabs === 0) reason = 'no tab between source and target';
    else if (tabs > 1) reason = `${tabs} tabs (a line holds exactly one, between source and target)`;
    else if (control)
      reason = `control character U+${control[0].codePointAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    const [source, target] = body.split('\t');
    if (!reason) {
      const ns = tokenize(source, level).length,
        nt = tokenize(target, level).length;
      if (ns === 0) reason = 'empty source';
      else if (nt === 0) reason = 'empty target';
      else if (Math.max(ns, nt) > maxTokens)
        reason = `${ns > nt ? 'source' : 'target'} of ${Math.max(ns, nt)} ${level === 'char' ? 'characters' : 'words'}, more than ${maxTokens}`;
    }
    if (reason) bad.push({ line, reason });
    else pairs.push({ source, target, line });
  });
  return { pairs, bad, blank, lines: lines.length };
}

/**
 * One sentence saying what parsePairs set aside: how many lines, which ones (the first `show`) and why.
 * Empty when every non-blank line is a pair. @param {{ bad: { line: number, reason: string }[], blank: number }} parsed
 */
export function describeSkipped({ bad, blank }, show = 5) {
  const parts = [];
  if (bad.length) {
    const listed = bad
      .slice(0, show)
      .map((b) => `line ${b.line}: ${b.reason}`)
      .join('; ');
    parts.push(
      `skipped ${bad.length} bad line${bad.length === 1 ? '' : 's'} (${listed}${bad.length > show ? `; and ${bad.length - show} more` : ''})`,
    );
  }
  if (blank) parts.push(`ignored ${blank} blank line${blank === 1 ? '' : 's'}`);
  return parts.join('; ');
}
