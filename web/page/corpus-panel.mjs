// corpus-panel.mjs — the corpus panel's pieces that need no worker: the preset list, fetching or
// generating a preset's text (the worker checks it like any other input) and the statistics under
// the inputs. corpus.mjs uses them to handle a new corpus.
import { $ } from './dom.mjs';
import { CorpusError, formatBytes, showChar } from '../corpus-check.mjs';
import { PRESETS, presetById } from '../presets.mjs';

/**
 * Where the training text came from (the text itself is in the worker; the page keeps no copy).
 * @typedef {object} Corpus
 * @property {string} name what the worker and saved model files call it
 * @property {string} label what messages call it ("notes.txt", "The pasted text")
 * @property {string | null} presetId the built-in corpus it is, null for the user's own text (not in links)
 * @property {string} [note] shown under the statistics
 */

/** Fill the preset drop-down (plus a disabled entry shown for the user's own text). */
export function fillPresetSelect() {
  const select = $('corpus', HTMLSelectElement);
  for (const preset of PRESETS) select.append(new Option(preset.title, preset.id));
  select.append(new Option('Your text (pasted or opened)', 'custom'));
  /** @type {HTMLOptionElement} */ (select.querySelector('option[value="custom"]')).disabled = true;
}

/**
 * Preset `id` and its text: generated, or a file fetched next to the page (its bytes, unchecked: the
 * worker checks them).
 * @param {string} id
 * @returns {Promise<{ corpus: Corpus, input: ArrayBuffer | string }>}
 */
export async function loadPreset(id) {
  const preset = presetById(id);
  if (!preset) throw new CorpusError(`there is no built-in corpus '${id}'`);
  /** @type {ArrayBuffer | string} */
  let input;
  if (preset.generate) input = preset.generate();
  else if (preset.file) {
    const response = await fetch(new URL(preset.file, document.baseURI));
    if (!response.ok) throw new CorpusError(`could not fetch ${preset.file}: HTTP ${response.status}`);
    input = await response.arrayBuffer();
  } else throw new CorpusError(`built-in corpus '${id}' has neither a file nor a generator`);
  return { corpus: { name: preset.id, label: preset.title, presetId: preset.id, note: preset.note }, input };
}

/**
 * Size, vocabulary, held-out split and the most frequent characters, under the corpus inputs.
 * @param {import('../protocol.mjs').TextStats} stats
 * @param {{ note?: string }} corpus @param {{ heldOut: boolean, valTokens: number }} info from the worker
 *   (setCorpus)
 */
export function renderCorpusStats(stats, corpus, info) {
  const host = $('corpus-stats');
  host.replaceChildren();
  const p = document.createElement('p');
  p.append(`${stats.chars.toLocaleString()} characters (${formatBytes(stats.bytes)}), vocabulary ${stats.vocabSize}. `);
  p.append(
    info.heldOut
      ? `Last 10% (${info.valTokens.toLocaleString()} chars) held out for validation.`
      : 'Under 2,000 characters, too short to hold text out: trained and validated on all of it (the streams wrap around its end, so every character is trained on).',
  );
  host.append(p);
  if (corpus.note) {
    const note = document.createElement('p');
    note.className = 'muted small';
    note.textContent = corpus.note;
    host.append(note);
  }
  const chips = document.createElement('div');
  chips.className = 'chips';
  chips.setAttribute('aria-label', 'Most frequent characters');
  for (const { char, count } of stats.top) {
    const chip = document.createElement('span');
    chip.className = 'chip';
    chip.textContent = `${showChar(char)} ${((100 * count) / stats.chars).toFixed(1)}%`;
    chips.append(chip);
  }
  host.append(chips);
}
