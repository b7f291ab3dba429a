// app.mjs — the page's wiring, and the file to read first. The page trains a model in a Web Worker
// (worker.mjs, which owns the WASM instance; every message is typed in protocol.mjs) and shows it
// through views (views/, created over this page's elements by page/views.mjs). This file declares the
// page's whole state (`app`), attaches every control's listener (wireControls), runs the 10 Hz draw
// timer (frame) and starts the page (main). What the controls do lives in page/:
//   training.mjs       the worker (restarted after a crash), the model, run/pause/step, snapshots
//   corpus.mjs         presets, pasted text, opened and dropped files → checked → the worker
//   model-files.mjs    download a model, load one, the crash checkpoint
//   readouts.mjs       samples, predictions, hidden states, the bigram matrix, the gradient check
//   settings-form.mjs  settings ⇄ controls ⇄ URL (the schema and parser: settings.mjs)
//   status.mjs         run buttons, status line, the numbers above the loss chart
// Every page function takes `app` as its first argument; only this file creates it.
import { settingsFromQuery } from './settings.mjs';
import { choosePreset, dragLeave, dragOver, dropCorpusFile, loadStartCorpus, openCorpusFile, usePastedText } from './page/corpus.mjs';
import { fillPresetSelect } from './page/corpus-panel.mjs';
import { banner, hideBanner, on, setStatus } from './page/dom.mjs';
import { downloadModel, loadModelFile, saveCheckpoint } from './page/model-files.mjs';
import { pinFlow, rankNeurons, refreshPredict, refreshProbe, refreshSample, runGradCheck, showQuantity, unpinFlows, watchParam } from './page/readouts.mjs';
import { changePrime, changeTemperature, writeControls } from './page/settings-form.mjs';
import { drawStats } from './page/status.mjs';
import { changeSetting, resetModel, startWorker, stepOnce, toggleTraining } from './page/training.mjs';
import { createPageViews } from './page/views.mjs';

const DRAW_MS = 100;                 // redraw the views ten times a second, whatever training does
const SAMPLE_EVERY_MS = 3000;        // while training: a new sample
const PROBE_EVERY_MS = 1500;         // while training: new hidden states and predictions
const CHECKPOINT_EVERY_MS = 20000;   // while training: a new crash checkpoint

// ---- state --------------------------------------------------------------------------------------

// ?testhooks=1 (the browser tests) exposes window.lmlab.poisonModel / crashWorker; it is not a setting.
const query = new URLSearchParams(location.search);
const TEST_HOOKS = query.get('testhooks') === '1';
query.delete('testhooks');
/** The link's settings; its errors (bad or unknown fields) are shown once the page starts. */
const linked = settingsFromQuery(query.toString());

/** Everything the page holds. Fields are changed in place, never added. */
const app = {
  // -- fixed when the page starts --
  /** the test hooks are on (?testhooks=1): the worker accepts debugPoison / debugCrash */
  testHooks: TEST_HOOKS,
  /** the built worker, next to the built app.js (dist/) */
  workerUrl: new URL('./worker.js', import.meta.url),
  /** the page's views over their elements (page/views.mjs) */
  views: createPageViews(),

  // -- what the user chose --
  /** the live settings: the controls and the URL show them, the worker gets a copy (never replaced) */
  settings: linked.settings,
  /** @type {import('./page/corpus-panel.mjs').Corpus | null} the training text */
  corpus: null,

  // -- the worker --
  /** @type {Worker | null} */
  worker: null,
  /** @type {import('./protocol.mjs').Connection | null} requests to the worker, typed by protocol.mjs */
  rpc: null,
  /** @type {import('./protocol.mjs').CellKind[]} the neural cells this lmlab.wasm has */
  cells: [],
  /** a crashed worker is being replaced */
  restarting: false,
  /** @type {number[]} when the recent crashes happened (performance.now()); too many stop restarts */
  crashes: [],

  // -- what the worker said --
  /** @type {import('./protocol.mjs').CorpusInfo | null} the corpus as the worker split it */
  corpusInfo: null,
  /** @type {import('./protocol.mjs').ModelInfo | null} the model it holds (null: none could be built) */
  model: null,
  /** the model's optimizer step */
  step: 0,
  /** the worker is training (told to run, no snapshot has said it stopped) */
  running: false,
  /** @type {Promise<unknown> | null} the last pause request; resolves once the worker stopped */
  pausing: null,
  /** @type {import('./protocol.mjs').Snapshot | null} the last snapshot (the numbers above the chart) */
  last: null,
  /** @type {{ bytes: ArrayBuffer, step: number } | null} the model as last saved or loaded, replayed into a restarted worker */
  checkpoint: null,

  // -- cadences (performance.now() times) --
  /** when the sample was last refreshed */
  lastSample: 0,
  /** when the hidden states and predictions were last refreshed */
  lastProbe: 0,
  /** when the last crash checkpoint was asked for */
  lastCheckpoint: 0,
  /** @type {Set<string>} request kinds in flight, and 'kind:again' for one asked for meanwhile */
  busy: new Set(),
  /** the numbers above the loss chart need redrawing */
  statsDirty: true,
};
/** @typedef {typeof app} AppState */

