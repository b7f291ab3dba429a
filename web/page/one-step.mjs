// one-step.mjs — the "One step, written out" card: the probe text one step at a time, as the
// min-char-rnn notes draw "hello". At step t: the input x_t, the target y_t, the model's ŷ_t over the
// vocabulary as bars with the target marked (its rank when it is not among them), and
// J_t = −log ŷ_t[y_t]; beside it every step's J_t, clickable, and their sum and mean (the loss).
// Steppable with ◀ ▶, the slider or the arrow keys; follows the model and the probe text.
import { coalesce } from '../kit/index.mjs';
import { renderBars } from '../views/bars.mjs';
import { showChar } from '../corpus-check.mjs';
import { $ } from './dom.mjs';

/** @typedef {import('../app.mjs').AppState} AppState */
/** @typedef {import('../protocol.mjs').Readout} Readout */

const REFRESH_MS = 1500; // while training

/** The card's state: the last readout and the step shown. */
const state = {
  /** @type {Readout | null} */
  readout: null,
  t: 0,
};

/** A token as shown: characters made visible (space, newline), words as they are. @param {string} token */
const shown = (token) => showChar(token);

/** Draw step state.t of the last readout. */
function drawStep() {
  const r = state.readout;
  if (!r) return;
  const t = Math.max(0, Math.min(state.t, r.steps.length - 1));
  state.t = t;
  const step = r.steps[t];
  const slider = $('onestep-t', HTMLInputElement);
  slider.max = String(r.steps.length - 1);
  slider.value = String(t);
  $('onestep-where').textContent = `${t + 1} of ${r.steps.length}`;
  const who = r.source === 'model' ? 'ŷ' : 'P_bigram(· | x_t)';
  $('onestep-io').textContent =
    `x_${t} = '${shown(step.input)}' → ${who} over ${r.V.toLocaleString()} tokens; target y_${t} = '${shown(step.target)}': ` +
    `ŷ[y] = ${step.targetP.toPrecision(3)}, rank ${step.rank} of ${r.V.toLocaleString()}, J_${t} = −log ŷ[y] = ${step.loss.toFixed(3)} nats`;
  const host = $('onestep-bars');
  renderBars(host, step.top, 'No distribution.');
  let marked = false;
  for (const li of host.querySelectorAll('li')) {
    const label = li.querySelector('.bar-token');
    if (label?.getAttribute('title') === step.target) {
      li.classList.add('lm-lit');
      li.setAttribute('aria-label', `${li.getAttribute('aria-label')}, the target`);
      marked = true;
    }
  }
  if (!marked) {
    const more = document.createElement('p');
    more.className = 'small';
    more.textContent = `The target '${shown(step.target)}' is not among these: ŷ = ${step.targetP.toPrecision(3)}, rank ${step.rank}.`;
    host.append(more);
  }
  for (const button of $('onestep-losses').querySelectorAll('button')) {
    if (Number(button.dataset.t) === t) button.setAttribute('aria-current', 'step');
    else button.removeAttribute('aria-current');
  }
}

/** The strip of every step's J_t and their sum. @param {Readout} r */
function drawLosses(r) {
  const strip = $('onestep-losses');
  strip.replaceChildren();
  for (const step of r.steps) {
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.t = String(step.t);
    button.setAttribute('role', 'listitem');
    // deeper red for a larger J_t (8 nats and more at full depth)
    button.style.setProperty('--j', String(Math.min(1, step.loss / 8)));
    const target = document.createElement('span');
    target.textContent = shown(step.target);
    const value = document.createElement('small');
    value.textContent = step.loss.toFixed(2);
    button.append(target, value);
    button.title = `step ${step.t}: x = '${shown(step.input)}', y = '${shown(step.target)}', J = ${step.loss.toFixed(3)}`;
    button.addEventListener('click', () => {
      state.t = step.t;
      drawStep();
    });
    strip.append(button);
  }
  $('onestep-sum').textContent =
    `Σ J_t = ${r.sum.toFixed(3)} over ${r.steps.length} steps; mean ${r.mean.toFixed(3)} nats per token (perplexity ${Math.exp(r.mean).toFixed(2)}).`;
}

/** @param {AppState} app */
async function readoutNow(app) {
  const { trainer } = app;
  if (!trainer.corpus || !trainer.model) return;
  const note = $('onestep-note');
  try {
    const r = await trainer.readout($('probe-text', HTMLTextAreaElement).value);
    state.readout = r;
    drawLosses(r);
    drawStep();
    const notes = [];
    notes.push(
      r.source === 'model'
        ? `The model at step ${trainer.steps}, from a zero state.`
        : 'The bigram (counted, not trained): choose RNN, LSTM, GRU or window for a neural ŷ.',
    );
    if (r.unknown.length) notes.push(`Read as <unk>: ${r.unknown.join(', ')}.`);
    if (r.dropped) notes.push(`Not in the vocabulary, skipped: ${[...r.dropped].map(showChar).join(' ')}.`);
    if (r.cut) notes.push(`Only the first ${r.steps.length} steps are written out (${r.cut} more left out).`);
    note.textContent = notes.join(' ');
  } catch (err) {
    const m = String(/** @type {Error} */ (err).message);
    note.textContent = m.charAt(0).toUpperCase() + m.slice(1) + (/[.!?]$/.test(m) ? '' : '.');
  }
}

/**
 * Wire the card: ◀ ▶, the slider and the arrow keys step; it follows the model, the probe text, and
 * refreshes every 1.5 s while training.
 * @param {AppState} app
 */
export function initOneStep(app) {
  const refresh = coalesce(() => readoutNow(app));
  const move = (/** @type {number} */ dt) => {
    state.t += dt;
    drawStep();
  };
  $('onestep-prev').addEventListener('click', () => move(-1));
  $('onestep-next').addEventListener('click', () => move(1));
  $('onestep-t').addEventListener('input', () => {
    state.t = Number($('onestep-t', HTMLInputElement).value);
    drawStep();
  });
  $('card-onestep').addEventListener('keydown', (event) => {
    if (event.target instanceof HTMLInputElement && event.target.type !== 'range') return;
    if (event.key === 'ArrowLeft' || event.key === 'ArrowRight') {
      if (event.target instanceof HTMLInputElement) return; // the slider moves itself
      event.preventDefault();
      move(event.key === 'ArrowLeft' ? -1 : 1);
    }
  });
  $('probe-text').addEventListener('input', () => refresh());
  const { trainer } = app;
  trainer.on('model', () => {
    state.t = 0;
    refresh();
  });
  trainer.on('state', ({ running }) => {
    if (!running) refresh();
  });
  trainer.on('step', () => {
    if (!trainer.running) refresh();
  });
  setInterval(() => {
    if (trainer.running) refresh();
  }, REFRESH_MS);
}
