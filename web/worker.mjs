// worker.mjs — the training worker: it owns the lmlab WebAssembly instance, and one session per trainer
// of the page (web/kit/trainer.mjs opens them; several trainers share this worker), each with its
// corpus ids, bigram baseline, model and training engine. The loop (worker/loop.mjs) trains the
// running sessions in time slices (≈30 ms) so requests are answered between slices, and posts
// throttled snapshots (≤10 per second per session) with transferable buffers. It never touches the
// DOM; protocol.mjs types every message, and `handlers` below is checked against it.
import { loadLmlab } from '../wasm_glue/index.mjs';
import { resolveSettings } from './settings.mjs';
import { W, createSession, post } from './worker/worker-state.mjs';
import { postSnapshot } from './worker/snapshot.mjs';
import { setCorpus, configure, evaluateValidation, disposeModel, save, load, recountBigram } from './worker/model.mjs';
import { predict, sample, probe, bigramMatrix, gradCheck } from './worker/questions.mjs';
import { trainSteps, trainingFailed, wake } from './worker/loop.mjs';
import { freeRunning, mask, readout, score } from './worker/sentences.mjs';
import { serveReplica } from '../wasm_glue/parallel-replica.mjs';

/** @typedef {import('./worker/worker-state.mjs').Session} Session */

/** A request that needs a neural model, before there is one. @param {Session} s @param {string} what */
function needEngine(s, what) {
  if (s.engine) return s.engine;
  throw new Error(
    s.settings?.model === 'bigram'
      ? 'the bigram is counted, not trained: choose RNN, LSTM, GRU or window to train'
      : `no model to ${what}`,
  );
}

/** One handler per request type of protocol.mjs. @type {import('./protocol.mjs').Handlers} */
const handlers = {
  async init(_s, { testHooks = false } = {}) {
    W.testHooks = testHooks === true; // the debug requests below answer only a page opened with ?testhooks=1
    // Bundled, the glue finds the .wasm beside this worker: lmlab-fma.wasm where the browser has relaxed
    // SIMD (lmlab.wasm if that file is missing), else lmlab.wasm (wasm_glue/wasm-url.mjs, loader.mjs).
    W.lm ??= await loadLmlab();
    /** @type {import('./protocol.mjs').CellKind[]} */
    const cells = [];
    for (const cell of /** @type {const} */ (['rnn', 'lstm', 'gru', 'window'])) {
      try {
        W.lm.Model.create({
          cell,
          vocabSize: 4,
          embedding: 2,
          hidden: 2,
          window: cell === 'window' ? 2 : 0,
          seed: 1,
        }).dispose();
        cells.push(cell);
      } catch {
        /* not built into this lmlab.wasm */
      }
    }
    return { cells, threads: 1, fma: W.lm.fma };
  },
  setCorpus,
  configure,
  run(s, { until = 0, speed = 0 } = {}) {
    const engine = needEngine(s, 'train');
    if (!(Number.isInteger(until) && until >= 0))
      throw new Error(`until must be a whole step number (0: no limit), got ${until}`);
    if (!(typeof speed === 'number' && speed >= 0 && Number.isFinite(speed)))
      throw new Error(`speed must be 0 (no limit) or a number of steps per second, got ${speed}`);
    s.until = until;
    s.speed = speed;
    s.paceStart = performance.now();
    s.paceSteps = 0;
    if (until > 0 && engine.step >= until) return { step: engine.step };
    if (!s.running) {
      s.running = true;
      s.lastVal = performance.now();
    }
    wake();
    return { step: engine.step };
  },
  async pause(s) {
    s.running = false;
    if (s.inflight) await s.inflight.catch(() => {});
    if (s.engine) {
      evaluateValidation(s);
      postSnapshot(s);
    }
    return { step: s.engine?.step ?? 0 };
  },
  async step(s, { count = 1 } = {}) {
    const engine = needEngine(s, 'step');
    if (!(Number.isInteger(count) && count >= 1 && count <= 10000))
      throw new Error(`step count must be a whole number from 1 to 10000, got ${count}`);
    s.running = false;
    if (s.inflight) await s.inflight.catch(() => {});
    try {
      await trainSteps(s, count);
    } catch (err) {
      trainingFailed(s, err);
      return { step: engine.step };
    }
    postSnapshot(s);
    return { step: engine.step };
  },
  setAddK(s, { k }) {
    return recountBigram(s, k);
  },
  setLr(s, { lr }) {
    // the settings form's rule (settings.mjs), whatever the page sent: one rule for every way in
    const checked = resolveSettings({ lr: typeof lr === 'number' ? lr : String(lr) }).settings.lr;
    s.engine?.setLr(checked);
    if (s.settings) s.settings.lr = checked;
    return {};
  },
  watch(s, { param }) {
    s.watch = String(param);
    if (s.model) postSnapshot(s);
    return {};
  },
  sample,
  predict,
  probe,
  bigramMatrix,
  score,
  mask,
  readout,
  freeRunning,
  gradCheck,
  save,
  load,
  evaluate(s) {
    evaluateValidation(s);
    postSnapshot(s);
    return {};
  },
  async close(s) {
    await disposeModel(s);
    s.bigram?.dispose();
    s.vocab?.dispose();
    W.sessions.delete(s.id);
    return {};
  },
  /** Test hook: make one weight NaN, so the next step exercises the non-finite refusal path. */
  debugPoison(s) {
    if (!W.testHooks) throw new Error('test hooks are off (open the page with ?testhooks=1)');
    if (!s.model) throw new Error('no model to poison');
    s.model.parameters()[0].data[0] = NaN;
    return {};
  },
  debugCrash() {
    if (!W.testHooks) throw new Error('test hooks are off (open the page with ?testhooks=1)');
    setTimeout(() => {
      throw new Error('the worker was told to crash (test hook)');
    });
    return {};
  },
};

/** The page's requests (or, opened with ?replica, a ParallelTrainer's: web/worker/engine.mjs starts its
 * helpers from this same script, so the page ships the glue once). */
const onRequest = async (event) => {
  const { id, session = 0, type, ...payload } = /** @type {import('./protocol.mjs').Request} */ (event.data);
  // Own properties only: a request named after an Object method is unknown, not a call to it.
  const handler = /** @type {((s: Session, payload: object) => unknown) | undefined} */ (
    Object.hasOwn(handlers, type) ? handlers[type] : undefined
  );
  try {
    if (!handler) throw new Error(`unknown request '${type}'`);
    if (!W.lm && type !== 'init') throw new Error('the worker is still loading lmlab.wasm');
    if (!Number.isInteger(session) || session < 0) throw new Error(`session must be a whole number, got ${session}`);
    let s = W.sessions.get(session);
    if (!s) {
      s = createSession(session);
      if (type !== 'init' && type !== 'close') W.sessions.set(session, s);
    }
    const out = /** @type {any} */ (await handler(s, payload));
    const { result, transfer } = out && 'transfer' in out ? out : { result: out, transfer: [] };
    post({ type: 'reply', id, ok: true, result }, transfer);
  } catch (err) {
    const fatal = err instanceof WebAssembly.RuntimeError || err instanceof RangeError;
    post({ type: 'reply', id, ok: false, error: err?.message ?? String(err), code: err?.code ?? 0 });
    if (fatal) {
      for (const s of W.sessions.values()) s.running = false;
      post({ type: 'fault', session, kind: 'fatal', message: `the WebAssembly instance failed (${err.message})` });
    }
  }
};

if (new URL(self.location.href).searchParams.has('replica')) serveReplica();
else self.onmessage = onRequest;
