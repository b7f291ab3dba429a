// torch-parity.test.mjs — a model saved by lmlab loads into torch.nn.Embedding + torch.nn.RNN / LSTM /
// GRU + torch.nn.Linear (strict state_dict names and shapes) and gives our logits within 1e-4, for
// one-hot, trainable-embedding and stacked (L = 2) models of each cell (the GRU in its torch variant,
// the default), after some training and with a trainer's state in the file; and the loss and every
// gradient of the training objective against torch's autograd in float64.
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
const skip =
  probe.status === 0
    ? false
    : `skipped: ${PYTHON} cannot import torch and numpy (${(probe.stderr || probe.error?.message || '').trim().split('\n').pop()}); install python3-torch`;

let lm;
before(async () => {
  lm = await loadLmlab();
});

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
  {
    name: 'GRU (torch variant), two layers',
    config: { cell: 'gru', vocabSize: 11, embedding: 0, hidden: 10, layers: 2 },
  },
  {
    name: 'GRU (torch variant), embedding, two layers',
    config: { cell: 'gru', vocabSize: 17, embedding: 6, hidden: 9, layers: 2, gruVariant: 'torch' },
  },
];

for (const { name, config } of cases) {
  test(`PyTorch gives our logits, loss and gradients within 1e-4: ${name}`, { skip }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'lmlab-torch-'));
    try {
      const m = lm.Model.create({ cell: 'rnn', seed: 5, ...config });
      assert.ok(m.config.cell !== 'gru' || m.config.gruVariant === 'torch');
      const t = new lm.Trainer(m, ids(3000, config.vocabSize, 2), {
        batch: 4,
        seq: 10,
        optimizer: 'adam',
        lr: 0.01,
        clip: 5,
      });
      t.train(40); // trained weights, not just the init
      const N = 3;
      const T = 9;
      const x = ids(N * T, config.vocabSize, 7);
      const ours = m.logits(x, N, T);
      writeFileSync(join(dir, 'm.safetensors'), m.save(t));
      writeFileSync(
        join(dir, 'ids.json'),
        JSON.stringify(Array.from({ length: N }, (_, n) => Array.from(x.subarray(n * T, n * T + T)))),
      );
      // targets for the loss and gradient comparison below: (N, T+1)
      const y = ids(N * (T + 1), config.vocabSize, 11);
      writeFileSync(
        join(dir, 'y.json'),
        JSON.stringify(Array.from({ length: N }, (_, n) => Array.from(y.subarray(n * (T + 1), (n + 1) * (T + 1))))),
      );
      const out = JSON.parse(
        execFileSync(
          PYTHON,
          ['tests/torch_parity.py', join(dir, 'm.safetensors'), join(dir, 'ids.json'), join(dir, 'y.json')],
          { encoding: 'utf8', maxBuffer: 1 << 26 },
        ),
      );
      assert.deepEqual(out.shape, [N, T, config.vocabSize]);
      let worst = 0;
      for (let i = 0; i < ours.data.length; i++) worst = Math.max(worst, Math.abs(ours.data[i] - out.logits[i]));
      assert.ok(worst < 1e-4, `max |ours - torch| = ${worst}`);
      // the logits are not trivially equal (the model is not near-constant)
      const spread = Math.max(...ours.data) - Math.min(...ours.data);
      assert.ok(spread > 0.1, `logit spread ${spread}`);
      // loss and every gradient of the training objective against torch's autograd (float64)
      const ref = out;
      m.resetState();
      const loss = m.lossAndGrads(y, N, T);
      assert.ok(Math.abs(loss - ref.loss) < 1e-5 * ref.loss, `loss ${loss} vs torch ${ref.loss}`);
      const views = m.parameters();
      for (const p of views) {
        if (p.name === 'embedding.weight' && !config.embedding) continue; // one-hot: torch's identity is not ours to train
        const theirs = ref.grads[p.name];
        assert.ok(theirs, `torch has no parameter ${p.name}`);
        const [r, c] = p.shape;
        let worst = 0;
        let scale = 0;
        for (let i = 0; i < p.grad.length; i++) {
          // ours is (r, c); matrices other than the embedding are (c, r) in torch
          const j = p.shape.length === 2 && p.name !== 'embedding.weight' ? (i % c) * r + Math.floor(i / c) : i;
          worst = Math.max(worst, Math.abs(p.grad[i] - theirs[j]));
          scale = Math.max(scale, Math.abs(theirs[j]));
        }
        assert.ok(
          worst <= 1e-4 * Math.max(scale, 1e-3),
          `${name}: gradient of ${p.name} off by ${worst} (largest ${scale})`,
        );
        // where we fold torch's second bias into ours, torch gives it the same gradient
        const hh = p.name.replace('bias_ih', 'bias_hh');
        if (hh !== p.name && !views.some((q) => q.name === hh)) {
          let off = 0;
          for (let i = 0; i < p.grad.length; i++) off = Math.max(off, Math.abs(p.grad[i] - ref.grads[hh][i]));
          assert.ok(off <= 1e-4 * Math.max(scale, 1e-3), `${name}: ${hh} off by ${off}`);
        }
      }
      t.dispose();
      m.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
