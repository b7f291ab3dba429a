// torch_parity.test.mjs — a model saved by lmlab loads into torch.nn.Embedding + torch.nn.RNN / LSTM /
// GRU + torch.nn.Linear (strict state_dict names and shapes) and gives our logits within 1e-4, for
// one-hot, trainable-embedding and stacked (L = 2) models of each cell (the GRU in its torch variant,
// the default), after some training and with a trainer's state in the file.
// Skips (with the reason) only when /usr/bin/python3 cannot import torch; `make test` installs it.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLmlab } from '../wasm_glue/index.mjs';

const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
const skip = probe.status === 0 ? false : `skipped: ${PYTHON} cannot import torch and numpy (${(probe.stderr || probe.error?.message || '').trim().split('\n').pop()}); install python3-torch`;

let lm;
before(async () => { lm = await loadLmlab(); });

function ids(count, V, seed) {
  let x = seed >>> 0;
  return Int32Array.from({ length: count }, () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x % V;
  });
}

const cases = [
  { name: 'one-hot', config: { vocabSize: 13, embedding: 0, hidden: 16 } },
  { name: 'embedding', config: { vocabSize: 20, embedding: 8, hidden: 12 } },
  { name: 'two layers', config: { vocabSize: 11, embedding: 0, hidden: 10, layers: 2 } },
  { name: 'LSTM, two layers', config: { cell: 'lstm', vocabSize: 11, embedding: 0, hidden: 10, layers: 2 } },
  { name: 'LSTM, embedding, two layers', config: { cell: 'lstm', vocabSize: 17, embedding: 6, hidden: 9, layers: 2 } },
  { name: 'GRU (torch variant), two layers', config: { cell: 'gru', vocabSize: 11, embedding: 0, hidden: 10, layers: 2 } },
  { name: 'GRU (torch variant), embedding, two layers', config: { cell: 'gru', vocabSize: 17, embedding: 6, hidden: 9, layers: 2, gruVariant: 'torch' } },
];

for (const { name, config } of cases) {
  test(`PyTorch gives our logits within 1e-4: ${name}`, { skip }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'lmlab-torch-'));
    try {
      const m = lm.Model.create({ cell: 'rnn', seed: 5, ...config });
      assert.ok(m.config.cell !== 'gru' || m.config.gruVariant === 'torch');
      const t = new lm.Trainer(m, ids(3000, config.vocabSize, 2), { batch: 4, seq: 10, optimizer: 'adam', lr: 0.01, clip: 5 });
      t.train(40); // trained weights, not just the init
      const N = 3;
      const T = 9;
      const x = ids(N * T, config.vocabSize, 7);
      const ours = m.logits(x, N, T);
      writeFileSync(join(dir, 'm.safetensors'), m.save(t));
      writeFileSync(join(dir, 'ids.json'), JSON.stringify(Array.from({ length: N }, (_, n) => Array.from(x.subarray(n * T, n * T + T)))));
      const out = JSON.parse(execFileSync(PYTHON, ['tests/torch_parity.py', join(dir, 'm.safetensors'), join(dir, 'ids.json')], { encoding: 'utf8' }));
      assert.deepEqual(out.shape, [N, T, config.vocabSize]);
      let worst = 0;
      for (let i = 0; i < ours.data.length; i++) worst = Math.max(worst, Math.abs(ours.data[i] - out.logits[i]));
      assert.ok(worst < 1e-4, `max |ours - torch| = ${worst}`);
      // the logits are not trivially equal (the model is not near-constant)
      const spread = Math.max(...ours.data) - Math.min(...ours.data);
      assert.ok(spread > 0.1, `logit spread ${spread}`);
      t.dispose();
      m.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
