// snapshot.mjs — a session's compact report to its client: new training losses, validation points,
// per-parameter gradient norms, the engine's gradient flow, the last-step gradient probe and the
// watched weight matrix, posted with transferable buffers (throttled by the training loop).
import { STATUS } from '../../wasm_glue/index.mjs';
import { SNAPSHOT_MS, post, l2 } from './worker-state.mjs';

/** @typedef {import('./worker-state.mjs').Session} Session */

const PROBE_WINDOWS = 6; // held-out windows averaged for the last-step gradient probe

/**
 * ||∂L_T/∂h_t|| of the last layer for the last step's loss alone (Model.gradFlowLastStep, C), averaged
 * over a few held-out windows of the training length from a zero state. (T,) or null for the window
 * model (no recurrence) and before there is held-out text.
 * @param {Session} s
 */
function lastStepFlow(s) {
  const model = /** @type {import('lmlab').Model} */ (s.model);
  const valIds = /** @type {Int32Array} */ (s.valIds);
  if (model.config.cell === 'window') return null;
  const T = Math.min(/** @type {import('../settings.mjs').Settings} */ (s.settings).seq, 64, valIds.length - 1); // the decay shows within 64 steps
  if (T < 2) return null;
  const sum = new Float32Array(T);
  const span = valIds.length - T - 1;
  for (let k = 0; k < PROBE_WINDOWS; k++) {
    const start = Math.floor((span * k) / PROBE_WINDOWS);
    let norms;
    try {
      ({ norms } = model.gradFlowLastStep(valIds.subarray(start, start + T + 1), 1, T));
    } catch (err) {
      // Non-finite parameters: the training step's refusal already tells the page; no curve meanwhile.
      if (err?.code === STATUS.NONFINITE) return null;
      throw err;
    }
    for (let t = 0; t < T; t++) sum[t] += norms[t];
  }
  return sum.map((v) => v / PROBE_WINDOWS);
}

/**
 * Post one snapshot (protocol.mjs: Snapshot) of session `s` and clear its pending losses and
 * validation points.
 * @param {Session} s @param {'until' | ''} [stopped] why training stopped with this snapshot
 */
export function postSnapshot(s, stopped = '') {
  s.lastSnapshot = performance.now();
  const transfer = [];
  const losses = Float32Array.from(s.pendingLosses);
  transfer.push(losses.buffer);
  let paramGrads = new Float32Array(0);
  let gradFlow = null;
  let gradLast = null;
  let watched = null;
  if (s.model && s.engine) {
    const views = s.model.parameters();
    paramGrads = Float32Array.from(views, (p) => l2(p.grad));
    transfer.push(paramGrads.buffer);
    if (s.engine.step > 0) {
      gradFlow = Float32Array.from(s.model.gradFlow());
      transfer.push(gradFlow.buffer);
    }
    // The probe costs a forward and backward per window: keep it under a tenth of the time (big models refresh it less often).
    const now = performance.now();
    if (now - s.lastFlow >= s.flowEveryMs || !s.running) {
      gradLast = lastStepFlow(s);
      s.lastFlow = performance.now();
      s.flowEveryMs = Math.max(SNAPSHOT_MS, 10 * (s.lastFlow - now));
      if (gradLast) transfer.push(gradLast.buffer);
    }
    // refetched: the probe above may have grown WASM memory, which detaches the views taken before it
    // (a word-level model's V-wide buffers do)
    const view = s.model.parameters().find((p) => p.name === s.watch);
    if (view) {
      watched = { name: view.name, shape: view.shape, data: view.data.slice(), grad: view.grad.slice() };
      transfer.push(watched.data.buffer, watched.grad.buffer);
    }
  }
  post(
    {
      type: 'snapshot',
      session: s.id,
      step: s.engine ? s.engine.step : 0,
      running: s.running,
      stopped,
      firstStep: s.pendingFirst,
      losses,
      val: s.pendingVal,
      gradNorm: s.lastStats?.gradNorm ?? NaN,
      clipEvents: s.lastStats?.clipEvents ?? 0,
      msPerStep: s.msPerStep,
      charsPerSec: s.charsPerSec,
      paramGrads,
      gradFlow,
      gradLast,
      watched,
    },
    transfer,
  );
  s.pendingLosses = [];
  s.pendingVal = [];
}
