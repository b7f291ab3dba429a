// settings.mjs — the sequence-to-sequence mode's settings: defaults, limits and one strict check, the
// same in the page (the form) and in the seq2seq worker (which checks every open object it is sent, so
// a program posting to it gets a sentence, never a crash), and the output a built-in task expects.
// Pure, no DOM; tested under Node.
// The defaults are the CLI's and the benchmark's (docs/seq2seq.md): reverse, source lengths 5–25,
// an LSTM with H 64 and E 32, dot attention, batch 32, Adam 3e-3.

/**
 * @typedef {{
 *   task: 'reverse' | 'sort' | 'dates' | 'pairs', lengths: [number, number], testLengths: [number, number],
 *   attention: 'none' | 'dot' | 'additive', cell: 'rnn' | 'lstm' | 'gru', hidden: number, embedding: number,
 *   batch: number, lr: number, seed: number, level: 'char' | 'word'
 * }} S2SSettings
 */

/** The tasks the page offers; 'pairs' is a file of the user's (source<TAB>target lines). */
export const S2S_TASKS = Object.freeze(['reverse', 'sort', 'dates', 'pairs']);
export const S2S_ATTENTIONS = Object.freeze(['none', 'dot', 'additive']);
export const S2S_CELLS = Object.freeze(['rnn', 'lstm', 'gru']);

/** @type {Readonly<S2SSettings>} */
export const S2S_DEFAULTS = Object.freeze({
  task: 'reverse',
  lengths: /** @type {[number, number]} */ ([5, 25]),
  testLengths: /** @type {[number, number]} */ ([5, 25]),
  attention: 'dot',
  cell: 'lstm',
  hidden: 64,
  embedding: 32,
  batch: 32,
  lr: 0.003,
  seed: 1,
  level: 'char',
});

/** Whole-number limits: small enough to train in a page, large enough to matter. */
export const S2S_LIMITS = Object.freeze({
  hidden: [4, 256],
  embedding: [2, 128],
  batch: [1, 128],
  length: [1, 40],
  seed: [0, 2147483647],
});
/** The learning rate's range (Adam). */
export const S2S_LR = Object.freeze([1e-5, 0.1]);
/** Training pairs of a task, held-out pairs, and how many of those are scored at each check. */
export const S2S_DATA = Object.freeze({ trainPairs: 20000, testPairs: 500, valPairs: 100 });

const LABELS = { hidden: 'hidden size', embedding: 'embedding size', batch: 'batch', seed: 'seed' };

/** @param {string} message @returns {never} */
function fail(message) {
  throw new RangeError(message);
}

/** @param {unknown} v @param {string} name @param {readonly number[]} range [min, max] */
function whole(v, name, [min, max]) {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    fail(`${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(v) ?? String(v)}`);
  return v;
}

/** @param {unknown} v @param {string} name @param {readonly string[]} choices */
function choice(v, name, choices) {
  if (typeof v !== 'string' || !choices.includes(v))
    fail(`${name} must be one of ${choices.join(', ')}, got ${JSON.stringify(v) ?? String(v)}`);
  return v;
}

/** @param {unknown} v @param {string} name @returns {[number, number]} */
function range(v, name) {
  if (!Array.isArray(v) || v.length !== 2) fail(`${name} must be [min, max], got ${JSON.stringify(v) ?? String(v)}`);
  const lo = whole(v[0], `${name}: the shortest`, S2S_LIMITS.length);
  const hi = whole(v[1], `${name}: the longest`, S2S_LIMITS.length);
  if (lo > hi) fail(`${name}: the shortest (${lo}) is longer than the longest (${hi})`);
  return [lo, hi];
}

/**
 * The complete, checked settings from an open object: missing fields take the defaults, unknown
 * fields are refused, a bad value throws a RangeError naming the field, its range and the value.
 * @param {unknown} open
 * @returns {S2SSettings}
 */
export function resolveS2SSettings(open) {
  if (open === null || typeof open !== 'object' || Array.isArray(open))
    fail('seq2seq settings must be an object of fields');
  const o = /** @type {Record<string, unknown>} */ (open);
  for (const key of Object.keys(o))
    if (!(key in S2S_DEFAULTS))
      fail(`seq2seq settings have no field '${key}' (fields: ${Object.keys(S2S_DEFAULTS).join(', ')})`);
  const s = { ...S2S_DEFAULTS, ...o };
  const lr = s.lr;
  if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < S2S_LR[0] || lr > S2S_LR[1])
    fail(`learning rate must be a number from ${S2S_LR[0]} to ${S2S_LR[1]}, got ${JSON.stringify(lr) ?? String(lr)}`);
  const settings = {
    task: /** @type {S2SSettings['task']} */ (choice(s.task, 'task', S2S_TASKS)),
    lengths: range(s.lengths, 'training lengths'),
    testLengths: range(s.testLengths, 'test lengths'),
    attention: /** @type {S2SSettings['attention']} */ (choice(s.attention, 'attention', S2S_ATTENTIONS)),
    cell: /** @type {S2SSettings['cell']} */ (choice(s.cell, 'cell', S2S_CELLS)),
    hidden: whole(s.hidden, LABELS.hidden, S2S_LIMITS.hidden),
    embedding: whole(s.embedding, LABELS.embedding, S2S_LIMITS.embedding),
    batch: whole(s.batch, LABELS.batch, S2S_LIMITS.batch),
    lr,
    seed: whole(s.seed, LABELS.seed, S2S_LIMITS.seed),
    level: /** @type {S2SSettings['level']} */ (choice(s.level, 'level', ['char', 'word'])),
  };
  if (settings.task !== 'pairs' && settings.level !== 'char')
    fail(`the ${settings.task} task is character level; word level is for a pairs file`);
  return settings;
}

/**
 * "5-25" → [5, 25] (a single number is both ends), or a RangeError naming the field.
 * @param {string} text @param {string} name
 * @returns {[number, number]}
 */
export function parseLengths(text, name) {
  const m = /^\s*(\d+)\s*(?:[-–]\s*(\d+)\s*)?$/.exec(text);
  if (!m) fail(`${name} must be a length or a range like 5-25, got ${JSON.stringify(text)}`);
  return range([Number(m[1]), Number(m[2] ?? m[1])], name);
}

/**
 * The output a built-in task expects for `source`, or null when the page cannot know it.
 * @param {string} task @param {string} source
 */
export function expectedOutput(task, source) {
  if (task === 'reverse') return [...source].reverse().join('');
  if (task === 'sort') return [...source].sort().join('');
  return null;
}
