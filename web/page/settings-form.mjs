// settings-form.mjs — settings ⇄ controls ⇄ URL: write app.settings into the form and the address
// bar, read one changed control back (validated by ../settings.mjs, with a sentence for a bad value),
// the sampling knobs (temperature, prime), the model options this lmlab.wasm lacks, and adopting the
// settings a model file carries. What a change does to the model is training.mjs's business.
import { FIELDS, fitSettingsToModel, parseField } from '../settings.mjs';
import { lessonToQuery } from '../lesson.mjs';
import { $, banner, showError } from './dom.mjs';
import { refreshSample } from './readouts.mjs';
import { writeTokenControls } from './tokens-panel.mjs';

/** @typedef {import('../app.mjs').AppState} AppState */
/** @typedef {import('../settings.mjs').Settings} Settings */

/**
 * The settings as a record, for the loops over FIELDS' keys.
 * @param {Settings} settings @returns {Record<string, unknown>}
 */
const asRecord = (settings) => /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (settings));

/**
 * Show app.settings in every control, and enable only the controls the chosen model uses.
 * @param {AppState} app
 */
export function writeControls(app) {
  const { settings } = app;
  for (const el of document.querySelectorAll('[data-setting]')) {
    const field = /** @type {HTMLInputElement | HTMLSelectElement} */ (el);
    field.value = String(asRecord(settings)[field.dataset.setting ?? '']);
  }
  $('temp', HTMLInputElement).value = String(settings.temp);
  $('temp-out').textContent = settings.temp.toFixed(2);
  $('prime', HTMLInputElement).value = settings.prime;
  const kind = settings.model;
  const layers = $('layers', HTMLInputElement);
  $('window', HTMLInputElement).disabled = kind !== 'window';
  $('gru', HTMLSelectElement).disabled = kind !== 'gru';
  layers.disabled = kind === 'bigram' || kind === 'window';
  $('embed', HTMLInputElement).min = kind === 'window' ? '1' : '0';
  layers.title = kind === 'window' ? 'The window MLP has exactly one hidden layer' : '';
  $('gain', HTMLInputElement).disabled = kind === 'bigram' || kind === 'window';
  $('forgetBias', HTMLInputElement).disabled = kind !== 'lstm';
  for (const id of ['hidden', 'embed', 'seq', 'batch', 'batching', 'opt', 'lr', 'clip', 'clipMode', 'initScale']) {
    /** @type {HTMLInputElement | HTMLSelectElement} */ ($(id)).disabled = kind === 'bigram';
  }
  writeTokenControls(app);
}

/**
 * Put app.settings (and the lesson, if the link had one) into the address bar, so the link reproduces
 * the run. The test flag stays in the tab's address (a reload keeps the hooks), never in the settings.
 * @param {AppState} app
 */
export function writeUrl(app) {
  history.replaceState(
    null,
    '',
    lessonToQuery(app.settings, app.lesson) + (app.testHooks ? '&testhooks=1' : '') + location.hash,
  );
}

/**
 * Mark the models this lmlab.wasm was built without as unavailable in the model list.
 * @param {string[]} cells the neural cells the worker has
 */
export function showAvailableCells(cells) {
  for (const option of $('model', HTMLSelectElement).options) {
    const available = option.value === 'bigram' || cells.includes(option.value);
    option.disabled = !available;
    option.textContent =
      (option.textContent ?? '').replace(/ \(not built yet\)$/, '') + (available ? '' : ' (not built yet)');
  }
}

/**
 * Read one changed [data-setting] control into app.settings: a bad value is refused with a sentence
 * (the settings keep the old one); a good one may adjust others (the window MLP's rules, said in the
 * model note), then the form and the URL follow.
 * @param {AppState} app
 * @param {HTMLInputElement | HTMLSelectElement} el
 * @returns {{ key: string, before: Settings } | null} the change, or null when it was refused
 */
export function readSettingControl(app, el) {
  const { settings } = app;
  const key = el.dataset.setting ?? '';
  const { value, error } = parseField(key, el.value);
  el.setAttribute('aria-invalid', String(Boolean(error)));
  if (error) {
    showError($('settings-error'), `${error}.`);
    return null;
  }
  showError($('settings-error'), '');
  const before = { ...settings };
  asRecord(settings)[key] = value;
  const notes = fitSettingsToModel(settings);
  if (key === 'embed' && settings.embed !== value) {
    // the user typed an invalid embedding for the window MLP: refuse it rather than silently replace it
    settings.embed = before.embed;
    showError(
      $('settings-error'),
      'The window MLP needs an embedding size of at least 1 (it concatenates the embeddings of its previous characters).',
    );
    writeControls(app);
    return null;
  }
  $('model-note').textContent = notes.length ? `${notes.map((n) => n[0].toUpperCase() + n.slice(1)).join('. ')}.` : '';
  writeControls(app);
  writeUrl(app);
  return { key, before };
}

/**
 * Adopt the settings a loaded model file carries (valid fields only; the corpus stays).
 * @param {AppState} app @param {object} values
 */
export function adoptSettings(app, values) {
  for (const [key, value] of Object.entries(values ?? {})) {
    if (!(key in FIELDS) || key === 'corpus') continue;
    const check = parseField(key, String(value));
    if (!check.error) asRecord(app.settings)[key] = check.value;
  }
}

/** The temperature slider moved: resample at once. @param {AppState} app */
export function changeTemperature(app) {
  app.settings.temp = Number($('temp', HTMLInputElement).value);
  $('temp-out').textContent = app.settings.temp.toFixed(2);
  writeUrl(app);
  refreshSample(app);
}

/** The prime text changed: validate it, resample. @param {AppState} app */
export function changePrime(app) {
  const { value, error } = parseField('prime', $('prime', HTMLInputElement).value);
  if (error) {
    banner(error);
    return;
  }
  app.settings.prime = value;
  writeUrl(app);
  refreshSample(app);
}
