// training.mjs — the page's side of training, through the kit's trainer client (app.trainer,
// ../kit/trainer.mjs): start it, send it the corpus, build the model for the settings (offering only
// the cells this lmlab.wasm has), run / pause / step, apply a changed setting, load model bytes; and
// show what it reports — snapshots feed the page's own views and the numbers, faults and crash
// restarts become banners. A lesson link's comparison trainer (app.compare) gets the same corpus and
// settings (with its own cell) and the same run, pause, step and reset. The kit's elements follow the
// trainers themselves.
import { structuralChanges } from '../settings.mjs';
import { $, banner, hideBanner, setStatus, showError } from './dom.mjs';
import { highlightParam, refreshAll } from './readouts.mjs';
import { adoptSettings, readSettingControl, showAvailableCells, writeControls, writeUrl } from './settings-form.mjs';
import { renderModelInfo, renderRunState } from './status.mjs';
import { compareSettings, trainers } from './lesson.mjs';
import { renderTokens, renderVariant } from './tokens-panel.mjs';

/** @typedef {import('../app.mjs').AppState} AppState */

/** Start the trainer's worker, learn its cells, and listen to what it reports. @param {AppState} app */
export async function startTrainer(app) {
  const { trainer } = app;
  trainer.on('snapshot', (s) => onSnapshot(app, s));
  trainer.on('state', () => renderRunState(app));
  trainer.on('fault', (fault) => banner(fault.message));
  trainer.on('restart', ({ reason, gaveUp, step }) => {
    if (gaveUp)
      banner(
        `The training worker crashed again (${reason}), so it was not restarted. Download your model if you can, then reload the page.`,
      );
    else if (step !== null)
      banner(
        `The training worker crashed (${reason}) and was restarted; the model was restored from the checkpoint at step ${step}.`,
        'info',
      );
    else banner(`The training worker crashed (${reason}) and was restarted.`);
    renderRunState(app);
  });
  trainer.on('model', () => {
    app.pointedFrom = null;
    renderModelInfo(app);
    renderRunState(app);
    renderTokens(app);
    renderVariant(app);
  });
  trainer.on('corpus', () => renderTokens(app));
  trainer.on('highlight', (target) => highlightParam(app, target));
  if (app.compare) {
    app.compare.on('state', () => renderRunState(app));
    app.compare.on('fault', (fault) => banner(`${app.compare?.name}: ${fault.message}`));
    app.compare.on('snapshot', () => {
      app.statsDirty = true;
    });
  }
  await Promise.all(trainers(app).map((t) => t.start()));
  app.cells = trainer.cells;
  showAvailableCells(trainer.cells);
  // the footer says which build trains (lmlab-fma.wasm where the browser has relaxed SIMD)
  document
    .querySelector('.footer p')
    ?.append(
      ` Kernels: ${trainer.fma ? 'relaxed SIMD (fused multiply-add)' : 'SIMD128 (no fused multiply-add here)'}.`,
    );
}

/**
 * A snapshot: feed the page's own views, mark the numbers for redrawing.
 * @param {AppState} app @param {import('../protocol.mjs').Snapshot} s
 */
function onSnapshot(app, s) {
  if (s.paramGrads.length) app.views.paramGrads.add(s.step, s.paramGrads);
  if (s.watched) app.views.setWatched(s.watched);
  if (!s.running) renderRunState(app); // the status line names the step training stopped at
  app.statsDirty = true;
}

// ---- corpus and model ---------------------------------------------------------------------------

/**
 * Send a text to every trainer (no model yet: configure builds it); the worker checks it, and a
 * refusal rejects with its sentence (the trainers keep their corpus and model).
 * @param {AppState} app @param {import('./corpus-panel.mjs').Corpus} corpus @param {string | ArrayBuffer} input
 */
export async function sendCorpus(app, corpus, input) {
  const options = { name: corpus.name, label: corpus.label, configure: false };
  await Promise.all(trainers(app).map((t) => t.setText(input, options)));
  app.statsDirty = true;
}

/**
 * Build the model for the current settings (a reset from the seed).
 * @param {AppState} app
 */
