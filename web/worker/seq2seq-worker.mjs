// seq2seq-worker.mjs — the seq2seq mode's training worker (bundled as seq2seq/worker.js beside
// lmlab-seq2seq.wasm; the page starts it only when the mode is opened, so the language-model page
// never loads the larger .wasm). It holds one run (worker/seq2seq-session.mjs), trains it in ≈40 ms
// slices while running, answers requests between slices, and posts at most 10 snapshots a second:
// the training loss since the last one, and — at a cadence that keeps them under a tenth of the
// time — the held-out loss and exact match, and accuracy by source length.
//
// Requests { id, type, ...payload } → replies { id, ok: true, result } or { id, ok: false, error }:
//   configure { settings, pairsText? } → the run's info     run { on }      translate { source }
//   byLength → accuracy by length now                         (snapshots: { type: 'snapshot', … })
//   example { scores } → the notes' worked example through the C attention layer (α and the context)
import { loadLmlab } from '../../wasm_glue/index.mjs';
import { workedExample } from '../seq2seq/worked-example.mjs';
import { createS2SSession } from './seq2seq-session.mjs';

const SLICE_MS = 40; // train this long, then answer what arrived
const SNAPSHOT_MS = 100; // at most ten snapshots a second
const VALIDATE_EVERY_MS = 2000; // at least this apart, and at least 10× the last check's cost apart
const BY_LENGTH_EVERY_MS = 8000; // likewise for accuracy by length over every held-out pair

/** @type {Promise<any> | null} */
let ready = null;
/** @type {ReturnType<typeof createS2SSession> | null} */
let session = null;
let running = false;
let looping = false;
/** The next snapshot's pending contents. */
let pending = { steps: 0, lossSum: 0, pairs: 0, ms: 0 };
let lastSnapshot = 0,
  nextValidate = 0,
  nextByLength = 0;

/** @param {any} message @param {Transferable[]} [transfer] */
const post = (message, transfer = []) => self.postMessage(message, transfer);

function instance() {
  // Bundled, the glue finds the .wasm beside this worker: lmlab-seq2seq-fma.wasm where the browser has
  // relaxed SIMD (lmlab-seq2seq.wasm if that file is missing), else lmlab-seq2seq.wasm.
  ready ??= loadLmlab({ seq2seq: true });
  return ready;
}

/** A sentence for the page, whatever was thrown. @param {unknown} err */
const sentence = (err) => (err instanceof Error ? err.message : String(err));

function resetCadence() {
  pending = { steps: 0, lossSum: 0, pairs: 0, ms: 0 };
  const now = performance.now();
  lastSnapshot = now;
  nextValidate = now + 1000;
  nextByLength = now + 4000;
}

/** Post what happened since the last snapshot (and checks, when given). @param {object} [extra] */
function snapshot(extra = {}) {
  if (!session) return;
  const p = pending;
  post({
    type: 'snapshot',
    step: session.step,
    running,
    loss: p.steps ? p.lossSum / p.steps : null,
    pairsPerSecond: p.ms > 0 ? (1000 * p.pairs) / p.ms : null,
    ...extra,
  });
  pending = { steps: 0, lossSum: 0, pairs: 0, ms: 0 };
  lastSnapshot = performance.now();
}

function loop() {
  looping = false;
  if (!running || !session) return;
  try {
    const t0 = performance.now();
    const r = session.trainFor(SLICE_MS);
    const now = performance.now();
    pending.steps += r.steps;
    pending.lossSum += r.loss * r.steps;
    pending.pairs += r.pairs;
    pending.ms += now - t0;
    if (!Number.isFinite(r.loss)) throw new Error(`the training loss became ${r.loss}`);
    /** @type {Record<string, unknown>} */
    const extra = {};
    if (now >= nextValidate) {
      const c0 = performance.now();
      extra.validation = session.validate();
      nextValidate = performance.now() + Math.max(VALIDATE_EVERY_MS, 10 * (performance.now() - c0));
    } else if (now >= nextByLength) {
      const c0 = performance.now();
      extra.byLength = session.byLength();
      nextByLength = performance.now() + Math.max(BY_LENGTH_EVERY_MS, 10 * (performance.now() - c0));
    }
    if (Object.keys(extra).length || performance.now() - lastSnapshot >= SNAPSHOT_MS) snapshot(extra);
  } catch (err) {
    // A refused step (the C trainer will not apply a non-finite update) or a failed check: stop, say so.
    running = false;
    snapshot({ fault: `training stopped: ${sentence(err)} — try a smaller learning rate, or Reset` });
    return;
  }
  schedule();
}

function schedule() {
  if (looping || !running) return;
  looping = true;
  setTimeout(loop, 0);
}

/** One handler per request type. @type {Record<string, (payload: any) => Promise<unknown> | unknown>} */
const handlers = {
  async configure({ settings, pairsText = null }) {
    const lm = await instance();
    running = false;
    const next = createS2SSession(lm, { settings, pairsText }); // throws before the old run is lost
    session?.dispose();
    session = next;
    resetCadence();
    return { info: session.info, settings: session.settings };
  },
  run({ on }) {
    if (typeof on !== 'boolean') throw new TypeError(`run needs on: true or false, got ${JSON.stringify(on)}`);
    if (!session) throw new Error('no run to train: configure one first');
    running = on;
    if (on) {
      resetCadence();
      schedule();
    } else snapshot();
    return { running };
  },
  translate({ source }) {
    if (!session) throw new Error('no model to decode with yet');
    return session.translate(source);
  },
  byLength() {
    if (!session) throw new Error('no model to score yet');
    return session.byLength();
  },
  async example({ scores }) {
    const lm = await instance(); // needs no run: the layer alone
    return workedExample(lm.layers, scores);
  },
};

self.onmessage = async (event) => {
  const message = event.data;
  const id = message && typeof message === 'object' ? message.id : undefined;
  const type = message && typeof message === 'object' ? message.type : undefined;
  if (!Number.isInteger(id)) return; // not a request of ours: nothing to answer
  const handler = typeof type === 'string' && Object.hasOwn(handlers, type) ? handlers[type] : null;
  if (!handler) {
    post({ id, ok: false, error: `unknown request type ${JSON.stringify(type)}` });
    return;
  }
  try {
    const result = await handler(message);
    post({ id, ok: true, result });
  } catch (err) {
    post({ id, ok: false, error: sentence(err) });
  }
};
