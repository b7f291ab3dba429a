// status.mjs — the page's read-outs of where training stands: the run buttons and the status line
// (renderRunState), the parameter list of the weight view (renderModelInfo), and the row of numbers
// above the loss chart (drawStats, on the 10 Hz timer, only when something changed). Reads app state,
// never asks the worker.
import { fmt } from '../views/heatmap.mjs';
import { $, setStatus } from './dom.mjs';

/** @typedef {import('../app.mjs').AppState} AppState */

/**
 * Enable what the model allows, label Train / Pause, say where training stands.
 * @param {AppState} app
 */
export function renderRunState(app) {
  const neural = Boolean(app.model?.trainable);
  const button = (/** @type {string} */ id) => $(id, HTMLButtonElement);
  button('train').disabled = !neural;
  button('step').disabled = !neural;
  button('reset').disabled = !app.corpus;
  button('save').disabled = !neural;
  button('train').textContent = app.running ? 'Pause' : 'Train';
  button('train').setAttribute('aria-pressed', String(app.running));
  document.body.classList.toggle('running', app.running);
  for (const id of ['grad-check', 'pin-flow', 'rank']) button(id).disabled = !neural;
  $('grad-note').textContent = !neural ? 'The bigram is counted, not trained by gradient descent: choose a neural model to see gradients.'
    : app.model?.kind === 'window' ? 'The window MLP has no recurrence, so nothing flows back through time: no red curve; grey is each position\'s own ‖∂L/∂h_t‖.' : '';
  if (!app.model) setStatus('No model.');
  else if (!neural) setStatus('Bigram: counted from the corpus (nothing to train).');
  else setStatus(app.running ? 'Training…' : app.step ? `Paused at step ${app.step}.` : 'Ready: press Train.');
}

/** List the model's parameters for the weight view (the recurrent matrix first shown). @param {AppState} app */
export function renderModelInfo(app) {
  const select = $('weight-param', HTMLSelectElement);
  select.replaceChildren();
  for (const p of app.model?.params ?? []) select.append(new Option(`${p.name} (${p.shape.join('×')})`, p.name));
  const preferred = app.model?.params.find((p) => /weight_hh/.test(p.name)) ?? app.model?.params[0];
  if (preferred) select.value = preferred.name;
  app.statsDirty = true;
}

/** The numbers above the loss chart, from the last snapshot (when something changed). @param {AppState} app */
export function drawStats(app) {
  if (!app.statsDirty) return;
  app.statsDirty = false;
  const s = app.last;
  const { lossChart } = app.views;
  const bigram = app.corpusInfo?.bigram.loss;
  const neural = app.model?.trainable;
  const val = neural ? lossChart.lastValidation : bigram;
  const shown = Number.isFinite(val) ? val : lossChart.lastSmoothed;
  const show = (/** @type {string} */ id, /** @type {string} */ text) => { $(id).textContent = text; };
  show('stat-step', String(app.step));
  show('stat-loss', neural && Number.isFinite(lossChart.lastSmoothed) ? lossChart.lastSmoothed.toFixed(3) : '–');
  show('stat-val', Number.isFinite(val) ? val.toFixed(3) : '–');
  show('stat-ppl', Number.isFinite(shown) ? Math.exp(shown).toFixed(2) : '–');
  show('stat-bpc', Number.isFinite(shown) ? (shown / Math.LN2).toFixed(3) : '–');
  show('stat-bigram', Number.isFinite(bigram) ? `${bigram.toFixed(3)}` : '–');
  show('stat-speed', neural && s?.charsPerSec ? Math.round(s.charsPerSec).toLocaleString() : '–');
  show('stat-ms', neural && s?.msPerStep ? s.msPerStep.toFixed(2) : '–');
  show('stat-params', app.model ? app.model.parameterCount.toLocaleString() : '–');
  show('clip-count', String(s?.clipEvents ?? 0));
  show('grad-norm', s && Number.isFinite(s.gradNorm) ? fmt(s.gradNorm) : '–');
}
