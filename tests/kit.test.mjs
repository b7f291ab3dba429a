// kit.test.mjs — the kit's pure parts under Node: how a training text is cut into streams (every
// character a target, and what that does for a 600-character text), the worker's completion and
// checking of open settings objects, and createTrainer's option checks. The kit in the browser is
// tested in kit-browser.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadLmlab } from '../wasm_glue/index.mjs';
import { layoutStreams, plainTargets } from '../web/worker/streams.mjs';
import { createEngine } from '../web/worker/engine.mjs';
import { FIELDS, resolveSettings } from '../web/settings.mjs';
import { splitOptions } from '../web/kit/trainer.mjs';

/** Which characters of a len-long text the trainer makes a target in one epoch, for a layout. */
function targets(layout, len, source) {
  const hit = new Uint8Array(len);
  const { streams: N, streamLength: S } = layout;
  const T = layout.T;
  for (let n = 0; n < N; n++) {
    // windows at 0, T, 2T, … while a whole T+1 window fits (src/trainer.c's next_window)
    for (let pos = 0; pos + T + 1 <= S; pos += T) {
      for (let j = 1; j <= T; j++) hit[source(n, pos + j)] = 1;
    }
  }
  return hit;
}

test('the ring layout makes every character a target; the plain cut loses the tail of each stream', () => {
  for (const [len, N, T] of [
    [600, 16, 32],
    [601, 7, 5],
    [5000, 16, 64],
    [40, 3, 50],
    [17, 1, 4],
    [2, 1, 1],
    [1000, 256, 512],
  ]) {
    const ids = Int32Array.from({ length: len }, (_, i) => i);
    const layout = layoutStreams(ids, N, T);
    assert.equal(layout.streams, N);
    const S = layout.streamLength;
    assert.equal(layout.ids.length, N * S);
    assert.equal((S - 1) % T, 0, `${len}/${N}/${T}: a stream is whole windows plus one`);
    // ids are their own positions here, so the laid-out ids say which character each slot holds
    const hit = targets({ ...layout, T }, len, (n, j) => layout.ids[n * S + j]);
    const missed = hit.reduce((m, h, i) => (h ? m : m.concat(i)), []);
    if (layout.ring) assert.deepEqual(missed, [], `${len}/${N}/${T}: never a target`);
    else assert.deepEqual(missed, [0], `${len}/${N}/${T}: one stream: only the first character has nothing before it`);
  }
  // The plain cut (floor(len/N) per stream) on a 600-character text with batch 16 and seq 32:
  // 37 characters a stream, one window of 32 each, so 600 − 16·32 = 88 characters are never a target.
  assert.equal(plainTargets(600, 16, 32), 512);
  // The lecture's "hello" (one stream, one window of four) is left exactly as it is: no seam.
  const hello = Int32Array.from([0, 1, 2, 2, 3]);
  const kept = layoutStreams(hello, 1, 4);
  assert.equal(kept.ring, false);
  assert.equal(kept.ids, hello);
  assert.throws(() => layoutStreams(Int32Array.from([1]), 1, 4), /at least 2/);
  assert.throws(() => layoutStreams(hello, 0, 4), /batch ≥ 1/);
});