// ---- controls -----------------------------------------------------------------------------------

/** Attach every control's listener (once, from main). */
function wireControls() {
  // the top bar and the banner
  on('train', 'click', () => toggleTraining(app));
  on('step', 'click', () => stepOnce(app));
  on('reset', 'click', () => resetModel(app));
  on('banner-close', 'click', hideBanner);
  // the corpus panel
  on('corpus', 'change', () => choosePreset(app));
  on('use-paste', 'click', () => usePastedText(app));
  on('file', 'change', () => openCorpusFile(app));
  on('drop', 'dragover', dragOver);
  on('drop', 'dragleave', dragLeave);
  on('drop', 'drop', (event) => dropCorpusFile(app, event));
  // the model panel: every control with a data-setting attribute
  const fields = /** @type {NodeListOf<HTMLInputElement | HTMLSelectElement>} */ (document.querySelectorAll('[data-setting]'));
  for (const el of fields) el.addEventListener('change', () => changeSetting(app, el));
  // the model file panel
  on('save', 'click', () => downloadModel(app));
  on('load', 'change', () => loadModelFile(app));
  // samples
  on('temp', 'input', () => changeTemperature(app));
  on('prime', 'change', () => changePrime(app));
  on('sample-now', 'click', () => refreshSample(app));
  // next character and hidden states
  on('predict-input', 'input', () => refreshPredict(app));
  on('probe-text', 'input', () => refreshProbe(app));
  on('hidden-quantity', 'change', () => showQuantity(app));
  on('rank', 'click', () => rankNeurons(app));
  // gradients
  on('pin-flow', 'click', () => pinFlow(app));
  on('unpin-flow', 'click', () => unpinFlows(app));
  on('weight-param', 'change', () => watchParam(app));
  on('grad-check', 'click', () => runGradCheck(app));
}

// ---- drawing (10 Hz, decoupled from training) ---------------------------------------------------

/** Redraw what changed; while training, refresh samples, probes and the checkpoint on their cadences. */
function frame() {
  try {
    drawStats(app);
    app.views.draw();
  } catch (err) {
    console.error(err);
  }
  if (!app.running) return;
  const now = performance.now();
  if (now - app.lastSample > SAMPLE_EVERY_MS) refreshSample(app);
  if (now - app.lastProbe > PROBE_EVERY_MS) {
    app.lastProbe = now;
    refreshProbe(app);
    refreshPredict(app);
  }
  if (now - app.lastCheckpoint > CHECKPOINT_EVERY_MS && app.step > 0) {
    app.lastCheckpoint = now;
    saveCheckpoint(app);
  }
}

// ---- start --------------------------------------------------------------------------------------

/** Hooks for the browser tests and for curious users in the console: window.lmlab. */
const hooks = {
  settings: app.settings,
  get step() { return app.step; },
  get running() { return app.running; },
  /** Resolves once the worker has acknowledged the last pause (no more steps after it). */
  settle: () => app.pausing ?? Promise.resolve(),
  get model() { return app.model; },
  lossChart: app.views.lossChart,
  gradFlow: app.views.gradFlow,
  /** @type {number | undefined} when the page was ready (performance.now()) */
  readyMs: undefined,
  ...(TEST_HOOKS ? {
    crashWorker: () => app.rpc?.call('debugCrash'),
    poisonModel: () => app.rpc?.call('debugPoison'),
  } : {}),
};

async function main() {
  wireControls();
  fillPresetSelect();
  writeControls(app);
  if (linked.errors.length) banner(linked.errors.join('; ') + '.');
  setInterval(frame, DRAW_MS);
  try {
    setStatus('Starting the worker…');
    await startWorker(app);
  } catch (err) {
    banner(`Could not start the training worker: ${err.message}`);
    setStatus('Failed to start.');
    return;
  }
  await loadStartCorpus(app, linked.given);
  document.body.dataset.ready = 'true';
  hooks.readyMs = performance.now();
}

Object.assign(window, { lmlab: hooks });
main().catch((err) => {
  banner(`The page could not start: ${err.message}`);
  setStatus('Failed to start.');
});
