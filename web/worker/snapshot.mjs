// snapshot.mjs — the worker's compact report to the page: new training losses, validation points,
// per-parameter gradient norms, the trainer's gradient flow, the last-step gradient probe and the
// watched weight matrix, posted with transferable buffers (throttled by the training loop).
import { STATUS } from '../../wasm_glue/index.mjs';
import { S, SNAPSHOT_MS, post, l2 } from './worker-state.mjs';

const PROBE_WINDOWS = 6;      // held-out windows averaged for the last-step gradient probe

/**
 * ||∂L_T/∂h_t|| of the last layer for the last step's loss alone (Model.gradFlowLastStep, C), averaged
 * over a few held-out windows of the training length from a zero state. (T,) or null for the window
 * model (no recurrence) and before there is held-out text.
 */
function lastStepFlow() {
  if (S.model.config.cell === 'window') return null;
  const T = Math.min(S.settings.seq, 64, S.valIds.length - 1); // the decay shows within 64 steps
  if (T < 2) return null;
  const sum = new Float32Array(T);
  const span = S.valIds.length - T - 1;
  for (let k = 0; k < PROBE_WINDOWS; k++) {
    const start = Math.floor((span * k) / PROBE_WINDOWS);
    let norms;
    try {
      ({ norms } = S.model.gradFlowLastStep(S.valIds.subarray(start, start + T + 1), 1, T));
    } catch (err) {
      // Non-finite parameters: the training step's refusal already tells the page; no curve meanwhile.
      if (err?.code === STATUS.NONFINITE) return null;
      throw err;
    }
    for (let t = 0; t < T; t++) sum[t] += norms[t];
  }
  return sum.map((v) => v / PROBE_WINDOWS);
}

/** Post one snapshot (protocol.mjs: Snapshot) and clear the pending losses and validation points. */
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
    // The probe costs a forward and backward per window: keep it under a tenth of the time (big models refresh it less often).
    const now = performance.now();
    if (now - S.lastFlow >= S.flowEveryMs || !S.running) {
      gradLast = lastStepFlow();
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
