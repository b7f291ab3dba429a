// knobs.mjs — what the lectures' knobs show beside the loss: teacher forcing against free-running on
// the first held-out tokens (the same targets, the model fed the true previous token or its own
// greedy prediction), refreshed when the model changes, after a step, on pause, and every 3 s while
// training; and how the batches are made (streams or sentences) under the training settings. (The init
// scale and recurrent gain are settings: the gradient-flow plot shows them.)
import { coalesce } from '../kit/index.mjs';
import { showChar } from '../corpus-check.mjs';
import { $ } from './dom.mjs';

/** @typedef {import('../app.mjs').AppState} AppState */

const REFRESH_MS = 3000;

/** @param {AppState} app */
async function freeRunningNow(app) {
  const { trainer } = app;
  const host = $('free-running');
  if (!trainer.model?.trainable) {
    host.textContent = '';
    return;
  }
  try {
    const r = await trainer.freeRunning();
    const gap = r.level === 'word' ? ' ' : '';
    const show = (/** @type {string[]} */ tokens) => tokens.map((t) => (t === '\n' ? showChar(t) : t)).join(gap);
    host.textContent =
      `On the first ${r.tokens} held-out tokens after “${show(r.prime)}”: teacher-forced loss ` +
      `${r.teacherForced.loss.toFixed(3)} (greedy choice right ${(100 * r.teacherForced.accuracy).toFixed(0)}%), ` +
      `free-running loss ${r.freeRunning.loss.toFixed(3)} (right ${(100 * r.freeRunning.accuracy).toFixed(0)}%): fed its own ` +
      `predictions, the model says “${show(r.predicted)}” where the text says “${show(r.truth)}”.`;
  } catch (err) {
    host.textContent = String(/** @type {Error} */ (err).message);
  }
}

/** What a training step takes, from the model's layout (batching streams or sentences). @param {AppState} app */
function batchingNote(app) {
  const info = app.trainer.model;
  const layout = info?.trainable ? info.layout : null;
  const unit = info?.settings.level === 'word' ? 'sentences' : 'lines';
  $('batching-note').textContent = !layout
    ? ''
    : layout.sentences > 0
      ? `Each step: ${info.settings.batch} whole ${unit} in turn (of ${layout.sentences} in the training text), each from a zero state, padded to the longest; the padding is masked in the loss (no loss, no gradient).`
      : `Each step: ${layout.streams} contiguous streams of the text, windows of ${info.settings.seq} tokens, the state carried from window to window.`;
}

/** Wire the free-running line and the batching note to the model. @param {AppState} app */
export function initKnobs(app) {
  const refresh = coalesce(() => freeRunningNow(app));
  const { trainer } = app;
  trainer.on('model', () => {
    refresh();
    batchingNote(app);
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
