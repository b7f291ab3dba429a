// settings.mjs — the page's settings schema: every hyperparameter, the seed and the live knobs, with
// defaults, limits, a strict parser for URL query strings and the inverse writer, so a link
// reproduces a run. Pure functions, no DOM: the browser page and node --test use the same code.
// Malformed values never pass silently: the parser returns the defaults for them plus one sentence
// each; in a link, names that are not settings are skipped (lesson.mjs reads the lesson's own). The
// worker completes and checks the open objects programs send with resolveSettings.
// (page/settings-form.mjs shows settings in the form.)

/**
 * @typedef {'bigram'|'rnn'|'lstm'|'gru'|'window'} ModelKind
 * @typedef {{
 *   corpus: string, model: ModelKind, hidden: number, embed: number, layers: number, window: number,
 *   gru: 'torch'|'lecture', seq: number, batch: number, opt: 'sgd'|'adagrad'|'adam', lr: number, clip: number,
 *   clipMode: 'norm'|'value', seed: number, temp: number, prime: string,
 *   level: 'char'|'word', lower: number, minCount: number, sentences: 'lines'|'punctuation', addK: number,
 *   initScale: number, gain: number, forgetBias: number, batching: 'streams'|'sentences', cores: number
 * }} Settings
 */

/**
 * How one setting is parsed: its kind, default, limits and the label used in messages.
 * @typedef {{ kind: 'int' | 'number', def: number, min: number, max: number, label: string }
 *   | { kind: 'choice', def: string, choices: string[], label: string }
 *   | { kind: 'id', def: string, label: string }
 *   | { kind: 'text', def: string, maxLength: number, label: string }} Field
 */

/**
 * Settings by name, for the loops over FIELDS (values are checked by parseField first).
 * @param {Settings} settings @returns {Record<string, unknown>}
 */
const byName = (settings) => /** @type {Record<string, unknown>} */ (settings);

/** One entry per setting (every key of Settings). @type {Readonly<Record<string, Field>>} */
export const FIELDS = Object.freeze({
  corpus: { kind: 'id', def: 'brown', label: 'corpus' },
  model: { kind: 'choice', def: 'rnn', choices: ['bigram', 'rnn', 'lstm', 'gru', 'window'], label: 'model' },
  hidden: { kind: 'int', def: 128, min: 2, max: 1024, label: 'hidden size' },
  embed: { kind: 'int', def: 0, min: 0, max: 512, label: 'embedding size (0 = one-hot)' },
  layers: { kind: 'int', def: 1, min: 1, max: 3, label: 'layers' },
  window: { kind: 'int', def: 8, min: 1, max: 64, label: 'window' },
  // torch: torch.nn.GRU (reset gate after the matmul, its own b_hn); lecture: the notes' GRU (before it)
  gru: { kind: 'choice', def: 'torch', choices: ['torch', 'lecture'], label: 'GRU variant' },
  seq: { kind: 'int', def: 32, min: 2, max: 512, label: 'sequence length' },
  batch: { kind: 'int', def: 16, min: 1, max: 256, label: 'batch' },
  // streams: N contiguous streams, the state carried across windows; sentences: N whole sentences a step
  // (word level <s> … </s>, char level lines), each from a zero state, padded and the padding masked
  batching: { kind: 'choice', def: 'streams', choices: ['streams', 'sentences'], label: 'batching' },
  opt: { kind: 'choice', def: 'adam', choices: ['sgd', 'adagrad', 'adam'], label: 'optimizer' },
  lr: { kind: 'number', def: 0.005, min: 1e-6, max: 100, label: 'learning rate' },
  clip: { kind: 'number', def: 5, min: 0, max: 1e4, label: 'clipping (0 = off)' },
  // min-char-rnn's clipping: every gradient element to [-5, 5] (the trainer sums the loss over the window)
  clipMode: { kind: 'choice', def: 'value', choices: ['norm', 'value'], label: 'clip mode' },
  seed: { kind: 'int', def: 1, min: 0, max: 2147483647, label: 'seed' },
  temp: { kind: 'number', def: 0.8, min: 0, max: 3, label: 'temperature' },
  prime: { kind: 'text', def: '', maxLength: 200, label: 'prime text' },
  // The tokens (web/worker/tokens.mjs): characters, or the word tokenizer's words with its options.
  // lower, minCount and sentences are the word tokenizer's (character level ignores them).
  level: { kind: 'choice', def: 'char', choices: ['char', 'word'], label: 'level' },
  lower: { kind: 'int', def: 1, min: 0, max: 1, label: 'lower-case (1 = yes)' },
  minCount: { kind: 'int', def: 10, min: 1, max: 100000, label: 'minimum count (rarer words become <unk>)' },
  sentences: { kind: 'choice', def: 'lines', choices: ['lines', 'punctuation'], label: 'sentence splitting' },
  // Teaching knobs of the initialisation (Model.create): every initial weight matrix but the
  // embedding times initScale; recurrentGain g > 0: Wh ~ N(0, g²/H), spectral radius about g (g > 1
  // makes gradients grow back through time, clipping is the cure); 0 keeps the default N(0, 0.01²).
  initScale: { kind: 'number', def: 1, min: 0.001, max: 100, label: 'init scale' },
  gain: { kind: 'number', def: 0, min: 0, max: 10, label: 'recurrent gain (0 = default init)' },
  // The LSTM's forget-gate bias at the start: 1 (C's, the classic start) keeps the cell state and the
  // gradient-flow lessons' long memory; 0 learned faster in a minute at these settings (docs/web-page.md).
  forgetBias: { kind: 'number', def: 1, min: -20, max: 20, label: 'forget-gate bias (LSTM)' },
  // the bigram's add-k smoothing: 1 is Laplace; 0 leaves unseen pairs at probability 0 (infinite perplexity)
  addK: { kind: 'number', def: 1, min: 0, max: 100, label: 'bigram add-k' },
  // Threads the training worker trains on (ParallelTrainer: the worker and nested workers); 0 = the cores
  // the browser reports, at most 8. Any number gives the same numbers (fixed shards): a speed knob only.
  cores: { kind: 'int', def: 0, min: 0, max: 64, label: 'cores (0 = all the browser reports)' },
});

