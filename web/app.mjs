// app.mjs — the page's wiring, and the file to read first. The page is built on the kit's public
// pieces (web/kit/, docs/kit.md): a trainer client (createTrainer; it owns the shared training worker,
// replays it after a crash and keeps the loss history) registered as the page's default trainer, and
// view elements in index.html bound to it (<lm-loss-chart>, <lm-hidden-states>, <lm-gradient-flow>,
// <lm-bigram-matrix>, <lm-next-token>, <lm-embedding-map>), which draw themselves. This file declares the page's whole
// state (`app`), attaches every control's listener (wireControls), runs the 10 Hz timer of the page's
// own views (frame) and starts the page (main). What the controls do lives in page/:
//   training.mjs       the model, run/pause/step, snapshots, faults, crash notices
//   corpus.mjs         presets, pasted text, opened and dropped files → checked → the trainer
//   model-files.mjs    download a model, load one
//   readouts.mjs       samples, the probe text, the watched weights, the gradient check
//   settings-form.mjs  settings ⇄ controls ⇄ URL (the schema and parser: settings.mjs)
//   lesson.mjs         a lesson link's cards, hidden or locked panels, note, layout, comparison
//                      (the link's schema: ../lesson.mjs)
//   status.mjs         run buttons, status line, the numbers above the loss chart
//   sentences.mjs      score a sentence (the chain rule), the masked word (both models ranked)
//   tokens-panel.mjs   the level and the word tokenizer's options, the vocabulary line
//   one-step.mjs       one step written out: x_t, ŷ_t over the vocabulary, the target, J_t
//   knobs.mjs          teacher forcing against free-running beside the loss
//   vectors.mjs        word vectors: load (freeze / fine-tune), forget, download; neighbours, analogy
//                      (loaded when its card comes near the screen: lazyVectors below)
// Every page function takes `app` as its first argument; only this file creates it.
import { lessonFromQuery } from './lesson.mjs';
import { createTrainer, registerTrainer, setWorkerUrl } from './kit/index.mjs';
import {
  choosePreset,
  dragLeave,
  dragOver,
  dropCorpusFile,
  loadStartCorpus,
  openCorpusFile,
  usePastedText,
} from './page/corpus.mjs';
import { fillPresetSelect } from './page/corpus-panel.mjs';
import { $, banner, hideBanner, on, setStatus } from './page/dom.mjs';
import { downloadModel, loadModelFile } from './page/model-files.mjs';
import { changeProbeText, refreshSample, runGradCheck, watchParam } from './page/readouts.mjs';
import { changePrime, changeTemperature, writeControls } from './page/settings-form.mjs';
import { applyLessonLayout, createCompare } from './page/lesson.mjs';
import { drawStats } from './page/status.mjs';
import {
  anyRunning,
  changeSetting,
  pauseTraining,
  resetModel,
  startTrainer,
  startTraining,
  stepOnce,
  toggleTraining,
} from './page/training.mjs';
import { setupSeq2SeqMode } from './seq2seq/switch.mjs';
import { createPageViews } from './page/views.mjs';
import { initSentences } from './page/sentences.mjs';
import { initTokensPanel } from './page/tokens-panel.mjs';
import { initOneStep } from './page/one-step.mjs';
import { initKnobs } from './page/knobs.mjs';

const DRAW_MS = 100; // redraw the page's own views ten times a second, whatever training does
const SAMPLE_EVERY_MS = 3000; // while training: a new sample

// ---- state --------------------------------------------------------------------------------------

// ?testhooks=1 (the browser tests) exposes window.lmlab.poisonModel / crashWorker; it is not a setting.
const query = new URLSearchParams(location.search);
const TEST_HOOKS = query.get('testhooks') === '1';
query.delete('testhooks');
/** The link's settings and lesson; its errors (bad values of known fields) are shown once the page starts. */
const linked = lessonFromQuery(query.toString());
// The page's training worker is dist/worker.js, beside index.html. The kit would look beside its own
// module, which the page's bundler may move into chunks/ (as any page that bundles the kit may).
setWorkerUrl(new URL('./worker.js', document.baseURI));

