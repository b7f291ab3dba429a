// training.mjs — the page's side of training, through the worker protocol (../protocol.mjs): start the
// worker and replace it after a crash (replaying the corpus, the settings and the last checkpoint),
// send it the corpus, build the model for the settings, run / pause / step, take in snapshots and
// faults, apply a changed setting, load model bytes. It keeps app state current and hands what is
// shown to status.mjs, readouts.mjs and the views; the controls that call it are wired in app.mjs.
import { connect } from '../protocol.mjs';
import { structuralChanges } from '../settings.mjs';
import { $, banner, hideBanner, setStatus, showError } from './dom.mjs';
import { refreshAll } from './readouts.mjs';
import { adoptSettings, readSettingControl, showAvailableCells, writeControls, writeUrl } from './settings-form.mjs';
import { renderModelInfo, renderRunState } from './status.mjs';

/** @typedef {import('../app.mjs').AppState} AppState */

const CRASH_WINDOW_MS = 60000;   // more than MAX_CRASHES crashes within this: stop restarting
const MAX_CRASHES = 3;

// ---- the worker ---------------------------------------------------------------------------------

/** Start a worker and load lmlab.wasm in it; mark the cells it lacks. @param {AppState} app */
export async function startWorker(app) {
  const worker = new Worker(app.workerUrl, { type: 'module' });
  app.worker = worker;
  app.rpc = connect(worker, (event) => {
    if (event.type === 'snapshot') onSnapshot(app, event);
    else if (event.type === 'fault') onFault(app, event);
  });
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    restartWorker(app, event.message || 'an uncaught error');
  });
  const { cells } = await app.rpc.call('init', { testHooks: app.testHooks });
  app.cells = cells;
  showAvailableCells(cells);
}

/**
 * A crashed worker is replaced; the corpus and the last checkpoint are replayed into the new one.
 * @param {AppState} app @param {string} reason
 */
async function restartWorker(app, reason) {
  if (app.restarting) return;
  // A worker that keeps dying would restart forever: give up after three crashes in a minute.
  const now = performance.now();
  app.crashes = app.crashes.filter((t) => now - t < CRASH_WINDOW_MS).concat(now);
  if (app.crashes.length > MAX_CRASHES) {
    app.worker?.terminate();
    app.running = false;
    renderRunState(app);
    banner(`The training worker crashed again (${reason}): three crashes within a minute, so it was not restarted. Download your model if you can, then reload the page.`);
    return;
  }
  app.restarting = true;
  app.rpc?.failAll('the worker was restarted');
  app.worker?.terminate();
  app.running = false;
  renderRunState(app);
  banner(`The training worker crashed (${reason}) and was restarted.`);
  const checkpoint = app.checkpoint; // configure() below forgets it
  try {
    await startWorker(app);
    if (app.corpus) await sendCorpus(app);
    await configure(app, false);
    if (checkpoint) {
      app.checkpoint = checkpoint;
      await loadModelBytes(app, checkpoint.bytes.slice(0), 'the last checkpoint');
      banner(`The training worker crashed (${reason}) and was restarted; the model was restored from the checkpoint at step ${checkpoint.step}.`, 'info');
    }
  } catch (err) {
    banner(`The training worker crashed (${reason}) and could not be restarted: ${err.message}. Reload the page.`);
  } finally {
    app.restarting = false;
  }
}

/**
 * A snapshot: feed the charts, remember it for the numbers, notice that training stopped.
 * @param {AppState} app @param {import('../protocol.mjs').Snapshot} s
 */
function onSnapshot(app, s) {
  const { lossChart, gradFlow, paramGrads } = app.views;
  app.step = s.step;
  app.last = s;
  lossChart.append(s.firstStep, s.losses);
  lossChart.addValidation(s.val);
  if (s.paramGrads.length) paramGrads.add(s.step, s.paramGrads);
  // gradLast is refreshed less often than snapshots arrive for big models: keep the last one.
  if (s.gradFlow || s.gradLast) gradFlow.set(s.gradFlow ?? gradFlow.total, s.gradLast ?? gradFlow.last);
  if (s.watched) app.views.setWatched(s.watched);
  if (!s.running) {
    app.running = false;
    renderRunState(app); // the status line names the step training stopped at
  }
  app.statsDirty = true;
}

/**
 * Training stopped on its own: a fatal fault replaces the worker; the others pause with the worker's
 * sentence (what went wrong and what to try).
 * @param {AppState} app @param {import('../protocol.mjs').Fault} fault
 */
function onFault(app, fault) {
  if (fault.kind === 'fatal') {
    restartWorker(app, fault.message);
    return;
  }
  app.running = false;
  renderRunState(app);
  banner(fault.message);
}