/** Settings that change the tokens: changing one re-encodes the corpus (and rebuilds the model). */
export const TOKEN_SETTINGS = Object.freeze(['level', 'lower', 'minCount', 'sentences']);

/** Settings that change the model or its trainer: changing one rebuilds the model. */
export const STRUCTURAL = Object.freeze([
  'model',
  'hidden',
  'embed',
  'layers',
  'window',
  'gru',
  'seq',
  'batch',
  'batching',
  'opt',
  'clip',
  'clipMode',
  'seed',
  'initScale',
  'gain',
  'forgetBias',
  'cores',
  ...TOKEN_SETTINGS,
]);

/** The window MLP's embedding when the settings had none (it concatenates embeddings, so one-hot is out). */
export const WINDOW_EMBED = 16;

/**
 * Make settings valid for their model, in place: the window MLP has exactly one hidden layer and needs
 * an embedding (≥ 1). Returns one sentence per change (none when the settings were valid).
 * @param {Settings} settings
 * @returns {string[]}
 */
export function fitSettingsToModel(settings) {
  /** @type {string[]} */
  const notes = [];
  if (settings.model !== 'window') return notes;
  if (settings.layers !== 1) {
    notes.push(`the window MLP has exactly one hidden layer, so layers is 1 (was ${settings.layers})`);
    settings.layers = 1;
  }
  if (settings.embed < 1) {
    notes.push(
      `the window MLP concatenates the embeddings of its previous characters, so it needs an embedding size of at least 1: set to ${WINDOW_EMBED}`,
    );
    settings.embed = WINDOW_EMBED;
  }
  return notes;
}

/** @returns {Settings} a fresh copy of the defaults */
export function defaultSettings() {
  /** @type {Record<string, unknown>} */
  const out = {};
  for (const [key, field] of Object.entries(FIELDS)) out[key] = field.def;
  return /** @type {Settings} */ (/** @type {unknown} */ (out));
}

/**
 * Validate one field's raw text. Returns { value } or { error } with a sentence naming the field.
 * @param {string} key @param {string} raw
 * @returns {{ value?: any, error?: string }}
 */
