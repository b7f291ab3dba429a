// corpus.mjs — handling a new training text: a built-in preset (with the settings it suggests), pasted
// text, an opened or dropped file. Each is checked first, in the training worker (the trainer's
// checkCorpus runs ../corpus-check.mjs there, so 32 MB never freezes the page: empty, too large,
// binary, broken UTF-8 get one sentence and the old corpus stays); a good one goes to the trainer,
// the statistics and probe text follow, and a fresh model is built. corpus-panel.mjs has the pieces.
import { MAX_CORPUS_BYTES, tooLarge } from '../corpus-check.mjs';
import { defaultSettings } from '../settings.mjs';
import { presetById } from '../presets.mjs';
import { $, banner, setStatus, showError } from './dom.mjs';
import { loadPreset, renderCorpusStats } from './corpus-panel.mjs';
import { defaultProbe } from '../kit/corpora.mjs';
import { writeControls, writeUrl } from './settings-form.mjs';
import { configure, pauseTraining, sendCorpus } from './training.mjs';
import { locked } from './lesson.mjs';

/** @typedef {import('../app.mjs').AppState} AppState */
/** @typedef {import('./corpus-panel.mjs').Corpus} Corpus */

/** The worker's check, for loadPreset. @param {AppState} app @returns {import('./corpus-panel.mjs').CheckCorpus} */
const checker = (app) => (input, name) => app.trainer.checkCorpus(input, name);

/** loadPreset with a status line while it runs. @param {AppState} app @param {string} id */
function fetchPreset(app, id) {
  setStatus(`Loading ${presetById(id)?.title ?? id}…`);
  return loadPreset(id, checker(app));
}

/**
 * Make `corpus` the training text: stats, the trainer (the elements follow it), a fresh model.
 * @param {AppState} app @param {Corpus} corpus
 */
async function useCorpus(app, corpus) {
  showError($('corpus-error'), '');
  const { stats } = corpus;
  app.corpus = corpus;
  setStatus('Counting bigrams…');
  const probeText = $('probe-text', HTMLTextAreaElement);
  probeText.value = app.lesson.probe ?? defaultProbe(corpus.text);
  app.views.hidden.probeText = probeText.value;
  // The prediction box keeps its text when the new corpus knows every character of it.
  const predict = app.views.predict;
  const known = new Set(corpus.text.slice(0, 200000));
  if (![...predict.text].every((ch) => known.has(ch))) predict.text = [...probeText.value].slice(0, 40).join('');
  await sendCorpus(app);
  renderCorpusStats(stats, corpus, /** @type {import('../protocol.mjs').CorpusInfo} */ (app.trainer.corpus));
  $('corpus', HTMLSelectElement).value = corpus.presetId ?? 'custom';
  await configure(app);
}

/**
 * The user's own text (pasted, or a file's bytes): checked, then trained on; a bad one is refused
 * with a sentence and the previous corpus stays.
 * @param {AppState} app @param {string | ArrayBuffer} bytesOrText (bytes move to the worker) @param {string} name for messages
 */
async function userCorpus(app, bytesOrText, name) {
  try {
    setStatus(`Checking ${name}…`);
    const { text, stats } = await app.trainer.checkCorpus(bytesOrText, name);
    await pauseTraining(app);
    await useCorpus(app, {
      name: name.slice(0, 60),
      text,
      presetId: null,
      note: `${name}: not part of the link (links carry only built-in corpora).`,
      stats,
    });
    setStatus(`Loaded ${name}.`);
  } catch (err) {
    showError($('corpus-error'), err.message);
    setStatus('The previous corpus is still loaded.');
  }
}

/** A file from the open button or a drop; too large ones are refused before reading. @param {AppState} app @param {File} file */
async function readUserFile(app, file) {
  if (locked(app, 'corpus')) return;
  if (file.size > MAX_CORPUS_BYTES) {
    showError($('corpus-error'), tooLarge(file.name, file.size));
    return;
  }
  await userCorpus(app, await file.arrayBuffer(), file.name);
}

/** The preset list changed: load it, take its suggested settings. @param {AppState} app */
export async function choosePreset(app) {
  const id = $('corpus', HTMLSelectElement).value;
  const preset = presetById(id);
  if (!preset) return;
  try {
    await pauseTraining(app);
    const corpus = await fetchPreset(app, id);
    if (preset.suggest) Object.assign(app.settings, preset.suggest);
    app.settings.corpus = id;
    writeControls(app);
    writeUrl(app);
    await useCorpus(app, corpus);
  } catch (err) {
    showError($('corpus-error'), err.message);
  }
}

/** "Train on this text" under the paste box. @param {AppState} app */
export function usePastedText(app) {
  return userCorpus(app, $('paste', HTMLTextAreaElement).value, 'The pasted text');
}

/** A file chosen with "Open a text file…". @param {AppState} app */
export async function openCorpusFile(app) {
  const input = $('file', HTMLInputElement);
  const file = input.files?.[0];
  if (file) await readUserFile(app, file);
  input.value = '';
}

/** A file dragged over the drop zone. @param {DragEvent} event */
export function dragOver(event) {
  event.preventDefault();
  $('drop').classList.add('over');
}

/** The drag left the drop zone. */
export function dragLeave() {
  $('drop').classList.remove('over');
}

/** A file dropped on the drop zone. @param {AppState} app @param {DragEvent} event */
export async function dropCorpusFile(app, event) {
  event.preventDefault();
  $('drop').classList.remove('over');
  const file = event.dataTransfer?.files?.[0];
  if (file) await readUserFile(app, file);
}

/**
 * The corpus the page starts with: the link's (its suggested settings fill in whatever the link does
 * not set, e.g. '?corpus=hello'), or the Brown corpus when that one cannot be loaded.
 * @param {AppState} app @param {Set<string>} given the settings the link set
 */
export async function loadStartCorpus(app, given) {
  const { settings } = app;
  if (app.lesson.text !== null) {
    // the lesson's own text (checked like a pasted one; a bad one falls back to the link's corpus)
    try {
      const { text, stats } = await app.trainer.checkCorpus(app.lesson.text, "The link's text");
      writeControls(app);
      writeUrl(app);
      await useCorpus(app, { name: 'lesson', text, presetId: null, note: 'The text this lesson link carries.', stats });
      return;
    } catch (err) {
      banner(`${err.message}; loading the link's corpus instead.`);
    }
  }
  for (const [key, value] of Object.entries(presetById(settings.corpus)?.suggest ?? {})) {
    if (!given.has(key)) /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (settings))[key] = value;
  }
  writeControls(app);
  let corpus;
  try {
    corpus = await fetchPreset(app, settings.corpus);
  } catch (err) {
    banner(`${err.message}; loading the Brown corpus instead.`);
    settings.corpus = defaultSettings().corpus;
    corpus = await fetchPreset(app, settings.corpus);
  }
  writeUrl(app);
  await useCorpus(app, corpus);
}