test('on a 600-character text the ring layout learns what the plain cut never sees', async () => {
  const lm = await loadLmlab();
  const words = [
    'the',
    'cat',
    'sat',
    'on',
    'a',
    'mat',
    'and',
    'dog',
    'ran',
    'to',
    'its',
    'log',
    'while',
    'birds',
    'sang',
  ];
  let seed = 3;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  let text = '';
  while (text.length < 600) text += words[Math.floor(random() * words.length)] + (random() < 0.15 ? '.\n' : ' ');
  text = text.slice(0, 600);
  const vocab = lm.Vocab.build(text, { level: 'char' });
  const ids = vocab.encode(text);
  const { settings } = resolveSettings({ model: 'lstm', hidden: 64, seq: 32, batch: 16, lr: 0.01 });
  const losses = {};
  for (const ring of [false, true]) {
    const model = lm.Model.create({ cell: 'lstm', vocabSize: vocab.size, embedding: 0, hidden: 64, seed: 1 });
    if (ring) {
      const engine = await createEngine(lm, { model, trainIds: ids, settings });
      assert.equal(engine.layout.ring, true);
      const { losses: some } = await engine.train(3);
      assert.equal(some.length, 3);
      for (let i = 3; i < 400; i++) await engine.train(1);
      assert.equal(engine.step, 400);
      engine.dispose();
    } else {
      const trainer = new lm.Trainer(model, ids, {
        batch: 16,
        seq: 32,
        optimizer: 'adam',
        lr: 0.01,
        clip: 5,
        clipMode: 'value',
      });
      trainer.train(400);
      trainer.dispose();
    }
    // validation over the whole text, as the page does for texts too short to hold any out
    losses[ring ? 'ring' : 'plain'] = model.evaluate(ids, { batch: 8, seq: 32 }).loss;
    model.dispose();
  }
  console.log(
    `# 600 characters, LSTM 64, 400 steps: whole-text loss ${losses.plain.toFixed(3)} (plain cut) vs ${losses.ring.toFixed(3)} (ring)`,
  );
  assert.ok(losses.ring < 0.2, `ring ${losses.ring}`);
  assert.ok(losses.plain > 3 * losses.ring, `plain ${losses.plain} vs ring ${losses.ring}`);
});

test('the worker completes open settings objects and names every bad or unknown field', () => {
  const { settings, notes } = resolveSettings({ model: 'lstm', hidden: 32, lr: '0.01' });
  assert.equal(settings.model, 'lstm');
  assert.equal(settings.hidden, 32);
  assert.equal(settings.lr, 0.01);
  assert.equal(settings.seq, FIELDS.seq.def);
  assert.deepEqual(notes, []);
  assert.deepEqual(resolveSettings().settings, resolveSettings({}).settings);
  assert.deepEqual(resolveSettings({ model: 'window', embed: 0 }).settings.embed, 16);
  assert.throws(
    () => resolveSettings({ hidden: 0, bogus: 1, model: 'transformer' }),
    /hidden size must be between 2 and 1024, got 0; unknown setting 'bogus' \(known: .*\); model must be one of bigram, rnn, lstm, gru, window, got 'transformer'\./,
  );
  assert.throws(() => resolveSettings({ seed: { a: 1 } }), /seed must be a number or a string, got object/);
  assert.throws(() => resolveSettings([]), /settings must be an object/);
  assert.throws(() => resolveSettings({ gru: 'keras' }), /GRU variant must be one of torch, lecture/);
});

test('createTrainer checks its options before anything starts', () => {
  const { settings, client } = splitOptions({
    text: 'abc',
    cell: 'gru',
    optimizer: 'sgd',
    hidden: 8,
    maxSteps: 10,
    speed: 5,
    corpus: 'brackets',
  });
  assert.deepEqual(settings, { model: 'gru', opt: 'sgd', hidden: 8, corpus: 'brackets' });
  assert.deepEqual(client, { text: 'abc', maxSteps: 10, speed: 5, corpus: 'brackets' });
  assert.throws(() => splitOptions({ hiden: 8 }), /unknown option 'hiden'/);
  assert.throws(() => splitOptions({ hidden: 'lots' }), /hidden size must be a whole number, got 'lots'/);
  assert.throws(() => splitOptions({ maxSteps: 2.5 }), /maxSteps must be a whole number/);
  assert.throws(() => splitOptions({ speed: -1 }), /speed must be a number ≥ 0/);
  assert.deepEqual(splitOptions({ batching: 'sentences' }).settings, { batching: 'sentences' });
  assert.throws(() => splitOptions({ batching: 'lines' }), /batching must be one of streams, sentences, got 'lines'/);
});

