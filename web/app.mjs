// app.mjs — the page's wiring: settings ⇄ controls ⇄ URL, the corpus inputs, the training worker
// (started, restarted after a crash, checkpointed), and a 10 Hz draw timer that redraws the views
// from the latest snapshots. It computes nothing about models itself: the worker does (protocol.mjs).
import { defaultSettings, FIELDS, fitSettingsToModel, parseField, settingsFromQuery, settingsToQuery, structuralChanges } from './settings.mjs';
import { corpusStats, decodeCorpus, checkText, formatBytes, showChar, MAX_CORPUS_BYTES } from './corpus-check.mjs';
import { presetById } from './presets.mjs';
import { bracketScore } from './corpora/synthetic.mjs';
import { connect } from './protocol.mjs';
import { fmt } from './views/heatmap.mjs';
import { QUANTITIES } from './views/hidden-states.mjs';
import { renderBars } from './views/bars.mjs';
import { renderColoredText } from './views/colored-text.mjs';
import { HEAT } from './views/colormap.mjs';
import { $, setStatus, banner, showError, initBanner } from './page/dom.mjs';
import { renderGradCheck } from './page/gradcheck-table.mjs';
import { fillPresetSelect, loadPreset, renderCorpusStats, defaultProbe } from './page/corpus-panel.mjs';
import { lossChart, gradFlow, paramGrads, hidden, setBigramMatrix, setWatched, resetViews, drawViews } from './page/views.mjs';

const DRAW_MS = 100;
const SAMPLE_EVERY_MS = 3000;
const PROBE_EVERY_MS = 1500;
const CHECKPOINT_EVERY_MS = 20000;

// ---- state --------------------------------------------------------------------------------------

// ?testhooks=1 (the browser tests) exposes window.lmlab.poisonModel / crashWorker; it is not a setting.
const query = new URLSearchParams(location.search);
const TEST_HOOKS = query.get('testhooks') === '1';
query.delete('testhooks');
const parsed = settingsFromQuery(query.toString());
/** @type {import('./settings.mjs').Settings} */
const settings = parsed.settings;
const app = {
  rpc: null, worker: null, cells: [], corpus: null /* { name, text, presetId } */, corpusInfo: null,
  model: null /* ModelInfo */, running: false, step: 0, last: null, checkpoint: null,
  lastSample: 0, lastProbe: 0, lastCheckpoint: 0, busy: new Set(), restarting: false,
};

// ---- the worker ---------------------------------------------------------------------------------

async function startWorker() {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  app.worker = worker;
  app.rpc = connect(worker, onWorkerEvent);
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    restartWorker(event.message || 'an uncaught error');
  });
  const { cells } = await app.rpc.call('init', { testHooks: TEST_HOOKS });
  app.cells = cells;
  for (const option of $('model').options) {
    const available = option.value === 'bigram' || cells.includes(option.value);
    option.disabled = !available;
    option.textContent = option.textContent.replace(/ \(not built yet\)$/, '') + (available ? '' : ' (not built yet)');
  }
}

/** A crashed worker is replaced; the corpus and the last checkpoint are replayed into the new one. */
async function restartWorker(reason) {
  if (app.restarting) return;
  // A worker that keeps dying would restart forever: give up after three crashes in a minute.
  const now = performance.now();
  app.crashes = (app.crashes ?? []).filter((t) => now - t < 60000).concat(now);
  if (app.crashes.length > 3) {
    app.worker?.terminate();
    app.running = false;
    renderRunState();
    banner(`The training worker crashed again (${reason}): three crashes within a minute, so it was not restarted. Download your model if you can, then reload the page.`);
    return;
  }
  app.restarting = true;
  app.rpc?.failAll('the worker was restarted');
  app.worker?.terminate();
  app.running = false;
  renderRunState();
  banner(`The training worker crashed (${reason}) and was restarted.`);
  const checkpoint = app.checkpoint; // configure() below forgets it
  try {
    await startWorker();
    if (app.corpus) await sendCorpus();
    await configure(false);
    if (checkpoint) {
      app.checkpoint = checkpoint;
      const copy = checkpoint.bytes.slice(0);
      await loadModelBytes(copy, 'the last checkpoint', false);
      banner(`The training worker crashed (${reason}) and was restarted; the model was restored from the checkpoint at step ${checkpoint.step}.`, 'info');
    }
  } catch (err) {
    banner(`The training worker crashed (${reason}) and could not be restarted: ${err.message}. Reload the page.`);
  } finally {
    app.restarting = false;
  }
}

