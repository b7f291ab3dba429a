// worker-safety.test.mjs — the page's training worker (web/worker.mjs) checks whatever it is sent, under
// Node: its message handler driven directly, as a page (or a hostile script on it) would post. The
// learning rate, from setLr, configure or a loaded file's settings, passes the settings form's one rule
// (web/settings.mjs) or is refused with its sentence; a model file whose numbers are finite but make the
// model's predictions non-finite is refused before it replaces anything, and the model in place is
// exactly as it was. The forget-gate bias setting reaches the LSTM the worker builds, and only an LSTM.
import test from 'node:test';
import assert from 'node:assert/strict';
import { lm, call, session } from './worker-harness.mjs';
const snapshot = () =>
  session()
    .model.parameters()
    .map((p) => Array.from(p.data));

const TEXT = 'the cat sat on the mat. the dog sat on the log. '.repeat(80);

async function freshModel() {
  await call('setCorpus', { name: 'cats', text: TEXT });
  return call('configure', { settings: { model: 'rnn', hidden: 8, embed: 4, lr: 0.01 } });
}

/** A model file of the session's vocabulary with these weights and page settings. */
function fileFor(s, { scale = 0, settings = {} } = {}) {
  const model = lm.Model.create({ cell: 'rnn', vocabSize: s.vocab.size, embedding: 4, hidden: 8, seed: 3 });
  if (scale) {
    // the recurrent layer saturates (h = ±1) and each token's scores row is ±scale: the scores overflow
    for (const p of model.parameters()) {
      if (p.name === 'rnn.weight_ih_l0') p.data.fill(1000);
      if (p.name === 'decoder.weight') p.data.forEach((_, i) => (p.data[i] = (i % 3 ? 1 : -1) * scale));
    }
  }
  model.metadata = {
    'lmlab.vocab': JSON.stringify(s.vocab.toJSON()),
    'lmlab.settings': JSON.stringify({ ...s.settings, ...settings }),
  };
  const bytes = model.save();
  model.dispose();
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}

test('setLr and configure: the settings form’s rule for the learning rate, whatever the page sends', async () => {
  await freshModel();
  for (const lr of [1e6, 101, 0, -1, NaN, Infinity, '1e6', 'fast', null, [], 1e-9]) {
    await assert.rejects(call('setLr', { lr }), /learning rate must be/, `setLr(${String(lr)}) was accepted`);
    assert.equal(session().settings.lr, 0.01, `setLr(${String(lr)}) changed the learning rate`);
  }
  await call('setLr', { lr: 0.02 });
  assert.equal(session().settings.lr, 0.02);
  await call('setLr', { lr: '0.03' }); // a string in the form's syntax, as a URL would carry it
  assert.equal(session().settings.lr, 0.03);
  await assert.rejects(call('configure', { settings: { model: 'rnn', lr: 1e6 } }), /learning rate must be between/);
});

test('a loaded file’s settings pass the same rule: lr 1e6 in a file is not trained with', async () => {
  await freshModel();
  const s = session();
  await call('load', { bytes: fileFor(s, { settings: { lr: 1e6, clip: -5, seq: 1e9 } }), name: 'wild.safetensors' });
  assert.equal(session().settings.lr, 0.01, 'the file’s lr 1e6 was adopted');
  assert.notEqual(session().settings.clip, -5);
  assert.notEqual(session().settings.seq, 1e9);
  await call('load', { bytes: fileFor(session(), { settings: { lr: 0.2 } }), name: 'fine.safetensors' });
  assert.equal(session().settings.lr, 0.2, 'a valid lr in the file is the one it was trained with');
  const { step } = await call('step', { count: 3 });
  assert.equal(step, 3);
});

test('a file whose finite weights make the predictions non-finite is refused; the model stays exactly', async () => {
  await freshModel();
  await call('step', { count: 5 });
  const s = session();
  const model = s.model,
    engine = s.engine,
    before = snapshot();
  await assert.rejects(
    call('load', { bytes: fileFor(s, { scale: 3e38 }), name: 'overflow.safetensors' }),
    // the C loader names the tensor beyond the range a model computes with; the worker's own trial on the
    // held-out text (for whatever the loader lets through) says the predictions are non-finite
    (err) => /^overflow\.safetensors /.test(err.message) && /beyond the range|non-finite/.test(err.message),
  );
  assert.equal(session().model, model, 'the model was replaced');
  assert.equal(session().engine, engine, 'the engine was replaced');
  assert.deepEqual(snapshot(), before, 'the parameters changed');
  assert.equal(session().engine.step, 5);
  // and the model goes on training
  assert.equal((await call('step', { count: 2 })).step, 7);
});

test('the worker’s own save loads back (the finiteness check refuses nothing good)', async () => {
  await freshModel();
  await call('step', { count: 4 });
  const { bytes } = await call('save');
  const info = await call('load', { bytes, name: 'mine.safetensors' });
  assert.equal(info.step, 4);
  assert.equal(info.kind, 'rnn');
});

test("the page's forget-gate bias reaches the LSTM it builds (every layer's f block), and only an LSTM", async () => {
  await call('setCorpus', { name: 'cats', text: TEXT });
  const forgetBlocks = () =>
    session()
      .model.parameters()
      .filter((p) => p.name.startsWith('rnn.bias_ih_l'))
      .map((p) => Array.from(p.data.subarray(6, 12))); // b: (4H,) i|f|g|o at H 6
  await call('configure', { settings: { model: 'lstm', hidden: 6, embed: 4, layers: 2, lr: 0.01 } });
  assert.deepEqual(forgetBlocks(), [Array(6).fill(1), Array(6).fill(1)], "the default: C's start, 1");
  await call('configure', { settings: { model: 'lstm', hidden: 6, embed: 4, layers: 2, lr: 0.01, forgetBias: 0 } });
  assert.deepEqual(forgetBlocks(), [Array(6).fill(0), Array(6).fill(0)]);
  assert.equal(JSON.parse(session().model.metadata.init).forgetBias, 0);
  await assert.rejects(
    call('configure', { settings: { model: 'lstm', hidden: 6, forgetBias: 50 } }),
    /forget-gate bias \(LSTM\) must be between -20 and 20/,
  );
  // a GRU ignores it (no forget gate), as the form disables it
  await call('configure', { settings: { model: 'gru', hidden: 6, embed: 4, lr: 0.01, forgetBias: 0 } });
  assert.equal(session().model.metadata.init, undefined);
});