export async function configure(app) {
  if (!app.corpus) return;
  const { settings } = app;
  if (settings.model !== 'bigram' && !app.cells.includes(settings.model)) {
    banner(`The ${settings.model.toUpperCase()} is not built into this lmlab.wasm yet; showing the bigram.`);
    settings.model = 'bigram';
    writeControls(app);
    writeUrl(app);
  }
  resetPageViews(app, []);
  try {
    await app.trainer.configure({ ...settings });
    showError($('settings-error'), '');
  } catch (err) {
    showError($('settings-error'), `Cannot build this model: ${err.message}`);
  }
  if (app.compare) {
    await app.compare
      .configure(compareSettings(app))
      .catch((err) =>
        showError(
          $('settings-error'),
          `Cannot build the ${app.lesson.compare.toUpperCase()} to compare: ${err.message}`,
        ),
      );
  }
  app.views.paramGrads.reset(app.trainer.model?.params.map((p) => p.name) ?? []);
  renderModelInfo(app);
  renderRunState(app);
  refreshAll(app);
}

/**
 * Empty the page's own model views and the gradient check (a new model is coming).
 * @param {AppState} app @param {string[]} paramNames
 */
function resetPageViews(app, paramNames) {
  app.views.reset(paramNames);
  $('grad-check-result').replaceChildren();
  app.statsDirty = true;
}

/**
 * Give the trainer a model file's bytes (they move to the worker); on success adopt the file's
 * settings (the trainer keeps the bytes as its crash checkpoint). A refused file throws the worker's sentence.
 * @param {AppState} app @param {ArrayBuffer} bytes @param {string} name what to call the file in messages
 * @returns {Promise<import('../protocol.mjs').LoadedModel>}
 */
export async function loadModelBytes(app, bytes, name) {
  const info = await app.trainer.load(bytes, name);
  adoptSettings(app, info.settings);
  writeControls(app);
  writeUrl(app);
  resetPageViews(
    app,
    info.params.map((p) => p.name),
  );
  renderModelInfo(app);
  renderRunState(app);
  refreshAll(app);
  return info;
}

// ---- run, pause, step, settings -----------------------------------------------------------------

/** Train every trainer of the page that has a neural model. @param {AppState} app */
export async function startTraining(app) {
  const ready = trainers(app).filter((t) => t.model?.trainable);
  if (!ready.length) return;
  hideBanner();
  await Promise.all(ready.map((t) => t.run()));
  renderRunState(app);
}

/** Ask the trainers to stop; resolves once they have. @param {AppState} app */
export async function pauseTraining(app) {
  await Promise.all(trainers(app).map((t) => t.pause()));
  renderRunState(app);
}

/** Is any of the page's trainers training? @param {AppState} app */
export function anyRunning(app) {
  return trainers(app).some((t) => t.running);
}

/** The Train / Pause button. @param {AppState} app */
export async function toggleTraining(app) {
  try {
    if (anyRunning(app)) {
      await pauseTraining(app);
      refreshAll(app); // the sample of the model as it stopped
    } else await startTraining(app);
  } catch (err) {
    banner(err.message);
  }
}

/** The Step button: exactly one optimizer update. @param {AppState} app */
export async function stepOnce(app) {
  try {
    await Promise.all(
      trainers(app)
        .filter((t) => t.model?.trainable)
        .map((t) => t.step()),
    );
    renderRunState(app);
    refreshAll(app);
  } catch (err) {
    banner(err.message);
  }
}

/** The Reset button: rebuild the model from the seed. @param {AppState} app */
export async function resetModel(app) {
  await configure(app);
  setStatus('Model rebuilt from the seed.');
}

/**
 * A [data-setting] control changed: the learning rate changes live; a structural setting rebuilds the
 * model (and training goes on if it was running).
 * @param {AppState} app @param {HTMLInputElement | HTMLSelectElement} el
 */
export async function changeSetting(app, el) {
  const change = readSettingControl(app, el);
  if (!change) return;
  if (change.key === 'addK') {
    await Promise.all(trainers(app).map((t) => t.setAddK(app.settings.addK))).catch((err) =>
      showError($('settings-error'), err.message),
    );
    return;
  }
  if (change.key === 'lr') {
    await Promise.all(trainers(app).map((t) => t.setLr(app.settings.lr))).catch((err) =>
      showError($('settings-error'), err.message),
    );
    return;
  }
  if (structuralChanges(change.before, app.settings).length) {
    const wasRunning = anyRunning(app);
    await configure(app);
    if (wasRunning) await startTraining(app);
  }
}
