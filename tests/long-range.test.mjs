// long-range.test.mjs — the ladder's point, measured: on the synthetic bracket task (web/corpora/
// synthetic.mjs: a line opens one of ( [ { <, runs 8–24 characters of noise, then closes with the
// matching bracket) an LSTM learns which closer to write and a vanilla RNN of the same size, trained
// identically, does not. Fixed seeds and a fixed budget of steps (not seconds), so the result does not
// depend on the machine's speed; about 10 s of CPU in the WASM build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadLmlab } from '../wasm_glue/index.mjs';
import { bracketCorpus } from '../web/corpora/synthetic.mjs';

const SPANS = { minSpan: 8, maxSpan: 24 };
const STEPS = 2000;

/**
 * Accuracy of the closer: at every closing bracket of `text`, is the matching one the likeliest of
 * the four closers under the model (state carried from the start of the text)? Chance is 0.25.
 */
function closerAccuracy(model, vocab, text) {
  const ids = vocab.encode(text);
  const closers = [')', ']', '}', '>'].map((c) => vocab.idOf(c));
  const V = vocab.size;
  const { data } = model.logits(ids, 1, ids.length);
  let good = 0;
  let total = 0;
  for (let p = 1; p < ids.length; p++) {
    if (!closers.includes(ids[p])) continue;
    const row = data.subarray((p - 1) * V, p * V); // scores for position p, given ids[0 .. p-1]
    const best = closers.reduce((a, b) => (row[b] > row[a] ? b : a));
    total++;
    if (best === ids[p]) good++;
  }
  return good / total;
}

test('synthetic long-range task: the LSTM writes the matching closer, the vanilla RNN does not', async () => {
  const lm = await loadLmlab();
  const train = bracketCorpus({ chars: 60000, seed: 1, ...SPANS });
  const heldOut = bracketCorpus({ chars: 6000, seed: 2, ...SPANS });
  const vocab = lm.Vocab.build(train + heldOut, { level: 'char' });
  const accuracy = {};
  for (const cell of ['rnn', 'lstm']) {
    const model = lm.Model.create({ cell, vocabSize: vocab.size, embedding: 0, hidden: 32, seed: 1 });
    const trainer = new lm.Trainer(model, vocab.encode(train), {
      batch: 16,
      seq: 32,
      optimizer: 'adagrad',
      lr: 0.3,
      clip: 5,
    });
    for (let done = 0; done < STEPS; done += 100) trainer.train(100);
    accuracy[cell] = closerAccuracy(model, vocab, heldOut);
    trainer.dispose();
    model.dispose();
  }
  assert.ok(accuracy.lstm > 0.9, `LSTM closer accuracy ${accuracy.lstm} (chance 0.25)`);
  assert.ok(accuracy.rnn < 0.5, `vanilla RNN closer accuracy ${accuracy.rnn}: it should stay near chance (0.25)`);
  assert.ok(accuracy.lstm - accuracy.rnn > 0.4, `gap ${accuracy.lstm - accuracy.rnn}`);
  vocab.dispose();
});
