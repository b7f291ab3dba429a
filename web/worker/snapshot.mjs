// snapshot.mjs — the worker's compact report to the page: new training losses, validation points,
// per-parameter gradient norms, the trainer's gradient flow, the last-step gradient probe and the
// watched weight matrix, posted with transferable buffers (throttled by the training loop).
import { S, SNAPSHOT_MS, post, l2 } from './state.mjs';
import { lastLossGradients, softmax } from '../grad-through-time.mjs';

const PROBE_WINDOWS = 6;      // held-out windows averaged for the last-step gradient probe


/**
 * ||∂L_T/∂h_t|| averaged over a few held-out windows of the training length (one-layer RNN only:
 * the probe follows the tanh recurrence). (T,) or null for other models.
 */
function lastStepFlow(views) {
  const { cell, layers, vocabSize: V, hidden: H } = S.model.config;
  if (cell !== 'rnn' || layers !== 1) return null;
  const Wh = views.find((p) => p.lecture === 'Wh');
  const Wy = views.find((p) => p.lecture === 'Wy');
  if (!Wh || !Wy) return null;
  const Whd = Wh.data.slice();
  const Wyd = Wy.data.slice();
  const T = Math.min(S.settings.seq, 64, S.valIds.length - 1); // the decay shows within 64 steps
  if (T < 2) return null;
  const sum = new Float32Array(T);
  let windows = 0;
  const span = S.valIds.length - T - 1;
  for (let k = 0; k < PROBE_WINDOWS; k++) {
    const start = Math.floor((span * k) / PROBE_WINDOWS);
    const ids = S.valIds.subarray(start, start + T + 1);
    const input = Int32Array.from(ids.subarray(0, T));
    const states = S.model.hiddenStates(input).data;
    const scores = S.model.logits(input, 1, T).data.subarray((T - 1) * V, T * V);
    const norms = lastLossGradients(states, Whd, Wyd, softmax(scores), ids[T], T, H, V);
    for (let t = 0; t < T; t++) sum[t] += norms[t];
    windows++;
  }
  return sum.map((v) => v / windows);
}

/** Post one snapshot and clear the pending losses and validation points. */
export function postSnapshot() {
  S.lastSnapshot = performance.now();
  const transfer = [];
  const losses = Float32Array.from(S.pendingLosses);
  transfer.push(losses.buffer);
  let paramGrads = new Float32Array(0);
  let gradFlow = null;
  let gradLast = null;
  let watched = null;
  if (S.model) {
    const views = S.model.parameters();
    paramGrads = Float32Array.from(views, (p) => l2(p.grad));
    transfer.push(paramGrads.buffer);
    if (S.trainer.step > 0) {
      gradFlow = Float32Array.from(S.model.gradFlow());
      transfer.push(gradFlow.buffer);
    }
    // The probe costs T·H² per window in JS: keep it under a tenth of the time (big models refresh it less often).
    const now = performance.now();
    if (now - S.lastFlow >= S.flowEveryMs || !S.running) {
      gradLast = lastStepFlow(views);
      S.lastFlow = performance.now();
      S.flowEveryMs = Math.max(SNAPSHOT_MS, 10 * (S.lastFlow - now));
      if (gradLast) transfer.push(gradLast.buffer);
    }
    const view = views.find((p) => p.name === S.watch);
    if (view) {
      watched = { name: view.name, shape: view.shape, data: view.data.slice(), grad: view.grad.slice() };
      transfer.push(watched.data.buffer, watched.grad.buffer);
    }
  }
  post({
    type: 'snapshot',
    step: S.trainer ? S.trainer.step : 0,
    running: S.running,
    firstStep: S.pendingFirst,
    losses,
    val: S.pendingVal,
    gradNorm: S.lastStats?.gradNorm ?? NaN,
    clipEvents: S.lastStats?.clipEvents ?? 0,
    msPerStep: S.msPerStep,
    charsPerSec: S.charsPerSec,
    paramGrads,
    gradFlow,
    gradLast,
    watched,
  }, transfer);
  S.pendingLosses = [];
  S.pendingVal = [];
}
