// readouts.mjs — what the page asks the worker about the current model, beyond the snapshots it
// pushes: samples, next-character predictions with surprisal, hidden states over the probe text, the
// bigram matrix and the gradient check; and the controls of the views that show them (the quantity
// shown, neuron ranking, pinned gradient curves, the watched parameter). Requests of one kind never
// overlap: a refresh asked for while one runs is done once after it.
import { bracketScore } from '../corpora/synthetic.mjs';
import { showChar } from '../corpus-check.mjs';
import { renderBars } from '../views/bars.mjs';
import { renderColoredText } from '../views/colored-text.mjs';
import { HEAT } from '../views/colormap.mjs';
import { QUANTITIES } from '../views/hidden-states.mjs';
import { $, banner } from './dom.mjs';
import { renderGradCheck } from './gradcheck-table.mjs';

/** @typedef {import('../app.mjs').AppState} AppState */

const SAMPLE_LENGTH = 600;   // characters per sample
const MATRIX_TOKENS = 28;    // the bigram matrix shows the most frequent characters only

/**
 * Run `fn` unless a request of this kind is in flight; if one is, run it once more after that one.
 * Failures are logged, except those of a worker that was restarted meanwhile.
 * @param {AppState} app @param {string} kind @param {() => Promise<void>} fn
 */
async function once(app, kind, fn) {
  if (app.busy.has(kind)) { app.busy.add(`${kind}:again`); return; }
  app.busy.add(kind);
  try {
    await fn();
  } catch (err) {
    if (!/restarted/.test(err.message)) console.warn(kind, err.message);
  } finally {
    app.busy.delete(kind);
    if (app.busy.delete(`${kind}:again`)) once(app, kind, fn);
  }
}

/** A new sample with the current temperature, prime and seed. @param {AppState} app */
export function refreshSample(app) {
  return once(app, 'sample', async () => {
    if (!app.model) return;
    const { settings } = app;
    const { text, source } = await app.rpc.call('sample', { prime: settings.prime, temperature: settings.temp, seed: settings.seed, length: SAMPLE_LENGTH });
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

/** Both models' guesses after the typed text, and its surprisal. @param {AppState} app */
export function refreshPredict(app) {
  return once(app, 'predict', async () => {
    if (!app.model) return;
    const text = $('predict-input', HTMLInputElement).value;
    const result = await app.rpc.call('predict', { text });
    renderBars($('bars-neural'), result.neural, app.model.trainable ? 'Type something the vocabulary knows.' : 'Choose RNN, LSTM or GRU for the neural model.');
    renderBars($('bars-bigram'), result.bigram, 'Type something the vocabulary knows.');
    $('surprisal-model').textContent = result.neural ? 'neural model' : 'bigram';
    const { surprisal } = result;
    if (surprisal) {
      renderColoredText($('surprisal'), surprisal.chars, surprisal.bits, {
        colormap: HEAT, scale: 8,
        describe: (i, v) => (Number.isFinite(v) ? `'${showChar(surprisal.chars[i])}': ${v.toFixed(2)} bits` : 'first character: no context'),
      });
    } else $('surprisal').replaceChildren();
    $('predict-note').textContent = result.dropped ? `Not in the vocabulary, skipped: ${[...result.dropped].map(showChar).join(' ')}` : '';
  });
}

/** The hidden states over the probe text (nothing to show for the bigram). @param {AppState} app */
export function refreshProbe(app) {
  return once(app, 'probe', async () => {
    const { hidden } = app.views;
    if (!app.model?.trainable) {
      hidden.clear();
      $('hidden-note').textContent = 'The bigram has no hidden state: choose RNN, LSTM or GRU to look inside.';
      $('quantity-row').hidden = true;
      return;
    }
    let probe;
    try {
      probe = await app.rpc.call('probe', { text: $('probe-text', HTMLTextAreaElement).value });
    } catch (err) {
      $('hidden-note').textContent = err.message;
      return;
    }
    app.lastProbe = performance.now();
    hidden.set(probe);
    renderQuantities(app);
    const notes = [`Hidden states at step ${app.step}.`];
    if (probe.cell === 'window') notes.push('The window MLP has no recurrence: each column is its hidden layer for the window of characters ending there.');
    if (probe.dropped) notes.push(`Not in the vocabulary, skipped: ${[...probe.dropped].map(showChar).join(' ')}.`);
    if (probe.cut) notes.push(`Only the first ${probe.T} characters are probed (${probe.cut} more left out).`);
    $('hidden-note').textContent = notes.join(' ');
  });
}

/** Samples, predictions and probes of the model as it is now. @param {AppState} app */
export function refreshAll(app) {
  refreshSample(app);
  refreshPredict(app);
  refreshProbe(app);
}

/** The bigram matrix of the current corpus. @param {AppState} app */
export async function refreshBigramMatrix(app) {
  const { tokens, values } = await app.rpc.call('bigramMatrix', { topN: MATRIX_TOKENS });
  app.views.setBigramMatrix(tokens, values);
}

/**
 * The "Show" selector: h, the LSTM's c and the gates of the probe's model (hidden for RNN and window).
 * @param {AppState} app
 */
function renderQuantities(app) {
  const { hidden } = app.views;
  const keys = hidden.keys();
  const select = $('hidden-quantity', HTMLSelectElement);
  const current = [...select.options].map((o) => o.value).join();
  if (current !== keys.join()) {
    select.replaceChildren(...keys.map((k) => new Option(QUANTITIES[/** @type {keyof QUANTITIES} */ (k)]?.label ?? k, k)));
  }
  select.value = hidden.quantity;
  $('quantity-row').hidden = keys.length < 2;
  $('quantity-scale').textContent = hidden.quantity === 'c' ? `colour range ±${hidden.scale.toFixed(2)}` : '';
}

/** The "Show" selector changed. @param {AppState} app */
export function showQuantity(app) {
  app.views.hidden.show($('hidden-quantity', HTMLSelectElement).value);
  renderQuantities(app);
}

/** Rank the neurons by how differently they fire inside the chosen span. @param {AppState} app */
export function rankNeurons(app) {
  try {
    app.views.hidden.rank(Number($('span-from', HTMLInputElement).value), Number($('span-to', HTMLInputElement).value));
  } catch (err) {
    $('hidden-note').textContent = err.message;
  }
}

/** Keep the current gradient-flow curve, labelled with the model, to compare. @param {AppState} app */
export function pinFlow(app) {
  if (!app.views.gradFlow.pin(`${app.settings.model.toUpperCase()} H${app.settings.hidden} @${app.step}`)) {
    banner('Train a step first: there is no gradient flow to pin yet.', 'info');
  }
}

/** Drop every pinned curve. @param {AppState} app */
export function unpinFlows(app) {
  app.views.gradFlow.unpinAll();
}

/** Snapshots carry the parameter chosen in the list. @param {AppState} app */
export function watchParam(app) {
  return app.rpc.call('watch', { param: $('weight-param', HTMLSelectElement).value });
}

/** Compare the backward pass with finite differences, in the worker. @param {AppState} app */
export async function runGradCheck(app) {
  const host = $('grad-check-result');
  host.textContent = 'Checking…';
  try {
    renderGradCheck(host, await app.rpc.call('gradCheck'));
  } catch (err) {
    host.textContent = err.message;
  }
}
