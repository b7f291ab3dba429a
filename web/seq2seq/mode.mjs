// mode.mjs — the page's sequence-to-sequence mode (mode.html, bundled as seq2seq/mode.js and imported
// by switch.mjs when the top bar's switch or a link ending in #seq2seq first opens it): a task or a pairs file, attention none/dot/additive and the
// cell, trained in its own worker (client.mjs → web/worker/seq2seq-worker.mjs, started only when the
// mode is first opened); the numbers, the loss, exact-match and by-length charts (charts.mjs), the
// decode box with its alignment heatmap (decode.mjs) and the worked example (example-panel.mjs),
// redrawn in animation frames at most ten times a second. Settings are checked by settings.mjs before they are
// sent, and again in the worker. window.lmlabSeq2Seq exposes the state to the browser tests.
import { decodeUtf8, TASKS } from '../../wasm_glue/seq2seq-data.mjs';
import { $, banner, showError } from '../page/dom.mjs';
import { S2SAccuracyChart, S2SHistory, S2SLengthChart, S2SLossChart } from './charts.mjs';
import { createS2SClient } from './client.mjs';
import { createDecodeView } from './decode.mjs';
import { createExamplePanel } from './example-panel.mjs';
import { parseLengths, resolveS2SSettings, S2S_DEFAULTS } from './settings.mjs';
import MARKUP from './mode.html';

const DRAW_MS = 100; // redraw at most ten times a second
const MAX_FILE_BYTES = 16 * 1024 * 1024; // a pairs file larger than this is refused before reading it

/** The mode's whole state; fields are changed in place. */
const mode = {
  /** @type {ReturnType<typeof createS2SClient> | null} the worker client, made when the mode first opens */
  client: /** @type {ReturnType<typeof createS2SClient> | null} */ (null),
  /** @type {import('./settings.mjs').S2SSettings} the settings of the form (the run's once configured) */
  settings: { ...S2S_DEFAULTS },
  /** @type {string | null} the text of the pairs file, and its name */
  pairsText: /** @type {string | null} */ (null),
  pairsName: '',
  /** a run is configured in the worker */
  configured: false,
  /** counts the runs configured: a reply about an older run is dropped */
  generation: 0,
  /** the configured run in a few words (the form's settings may already be the next run's) */
  runLabel: '',
  running: false,
  /** @type {Promise<void> | null} the configure request in flight */
  configuring: /** @type {Promise<void> | null} */ (null),
  /** @type {any} the run's info from the worker (pairs, parameters, vocabularies, skipped lines) */
  info: null,
  history: new S2SHistory(),
  /** the latest numbers for the stats row */
  stats: { step: 0, loss: NaN, valLoss: NaN, exactMatch: NaN, pairsPerSecond: NaN },
  statsDirty: true,
  /** @type {{ loss: S2SLossChart, accuracy: S2SAccuracyChart, length: S2SLengthChart } | null} made when the mode is first shown */
  charts: /** @type {{ loss: S2SLossChart, accuracy: S2SAccuracyChart, length: S2SLengthChart } | null} */ (null),
  /** @type {ReturnType<typeof createDecodeView> | null} the decode box and alignment heatmap */
  decode: /** @type {ReturnType<typeof createDecodeView> | null} */ (null),
  /** @type {ReturnType<typeof createExamplePanel> | null} the worked example */
  example: /** @type {ReturnType<typeof createExamplePanel> | null} */ (null),
  visible: false,
  lastDraw: 0,
};

// ---- formatting -----------------------------------------------------------------------------------