// ---- corpus and model ---------------------------------------------------------------------------

/** Send app.corpus to the worker; keep what it says about it. @param {AppState} app */
export async function sendCorpus(app) {
  app.corpusInfo = await app.rpc.call('setCorpus', { name: app.corpus.name, text: app.corpus.text });
  app.views.lossChart.setBigram(app.corpusInfo.bigram.loss);
  app.statsDirty = true;
}

/**
 * Build the model for the current settings (a reset from the seed).
 * @param {AppState} app @param {boolean} clearCharts false: the charts stay (a restarted worker)
 */
export async function configure(app, clearCharts) {
  if (!app.corpus) return;
  const { settings } = app;
  if (settings.model !== 'bigram' && !app.cells.includes(settings.model)) {
    banner(`The ${settings.model.toUpperCase()} is not built into this lmlab.wasm yet; showing the bigram.`);
    settings.model = 'bigram';
    writeControls(app);
    writeUrl(app);
  }
  app.running = false;
  // Clear first: the worker's first snapshot (validation at step 0) arrives before its reply.
  if (clearCharts) resetCharts(app, []);
  try {
    app.model = await app.rpc.call('configure', { settings: { ...settings } });
    showError($('settings-error'), '');
  } catch (err) {
    showError($('settings-error'), `Cannot build this model: ${err.message}`);
    app.model = null;
  }
  app.checkpoint = null;
  app.step = 0;
  app.views.paramGrads.reset(app.model?.params.map((p) => p.name) ?? []);
  renderModelInfo(app);
  renderRunState(app);
  refreshAll(app);
}

/**
 * Empty the model views and the gradient check (a new model is coming).
 * @param {AppState} app @param {string[]} paramNames
 */
function resetCharts(app, paramNames) {
  app.views.reset(paramNames, app.corpusInfo?.bigram.loss ?? NaN);
  $('grad-check-result').replaceChildren();
  app.statsDirty = true;
}

/**
 * Give the worker a model file's bytes (they move to it); on success adopt the file's settings and
 * keep the bytes as the crash checkpoint. A refused file throws the worker's sentence.
 * @param {AppState} app @param {ArrayBuffer} bytes @param {string} name what to call the file in messages
 * @returns {Promise<import('../protocol.mjs').LoadedModel>}
 */
export async function loadModelBytes(app, bytes, name) {
  const keep = bytes.slice(0); // the buffer moves to the worker; keep a copy as the crash checkpoint
  const info = await app.rpc.call('load', { bytes, name }, [bytes]);
  app.checkpoint = { bytes: keep, step: info.step };
  app.model = info;
  adoptSettings(app, info.settings);
  app.step = info.step;
  writeControls(app);
  writeUrl(app);
  resetCharts(app, info.params.map((p) => p.name));
  renderModelInfo(app);
  await app.rpc.call('evaluate'); // a fresh snapshot (validation loss, weights) for the new model
  renderRunState(app);
  refreshAll(app);
  return info;
}

// ---- run, pause, step, settings -----------------------------------------------------------------

/** @param {AppState} app */
export async function startTraining(app) {
  if (!app.model?.trainable) return;
  hideBanner();
  await app.rpc.call('run');
  app.running = true;
  renderRunState(app);
}

/** Ask the worker to stop; app.pausing resolves once it has. @param {AppState} app */
export async function pauseTraining(app) {
  if (!app.running) return;
  app.running = false;
  renderRunState(app);
  app.pausing = app.rpc.call('pause').catch(() => {});
  await app.pausing;
}

/** The Train / Pause button. @param {AppState} app */
export async function toggleTraining(app) {
  try {
    if (app.running) {
      await pauseTraining(app);
      refreshAll(app); // samples, predictions and probes of the model as it stopped
    } else await startTraining(app);
  } catch (err) {
    banner(err.message);
  }
}

/** The Step button: exactly one optimizer update. @param {AppState} app */
export async function stepOnce(app) {
  try {
    app.running = false;
    const { step } = await app.rpc.call('step');
    app.step = step;
    renderRunState(app);
    refreshAll(app);
  } catch (err) {
    banner(err.message);
  }
}

/** The Reset button: rebuild the model from the seed. @param {AppState} app */
export async function resetModel(app) {
  await configure(app, true);
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
  if (change.key === 'lr') {
    await app.rpc.call('setLr', { lr: app.settings.lr }).catch((err) => showError($('settings-error'), err.message));
    return;
  }
  if (structuralChanges(change.before, app.settings).length) {
    const wasRunning = app.running;
    await configure(app, true);
    if (wasRunning) await startTraining(app);
  }
}
