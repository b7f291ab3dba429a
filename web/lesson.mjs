// lesson.mjs — lesson links: what a teacher's link to the full page can say beyond the settings
// (settings.mjs): which cards show, which control panels are hidden or locked, start training, stop at
// a step, train a second model to compare (its curves drawn beside the first's), the probe text, a
// note for the students, a custom training text, a compact layout for an article-width iframe. Bad
// values of these known fields are named like bad settings; any other name in the link is ignored
// quietly (links pick up tracking parameters). Pure functions, no DOM: page/lesson.mjs applies a
// lesson to the page; tests/web-units.test.mjs checks the round trip.
import { FIELDS, settingsFromQuery, settingsToQuery } from './settings.mjs';

/** The page's cards, by the name a link uses (index.html: #card-<name>). */
export const CARDS = Object.freeze([
  'learning',
  'samples',
  'predict',
  'score',
  'mask',
  'vectors',
  'embedmap',
  'hidden',
  'equations',
  'onestep',
  'gradients',
  'bigram',
  'gradcheck',
]);
/** The control groups a link can hide or lock: the three settings panels and the run buttons. */
export const PANELS = Object.freeze(['corpus', 'model', 'file', 'run']);
/** The cells a comparison can train. */
export const COMPARE_CELLS = Object.freeze(['rnn', 'lstm', 'gru', 'window']);

/**
 * @typedef {object} Lesson
 * @property {string[] | null} cards the cards shown (null: all)
 * @property {string[]} hide panels hidden
 * @property {string[]} lock panels whose controls are disabled
 * @property {boolean} autoplay start training once the page is ready
 * @property {number} stop stop training at this step (0: never)
 * @property {'' | 'rnn' | 'lstm' | 'gru' | 'window'} compare a second model with the same settings but this cell
 * @property {string | null} probe the hidden-state probe text
 * @property {string} note shown above the views
 * @property {string | null} text a custom training text (instead of the corpus preset)
 * @property {'full' | 'compact'} layout compact: for an article-width iframe (the run buttons stay in view)
 */

/** @returns {Lesson} a lesson that changes nothing */
export function defaultLesson() {
  return {
    cards: null,
    hide: [],
    lock: [],
    autoplay: false,
    stop: 0,
    compare: '',
    probe: null,
    note: '',
    text: null,
    layout: 'full',
  };
}

/**
 * @param {string} label @param {string} raw @param {readonly string[]} known
 * @returns {{ value?: string[], error?: string }} a comma list of known names ('all': every one)
 */
function parseList(label, raw, known) {
  const names = raw
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  if (names.length === 1 && names[0] === 'all') return { value: [...known] };
  const bad = names.filter((n) => !known.includes(n));
  if (bad.length)
    return { error: `${label} must be a comma list of ${known.join(', ')} (or all), got '${bad.join(',')}'` };
  return { value: [...new Set(names)] };
}

/** @param {string} label @param {string} raw @returns {{ value?: boolean, error?: string }} */
function parseFlag(label, raw) {
  const text = raw.trim().toLowerCase();
  if (['', '1', 'true', 'yes', 'on'].includes(text)) return { value: true };
  if (['0', 'false', 'no', 'off'].includes(text)) return { value: false };
  return { error: `${label} must be 1 or 0, got '${raw}'` };
}

/** @param {string} label @param {string} raw @param {number} max @returns {{ value?: string, error?: string }} */
function parseText(label, raw, max) {
  if (raw.length > max) return { error: `${label} must be at most ${max} characters, got ${raw.length}` };
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(raw))
    return { error: `${label} must be plain text (no control characters)` };
  return { value: raw };
}

