// page-wasm.test.mjs — the page's own build, build/lmlab-page.wasm (served as lmlab.wasm by `make web`):
// build/lmlab.wasm without the layer reference functions. It must train exactly as the full build does
// (the same objects otherwise), and its lm.layers.* must say where the layer functions are instead of
// failing with a TypeError on a missing export.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadLmlab, LmlabError } from '../wasm_glue/index.mjs';

const PAGE_WASM = new URL('../build/lmlab-page.wasm', import.meta.url);

/** Five steps of an LSTM from a fixed seed: the losses and the parameters afterwards. */
function trainFew(lm) {
  const V = 9;
  // ids: (3000,) a deterministic stream over V tokens
  const ids = Int32Array.from({ length: 3000 }, (_, i) => (i * 5 + (i >> 2)) % V);
  const model = lm.Model.create({ cell: 'lstm', vocabSize: V, embedding: 4, hidden: 8, seed: 2 });
  const trainer = new lm.Trainer(model, ids, { batch: 4, seq: 6, optimizer: 'adam', lr: 0.01, clip: 1 });
  const losses = [1, 2, 3, 4, 5].map(() => trainer.train(1).loss);
  const params = model.parameters().map((p) => Array.from(p.data));
  trainer.dispose();
  model.dispose();
  return { losses, params };
}

test('the page build has no layer exports, trains bit for bit like build/lmlab.wasm, and its layers.* name where they are', async () => {
  const bytes = readFileSync(PAGE_WASM);
  const exportNames = WebAssembly.Module.exports(new WebAssembly.Module(bytes)).map((e) => e.name);
  assert.ok(exportNames.includes('lm_model_create'), 'the model API is exported');
  assert.deepEqual(
    exportNames.filter((n) => n.startsWith('lm_layer_')),
    [],
    'no layer reference functions in the page build',
  );

  const page = await loadLmlab({ wasm: bytes });
  const full = await loadLmlab();
  assert.deepEqual(trainFew(page), trainFew(full));

  assert.throws(
    () => page.layers.embedding_forward([[0]], [[1, 2]]),
    (err) => err instanceof LmlabError && /not in this build.*build\/lmlab\.wasm/.test(err.message),
  );
  assert.throws(() => page.layers.lstm_forward({}), LmlabError);
  // the full build's layers still work
  assert.deepEqual(
    Array.from(
      full.layers.embedding_forward(
        [[1]],
        [
          [1, 2],
          [3, 4],
        ],
      ).data,
    ),
    [3, 4],
  );
});