export function parseField(key, raw) {
  const field = FIELDS[key];
  if (!field) return { error: `unknown setting '${key}'` };
  const text = String(raw).trim();
  switch (field.kind) {
    case 'int': {
      if (!/^-?\d+$/.test(text)) return { error: `${field.label} must be a whole number, got '${raw}'` };
      const value = Number(text);
      if (value < field.min || value > field.max)
        return { error: `${field.label} must be between ${field.min} and ${field.max}, got ${value}` };
      return { value };
    }
    case 'number': {
      if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text))
        return { error: `${field.label} must be a number, got '${raw}'` };
      const value = Number(text);
      if (!Number.isFinite(value) || value < field.min || value > field.max) {
        return { error: `${field.label} must be between ${field.min} and ${field.max}, got ${text}` };
      }
      return { value };
    }
    case 'choice':
      if (!field.choices.includes(text))
        return { error: `${field.label} must be one of ${field.choices.join(', ')}, got '${raw}'` };
      return { value: text };
    case 'id':
      if (!/^[a-z0-9-]{1,40}$/.test(text))
        return { error: `${field.label} must be a preset name like 'brown', got '${raw}'` };
      return { value: text };
    case 'text':
      if (String(raw).length > field.maxLength)
        return { error: `${field.label} must be at most ${field.maxLength} characters` };
      return { value: String(raw) };
    default:
      return { error: `setting '${key}' has no parser` };
  }
}

/**
 * Read settings from a query string ("?model=rnn&hidden=64"). A bad value of a known field keeps its
 * default and adds a message (the page shows the messages); names that are not settings are skipped
 * quietly: a lesson link carries other parameters too (lesson.mjs), and a link may gain tracking
 * parameters on its way to a student.
 * @param {string} search
 * @returns {{ settings: Settings, errors: string[], given: Set<string> }} given: the fields the link set
 */
export function settingsFromQuery(search) {
  const settings = defaultSettings();
  const errors = [];
  const given = new Set();
  const params = new URLSearchParams(search);
  for (const [key, raw] of params) {
    if (!Object.hasOwn(FIELDS, key)) continue;
    const { value, error } = parseField(key, raw);
    if (error) errors.push(`ignored the link's ${error}`);
    else {
      byName(settings)[key] = value;
      given.add(key);
    }
  }
  for (const note of fitSettingsToModel(settings)) errors.push(`adjusted the link: ${note}`);
  return { settings, errors, given };
}

/**
 * Complete and check an open settings object, as a program sends it (the worker's configure, the kit's
 * createTrainer): every field optional (defaults filled in), values as numbers or strings, each checked
 * by parseField; the window MLP's rules applied. Throws one sentence naming every bad or unknown field.
 * @param {Record<string, unknown>} [given]
 * @returns {{ settings: Settings, notes: string[] }} notes: what fitSettingsToModel changed
 */
export function resolveSettings(given = {}) {
  if (given === null || typeof given !== 'object' || Array.isArray(given))
    throw new TypeError('settings must be an object of fields like { model: "lstm", hidden: 64 }');
  const settings = defaultSettings();
  const errors = [];
  for (const [key, raw] of Object.entries(given)) {
    if (raw === undefined) continue;
    if (!Object.hasOwn(FIELDS, key)) {
      errors.push(`unknown setting '${key}' (known: ${Object.keys(FIELDS).join(', ')})`);
      continue;
    }
    if (typeof raw !== 'number' && typeof raw !== 'string') {
      errors.push(`${FIELDS[key].label} must be a number or a string, got ${raw === null ? 'null' : typeof raw}`);
      continue;
    }
    const { value, error } = parseField(key, String(raw));
    if (error) errors.push(error);
    else byName(settings)[key] = value;
  }
  if (errors.length) throw new Error(`${errors.join('; ')}.`);
  const notes = fitSettingsToModel(settings);
  return { settings, notes };
}

/**
 * Write every setting (defaults too, so a link stays exact if defaults change) as a query string.
 * @param {Settings} settings
 * @returns {string} starting with '?'
 */
export function settingsToQuery(settings) {
  const params = new URLSearchParams();
  for (const key of Object.keys(FIELDS)) params.set(key, String(byName(settings)[key]));
  return `?${params.toString()}`;
}

/**
 * Which structural settings differ between a and b (a change means: rebuild the model).
 * @param {Settings} a @param {Settings} b
 */
export function structuralChanges(a, b) {
  return STRUCTURAL.filter((key) => byName(a)[key] !== byName(b)[key]);
}
