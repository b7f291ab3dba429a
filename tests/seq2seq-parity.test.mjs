// seq2seq-parity.test.mjs — a seq2seq model saved by lmlab loads into the torch.nn reference of
// tests/seq2seq_parity.py (strict state_dict names and shapes, the encoder through pack_padded_sequence),
// and on a batch with mixed source and target lengths its loss and every gradient agree with ours
// within 1e-4 of the tensor's scale, for RNN, LSTM and GRU (torch variant) × no attention, dot and
// additive, one and two layers, both output layers, after some training and with a trainer in the file.
// Skips (with the reason) only when /usr/bin/python3 cannot import torch; `make test` installs it.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLmlab, taskSplit, buildVocabularies } from '../wasm_glue/index.mjs';

const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
const skip =
  probe.status === 0
    ? false
    : `skipped: ${PYTHON} cannot import torch and numpy (${(probe.stderr || probe.error?.message || '').trim().split('\n').pop()}); install python3-torch`;

let lm;
before(async () => {
  lm = await loadLmlab({ seq2seq: true });
});

const CASES = [
  { cell: 'rnn', attention: 'none', layers: 1 },
  { cell: 'rnn', attention: 'additive', layers: 2, outContext: true },
  { cell: 'lstm', attention: 'none', layers: 2 },
  { cell: 'lstm', attention: 'dot', layers: 1, outContext: false },
  { cell: 'lstm', attention: 'additive', layers: 2, outContext: true },
  { cell: 'gru', attention: 'dot', layers: 2, outContext: true },
  { cell: 'gru', attention: 'additive', layers: 1, outContext: false },
];

for (const c of CASES) {
  const name = `${c.cell}, ${c.layers} layer(s), attention ${c.attention}${c.attention === 'none' ? '' : `, output reads ${c.outContext ? '[h; c]' : 'h'}`}`;
  test(`PyTorch gives our loss and every gradient within 1e-4: ${name}`, { skip }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'lmlab-s2s-torch-'));
    try {
      const { train } = taskSplit('sort', { seed: 4, train: 400, test: 0, trainLengths: [2, 7] });
      const v = buildVocabularies(train, { level: 'char' });
      const m = lm.Seq2Seq.create({ srcVocab: v.src, tgtVocab: v.tgt, embedding: 6, hidden: 10, seed: 5, ...c });
      const t = new lm.Seq2SeqTrainer(m, train, { batch: 8 });
      t.train(30); // trained weights, not the init
      writeFileSync(join(dir, 'm.safetensors'), m.save(t));
      const pairs = [train[0], train[1], train[2], { source: 'z', target: 'z' }, train[5]]; // mixed lengths
      const b = m.batch(pairs);
      assert.ok(new Set(pairs.map((p) => p.source.length)).size > 2);
      const rows = (ids, width) =>
        Array.from({ length: b.N }, (_, n) => Array.from(ids.subarray(n * width, (n + 1) * width)));
      writeFileSync(join(dir, 'batch.json'), JSON.stringify({ src: rows(b.src, b.Ts), tgt: rows(b.tgt, b.Tt + 1) }));
      const ref = JSON.parse(
        execFileSync(PYTHON, ['tests/seq2seq_parity.py', join(dir, 'm.safetensors'), join(dir, 'batch.json')], {
          encoding: 'utf8',
          maxBuffer: 1 << 26,
        }),
      );
      const loss = m.lossAndGrads(b);
      assert.ok(Math.abs(loss - ref.loss) < 1e-5 * ref.loss, `loss ${loss} vs torch ${ref.loss}`);
      assert.ok(loss > 0.05, `the batch is not solved already (loss ${loss})`);
      const views = m.parameters();
      const seen = new Set();
      for (const p of views) {
        const theirs = ref.grads[p.name];
        assert.ok(theirs, `torch has no parameter ${p.name}`);
        seen.add(p.name);
        // ours (r, c) is torch's shape for the embeddings and biases, its transpose for every nn.Linear / RNN weight
        const transposed = p.shape.length === 2 && !p.name.endsWith('embedding.weight');
        assert.deepEqual(
          theirs.shape,
          transposed ? [p.shape[1], p.shape[0]] : p.shape.length === 2 ? p.shape : [p.shape[0]],
          p.name,
        );
        const [r, cols] = p.shape;
        let worst = 0,
          scale = 0;
        for (let i = 0; i < p.grad.length; i++) {
          const j = transposed ? (i % cols) * r + Math.floor(i / cols) : i;
          worst = Math.max(worst, Math.abs(p.grad[i] - theirs.data[j]));
          scale = Math.max(scale, Math.abs(theirs.data[j]));
        }
        assert.ok(
          worst <= 1e-4 * Math.max(scale, 1e-3),
          `${name}: gradient of ${p.name} off by ${worst} (largest ${scale})`,
        );
        // where we keep one bias, torch's second (bias_hh) gets the same gradient
        const hh = p.name.replace('bias_ih', 'bias_hh');
        if (hh !== p.name && !views.some((q) => q.name === hh)) {
          seen.add(hh);
          let off = 0;
          for (let i = 0; i < p.grad.length; i++) off = Math.max(off, Math.abs(p.grad[i] - ref.grads[hh].data[i]));
          assert.ok(off <= 1e-4 * Math.max(scale, 1e-3), `${name}: ${hh} off by ${off}`);
        }
      }
      assert.deepEqual([...seen].sort(), Object.keys(ref.grads).sort(), 'every torch parameter was compared');
      t.dispose();
      m.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
