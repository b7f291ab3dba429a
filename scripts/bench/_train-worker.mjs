// _train-worker.mjs — the browser side of the training benchmark: a module Web Worker (as the page
// trains) that loads lmlab, receives the corpus once, then runs trainRun for each request and posts
// the result back. Messages in: { text } then { id, config, steps }; out: { id, result } or { id, error }.
import { loadLmlab } from '../../wasm_glue/index.mjs';
import { encodeCorpus, trainRun } from './_train-run.mjs';

const ready = loadLmlab();
let ids = null;
self.onmessage = async ({ data }) => {
  try {
    const lm = await ready;
    if (data.text !== undefined) {
      ids = encodeCorpus(lm, data.text);
      self.postMessage({ id: data.id, result: { V: ids.V } });
      return;
    }
    const result = trainRun(lm, ids, data.config, { steps: data.steps, wallNow: () => performance.now() / 1000 });
    self.postMessage({ id: data.id, result });
  } catch (err) {
    self.postMessage({ id: data.id, error: String(err?.stack ?? err) });
  }
};