test("the formula view's equations compute what the C cells compute (probe values, every cell)", async () => {
  const { equationsFor, evaluate, paramValue, symbolsFor, toMathML } = await import('../web/kit/equations.mjs');
  const lm = await loadLmlab();
  const V = 7;
  const ids = [0, 3, 1, 4, 1, 5, 2, 6, 5, 3, 5, 0];
  const T = ids.length;
  let seed = 11;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const cases = [
    { cell: 'rnn', embed: 0 },
    { cell: 'rnn', embed: 5 },
    { cell: 'lstm', embed: 0 },
    { cell: 'lstm', embed: 6 },
    { cell: 'gru', gru: 'torch', embed: 0 },
    { cell: 'gru', gru: 'lecture', embed: 4 },
    { cell: 'window', embed: 4, window: 3 },
  ];
  for (const k of cases) {
    const H = 6;
    const config = {
      cell: k.cell,
      gru: k.gru ?? 'torch',
      vocabSize: V,
      embed: k.embed,
      hidden: H,
      layers: 1,
      window: k.window ?? 0,
    };
    const model = lm.Model.create({
      cell: k.cell,
      vocabSize: V,
      embedding: k.embed,
      hidden: H,
      window: k.window ?? 0,
      seed: 3,
      ...(k.cell === 'gru' ? { gruVariant: k.gru } : {}),
    });
    // Weights well away from their small initial values, so every gate and nonlinearity is exercised.
    for (const p of model.parameters()) for (let i = 0; i < p.data.length; i++) p.data[i] = (random() - 0.5) * 1.6;
    const params = model.parameters().map((p) => ({ name: p.name, shape: p.shape, data: Float64Array.from(p.data) }));
    const probe = model.probe(ids);
    const symbols = symbolsFor(config);
    const lines = equationsFor(config);
    // every symbol an equation names is described, and the MathML names them all
    const ml = toMathML(config).join('');
    for (const { lhs } of lines) assert.ok(ml.includes(`data-symbol="${lhs}"`), `${k.cell}: ${lhs} in the MathML`);
    /** @type {Record<string, any>} */
    const env = {};
    for (const [id, info] of Object.entries(symbols))
      if (info.source.kind === 'param') env[id] = paramValue(params, info.source, H);
    const embedding = params.find((p) => p.name === 'embedding.weight');
    const xOf = (id) =>
      k.embed > 0
        ? embedding.data.slice(id * k.embed, (id + 1) * k.embed)
        : Float64Array.from({ length: V }, (_, v) => (v === id ? 1 : 0));
    let hprev = new Float64Array(H);
    let cprev = new Float64Array(H);
    let worst = 0;
    const G = probe.gateNames.length;
    for (let t = 0; t < T; t++) {
      Object.assign(env, { x: xOf(ids[t]), hprev, cprev });
      for (const { lhs, rhs } of lines) {
        if (lhs === 's' || lhs === 'p') continue; // the output: checked against logits below
        env[lhs] = evaluate(rhs, env, (back) => (t - back >= 0 ? xOf(ids[t - back]) : null));
        const key = lhs;
        let want = null;
        if (key === 'h') want = probe.h.data.subarray(t * H, (t + 1) * H);
        else if (key === 'c') want = probe.c.data.subarray(t * H, (t + 1) * H);
        else if (probe.gateNames.includes(key)) {
          const g = probe.gateNames.indexOf(key);
          want = probe.gates.data.subarray((t * G + g) * H, (t * G + g + 1) * H);
        }
        assert.ok(want, `${k.cell}: nothing probed for ${key}`);
        for (let j = 0; j < H; j++) worst = Math.max(worst, Math.abs(env[key][j] - want[j]));
      }
      // the output lines against the model's own logits (s_t, then p_t)
      const scores = model.logits(Int32Array.from(ids), 1, T).data.subarray(t * V, (t + 1) * V);
      const s = evaluate(lines.find((l) => l.lhs === 's').rhs, env);
      for (let v = 0; v < V; v++) worst = Math.max(worst, Math.abs(s[v] - scores[v]));
      hprev = env.h;
      cprev = env.c ?? cprev;
    }
    assert.ok(
      worst < 2e-5,
      `${k.cell}${k.gru ? ` (${k.gru})` : ''} embed ${k.embed}: the equations differ from C by ${worst}`,
    );
    model.dispose();
  }
  // The check can fail: the lecture's GRU equations do not compute the torch GRU.
  const torch = { cell: 'gru', gru: 'torch', vocabSize: V, embed: 0, hidden: 6, layers: 1, window: 0 };
  const model = lm.Model.create({ cell: 'gru', vocabSize: V, embedding: 0, hidden: 6, seed: 3, gruVariant: 'torch' });
  for (const p of model.parameters()) for (let i = 0; i < p.data.length; i++) p.data[i] = (random() - 0.5) * 1.6;
  const params = model.parameters().map((p) => ({ name: p.name, shape: p.shape, data: Float64Array.from(p.data) }));
  const lecture = equationsFor({ ...torch, gru: 'lecture' });
  const env = {};
  for (const [id, info] of Object.entries(symbolsFor({ ...torch, gru: 'lecture' })))
    if (info.source.kind === 'param') env[id] = paramValue(params, info.source, 6);
  Object.assign(env, {
    x: Float64Array.from({ length: V }, (_, v) => (v === 2 ? 1 : 0)),
    hprev: Float64Array.from({ length: 6 }, () => random() - 0.5),
  });
  const probe = model.probe([5, 2]);
  // from h_0 of the probe, the lecture's g_1 and h_1 disagree with the torch cell's
  env.hprev = Float64Array.from(probe.h.data.subarray(0, 6));
  for (const { lhs, rhs } of lecture.slice(0, 4)) env[lhs] = evaluate(rhs, env);
  const h1 = probe.h.data.subarray(6, 12);
  assert.ok(
    Math.max(...env.h.map((v, j) => Math.abs(v - h1[j]))) > 1e-3,
    "the torch GRU matched the lecture's equations",
  );
  model.dispose();
});

