// protocol.mjs — the messages between the page and the training worker, typed in JSDoc, and the
// page-side caller that pairs each request with its reply. The worker owns the WASM instance; the
// page only sends these requests and receives replies, snapshots and faults. Keep it small.

/**
 * Requests (page → worker): { id, type, ...payload }. The worker answers each with a Reply.
 * @typedef {{ type: 'init', testHooks?: boolean }} InitRequest  → { cells: string[] } (testHooks: allow the debug requests)
 * @typedef {{ type: 'setCorpus', name: string, text: string }} CorpusRequest → CorpusInfo
 * @typedef {{ type: 'configure', settings: import('./state.mjs').Settings }} ConfigureRequest → ModelInfo
 * @typedef {{ type: 'run' } | { type: 'pause' } | { type: 'step' }} RunRequest     → { step: number }
 * @typedef {{ type: 'setLr', lr: number }} LrRequest
 * @typedef {{ type: 'watch', param: string }} WatchRequest      which weight matrix snapshots carry
 * @typedef {{ type: 'sample', prime: string, temperature: number, seed: number, length: number }} SampleRequest → { text, source }
 * @typedef {{ type: 'predict', text: string }} PredictRequest  → Prediction
 * @typedef {{ type: 'probe', text: string }} ProbeRequest      → Probe
 * @typedef {{ type: 'bigramMatrix', topN: number }} MatrixRequest → { tokens: string[], values: Float32Array }
 * @typedef {{ type: 'gradCheck' }} GradCheckRequest             → { results: { name, median, max }[], N, T, runs, ms }
 * @typedef {{ type: 'save' }} SaveRequest                       → { bytes: ArrayBuffer, step: number }
 * @typedef {{ type: 'load', bytes: ArrayBuffer, name: string }} LoadRequest → ModelInfo & { settings?: object }
 *
 * @typedef {{ chars: number, vocabSize: number, trainTokens: number, valTokens: number, heldOut: boolean,
 *   bigram: { loss: number, perplexity: number, bitsPerToken: number } }} CorpusInfo
 * @typedef {{ kind: string, parameterCount: number, params: { name: string, shape: number[] }[],
 *   step: number, trainable: boolean, note?: string }} ModelInfo
 * @typedef {{ neural: { token: string, p: number }[] | null, bigram: { token: string, p: number }[] | null,
 *   context: string, dropped: string, surprisal: { chars: string[], bits: Float32Array } | null }} Prediction
 * @typedef {{ chars: string[], T: number, H: number, cell: string, quantities: { key: string, data: Float32Array }[],
 *   dropped: string, cut: number }} Probe   quantities: h, then the LSTM's c, then each gate (LSTM i f g o,
 *   GRU r z g), every data (T, H), of the last layer
 *
 * Unsolicited messages (worker → page):
 * @typedef {{ type: 'snapshot', step: number, running: boolean, firstStep: number, losses: Float32Array,
 *   val: { step: number, loss: number }[], gradNorm: number, clipEvents: number, msPerStep: number,
 *   charsPerSec: number, paramGrads: Float32Array, gradFlow: Float32Array | null, gradLast: Float32Array | null,
 *   watched: { name: string, shape: number[], data: Float32Array, grad: Float32Array } | null }} Snapshot
 *   losses: train loss of steps firstStep … firstStep+losses.length-1; paramGrads: (P,) in ModelInfo.params order;
 *   gradFlow: (T,) ||dL/dh_t|| of the last training step (all steps' losses); gradLast: (T,) ||∂L_T/∂h_t||
 *   of the last step's loss only, averaged over held-out windows (recurrent cells; null for the window MLP)
 * @typedef {{ type: 'fault', kind: 'nonfinite' | 'fatal', message: string }} Fault
 */

/** A request that failed in the worker: carries the worker's sentence. */
export class WorkerError extends Error {
  constructor(message, code = 0) {
    super(message);
    this.name = 'WorkerError';
    this.code = code;
  }
}

/**
 * Wrap a Worker: call(type, payload, transfer) → Promise of the reply; other messages go to onEvent.
 * @param {Worker} worker @param {(message: any) => void} onEvent
 */
export function connect(worker, onEvent) {
  let nextId = 1;
  const pending = new Map();
  worker.addEventListener('message', (event) => {
    const message = event.data;
    if (message.type === 'reply') {
      const entry = pending.get(message.id);
      if (!entry) return;
      pending.delete(message.id);
      if (message.ok) entry.resolve(message.result);
      else entry.reject(new WorkerError(message.error, message.code));
    } else {
      onEvent(message);
    }
  });
  return {
    /** @param {string} type @param {object} [payload] @param {Transferable[]} [transfer] */
    call(type, payload = {}, transfer = []) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, type, ...payload }, transfer);
      });
    },
    /** Reject every outstanding request (the worker died). */
    failAll(message) {
      for (const entry of pending.values()) entry.reject(new WorkerError(message));
      pending.clear();
    },
  };
}