function onWorkerEvent(message) {
  if (message.type === 'snapshot') onSnapshot(message);
  else if (message.type === 'fault') {
    if (message.kind === 'fatal') restartWorker(message.message);
    else {
      app.running = false;
      renderRunState();
      banner(message.message);
    }
  }
}

/** @param {import('./protocol.mjs').Snapshot} s */
function onSnapshot(s) {
  app.step = s.step;
  app.last = s;
  lossChart.append(s.firstStep, s.losses);
  lossChart.addValidation(s.val);
  if (s.paramGrads.length) paramGrads.add(s.step, s.paramGrads);
  // gradLast is refreshed less often than snapshots arrive for big models: keep the last one.
  if (s.gradFlow || s.gradLast) gradFlow.set(s.gradFlow ?? gradFlow.total, s.gradLast ?? gradFlow.last);
  if (s.watched) setWatched(s.watched);
  if (!s.running) {
    app.running = false;
    renderRunState(); // the status line names the step training stopped at
  }
  statsDirty = true;
}

// ---- corpus -------------------------------------------------------------------------------------



/** loadPreset with a status line while it runs. */
function fetchPreset(id) {
  setStatus(`Loading ${presetById(id)?.title ?? id}…`);
  return loadPreset(id);
}

async function sendCorpus() {
  app.corpusInfo = await app.rpc.call('setCorpus', { name: app.corpus.name, text: app.corpus.text });
  lossChart.setBigram(app.corpusInfo.bigram.loss);
  statsDirty = true;
}

/** Make `corpus` the training text: stats, worker, bigram views, a fresh model. */
async function useCorpus(corpus) {
  showError($('corpus-error'), '');
  const stats = corpusStats(corpus.text);
  app.corpus = corpus;
  setStatus('Counting bigrams…');
  await sendCorpus();
  renderCorpusStats(stats, corpus, app.corpusInfo);
  $('corpus').value = corpus.presetId ?? 'custom';
  $('probe-text').value = defaultProbe(corpus.text);
  // The prediction box keeps its text when the new corpus knows every character of it.
  const known = new Set(corpus.text.slice(0, 200000));
  if (![...$('predict-input').value].every((ch) => known.has(ch))) $('predict-input').value = [...$('probe-text').value].slice(0, 40).join('');
  await configure(true);
  refreshBigramMatrix();
}



async function userCorpus(bytesOrText, name) {
  try {
    const text = typeof bytesOrText === 'string' ? checkText(bytesOrText, name) : decodeCorpus(bytesOrText, name);
    await pauseTraining();
    await useCorpus({ name: name.slice(0, 60), text, presetId: null, note: `${name}: not part of the link (links carry only built-in corpora).` });
    setStatus(`Loaded ${name}.`);
  } catch (err) {
    showError($('corpus-error'), err.message);
    setStatus('The previous corpus is still loaded.');
  }
}

$('corpus').addEventListener('change', async () => {
  const id = $('corpus').value;
  const preset = presetById(id);
  if (!preset) return;
  try {
    await pauseTraining();
    const corpus = await fetchPreset(id);
    if (preset.suggest) for (const [key, value] of Object.entries(preset.suggest)) settings[key] = value;
    settings.corpus = id;
    writeControls();
    writeUrl();
    await useCorpus(corpus);
  } catch (err) {
    showError($('corpus-error'), err.message);
  }
});
$('use-paste').addEventListener('click', () => userCorpus($('paste').value, 'The pasted text'));
$('file').addEventListener('change', async () => {
  const file = $('file').files[0];
  if (file) await readUserFile(file);
  $('file').value = '';
});

