// loop.mjs — the worker's training loop: every running session trains in turn for its share of a
// ≈30 ms slice (so requests — pause, step, probes — are answered between slices), within its speed
// limit (steps per second) and up to its `until` step; then validation and throttled snapshots. The
// engine's train() is awaited (a multi-core engine waits for its helpers); a request that replaces
// an engine waits for the call in flight (session.inflight). A refused step pauses its session with
// a fault that says what to try.
import { STATUS } from '../../wasm_glue/index.mjs';
import { W, SNAPSHOT_MS, post, sentence } from './worker-state.mjs';
import { evaluateValidation } from './model.mjs';
import { postSnapshot } from './snapshot.mjs';

/** @typedef {import('./worker-state.mjs').Session} Session */

const SLICE_MS = 30; // train this long (all running sessions together), then yield to the message queue

const tick = new MessageChannel();
tick.port1.onmessage = () => {
  loop();
};
// Under Node (tests/worker-safety.test.mjs drives these modules) an open port would keep the process
// alive after the last test; browsers have no unref and need none.
/** @type {any} */ (tick.port1).unref?.();
let queued = false;
/** @type {ReturnType<typeof setTimeout> | null} a wake-up for speed-limited sessions */
let timer = null;

/** Run the loop soon (once, however often it is asked). */
export function wake() {
  if (timer) {
    clearTimeout(timer);
    timer = null;
  }
  if (queued) return;
  queued = true;
  tick.port2.postMessage(0);
}

/**
 * Take `count` steps of session `s` now, recording their losses for the next snapshot and the speed.
 * Throws a refused step's error after recording the steps before it.
 * @param {Session} s @param {number} count
 */
export async function trainSteps(s, count) {
  const engine = /** @type {import('./engine.mjs').Engine} */ (s.engine);
  const t0 = performance.now();
  /** @type {{ stats: import('lmlab').StepStats | null, losses: Float32Array }} */
  let done;
  let failure = null;
  const call = engine.train(count);
  s.inflight = call;
  try {
    done = await call;
  } catch (err) {
    failure = err;
    done = err?.partial ?? { stats: null, losses: new Float32Array(0) };
  } finally {
    s.inflight = null;
  }
  if (s.engine === engine && done.losses.length) {
    const stats = /** @type {import('lmlab').StepStats} */ (done.stats);
    if (s.pendingLosses.length === 0) s.pendingFirst = stats.step - done.losses.length + 1;
    for (const loss of done.losses) s.pendingLosses.push(loss);
    s.lastStats = stats;
    s.paceSteps += done.losses.length;
    const ms = (performance.now() - t0) / done.losses.length;
    s.msPerStep = s.msPerStep ? 0.8 * s.msPerStep + 0.2 * ms : ms;
    const settings = /** @type {import('../settings.mjs').Settings} */ (s.settings);
    s.charsPerSec = (settings.batch * settings.seq * 1000) / s.msPerStep;
  }
  if (failure) throw failure;
}

/**
 * Steps session `s` may take now: its speed limit's allowance and what is left before `until`.
 * @param {Session} s @param {number} now
 */
function allowance(s, now) {
  const engine = /** @type {import('./engine.mjs').Engine} */ (s.engine);
  let left = s.until > 0 ? s.until - engine.step : Infinity;
  if (s.speed > 0) left = Math.min(left, Math.floor(((now - s.paceStart) * s.speed) / 1000) - s.paceSteps + 1);
  return left;
}

/**
 * Train `s` for about `ms` (at least one step, at most `max` steps).
 * @param {Session} s @param {number} ms @param {number} max
 */
async function trainFor(s, ms, max) {
  const engine = s.engine;
  const t0 = performance.now();
  let steps = 0;
  do {
    await trainSteps(s, 1);
    steps++;
  } while (s.running && s.engine === engine && steps < max && performance.now() - t0 < ms);
}

/**
 * A refused step (NaN/inf) pauses its session and says what to try (fault 'nonfinite'); any other
 * failure of a step pauses it too (fault 'error').
 * @param {Session} s @param {any} err
 */
export function trainingFailed(s, err) {
  s.running = false;
  postSnapshot(s);
  const nonfinite = err?.code === STATUS.NONFINITE;
  const settings = /** @type {import('../settings.mjs').Settings} */ (s.settings);
  const hint = nonfinite
    ? `Training paused at step ${s.engine?.step ?? 0} (learning rate ${settings.lr}, clipping ${settings.clip > 0 ? settings.clip : 'off'}): lower the learning rate (it changes live) and press Train to go on, or press Reset to start again from the seed.`
    : 'Training paused.';
  post({
    type: 'fault',
    session: s.id,
    kind: nonfinite ? 'nonfinite' : 'error',
    message: `${sentence(err?.message ?? String(err))} ${hint}`,
  });
}

/** One round: each running session trains for its share of the slice, then reports. */
async function loop() {
  queued = false;
  const running = [...W.sessions.values()].filter((s) => s.running && s.engine);
  if (!running.length) return;
  const share = SLICE_MS / running.length;
  let trained = false;
  let wait = Infinity; // ms until a speed-limited session may step again
  for (const s of running) {
    if (!s.running || !s.engine) continue;
    const now = performance.now();
    const allowed = allowance(s, now);
    if (allowed <= 0 && s.until > 0 && s.engine.step >= s.until) {
      finish(s);
      continue;
    }
    if (allowed > 0) {
      try {
        await trainFor(s, share, allowed);
        trained = true;
      } catch (err) {
        if (s.engine) trainingFailed(s, err);
        continue;
      }
    } else {
      wait = Math.min(wait, (1000 * s.paceSteps) / s.speed - (now - s.paceStart));
    }
    if (!s.running || !s.engine) continue;
    if (s.until > 0 && s.engine.step >= s.until) {
      finish(s);
      continue;
    }
    const now2 = performance.now();
    const dueByTime = now2 - s.lastVal >= s.valEveryMs;
    const dueByStep = s.engine.step >= s.nextValStep && now2 - s.lastVal >= 10 * s.valCostMs; // ≤ 10% of the time
    if (dueByTime || dueByStep) evaluateValidation(s);
    if (now2 - s.lastSnapshot >= SNAPSHOT_MS && (s.pendingLosses.length || s.pendingVal.length)) postSnapshot(s);
  }
  if (![...W.sessions.values()].some((s) => s.running && s.engine)) return;
  if (trained || !Number.isFinite(wait)) wake();
  else
    timer = setTimeout(
      () => {
        timer = null;
        wake();
      },
      Math.max(1, Math.ceil(wait)),
    );
}

/** `until` reached: stop, validate at the last step, and say why in the snapshot. @param {Session} s */
function finish(s) {
  s.running = false;
  evaluateValidation(s);
  postSnapshot(s, 'until');
}
