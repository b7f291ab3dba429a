// worker.mjs — the training worker: it owns the lmlab WebAssembly instance, the corpus ids, the
// bigram baseline, the neural model and its trainer. It trains in time slices (≈30 ms) so requests
// (pause, step, learning rate, probes) are answered between slices, and posts throttled snapshots
// (≤10 per second) with transferable buffers. It never touches the DOM; protocol.mjs types every
// message, and `handlers` below is checked against it. Its state is in worker/worker-state.mjs.
import { loadLmlab, STATUS } from '../wasm_glue/index.mjs';
import { S, SNAPSHOT_MS, post, sentence } from './worker/worker-state.mjs';
import { postSnapshot } from './worker/snapshot.mjs';
import { setCorpus, configure, evaluateValidation, save, load } from './worker/model.mjs';
import { predict, sample, probe, bigramMatrix, gradCheck } from './worker/questions.mjs';

const SLICE_MS = 30;          // train this long, then yield to the message queue

// ---- training loop ----------------------------------------------------------------------------

const tick = new MessageChannel();
tick.port1.onmessage = () => loop();
const schedule = () => tick.port2.postMessage(0);

/**
 * Train one step at a time until `deadlineMs` has passed (at least one step, at most maxSteps).
 * @param {number} deadlineMs @param {number} [maxSteps]
 */
function trainSteps(deadlineMs, maxSteps = Infinity) {
  const t0 = performance.now();
  let steps = 0;
  do {
    const stats = S.trainer.train(1);
    if (S.pendingLosses.length === 0) S.pendingFirst = stats.step;
    S.pendingLosses.push(stats.loss);
    S.lastStats = stats;
    steps++;
  } while (steps < maxSteps && performance.now() - t0 < deadlineMs);
  const ms = (performance.now() - t0) / steps;
  S.msPerStep = S.msPerStep ? 0.8 * S.msPerStep + 0.2 * ms : ms;
  S.charsPerSec = (S.settings.batch * S.settings.seq * 1000) / S.msPerStep;
}

function loop() {
  if (!S.running || !S.trainer) return;
  try {
    trainSteps(SLICE_MS);
    const now = performance.now();
    const dueByTime = now - S.lastVal >= S.valEveryMs;
    const dueByStep = S.trainer.step >= S.nextValStep && now - S.lastVal >= 10 * S.valCostMs; // ≤ 10% of the time
    if (dueByTime || dueByStep) evaluateValidation();
    if (now - S.lastSnapshot >= SNAPSHOT_MS) postSnapshot();
  } catch (err) {
    trainingFailed(err);
    return;
  }
  schedule();
}

/**
 * A refused step (NaN/inf) pauses training and says what to try (fault 'nonfinite'); any other failure
 * of a step pauses it too (fault 'error').
 * @param {any} err
 */
function trainingFailed(err) {
  S.running = false;
  postSnapshot();
  const nonfinite = err?.code === STATUS.NONFINITE;
  const hint = nonfinite
    ? `Training paused at step ${S.trainer.step} (learning rate ${S.settings.lr}, clipping ${S.settings.clip > 0 ? S.settings.clip : 'off'}): lower the learning rate (it changes live) and press Train to go on, or press Reset to start again from the seed.`
    : 'Training paused.';
  post({ type: 'fault', kind: nonfinite ? 'nonfinite' : 'error', message: `${sentence(err?.message ?? String(err))} ${hint}` });
}

// ---- dispatch ---------------------------------------------------------------------------------

/** One handler per request type of protocol.mjs. @type {import('./protocol.mjs').Handlers} */
const handlers = {
  async init({ testHooks = false } = {}) {
    S.testHooks = testHooks === true; // the debug requests below answer only a page opened with ?testhooks=1
    S.lm = await loadLmlab({ wasm: new URL('./lmlab.wasm', import.meta.url) });
    /** @type {import('./protocol.mjs').CellKind[]} */
    const cells = [];
    for (const cell of /** @type {const} */ (['rnn', 'lstm', 'gru', 'window'])) {
      try {
        S.lm.Model.create({ cell, vocabSize: 4, embedding: 2, hidden: 2, window: cell === 'window' ? 2 : 0, seed: 1 }).dispose();
        cells.push(cell);
      } catch { /* not built into this lmlab.wasm */ }
    }
    return { cells };
  },
  setCorpus,
  configure,
  run() {
    if (!S.trainer) throw new Error(S.model === null && S.settings?.model === 'bigram' ? 'the bigram is counted, not trained: choose RNN, LSTM or GRU to train' : 'no model to train');
    if (!S.running) {
      S.running = true;
      S.lastVal = performance.now();
      schedule();
    }
    return { step: S.trainer.step };
  },
  pause() {
    S.running = false;
    if (S.trainer) {
      evaluateValidation();
      postSnapshot();
    }
    return { step: S.trainer?.step ?? 0 };
  },
  step() {
    if (!S.trainer) throw new Error('no model to step');
    S.running = false;
    try {
      trainSteps(0, 1);
    } catch (err) {
      trainingFailed(err);
      return { step: S.trainer.step };
    }
    postSnapshot();
    return { step: S.trainer.step };
  },
  setLr({ lr }) {
    if (!(lr > 0) || !Number.isFinite(lr)) throw new Error(`learning rate must be a positive number, got ${lr}`);
    if (S.settings) S.settings.lr = lr;
    S.trainer?.setLearningRate(lr);
    return {};
  },
  watch({ param }) {
    S.watch = param;
    if (S.model) postSnapshot();
    return {};
  },
  sample,
  predict,
  probe,
  bigramMatrix,
  gradCheck,
  save,
  load,
  evaluate() {
    evaluateValidation();
    postSnapshot();
    return {};
  },
  /** Test hook: make one weight NaN, so the next step exercises the non-finite refusal path. */
  debugPoison() {
    if (!S.testHooks) throw new Error('test hooks are off (open the page with ?testhooks=1)');
    if (!S.model) throw new Error('no model to poison');
    S.model.parameters()[0].data[0] = NaN;
    return {};
  },
  debugCrash() {
    if (!S.testHooks) throw new Error('test hooks are off (open the page with ?testhooks=1)');
    setTimeout(() => { throw new Error('the worker was told to crash (test hook)'); });
    return {};
  },
};

self.onmessage = async (event) => {
  const { id, type, ...payload } = /** @type {import('./protocol.mjs').Request} */ (event.data);
  // Own properties only: a request named after an Object method is unknown, not a call to it.
  const handler = /** @type {((payload: object) => unknown) | undefined} */ (Object.hasOwn(handlers, type) ? handlers[type] : undefined);
  try {
    if (!handler) throw new Error(`unknown request '${type}'`);
    if (!S.lm && type !== 'init') throw new Error('the worker is still loading lmlab.wasm');
    const out = /** @type {any} */ (await handler(payload));
    const { result, transfer } = out && 'transfer' in out ? out : { result: out, transfer: [] };
    post({ type: 'reply', id, ok: true, result }, transfer);
  } catch (err) {
    const fatal = err instanceof WebAssembly.RuntimeError || err instanceof RangeError;
    post({ type: 'reply', id, ok: false, error: err?.message ?? String(err), code: err?.code ?? 0 });
    if (fatal) {
      S.running = false;
      post({ type: 'fault', kind: 'fatal', message: `the WebAssembly instance failed (${err.message})` });
    }
  }
};