async function readUserFile(file) {
  if (file.size > MAX_CORPUS_BYTES) {
    showError($('corpus-error'), `${file.name} is ${formatBytes(file.size)}; the page holds at most ${formatBytes(MAX_CORPUS_BYTES)} of text in memory. Use an excerpt.`);
    return;
  }
  await userCorpus(new Uint8Array(await file.arrayBuffer()), file.name);
}

const drop = $('drop');
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', async (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  const file = e.dataTransfer?.files?.[0];
  if (file) await readUserFile(file);
});

// ---- settings ⇄ controls ⇄ URL -------------------------------------------------------------------

function writeControls() {
  for (const el of document.querySelectorAll('[data-setting]')) el.value = String(settings[el.dataset.setting]);
  $('temp').value = String(settings.temp);
  $('temp-out').textContent = settings.temp.toFixed(2);
  $('prime').value = settings.prime;
  const kind = settings.model;
  $('window').disabled = kind !== 'window';
  $('layers').disabled = kind === 'bigram' || kind === 'window';
  $('embed').min = kind === 'window' ? '1' : '0';
  $('layers').title = kind === 'window' ? 'The window MLP has exactly one hidden layer' : '';
  for (const id of ['hidden', 'embed', 'seq', 'batch', 'opt', 'lr', 'clip', 'clipMode']) $(id).disabled = kind === 'bigram';
}

function writeUrl() {
  // the test flag stays in the tab's address (a reload keeps the hooks), never in the settings
  history.replaceState(null, '', settingsToQuery(settings) + (TEST_HOOKS ? '&testhooks=1' : '') + location.hash);
}

for (const el of document.querySelectorAll('[data-setting]')) {
  el.addEventListener('change', async () => {
    const key = el.dataset.setting;
    const { value, error } = parseField(key, el.value);
    el.setAttribute('aria-invalid', String(Boolean(error)));
    if (error) {
      showError($('settings-error'), `${error}.`);
      return;
    }
    showError($('settings-error'), '');
    const before = { ...settings };
    settings[key] = value;
    const notes = fitSettingsToModel(settings);
    if (key === 'embed' && settings.embed !== value) {
      // the user typed an invalid embedding for the window MLP: refuse it rather than silently replace it
      settings.embed = before.embed;
      showError($('settings-error'), 'The window MLP needs an embedding size of at least 1 (it concatenates the embeddings of its previous characters).');
      writeControls();
      return;
    }
    $('model-note').textContent = notes.length ? `${notes.map((n) => n[0].toUpperCase() + n.slice(1)).join('. ')}.` : '';
    writeControls();
    writeUrl();
    if (key === 'lr') {
      await app.rpc.call('setLr', { lr: value }).catch((err) => showError($('settings-error'), err.message));
      return;
    }
    if (structuralChanges(before, settings).length) {
      const wasRunning = app.running;
      await configure(true);
      if (wasRunning) await startTraining();
    }
  });
}

$('temp').addEventListener('input', () => {
  settings.temp = Number($('temp').value);
  $('temp-out').textContent = settings.temp.toFixed(2);
  writeUrl();
  refreshSample();
});
$('prime').addEventListener('change', () => {
  const { value, error } = parseField('prime', $('prime').value);
  if (error) { banner(error); return; }
  settings.prime = value;
  writeUrl();
  refreshSample();
});
$('sample-now').addEventListener('click', () => refreshSample());

// ---- model lifecycle ----------------------------------------------------------------------------

