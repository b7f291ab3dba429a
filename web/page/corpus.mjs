// corpus.mjs — handling a new training text: a built-in preset (with the settings it suggests), pasted
// text, an opened or dropped file. Each goes to the trainers as it is (a file as bytes), and the
// training worker checks it (../corpus-check.mjs: empty, too large, binary, broken UTF-8 get one
// sentence and the old corpus stays), counts it and answers with its statistics and probe excerpt:
// the page's main thread never decodes or scans the text, so a 32 MB file does not freeze it. Then
// the statistics and probe text follow, and a fresh model is built. corpus-panel.mjs has the pieces.
import { MAX_CORPUS_BYTES, tooLarge } from '../corpus-check.mjs';
import { defaultSettings } from '../settings.mjs';
import { presetById } from '../presets.mjs';
import { $, banner, setStatus, showError } from './dom.mjs';
import { loadPreset, renderCorpusStats } from './corpus-panel.mjs';
import { writeControls, writeUrl } from './settings-form.mjs';
import { configure, pauseTraining, sendCorpus } from './training.mjs';
import { locked } from './lesson.mjs';

/** @typedef {import('../app.mjs').AppState} AppState */
/** @typedef {import('./corpus-panel.mjs').Corpus} Corpus */

/** loadPreset with a status line while it runs. @param {string} id */
function fetchPreset(id) {
  setStatus(`Loading ${presetById(id)?.title ?? id}…`);
  return loadPreset(id);
}

/**
 * Make a text the training text: the trainers check it in the worker (a refusal throws its sentence
 * and nothing changed), then the statistics, the probe text and a fresh model follow.
 * @param {AppState} app @param {Corpus} corpus @param {string | ArrayBuffer} input the text, or a file's bytes
 */
async function useCorpus(app, corpus, input) {
  setStatus(`Checking and counting ${corpus.label}…`);
  await sendCorpus(app, corpus, input);
  showError($('corpus-error'), '');
  app.corpus = corpus;
  const info = /** @type {import('../protocol.mjs').CorpusInfo} */ (app.trainer.corpus);
  const probeText = $('probe-text', HTMLTextAreaElement);
  probeText.value = app.lesson.probe ?? info.text.probe;
  app.views.hidden.probeText = probeText.value;
  // The prediction box keeps its text when the new corpus knows every character of it.
  const predict = app.views.predict;
  if (![...predict.text].every((ch) => info.text.alphabet.includes(ch)))
    predict.text = [...probeText.value].slice(0, 40).join('');
  renderCorpusStats(info.text, corpus, info);
  $('corpus', HTMLSelectElement).value = corpus.presetId ?? 'custom';
  await configure(app);
}

/**
 * The user's own text (pasted, or a file's bytes): checked in the worker, then trained on; a bad one
 * is refused with a sentence and the previous corpus stays.
 * @param {AppState} app @param {string | ArrayBuffer} input @param {string} name for messages
 */
async function userCorpus(app, input, name) {
  try {
    await pauseTraining(app);
    const corpus = {
      name: name.slice(0, 60),
      label: name,
      presetId: null,
      note: `${name}: not part of the link (links carry only built-in corpora).`,
    };
    await useCorpus(app, corpus, input);
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
    const { corpus, input } = await fetchPreset(id);
    if (preset.suggest) Object.assign(app.settings, preset.suggest);
    app.settings.corpus = id;
    writeControls(app);
    writeUrl(app);
    await useCorpus(app, corpus, input);
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
      writeControls(app);
      writeUrl(app);
      const corpus = {
        name: 'lesson',
        label: "The link's text",
        presetId: null,
        note: 'The text this lesson link carries.',
      };
      await useCorpus(app, corpus, app.lesson.text);
      return;
    } catch (err) {
      banner(`${err.message}; loading the link's corpus instead.`);
    }
  }
  for (const [key, value] of Object.entries(presetById(settings.corpus)?.suggest ?? {})) {
    if (!given.has(key)) /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (settings))[key] = value;
  }
  writeControls(app);
  let preset;
  try {
    preset = await fetchPreset(settings.corpus);
  } catch (err) {
    banner(`${err.message}; loading the Brown corpus instead.`);
    settings.corpus = defaultSettings().corpus;
    preset = await fetchPreset(settings.corpus);
  }
  writeUrl(app);
  await useCorpus(app, preset.corpus, preset.input);
}
