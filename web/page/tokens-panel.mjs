// tokens-panel.mjs — the page at the level it runs: the vocabulary line under the Tokens controls
// (its size; at word level how much of the training text became <unk>), the word tokenizer's
// options enabled only for words, and the labels that name the unit (bits per character or per
// word, characters or tokens a second, "Next character" or "Next word").
import { $ } from './dom.mjs';

/** @typedef {import('../app.mjs').AppState} AppState */

/** Enable the word tokenizer's options only at word level. @param {AppState} app */
export function writeTokenControls(app) {
  const words = app.settings.level === 'word';
  for (const id of ['lower', 'minCount', 'sentences']) {
    const el = /** @type {HTMLInputElement | HTMLSelectElement} */ ($(id));
    el.disabled = !words;
    el.title = words ? '' : 'A word-level option: choose Level "words" to use it';
  }
}

/**
 * Set a <dt>'s text (the label of a number above the loss chart).
 * @param {string} ddId the <dd> it labels @param {string} text
 */
function label(ddId, text) {
  const dt = $(ddId).previousElementSibling;
  if (dt && dt.textContent !== text) dt.textContent = text;
}

/**
 * The corpus as the trainer encoded it: the vocabulary line and the unit in every label.
 * @param {AppState} app
 */
export function renderTokens(app) {
  const info = app.trainer.corpus;
  const words = (info?.level ?? app.settings.level) === 'word';
  label('stat-bpc', words ? 'bits/word' : 'bits/char');
  label('stat-speed', words ? 'tokens/s' : 'chars/s');
  $('predict-h').textContent = words ? 'Next word' : 'Next character';
  $('bigram-note').textContent = words
    ? 'P(next | previous) for the most frequent words (add-one smoothed): row = previous, column = next; colour ∝ √p so small probabilities stay visible. <s> starts and </s> ends a sentence.'
    : 'P(next | previous) for the most frequent characters (add-one smoothed): row = previous, column = next; colour ∝ √p so small probabilities stay visible.';
  const host = $('vocab-info');
  if (!info) {
    host.textContent = '';
    return;
  }
  if (info.level === 'word') {
    const unk = (100 * info.unknownRate).toFixed(1);
    host.textContent =
      `Vocabulary: ${info.vocabSize.toLocaleString()} tokens (the words seen at least ${app.trainer.settings.minCount} ` +
      `times, <unk>, <s> and </s>); ${unk}% of the ${info.trainTokens.toLocaleString()} training tokens are <unk>.`;
  } else {
    host.textContent = `Vocabulary: ${info.vocabSize.toLocaleString()} characters; ${info.trainTokens.toLocaleString()} training tokens.`;
  }
}