/** Build the model for the current settings (a reset). */
async function configure(clearCharts) {
  if (!app.corpus) return;
  if (settings.model !== 'bigram' && !app.cells.includes(settings.model)) {
    banner(`The ${settings.model.toUpperCase()} is not built into this lmlab.wasm yet; showing the bigram.`);
    settings.model = 'bigram';
    writeControls();
    writeUrl();
  }
  app.running = false;
  // Clear first: the worker's first snapshot (validation at step 0) arrives before its reply.
  if (clearCharts) resetCharts([]);
  try {
    app.model = await app.rpc.call('configure', { settings: { ...settings } });
    showError($('settings-error'), '');
  } catch (err) {
    showError($('settings-error'), `Cannot build this model: ${err.message}`);
    app.model = null;
  }
  app.checkpoint = null;
  app.step = 0;
  paramGrads.reset(app.model?.params.map((p) => p.name) ?? []);
  renderModelInfo();
  renderRunState();
  refreshAll();
}

function resetCharts(paramNames) {
  resetViews(paramNames, app.corpusInfo?.bigram.loss ?? NaN);
  $('grad-check-result').replaceChildren();
  statsDirty = true;
}

function renderModelInfo() {
  const select = $('weight-param');
  select.replaceChildren();
  for (const p of app.model?.params ?? []) select.append(new Option(`${p.name} (${p.shape.join('×')})`, p.name));
  const preferred = app.model?.params.find((p) => /weight_hh/.test(p.name)) ?? app.model?.params[0];
  if (preferred) select.value = preferred.name;
  statsDirty = true;
}

function renderRunState() {
  const neural = Boolean(app.model?.trainable);
  $('train').disabled = !neural;
  $('step').disabled = !neural;
  $('reset').disabled = !app.corpus;
  $('save').disabled = !neural;
  $('train').textContent = app.running ? 'Pause' : 'Train';
  $('train').setAttribute('aria-pressed', String(app.running));
  document.body.classList.toggle('running', app.running);
  for (const id of ['grad-check', 'pin-flow', 'rank']) $(id).disabled = !neural;
  $('grad-note').textContent = !neural ? 'The bigram is counted, not trained by gradient descent: choose a neural model to see gradients.'
    : app.model.kind === 'window' ? 'The window MLP has no recurrence, so nothing flows back through time: no red curve; grey is each position\'s own ‖∂L/∂h_t‖.' : '';
  if (!app.model) setStatus('No model.');
  else if (!neural) setStatus('Bigram: counted from the corpus (nothing to train).');
  else setStatus(app.running ? 'Training…' : app.step ? `Paused at step ${app.step}.` : 'Ready: press Train.');
}

async function startTraining() {
  if (!app.model?.trainable) return;
  $('banner').hidden = true;
  await app.rpc.call('run');
  app.running = true;
  renderRunState();
}

async function pauseTraining() {
  if (!app.running) return;
  app.running = false;
  renderRunState();
  app.pausing = app.rpc.call('pause').catch(() => {});
  await app.pausing;
}

$('train').addEventListener('click', async () => {
  try {
    if (app.running) {
      await pauseTraining();
      refreshAll(); // samples, predictions and probes of the model as it stopped
    } else await startTraining();
  } catch (err) {
    banner(err.message);
  }
});
$('step').addEventListener('click', async () => {
  try {
    app.running = false;
    const { step } = await app.rpc.call('step');
    app.step = step;
    renderRunState();
    refreshAll();
  } catch (err) {
    banner(err.message);
  }
});
$('reset').addEventListener('click', async () => {
  await configure(true);
  setStatus('Model rebuilt from the seed.');
});

// ---- refreshers: samples, predictions, probes (requests, never overlapping per kind) ------------

async function once(kind, fn) {
  if (app.busy.has(kind)) { app.busy.add(`${kind}:again`); return; }
  app.busy.add(kind);
  try {
    await fn();
  } catch (err) {
    if (!/restarted/.test(err.message)) console.warn(kind, err.message);
  } finally {
    app.busy.delete(kind);
    if (app.busy.delete(`${kind}:again`)) once(kind, fn);
  }
}