test('the MathML puts every product in the order and grouping the code computes', async () => {
  const { toMathML } = await import('../web/kit/equations.mjs');
  const text = (ml) =>
    ml
      .replace(/<mo>&#x206[12];<\/mo>/g, ' ')
      .replace(/<[^>]+>/g, '')
      .replace(/\s+/g, ' ')
      .trim();
  const base = { vocabSize: 5, embed: 0, hidden: 4, layers: 1, window: 3 };
  const lecture = toMathML({ ...base, cell: 'gru', gru: 'lecture' }).map(text);
  assert.equal(lecture[2], 'gt=tanh (xt Wxg+(rt⊙ht−1) Whg+bg)');
  const torch = toMathML({ ...base, cell: 'gru', gru: 'torch' }).map(text);
  assert.equal(torch[2], 'gt=tanh (xt Wxg+bg+rt⊙(ht−1 Whg+bhg))');
  assert.equal(torch[3], 'ht=zt⊙ht−1+(1−zt)⊙gt');
  const lstm = toMathML({ ...base, cell: 'lstm' }).map(text);
  assert.deepEqual(lstm.slice(4, 6), ['ct=ft⊙ct−1+it⊙gt', 'ht=ot⊙tanh (ct)']);
  assert.equal(toMathML({ ...base, cell: 'rnn' }).map(text)[0], 'ht=tanh (xt Wx+ht−1 Wh+b)');
  assert.equal(toMathML({ ...base, cell: 'window', embed: 2 }).map(text)[0], 'ht=tanh ([xt−2;…;xt] W+b1)');
});
