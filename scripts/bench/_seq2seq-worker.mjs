// _seq2seq-worker.mjs — the browser side of the seq2seq benchmark: a module Web Worker (as the page
// trains) that loads lmlab and runs seq2seqRun in speed mode for each request. Messages in: { ready }
// then { id, config, steps }; out: { id, result } or { id, error }.
import { loadLmlab } from '../../wasm_glue/index.mjs';
import { seq2seqRun } from './_seq2seq-run.mjs';

const ready = loadLmlab({ seq2seq: true });
self.onmessage = async ({ data }) => {
  try {
    const lm = await ready;
    if (data.ready) {
      self.postMessage({ id: data.id, result: { totalWallSeconds: 1 } });
      return;
    }
    self.postMessage({
      id: data.id,
      result: seq2seqRun(lm, data.config, { steps: data.steps, wallNow: () => performance.now() / 1000 }),
    });
  } catch (err) {
    self.postMessage({ id: data.id, error: String(err?.stack ?? err) });
  }
};