function refreshSample() {
  return once('sample', async () => {
    if (!app.model) return;
    const { text, source } = await app.rpc.call('sample', { prime: settings.prime, temperature: settings.temp, seed: settings.seed, length: 600 });
    app.lastSample = performance.now();
    $('sample').textContent = settings.prime + text;
    $('sample').dataset.source = source;
    let note = source === 'bigram'
      ? 'Sampled from the bigram: each character depends only on the one before.'
      : `Sampled at step ${app.step} with seed ${settings.seed}; refreshed every few seconds while training.`;
    if (app.corpus?.presetId === 'brackets') {
      // The task's real score: does each closer match its opener? (Loss barely shows it.)
      const whole = (settings.prime + text).split('\n').slice(1, -1).join('\n');
      const { good, total } = bracketScore(whole);
      if (total) note += ` Closers matching their openers: ${good} of ${total} lines (chance: 1 in 4).`;
    }
    $('sample-note').textContent = note;
  });
}

function refreshPredict() {
  return once('predict', async () => {
    if (!app.model) return;
    const text = $('predict-input').value;
    const result = await app.rpc.call('predict', { text });
    renderBars($('bars-neural'), result.neural, app.model.trainable ? 'Type something the vocabulary knows.' : 'Choose RNN, LSTM or GRU for the neural model.');
    renderBars($('bars-bigram'), result.bigram, 'Type something the vocabulary knows.');
    $('surprisal-model').textContent = result.neural ? 'neural model' : 'bigram';
    if (result.surprisal) {
      renderColoredText($('surprisal'), result.surprisal.chars, result.surprisal.bits, {
        colormap: HEAT, scale: 8,
        describe: (i, v) => (Number.isFinite(v) ? `'${showChar(result.surprisal.chars[i])}': ${v.toFixed(2)} bits` : 'first character: no context'),
      });
    } else $('surprisal').replaceChildren();
    $('predict-note').textContent = result.dropped ? `Not in the vocabulary, skipped: ${[...result.dropped].map(showChar).join(' ')}` : '';
  });
}

function refreshProbe() {
  return once('probe', async () => {
    if (!app.model?.trainable) {
      hidden.clear();
      $('hidden-note').textContent = 'The bigram has no hidden state: choose RNN, LSTM or GRU to look inside.';
      $('quantity-row').hidden = true;
      return;
    }
    let probe;
    try {
      probe = await app.rpc.call('probe', { text: $('probe-text').value });
    } catch (err) {
      $('hidden-note').textContent = err.message;
      return;
    }
    app.lastProbe = performance.now();
    hidden.set(probe);
    renderQuantities();
    const notes = [`Hidden states at step ${app.step}.`];
    if (probe.cell === 'window') notes.push('The window MLP has no recurrence: each column is its hidden layer for the window of characters ending there.');
    if (probe.dropped) notes.push(`Not in the vocabulary, skipped: ${[...probe.dropped].map(showChar).join(' ')}.`);
    if (probe.cut) notes.push(`Only the first ${probe.T} characters are probed (${probe.cut} more left out).`);
    $('hidden-note').textContent = notes.join(' ');
  });
}

/** The "Show" selector: h, the LSTM's c and the gates of the probe's model (hidden for RNN and window). */
function renderQuantities() {
  const keys = hidden.keys();
  const select = $('hidden-quantity');
  const current = [...select.options].map((o) => o.value).join();
  if (current !== keys.join()) select.replaceChildren(...keys.map((k) => new Option(QUANTITIES[k]?.label ?? k, k)));
  select.value = hidden.quantity;
  $('quantity-row').hidden = keys.length < 2;
  $('quantity-scale').textContent = hidden.quantity === 'c' ? `colour range ±${hidden.scale.toFixed(2)}` : '';
}

