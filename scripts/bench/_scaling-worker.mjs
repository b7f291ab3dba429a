// _scaling-worker.mjs — the Chromium side of the scaling benchmark (scaling.mjs): a module Web Worker, as
// the page trains, whose ParallelTrainer starts its own nested workers. Messages in: { text } then
// { id, config, threads, seconds }; out: { id, result } or { id, error } (see _bench-worker.mjs).
import { loadLmlab } from '../../wasm_glue/index.mjs';
import { encodeCorpus } from './_train-run.mjs';
import { scalingRun } from './_scaling-run.mjs';

const ready = loadLmlab();
let ids = null;
self.onmessage = async ({ data }) => {
  try {
    const lm = await ready;
    const t0 = performance.now();
    if (data.text !== undefined) {
      ids = encodeCorpus(lm, data.text);
      self.postMessage({ id: data.id, result: { V: ids.V, totalWallSeconds: (performance.now() - t0) / 1000 } });
      return;
    }
    const result = await scalingRun(lm, ids, data.config, data.threads, data.seconds);
    result.cores = navigator.hardwareConcurrency;
    result.fma = Boolean(lm.fma); // Chromium with relaxed SIMD loads the fused multiply-add build
    result.totalWallSeconds = (performance.now() - t0) / 1000;
    self.postMessage({ id: data.id, result });
  } catch (err) {
    self.postMessage({ id: data.id, error: String(err?.stack ?? err) });
  }
};