/** Everything the page holds. Fields are changed in place, never added. */
const app = {
  // -- fixed when the page starts --
  /** the test hooks are on (?testhooks=1): the worker accepts debugPoison / debugCrash */
  testHooks: TEST_HOOKS,
  /** the page's trainer: the kit's client, registered as the default trainer of the view elements */
  trainer: createTrainer({ testHooks: TEST_HOOKS }),
  /** @type {import('./kit/trainer.mjs').Trainer | null} a lesson link's second model, trained beside the first (page/lesson.mjs) */
  compare: /** @type {import('./kit/trainer.mjs').Trainer | null} */ (null),
  /** what the lesson link asks of the page (nothing, for a plain link) */
  lesson: linked.lesson,
  /** the page's views: the kit elements in index.html and the page's own views (page/views.mjs) */
  views: createPageViews(),

  // -- what the user chose --
  /** the live settings: the controls and the URL show them, the trainer gets a copy (never replaced) */
  settings: linked.settings,
  /** @type {import('./page/corpus-panel.mjs').Corpus | null} the training text */
  corpus: null,

  // -- what the trainer said --
  /** @type {import('./protocol.mjs').CellKind[]} the neural cells this lmlab.wasm has */
  cells: /** @type {import('./protocol.mjs').CellKind[]} */ ([]),

  // -- cadences (performance.now() times) --
  /** when the sample was last refreshed */
  lastSample: 0,
  /** @type {Set<string>} request kinds in flight, and 'kind:again' for one asked for meanwhile */
  busy: new Set(),
  /** the numbers above the loss chart need redrawing */
  statsDirty: true,
  /** @type {string | null} the weight the reader chose, while the formula view points at another */
  pointedFrom: /** @type {string | null} */ (null),
};
/** @typedef {typeof app} AppState */
registerTrainer(app.trainer, 'default');
app.compare = createCompare(app, TEST_HOOKS);
if (app.lesson.stop) for (const t of [app.trainer, app.compare]) t?.setLimit('maxSteps', app.lesson.stop);

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
  const fields = /** @type {NodeListOf<HTMLInputElement | HTMLSelectElement>} */ (
    document.querySelectorAll('[data-setting]')
  );
  for (const el of fields) el.addEventListener('change', () => changeSetting(app, el));
  // the model file panel
  on('save', 'click', () => downloadModel(app));
  on('load', 'change', () => loadModelFile(app));
  // samples
  on('temp', 'input', () => changeTemperature(app));
  on('prime', 'change', () => changePrime(app));
  on('sample-now', 'click', () => refreshSample(app));
  // hidden states: the probe text
  on('probe-text', 'input', () => changeProbeText(app));
  // gradients
  on('weight-param', 'change', () => watchParam(app));
  on('grad-check', 'click', () => runGradCheck(app));
  // the embedding map: how many tokens
  on('embedmap-top', 'change', (event) =>
    $('embedding-map').setAttribute('top', /** @type {HTMLSelectElement} */ (event.target).value),
  );
}

/**
 * The Word vectors card's code (page/vectors.mjs, a chunk of its own in the built site) loads when the
 * card comes within a screen of the viewport, so the page's start does not carry it.
 */
function lazyVectors() {
  const card = document.getElementById('card-vectors');
  if (!card) return;
  const load = () =>
    import('./page/vectors.mjs').then(({ initVectors }) =>
      initVectors(app, { anyRunning, pauseTraining, startTraining }),
    );
  if (typeof IntersectionObserver === 'undefined') {
    load();
    return;
  }
  const observer = new IntersectionObserver(
    (entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      observer.disconnect();
      load().catch((err) => banner(`The word-vectors card could not load: ${err.message}`));
    },
    { rootMargin: '100% 0px' },
  );
  observer.observe(card);
}

// ---- drawing (10 Hz, decoupled from training) ---------------------------------------------------

/** Redraw the page's own views; while training, refresh the sample on its cadence. */
function frame() {
  // The sequence-to-sequence mode hides these views: drawing them would only cost its frames (a
  // hidden view's size read still forces a layout of what the mode just changed).
  if (document.body.dataset.mode === 'seq2seq') return;
  try {
    drawStats(app);
    app.views.draw();
  } catch (err) {
    console.error(err);
  }
  if (app.trainer.running && performance.now() - app.lastSample > SAMPLE_EVERY_MS) refreshSample(app);
}

// ---- start --------------------------------------------------------------------------------------

/** Hooks for the browser tests and for curious users in the console: window.lmlab. */
const hooks = {
  settings: app.settings,
  trainer: app.trainer,
  get compare() {
    return app.compare;
  },
  get step() {
    return app.trainer.steps;
  },
  get running() {
    return app.trainer.running;
  },
  /** Resolves once the worker has acknowledged the last pause (no more steps after it). */
  settle: () => app.trainer.pausing ?? Promise.resolve(),
  get model() {
    return app.trainer.model;
  },
  /** the loss history the loss chart draws (steps, train, smooth, val; firstValidation, lastValidation) */
  get lossChart() {
    return app.trainer.history;
  },
  /** the latest gradient curves (total, last) */
  get gradFlow() {
    return app.trainer.gradFlow;
  },
  /** @type {number | undefined} when the page was ready (performance.now()) */
  readyMs: undefined,
  ...(TEST_HOOKS
    ? {
        crashWorker: () => app.trainer.call('debugCrash'),
        poisonModel: () => app.trainer.call('debugPoison'),
      }
    : {}),
};

async function main() {
  applyLessonLayout(app);
  wireControls();
  // The sequence-to-sequence mode (#seq2seq): its own worker, started when it is first opened; the
  // language model pauses while it is shown.
  setupSeq2SeqMode({ onEnter: () => void (anyRunning(app) && pauseTraining(app)) });
  initSentences(app);
  initTokensPanel(app);
  initOneStep(app);
  initKnobs(app);
  lazyVectors();
  fillPresetSelect();
  writeControls(app);
  if (linked.errors.length) banner(linked.errors.join('; ') + '.');
  setInterval(frame, DRAW_MS);
  try {
    setStatus('Starting the worker…');
    await startTrainer(app);
  } catch (err) {
    banner(`Could not start the training worker: ${err.message}`);
    setStatus('Failed to start.');
    return;
  }
  await loadStartCorpus(app, linked.given);
  document.body.dataset.ready = 'true';
  hooks.readyMs = performance.now();
  if (app.lesson.autoplay) await startTraining(app).catch((err) => banner(err.message));
}

Object.assign(window, { lmlab: hooks });
main().catch((err) => {
  banner(`The page could not start: ${err.message}`);
  setStatus('Failed to start.');
});