$('hidden-quantity').addEventListener('change', () => {
  hidden.show($('hidden-quantity').value);
  renderQuantities();
});

async function refreshBigramMatrix() {
  const { tokens, values } = await app.rpc.call('bigramMatrix', { topN: 28 });
  setBigramMatrix(tokens, values);
}

function refreshAll() {
  refreshSample();
  refreshPredict();
  refreshProbe();
}

$('predict-input').addEventListener('input', () => refreshPredict());
$('probe-text').addEventListener('input', () => refreshProbe());
$('rank').addEventListener('click', () => {
  try {
    hidden.rank(Number($('span-from').value), Number($('span-to').value));
  } catch (err) {
    $('hidden-note').textContent = err.message;
  }
});
$('pin-flow').addEventListener('click', () => {
  if (!gradFlow.pin(`${settings.model.toUpperCase()} H${settings.hidden} @${app.step}`)) banner('Train a step first: there is no gradient flow to pin yet.', 'info');
});
$('unpin-flow').addEventListener('click', () => gradFlow.unpinAll());
$('weight-param').addEventListener('change', () => app.rpc.call('watch', { param: $('weight-param').value }));

$('grad-check').addEventListener('click', async () => {
  const host = $('grad-check-result');
  host.textContent = 'Checking…';
  try {
    const { results, N, T, runs, ms } = await app.rpc.call('gradCheck');
    renderGradCheck(host, { results, N, T, runs, ms });
  } catch (err) {
    host.textContent = err.message;
  }
});

// ---- save / load --------------------------------------------------------------------------------

