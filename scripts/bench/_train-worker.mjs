// _train-worker.mjs — the browser side of the training benchmark: a module Web Worker (as the page
// trains) that loads lmlab, both its plain SIMD128 build and, where the browser has relaxed SIMD, its
// fused multiply-add build; receives the corpus once, then runs trainRun for each request and posts
// the result back. Messages in: { text } then { id, config, steps, fma }; out: { id, result } or
// { id, error }; the reply to { text } says whether the FMA build loaded (fma).
import { loadLmlab, relaxedSimdSupported } from '../../wasm_glue/index.mjs';
import { encodeCorpus, trainRun } from './_train-run.mjs';

const plain = loadLmlab({ fma: false });
const fused = relaxedSimdSupported() ? loadLmlab({ fma: true }) : null;
let ids = null;
self.onmessage = async ({ data }) => {
  try {
    if (data.text !== undefined) {
      ids = encodeCorpus(await plain, data.text); // the same ids for both builds
      self.postMessage({ id: data.id, result: { V: ids.V, fma: Boolean(fused && (await fused).fma) } });
      return;
    }
    if (data.fma && !fused) throw new Error('this browser has no relaxed SIMD: no FMA build to train on');
    const lm = await (data.fma ? fused : plain);
    const result = trainRun(lm, ids, data.config, { steps: data.steps, wallNow: () => performance.now() / 1000 });
    self.postMessage({ id: data.id, result });
  } catch (err) {
    self.postMessage({ id: data.id, error: String(err?.stack ?? err) });
  }
};
