// readouts.mjs — what the page asks the trainer about the current model beyond what the kit's
// elements fetch themselves: samples (with the bracket task's score), the probe text the hidden-state
// element shows, the weight matrix the snapshots carry (and the one the formula view points at), and
// the gradient check. Requests of one kind never overlap: a refresh asked for while one runs is done
// once after it.
import { bracketScore } from '../corpora/synthetic.mjs';
import { $ } from './dom.mjs';
import { renderGradCheck } from './gradcheck-table.mjs';

/** @typedef {import('../app.mjs').AppState} AppState */

const SAMPLE_LENGTH = 600; // characters per sample

/**
 * Run `fn` unless a request of this kind is in flight; if one is, run it once more after that one.
 * Failures are logged, except those of a worker that was restarted meanwhile.
 * @param {AppState} app @param {string} kind @param {() => Promise<void>} fn
 */
async function once(app, kind, fn) {
  if (app.busy.has(kind)) {
    app.busy.add(`${kind}:again`);
    return;
  }
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
    const { trainer, settings } = app;
    if (!trainer.model) return;
    const { text, source } = await trainer.sample({
      prime: settings.prime,
      temperature: settings.temp,
      seed: settings.seed,
      length: SAMPLE_LENGTH,
    });
    app.lastSample = performance.now();
    $('sample').textContent = settings.prime + text;
    $('sample').dataset.source = source;
    let note =
      source === 'bigram'
        ? `Sampled from the bigram: each ${trainer.corpus?.level === 'word' ? 'word' : 'character'} depends only on the one before.`
        : `Sampled at step ${trainer.steps} with seed ${settings.seed}; refreshed every few seconds while training.`;
    if (app.corpus?.presetId === 'brackets') {
      // The task's real score: does each closer match its opener? (Loss barely shows it.)
      const whole = (settings.prime + text).split('\n').slice(1, -1).join('\n');
      const { good, total } = bracketScore(whole);
      if (total) note += ` Closers matching their openers: ${good} of ${total} lines (chance: 1 in 4).`;
    }
    $('sample-note').textContent = note;
  });
}

/** The model as it is now: a new sample (the elements refresh their own views). @param {AppState} app */
export function refreshAll(app) {
  refreshSample(app);
}

/** The probe text box changed: the hidden-state element shows the states over it. @param {AppState} app */
export function changeProbeText(app) {
  app.views.hidden.probeText = $('probe-text', HTMLTextAreaElement).value;
}

/** Snapshots carry the parameter chosen in the list. @param {AppState} app */
export function watchParam(app) {
  return app.trainer.watch($('weight-param', HTMLSelectElement).value);
}

/**
 * The formula view points at a parameter: show it in the weight view (outlined) until it points
 * elsewhere, then go back to the reader's choice.
 * @param {AppState} app @param {{ param?: string } | null} target
 */
export function highlightParam(app, target) {
  const select = $('weight-param', HTMLSelectElement);
  const known = target?.param && [...select.options].some((o) => o.value === target.param);
  if (known) {
    app.pointedFrom ??= select.value;
    select.value = /** @type {string} */ (target?.param);
    watchParam(app).catch(() => {});
  } else if (app.pointedFrom !== null) {
    select.value = app.pointedFrom;
    app.pointedFrom = null;
    watchParam(app).catch(() => {});
  }
  $('weights').classList.toggle('lm-lit', Boolean(known));
}

/** Compare the backward pass with finite differences, in the worker. @param {AppState} app */
export async function runGradCheck(app) {
  const host = $('grad-check-result');
  host.textContent = 'Checking…';
  try {
    renderGradCheck(host, await app.trainer.gradCheck());
  } catch (err) {
    host.textContent = err.message;
  }
}