$('save').addEventListener('click', async () => {
  try {
    const { bytes, step } = await app.rpc.call('save');
    app.checkpoint = { bytes: bytes.slice(0), step };
    const blob = new Blob([bytes], { type: 'application/octet-stream' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `lmlab-${settings.model}-h${settings.hidden}-step${step}.safetensors`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
    $('file-status').textContent = `Saved the model at step ${step} (${formatBytes(bytes.byteLength)}, optimizer state included).`;
  } catch (err) {
    $('file-status').textContent = `Could not save: ${err.message}`;
  }
});

$('load').addEventListener('change', async () => {
  const file = $('load').files[0];
  $('load').value = '';
  if (!file) return;
  await pauseTraining();
  try {
    await loadModelBytes(await file.arrayBuffer(), file.name, true);
  } catch (err) {
    $('file-status').textContent = `${err.message.replace(/\.?\s*$/, '.')} The current model is unchanged.`;
    $('file-status').classList.add('error-text');
  }
});

async function loadModelBytes(bytes, name, announce) {
  const keep = bytes.slice(0); // the buffer moves to the worker; keep a copy as the crash checkpoint
  const info = await app.rpc.call('load', { bytes, name }, [bytes]);
  app.checkpoint = { bytes: keep, step: info.step };
  $('file-status').classList.remove('error-text');
  app.model = info;
  for (const [key, value] of Object.entries(info.settings ?? {})) {
    if (!(key in FIELDS) || key === 'corpus') continue;
    const check = parseField(key, String(value));
    if (!check.error) settings[key] = check.value;
  }
  app.step = info.step;
  writeControls();
  writeUrl();
  resetCharts(info.params.map((p) => p.name));
  renderModelInfo();
  await app.rpc.call('evaluate'); // a fresh snapshot (validation loss, weights) for the new model
  renderRunState();
  refreshAll();
  if (announce) $('file-status').textContent = `Loaded ${name}: ${info.kind.toUpperCase()}, ${info.parameterCount.toLocaleString()} parameters, step ${info.step}.${info.note ? ` (${info.note})` : ''}`;
}

// ---- drawing (10 Hz, decoupled from training) -----------------------------------------------------

let statsDirty = true;
function drawStats() {
  if (!statsDirty) return;
  statsDirty = false;
  const s = app.last;
  const bigram = app.corpusInfo?.bigram.loss;
  const neural = app.model?.trainable;
  const val = neural ? lossChart.lastValidation : bigram;
  const shown = Number.isFinite(val) ? val : lossChart.lastSmoothed;
  $('stat-step').textContent = String(app.step);
  $('stat-loss').textContent = neural && Number.isFinite(lossChart.lastSmoothed) ? lossChart.lastSmoothed.toFixed(3) : '–';
  $('stat-val').textContent = Number.isFinite(val) ? val.toFixed(3) : '–';
  $('stat-ppl').textContent = Number.isFinite(shown) ? Math.exp(shown).toFixed(2) : '–';
  $('stat-bpc').textContent = Number.isFinite(shown) ? (shown / Math.LN2).toFixed(3) : '–';
  $('stat-bigram').textContent = Number.isFinite(bigram) ? `${bigram.toFixed(3)}` : '–';
  $('stat-speed').textContent = neural && s?.charsPerSec ? Math.round(s.charsPerSec).toLocaleString() : '–';
  $('stat-ms').textContent = neural && s?.msPerStep ? s.msPerStep.toFixed(2) : '–';
  $('stat-params').textContent = app.model ? app.model.parameterCount.toLocaleString() : '–';
  $('clip-count').textContent = String(s?.clipEvents ?? 0);
  $('grad-norm').textContent = s && Number.isFinite(s.gradNorm) ? fmt(s.gradNorm) : '–';
}

function frame() {
  try {
    drawStats();
    drawViews();
  } catch (err) {
    console.error(err);
  }
  const now = performance.now();
  if (app.running) {
    if (now - app.lastSample > SAMPLE_EVERY_MS) refreshSample();
    if (now - app.lastProbe > PROBE_EVERY_MS) { app.lastProbe = now; refreshProbe(); refreshPredict(); }
    if (now - app.lastCheckpoint > CHECKPOINT_EVERY_MS && app.step > 0) {
      app.lastCheckpoint = now;
      app.rpc.call('save').then(({ bytes, step }) => { app.checkpoint = { bytes, step }; }).catch(() => {});
    }
  }
}

// ---- start ----------------------------------------------------------------------------------------

async function main() {
  initBanner();
  fillPresetSelect();
  writeControls();
  if (parsed.errors.length) banner(parsed.errors.join('; ') + '.');
  setInterval(frame, DRAW_MS);
  try {
    setStatus('Starting the worker…');
    await startWorker();
  } catch (err) {
    banner(`Could not start the training worker: ${err.message}`);
    setStatus('Failed to start.');
    return;
  }
  // A preset's suggested settings fill in whatever the link does not set (e.g. '?corpus=hello').
  for (const [key, value] of Object.entries(presetById(settings.corpus)?.suggest ?? {})) {
    if (!parsed.given.has(key)) settings[key] = value;
  }
  writeControls();
  let corpus;
  try {
    corpus = await fetchPreset(settings.corpus);
  } catch (err) {
    banner(`${err.message}; loading the Brown corpus instead.`);
    settings.corpus = defaultSettings().corpus;
    corpus = await fetchPreset(settings.corpus);
  }
  writeUrl();
  await useCorpus(corpus);
  document.body.dataset.ready = 'true';
  window.lmlab.readyMs = performance.now();
}

/** Hooks for the browser test and for curious users in the console. */
window.lmlab = {
  settings,
  get step() { return app.step; },
  get running() { return app.running; },
  /** Resolves once the worker has acknowledged the last pause (no more steps after it). */
  settle: () => app.pausing ?? Promise.resolve(),
  get model() { return app.model; },
  lossChart,
  gradFlow,
};
if (TEST_HOOKS) {
  window.lmlab.crashWorker = () => app.rpc.call('debugCrash');
  window.lmlab.poisonModel = () => app.rpc.call('debugPoison');
}

main().catch((err) => {
  banner(`The page could not start: ${err.message}`);
  setStatus('Failed to start.');
});
