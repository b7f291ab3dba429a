// status.mjs — the page's read-outs of where training stands: the run buttons and the status line
// (renderRunState), the parameter list of the weight view (renderModelInfo), and the row of numbers
// above the loss chart (drawStats, on the 10 Hz timer, only when something changed). Reads the
// trainer client's state, never asks the worker.
import { fmt } from '../views/heatmap.mjs';
import { $, setStatus } from './dom.mjs';
import { trainers } from './lesson.mjs';

/** @typedef {import('../app.mjs').AppState} AppState */

/**
 * Enable what the model allows, label Train / Pause, say where training stands.
 * @param {AppState} app
 */
export function renderRunState(app) {
  const { trainer } = app;
  const model = trainer.model;
  const neural = Boolean(model?.trainable);
  const running = trainers(app).some((t) => t.running);
  const button = (/** @type {string} */ id) => $(id, HTMLButtonElement);
  button('train').disabled = !neural;
  button('step').disabled = !neural;
  button('reset').disabled = !app.corpus;
  button('save').disabled = !neural;
  button('train').textContent = running ? 'Pause' : 'Train';
  button('train').setAttribute('aria-pressed', String(running));
  document.body.classList.toggle('running', running);
  button('grad-check').disabled = !neural;
  $('grad-note').textContent = !neural
    ? 'The bigram is counted, not trained by gradient descent: choose a neural model to see gradients.'
    : model?.kind === 'window'
      ? "The window MLP has no recurrence, so nothing flows back through time: no red curve; grey is each position's own ‖∂L/∂h_t‖."
      : '';
  if (!model) setStatus('No model.');
  else if (!neural) setStatus('Bigram: counted from the corpus (nothing to train).');
  else if (app.compare) {
    const both = trainers(app)
      .map((t) => `${t.name} at step ${t.steps}`)
      .join(', ');
    setStatus(
      running
        ? `Training (${both})…`
        : trainer.steps
          ? `Paused: ${both}.`
          : `Ready: press Train to train both (${trainers(app)
              .map((t) => t.name)
              .join(' and ')}).`,
    );
  } else
    setStatus(
      trainer.running ? 'Training…' : trainer.steps ? `Paused at step ${trainer.steps}.` : 'Ready: press Train.',
    );
  app.statsDirty = true;
}

/** List the model's parameters for the weight view (the recurrent matrix first shown). @param {AppState} app */
export function renderModelInfo(app) {
  const model = app.trainer.model;
  const select = $('weight-param', HTMLSelectElement);
  select.replaceChildren();
  for (const p of model?.params ?? []) select.append(new Option(`${p.name} (${p.shape.join('×')})`, p.name));
  const preferred = model?.params.find((p) => /weight_hh/.test(p.name)) ?? model?.params[0];
  if (preferred) select.value = preferred.name;
  app.statsDirty = true;
}

/** The numbers above the loss chart, from the last snapshot (when something changed). @param {AppState} app */
export function drawStats(app) {
  if (!app.statsDirty) return;
  app.statsDirty = false;
  const { trainer } = app;
  const s = trainer.last;
  const history = trainer.history;
  const bigram = trainer.corpus?.bigram.loss;
  const neural = trainer.model?.trainable;
  const val = neural ? history.lastValidation : bigram;
  // the bigram with k = 0 can give +∞ (a held-out pair it never saw): shown as ∞, not as a blank
  const shown = Number.isFinite(val) || val === Infinity ? val : history.lastSmoothed;
  const loss = (/** @type {number | undefined} */ x, /** @type {number} */ digits) =>
    x === Infinity ? '∞' : x !== undefined && Number.isFinite(x) ? x.toFixed(digits) : '–';
  const show = (/** @type {string} */ id, /** @type {string} */ text) => {
    $(id).textContent = text;
  };
  show('stat-step', String(trainer.steps));
  show('stat-loss', neural && Number.isFinite(history.lastSmoothed) ? history.lastSmoothed.toFixed(3) : '–');
  show('stat-val', loss(val, 3));
  show('stat-ppl', loss(Math.exp(shown), 2));
  show('stat-bpc', loss(shown / Math.LN2, 3));
  show('stat-bigram', loss(bigram, 3));
  show('stat-speed', neural && s?.charsPerSec ? Math.round(s.charsPerSec).toLocaleString() : '–');
  show('stat-ms', neural && s?.msPerStep ? s.msPerStep.toFixed(2) : '–');
  // threads training, and why one when more were there (web/worker/engine.mjs)
  const m = /** @type {any} */ (trainer.model);
  show('stat-cores', neural && m?.threads ? `${m.threads}${m.threadNote ? ' (small)' : ''}` : '–');
  $('stat-cores').title = neural && m?.threadNote ? `one core: ${m.threadNote}` : '';
  show('stat-params', trainer.model ? trainer.model.parameterCount.toLocaleString() : '–');
  show('clip-count', String(s?.clipEvents ?? 0));
  show('grad-norm', s && Number.isFinite(s.gradNorm) ? fmt(s.gradNorm) : '–');
}