/** @param {number} v @param {number} digits */
const fixed = (v, digits) => (Number.isFinite(v) ? v.toFixed(digits) : '–');
/** @param {number} v */
const percent = (v) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)} %` : '–');
const WHOLE = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 }); // made once: formatters are slow to make
/** @param {number} v */
const count = (v) => (Number.isFinite(v) ? WHOLE.format(v) : '–');

function setStatus(/** @type {string} */ text) {
  $('s2s-status').textContent = text;
}

/**
 * A run in a few words, for the by-length chart's legend.
 * @param {import('./settings.mjs').S2SSettings} s @param {string} pairsName
 */
function runLabel(s, pairsName) {
  const task = s.task === 'pairs' ? pairsName || 'pairs' : s.task;
  return `${task} · ${s.cell.toUpperCase()} · ${s.attention === 'none' ? 'no attention' : s.attention}`;
}

/**
 * Accuracy by length measured by the worker: the current run's curve and the line under the chart.
 * @param {{ step: number, exactMatch: number, byLength: import('./charts.mjs').LengthGroup[] }} r
 */
function onByLength(r) {
  mode.charts?.length.setCurrent(mode.runLabel, r.step, r.byLength);
  const pairs = r.byLength.reduce((a, g) => a + g.pairs, 0);
  $('s2s-length-note').textContent =
    `step ${count(r.step)}: ${percent(r.exactMatch)} of ${count(pairs)} held-out pairs`;
}

// ---- the form -------------------------------------------------------------------------------------

/** Show the settings in the controls, and only the controls that apply to the task. */
function writeForm() {
  const s = mode.settings;
  for (const el of /** @type {NodeListOf<HTMLInputElement | HTMLSelectElement>} */ (
    document.querySelectorAll('[data-s2s]')
  )) {
    const key = /** @type {keyof typeof s} */ (el.dataset.s2s);
    const value = s[key];
    el.value = Array.isArray(value)
      ? value[0] === value[1]
        ? String(value[0])
        : `${value[0]}-${value[1]}`
      : String(value);
  }
  const letters = s.task === 'reverse' || s.task === 'sort';
  for (const el of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('.s2s-letters')))
    el.hidden = !letters;
  for (const el of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('.s2s-file')))
    el.hidden = s.task !== 'pairs';
  $('s2s-task-about').textContent =
    s.task === 'pairs'
      ? mode.pairsName
        ? `${mode.pairsName}: one pair per line, a tab between source and target; 10 % held out.`
        : 'Open a UTF-8 text file with one pair per line: source, a tab, target.'
      : `${TASKS[s.task].description}.`;
}

/**
 * A control changed: check the new value, then rebuild the run with it.
 * @param {HTMLInputElement | HTMLSelectElement} el
 */
function changeField(el) {
  const key = el.dataset.s2s ?? '';
  const error = $('s2s-settings-error');
  try {
    /** @type {unknown} */
    let value = el.value;
    if (key === 'lengths' || key === 'testLengths')
      value = parseLengths(el.value, key === 'lengths' ? 'training lengths' : 'test lengths');
    else if (key === 'lr') value = Number(el.value.trim() === '' ? NaN : el.value);
    else if (el instanceof HTMLInputElement && el.type === 'number') value = Number(el.value);
    const next = resolveS2SSettings({
      ...mode.settings,
      [key]: value,
      ...(key === 'task' && value !== 'pairs' ? { level: 'char' } : {}),
    });
    showError(error, '');
    mode.settings = next;
  } catch (err) {
    showError(error, err.message);
    return;
  }
  writeForm();
  configure();
}

/**
 * A pairs file opened or dropped: read and decode it here (the worker parses it and names bad lines).
 * @param {File | undefined} file
 */
async function openPairsFile(file) {
  if (!file) return;
  const error = $('s2s-data-error');
  try {
    if (file.size > MAX_FILE_BYTES)
      throw new RangeError(`${file.name} is ${count(file.size)} bytes; the page takes pairs files up to 16 MB`);
    const text = decodeUtf8(new Uint8Array(await file.arrayBuffer()), file.name);
    showError(error, '');
    mode.pairsText = text;
    mode.pairsName = file.name;
    mode.settings = { ...mode.settings, task: 'pairs' };
  } catch (err) {
    showError(error, err.message);
    return;
  }
  writeForm();
  configure();
}

// ---- the run --------------------------------------------------------------------------------------

function setButtons() {
  const train = $('s2s-train', HTMLButtonElement);
  train.disabled = !mode.configured || mode.configuring !== null;
  train.textContent = mode.running ? 'Pause' : 'Train';
  train.setAttribute('aria-pressed', String(mode.running));
  $('s2s-reset', HTMLButtonElement).disabled =
    mode.configuring !== null || (!mode.configured && mode.settings.task === 'pairs' && !mode.pairsText);
  if (mode.visible) document.body.classList.toggle('running', mode.running);
}

/** Build the run of the current settings in the worker (the old one keeps working if this fails). */
function configure() {
  if (mode.settings.task === 'pairs' && mode.pairsText === null) {
    setStatus('Open a pairs file to train on it.');
    return Promise.resolve();
  }
  const wasRunning = mode.running;
  const client = /** @type {ReturnType<typeof createS2SClient>} */ (mode.client);
  setStatus(client.started ? 'Building the model…' : 'Loading lmlab-seq2seq.wasm and building the model…');
  const request = client
    .request('configure', {
      settings: mode.settings,
      pairsText: mode.settings.task === 'pairs' ? mode.pairsText : null,
    })
    .then(({ info, settings }) => {
      mode.generation++;
      mode.charts?.length.keepCurrent(); // the old run's last curve, labelled with its own settings
      mode.runLabel = runLabel(settings, mode.pairsName);
      $('s2s-length-note').textContent = '';
      mode.settings = settings;
      mode.info = info;
      mode.configured = true;
      mode.running = false;
      mode.history.clear();
      mode.stats = { step: 0, loss: NaN, valLoss: NaN, exactMatch: NaN, pairsPerSecond: NaN };
      mode.statsDirty = true;
      showError($('s2s-data-error'), '');
      $('s2s-data-note').textContent =
        `${count(info.trainPairs)} training pairs, ${count(info.testPairs)} held out (never trained on)` +
        `; vocabularies ${info.srcVocab} → ${info.tgtVocab} tokens` +
        (info.skipped ? `. ${mode.pairsName || 'The file'}: ${info.skipped}.` : '.');
      setStatus(`Ready: ${settings.cell.toUpperCase()}, attention ${settings.attention}. Press Train.`);
      mode.decode?.setRun(info, settings);
      if (wasRunning) return run(true);
      return undefined;
    })
    .catch((err) => {
      const fromFile = mode.settings.task === 'pairs';
      showError($(fromFile ? 's2s-data-error' : 's2s-settings-error'), err.message);
      setStatus(mode.configured ? 'The previous model is kept.' : 'No model yet.');
    })
    .finally(() => {
      if (mode.configuring === request) mode.configuring = null;
      setButtons();
    });
  mode.configuring = request;
  setButtons();
  return request;
}

/** Start or pause training. @param {boolean} on */
async function run(on) {
  if (!mode.configured || !mode.client) return;
  mode.running = on;
  setButtons();
  try {
    await mode.client.request('run', { on });
    setStatus(on ? 'Training…' : 'Paused.');
    if (!on) {
      // The model stopped moving: its by-length curve and the typed source's outputs as they are now.
      mode.decode?.refresh(mode.stats.step);
      const generation = mode.generation;
      const result = await mode.client.request('byLength');
      if (generation === mode.generation) onByLength(result);
    }
  } catch (err) {
    mode.running = false;
    setButtons();
    banner(err.message);
  }
}

/** A snapshot from the worker: the loss since the last one, and the checks when they ran. @param {any} s */
function onSnapshot(s) {
  mode.stats.step = s.step;
  if (s.loss !== null) {
    mode.stats.loss = s.loss;
    mode.history.addLoss(s.step, s.loss);
  }
  if (s.pairsPerSecond !== null) {
    // Smoothed: one snapshot covers as little as one training slice.
    const old = mode.stats.pairsPerSecond;
    mode.stats.pairsPerSecond = Number.isFinite(old) ? 0.8 * old + 0.2 * s.pairsPerSecond : s.pairsPerSecond;
  }
  if (s.validation) {
    mode.stats.valLoss = s.validation.valLoss;
    mode.stats.exactMatch = s.validation.exactMatch;
    mode.history.addCheck(s.validation);
  }
  if (s.byLength) onByLength(s.byLength);
  if (s.fault) {
    mode.running = false;
    setButtons();
    setStatus('Stopped.');
    banner(s.fault);
  }
  mode.statsDirty = true;
}

// ---- drawing --------------------------------------------------------------------------------------

function drawStats() {
  if (!mode.statsDirty) return;
  mode.statsDirty = false;
  const st = mode.stats;
  $('s2s-stat-step').textContent = count(st.step);
  $('s2s-stat-loss').textContent = fixed(st.loss, 3);
  $('s2s-stat-val').textContent = fixed(st.valLoss, 3);
  $('s2s-stat-exact').textContent = percent(st.exactMatch);
  $('s2s-stat-speed').textContent = count(st.pairsPerSecond);
  $('s2s-stat-params').textContent = mode.info ? count(mode.info.params) : '–';
}

/** @param {number} now */
function frame(now) {
  if (!mode.visible) return;
  requestAnimationFrame(frame);
  if (now - mode.lastDraw < DRAW_MS) return;
  mode.lastDraw = now;
  try {
    drawStats();
    mode.charts?.loss.draw();
    mode.charts?.accuracy.draw();
    mode.charts?.length.draw();
    mode.decode?.tick(mode.stats.step, now);
  } catch (err) {
    console.error(err);
  }
}

// ---- the mode switch ------------------------------------------------------------------------------

/**
 * Put the mode's markup (mode.html) into the page and wire it, once: its run group into the top bar,
 * its layout before the footer. Until then the language-model page's queries (.controls, .card,
 * lessons) see nothing of it.
 */
function ensureMarkup() {
  if (document.getElementById('s2s-mode')) return;
  const template = document.createElement('template');
  template.innerHTML = MARKUP;
  const content = template.content;
  $('lm-run').after(/** @type {HTMLElement} */ (content.querySelector('#s2s-run')));
  /** @type {HTMLElement} */ (document.querySelector('body > footer')).before(content);
  wireMarkup();
  writeForm();
}

/**
 * Show or hide the mode (switch.mjs has already hidden or shown the language model's panels).
 * `onEnter` runs each time the mode opens (the page pauses the language model).
 * @param {boolean} show @param {{ onEnter?: () => void }} [options]
 */
export function showSeq2SeqMode(show, { onEnter = () => {} } = {}) {
  if (show) ensureMarkup();
  for (const id of ['s2s-mode', 's2s-run']) {
    const el = document.getElementById(id);
    if (el) el.hidden = !show;
  }
  if (show === mode.visible) return;
  mode.visible = show;
  if (show) {
    onEnter();
    mode.charts ??= {
      loss: new S2SLossChart($('s2s-loss-chart'), mode.history),
      accuracy: new S2SAccuracyChart($('s2s-acc-chart'), mode.history),
      length: new S2SLengthChart($('s2s-length-chart')),
    };
    if (!mode.client) {
      mode.client = createS2SClient();
      mode.client.onSnapshot(onSnapshot);
      mode.decode = createDecodeView(mode.client);
      mode.example = createExamplePanel(mode.client);
      mode.example.compute();
      mode.client.onCrash((message) => {
        mode.decode?.unready();
        mode.configured = false;
        mode.running = false;
        setButtons();
        banner(message);
        setStatus('The worker stopped.');
      });
      configure();
    }
    mode.statsDirty = true;
    requestAnimationFrame(frame);
  } else if (mode.running) {
    run(false); // the language models have the machine to themselves again
  }
  if (document.getElementById('s2s-mode')) setButtons();
}

/** Attach the listeners of the mode's controls (once, when its markup is put in). */
function wireMarkup() {
  for (const el of /** @type {NodeListOf<HTMLInputElement | HTMLSelectElement>} */ (
    document.querySelectorAll('[data-s2s]')
  ))
    el.addEventListener('change', () => changeField(el));
  const input = $('s2s-file', HTMLInputElement);
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    input.value = '';
    openPairsFile(file);
  });
  const drop = $('s2s-drop');
  drop.addEventListener('dragover', (event) => {
    event.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    drop.classList.remove('over');
    openPairsFile(event.dataTransfer?.files?.[0]);
  });
  $('s2s-train').addEventListener('click', () => run(!mode.running));
  $('s2s-reset').addEventListener('click', () => configure());
  $('s2s-length-forget').addEventListener('click', () => mode.charts?.length.forgetKept());
}

// The state for the browser tests.
Object.assign(window, {
  lmlabSeq2Seq: {
    get settings() {
      return mode.settings;
    },
    get info() {
      return mode.info;
    },
    get running() {
      return mode.running;
    },
    get configured() {
      return mode.configured && mode.configuring === null;
    },
    get stats() {
      return { ...mode.stats };
    },
    history: mode.history,
    get decode() {
      return mode.decode?.state ?? null;
    },
    get example() {
      return mode.example?.result ?? null;
    },
    get lengthCurves() {
      return mode.charts?.length.curves() ?? [];
    },
    get keptCurves() {
      return mode.charts?.length.kept.length ?? 0;
    },
  },
});
