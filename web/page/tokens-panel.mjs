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
  app.statsDirty = true; // the bigram's numbers above the loss chart follow the corpus
  const words = (info?.level ?? app.settings.level) === 'word';
  label('stat-bpc', words ? 'bits/word' : 'bits/char');
  label('stat-speed', words ? 'tokens/s' : 'chars/s');
  $('predict-h').textContent = words ? 'Next word' : 'Next character';
  const k = info?.k ?? app.settings.addK;
  const smoothing =
    k === 1 ? 'add-one smoothed' : k === 0 ? 'k = 0: not smoothed, so unseen pairs are 0' : `add-k smoothed, k = ${k}`;
  $('bigram-note').textContent =
    `P(next | previous) for the most frequent ${words ? 'words' : 'characters'} (${smoothing}), or the training counts of each pair: row = previous, column = next; colour ∝ √value so small ones stay visible.` +
    (words ? ' <s> starts and </s> ends a sentence.' : '');
  const host = $('vocab-info');
  if (!info) {
    host.textContent = '';
    return;
  }
  const ppl = info.bigram.perplexity;
  const bigramLine =
    info.k === 0
      ? ` Bigram with k = 0 (no smoothing): a held-out pair it never saw has probability 0, so its held-out perplexity is ${Number.isFinite(ppl) ? ppl.toFixed(1) : 'infinite (∞)'}.`
      : ` Bigram add-k with k = ${info.k}: held-out perplexity ${Number.isFinite(ppl) ? ppl.toFixed(1) : '∞'}.`;
  if (info.level === 'word') {
    const unk = (100 * info.unknownRate).toFixed(1);
    host.textContent =
      `Vocabulary: ${info.vocabSize.toLocaleString()} tokens (the words seen at least ${app.trainer.settings.minCount} ` +
      `times, <unk>, <s> and </s>); ${unk}% of the ${info.trainTokens.toLocaleString()} training tokens are <unk>.` +
      bigramLine;
  } else {
    host.textContent =
      `Vocabulary: ${info.vocabSize.toLocaleString()} characters; ${info.trainTokens.toLocaleString()} training tokens.` +
      bigramLine;
  }
}

/**
 * Which GRU runs, under the gate views (the equations beside them say the same in symbols).
 * @param {AppState} app
 */
export function renderVariant(app) {
  const model = app.trainer.model;
  const note = $('variant-note');
  if (model?.kind !== 'gru') {
    note.textContent = '';
    note.hidden = true;
    return;
  }
  note.hidden = false;
  note.textContent =
    model.config.gru === 'lecture'
      ? "Running the lecture's GRU: the reset gate scales h_{t−1} before the matmul, g_t = tanh(x_t W_xg + (r_t ⊙ h_{t−1}) W_hg + b_g)."
      : 'Running torch.nn.GRU: the reset gate scales the matmul’s result, with its own bias, g_t = tanh(x_t W_xg + b_g + r_t ⊙ (h_{t−1} W_hg + b_hg)). Choose the variant under Model.';
}

/** The matrix view's counts / probabilities choice. @param {AppState} _app */
export function initTokensPanel(_app) {
  const kind = $('bigram-kind', HTMLSelectElement);
  kind.addEventListener('change', () => $('bigram-heatmap').setAttribute('kind', kind.value));
}