/** How each lesson field is read: its parser and how it is written back. */
const LESSON_FIELDS = {
  cards: (/** @type {string} */ raw) => parseList('cards', raw, CARDS),
  hide: (/** @type {string} */ raw) => parseList('hide', raw, PANELS),
  lock: (/** @type {string} */ raw) => parseList('lock', raw, PANELS),
  autoplay: (/** @type {string} */ raw) => parseFlag('autoplay', raw),
  layout: (/** @type {string} */ raw) =>
    ['full', 'compact'].includes(raw.trim())
      ? { value: raw.trim() }
      : { error: `layout must be full or compact, got '${raw}'` },
  stop: (/** @type {string} */ raw) => {
    if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1 || Number(raw) > 10_000_000)
      return { error: `stop must be a step number from 1 to 10000000, got '${raw}'` };
    return { value: Number(raw) };
  },
  compare: (/** @type {string} */ raw) =>
    COMPARE_CELLS.includes(raw.trim())
      ? { value: raw.trim() }
      : { error: `compare must be one of ${COMPARE_CELLS.join(', ')}, got '${raw}'` },
  probe: (/** @type {string} */ raw) => parseText('probe', raw, 300),
  note: (/** @type {string} */ raw) => parseText('note', raw, 500),
  text: (/** @type {string} */ raw) =>
    raw.trim() ? parseText('text', raw, 20000) : { error: 'text must not be empty' },
};
/** The lesson fields' names, for whoever needs to tell them from settings. */
export const LESSON_NAMES = Object.freeze(Object.keys(LESSON_FIELDS));

/**
 * Read a lesson link: the settings (settings.mjs) and the lesson fields. Bad values of known fields
 * keep their defaults and add a sentence each; unknown names are ignored.
 * @param {string} search
 * @returns {{ settings: import('./settings.mjs').Settings, lesson: Lesson, errors: string[], given: Set<string> }}
 */
export function lessonFromQuery(search) {
  const { settings, errors, given } = settingsFromQuery(search);
  const lesson = /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (defaultLesson()));
  for (const [key, raw] of new URLSearchParams(search)) {
    if (!Object.hasOwn(LESSON_FIELDS, key)) continue;
    const { value, error } = LESSON_FIELDS[/** @type {keyof typeof LESSON_FIELDS} */ (key)](raw);
    if (error) errors.push(`ignored the link's ${error}`);
    else {
      lesson[key] = value;
      given.add(key);
    }
  }
  const result = /** @type {Lesson} */ (/** @type {unknown} */ (lesson));
  if (result.compare && result.compare === settings.model) {
    errors.push(`ignored the link's compare=${result.compare}: it is the model itself`);
    result.compare = '';
  }
  return { settings, lesson: result, errors, given };
}

/**
 * The link for these settings and this lesson: every setting (settingsToQuery), then the lesson
 * fields that differ from a plain page.
 * @param {import('./settings.mjs').Settings} settings @param {Lesson} lesson
 * @returns {string} starting with '?'
 */
export function lessonToQuery(settings, lesson) {
  const params = new URLSearchParams(settingsToQuery(settings));
  const plain = defaultLesson();
  if (lesson.cards) params.set('cards', lesson.cards.join(','));
  if (lesson.hide.length) params.set('hide', lesson.hide.join(','));
  if (lesson.lock.length) params.set('lock', lesson.lock.join(','));
  if (lesson.autoplay !== plain.autoplay) params.set('autoplay', '1');
  if (lesson.stop) params.set('stop', String(lesson.stop));
  if (lesson.compare) params.set('compare', lesson.compare);
  if (lesson.probe !== null) params.set('probe', lesson.probe);
  if (lesson.note) params.set('note', lesson.note);
  if (lesson.text !== null) params.set('text', lesson.text);
  if (lesson.layout !== plain.layout) params.set('layout', lesson.layout);
  return `?${params.toString()}`;
}

// A lesson field must not shadow a setting: the two schemas share one query string.
for (const name of LESSON_NAMES)
  if (Object.hasOwn(FIELDS, name)) throw new Error(`lesson field '${name}' is also a setting`);
