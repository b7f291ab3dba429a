// parallel-replica.mjs — serveReplica(): what one worker of a ParallelTrainer (parallel.mjs) does, in Node
// (worker_threads) or a browser (a module Web Worker): its own lmlab instance (the coordinator's compiled .wasm), a replica of
// the model and a C trainer over the same ids owning some of the shards. Messages, answered in order:
//   init { module, modelBytes, frozen, ids, options, shards, first, count } → ready
//   grads → { grads (count, P), losses (count,), state (its streams' final states), applied, spare }
//   restore { bytes } → ready
// and without an answer: apply { grad (P,), spare, next }, lr { lr }, frozen { names }. applied is the
// status of the last apply, so the coordinator can tell replicas that would drift apart; spare hands back
// the other side's buffer of the step before, so nothing large is allocated per step. next: compute the
// next step's gradients right after applying (the coordinator will ask for them), so the answer is ready
// when the request comes; what the request would have computed, bit for bit (a rate or frozen change in
// between touches only the update; restore and any error drop it). Failures answer
// { type: 'error', message, code } (the LmlabError's). parallel-worker.mjs is the worker script that only
// does this; a bundled page's training worker can do it too (web/worker.mjs with ?replica), so the page
// ships no second copy of the glue.
import { loadLmlab } from './index.mjs';

const IS_NODE = typeof process !== 'undefined' && !!process.versions?.node && !('window' in globalThis);
/** @type {any} */
let port = null;

let lm = null;
let model = null;
let trainer = null;
let X = null;
let grads = 0;
let losses = 0;
let state = 0;
let stats = 0;
let own = { count: 0, P: 0, states: 0 };
let applied = 0; // STATUS.OK

const reply = (message, transfer = []) => port.postMessage(message, transfer);

async function init(m) {
  lm = await loadLmlab({ wasm: m.module });
  X = lm.core.exports;
  model = lm.Model.load(m.modelBytes);
  for (const name of m.frozen) model.setFrozen(name, true);
  trainer = new lm.Trainer(model, m.ids, m.options);
  lm.core.check(X.lm_trainer_set_shards(trainer.ptr, m.shards, m.first, m.count));
  const N = m.options.batch;
  const starts = [];
  for (let j = 0; j <= m.shards; j++) starts.push(j * Math.floor(N / m.shards) + Math.min(j, N % m.shards));
  const streams = starts[m.first + m.count] - starts[m.first];
  const c = model.config;
  const width = c.cell === 'window' ? c.window - 1 : c.layers * c.hidden * (c.cell === 'lstm' ? 2 : 1);
  own = { count: m.count, P: model.parameterCount, states: streams * width };
  grads = X.malloc(Math.max(8, own.count * own.P * 4));
  losses = X.malloc(Math.max(8, own.count * 8));
  state = X.malloc(Math.max(8, own.states * 4));
  stats = X.malloc(8 * 8);
  if (!grads || !losses || !state || !stats)
    throw new lm.LmlabError('out of WebAssembly memory in a training worker', 2);
  return { type: 'ready' };
}

/** Buffers that came back from the coordinator, reused instead of allocating 1 MB or so per step:
 * rows (count·P) for the next gradients, sum (P) the last summed gradient, returned with them. */
let spareRows = null;
let spareSum = null;

function computeGrads() {
  lm.core.check(X.lm_trainer_grads(trainer.ptr, grads, losses, state));
  const mem = lm.core.memory();
  const size = own.count * own.P;
  const g = spareRows?.length === size ? spareRows : new Float32Array(size);
  g.set(mem.f32.subarray(grads >> 2, (grads >> 2) + size));
  spareRows = null;
  const l = mem.f64.slice(losses >> 3, (losses >> 3) + own.count);
  const s = mem.f32.slice(state >> 2, (state >> 2) + own.states);
  const transfer = [g.buffer, l.buffer, s.buffer];
  const message = { type: 'grads', grads: g, losses: l, state: s, applied, spare: spareSum };
  if (spareSum) transfer.push(spareSum.buffer);
  spareSum = null;
  return [message, transfer];
}

/** The next step's answer, computed ahead (apply's next): { reply: [message, transfer] } or { error }. */
let ahead = null;

function apply(m) {
  lm.core.memory().f32.set(m.grad, grads >> 2); // row 0 holds the sum now
  applied = X.lm_trainer_apply(trainer.ptr, grads, stats);
  spareSum = m.grad;
  spareRows = m.spare ?? null;
  if (!m.next || applied !== 0) return;
  try {
    ahead = { reply: computeGrads() };
  } catch (err) {
    ahead = { error: err };
  }
}

/** The answer to a grads request: the one computed ahead, or a fresh one. */
function answerGrads() {
  const r = ahead;
  ahead = null;
  if (!r) return computeGrads();
  if (r.error) throw r.error;
  return r.reply;
}

async function handle(m) {
  try {
    switch (m.type) {
      case 'init':
        reply(await init(m));
        return;
      case 'grads':
        reply(...answerGrads());
        return;
      case 'apply':
        apply(m);
        return;
      case 'lr':
        trainer.setLearningRate(m.lr);
        return;
      case 'frozen':
        for (const name of model.frozen()) model.setFrozen(name, false);
        for (const name of m.names) model.setFrozen(name, true);
        return;
      case 'restore':
        ahead = null;
        trainer.restore(m.bytes);
        applied = 0;
        reply({ type: 'ready' });
        return;
      default:
        throw new Error(`unknown message ${m.type}`);
    }
  } catch (err) {
    const e = /** @type {any} */ (err);
    // apply, lr and frozen have no answer: their failure answers the next request instead
    if (m.type === 'apply' || m.type === 'lr' || m.type === 'frozen') pendingError = e;
    else reply({ type: 'error', message: e?.message ?? String(e), code: e?.code ?? 0 });
  }
}

let pendingError = null;
// one message at a time, in order (init is async: later messages wait for it)
let queue = Promise.resolve();
const onMessage = (m) => {
  queue = queue.then(() => {
    if (pendingError && m.type !== 'apply' && m.type !== 'lr' && m.type !== 'frozen') {
      const e = pendingError;
      pendingError = null;
      ahead = null;
      reply({ type: 'error', message: `a training worker failed: ${e?.message ?? e}`, code: e?.code ?? 0 });
      return;
    }
    return handle(m);
  });
};
/** Answer a ParallelTrainer's messages on this worker thread (Node's parentPort, or the Web Worker's self). */
export function serveReplica() {
  port = IS_NODE ? process.getBuiltinModule('node:worker_threads').parentPort : globalThis;
  if (IS_NODE) port.on('message', onMessage);
  else port.onmessage = (event) => onMessage(event.data);
}
