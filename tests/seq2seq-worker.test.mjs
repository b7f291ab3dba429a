// seq2seq-worker.test.mjs — the page's seq2seq mode without a browser: its settings (defaults, every
// field's check and sentence, the "5-25" length parser), and the worker's run (web/worker/
// seq2seq-session.mjs) on the WASM build — a task's split, training for a time budget that lowers
// the loss, held-out checks, accuracy by length over every held-out pair, greedy and beam decoding
// with α rows that sum to one, a pairs file whose bad lines are named, and the refusals; the worked
// example through the C attention layer; the decode box's expected outputs.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadLmlab } from '../wasm_glue/index.mjs';
import { expectedOutput, parseLengths, resolveS2SSettings, S2S_DEFAULTS } from '../web/seq2seq/settings.mjs';
import { createS2SSession, MAX_TYPED_TOKENS, MIN_FILE_PAIRS, s2sData } from '../web/worker/seq2seq-session.mjs';
import {
  EXAMPLE_SCORES,
  EXAMPLE_STATES,
  MAX_SCORE,
  checkScores,
  parseScore,
  workedExample,
} from '../web/seq2seq/worked-example.mjs';

let lm;
before(async () => {
  lm = await loadLmlab({ seq2seq: true });
});

test('settings: defaults, every check names the field, the range and the value', () => {
  assert.deepEqual(resolveS2SSettings({}), { ...S2S_DEFAULTS });
  assert.deepEqual(resolveS2SSettings({ attention: 'none', cell: 'gru' }).attention, 'none');
  const bad = (open, re) => assert.throws(() => resolveS2SSettings(open), re);
  bad(null, /seq2seq settings must be an object of fields/);
  bad([], /seq2seq settings must be an object of fields/);
  bad({ colour: 'red' }, /seq2seq settings have no field 'colour'/);
  bad({ task: 'translate' }, /task must be one of reverse, sort, dates, pairs, got "translate"/);
  bad({ attention: 'multihead' }, /attention must be one of none, dot, additive/);
  bad({ cell: 'transformer' }, /cell must be one of rnn, lstm, gru/);
  bad({ hidden: 3 }, /hidden size must be a whole number from 4 to 256, got 3/);
  bad({ hidden: 64.5 }, /hidden size must be a whole number from 4 to 256, got 64.5/);
  bad({ embedding: '32' }, /embedding size must be a whole number from 2 to 128, got "32"/);
  bad({ batch: 0 }, /batch must be a whole number from 1 to 128, got 0/);
  bad({ seed: -1 }, /seed must be a whole number from 0 to 2147483647, got -1/);
  bad(
    { lr: NaN },
    /learning rate must be a number from 0.00001 to 0.1, got null|learning rate must be a number from 1e-5 to 0.1/,
  );
  bad(
    { lr: 1 },
    /learning rate must be a number from 0\.00001 to 0\.1, got 1|learning rate must be a number from 1e-5 to 0\.1, got 1/,
  );
  bad({ lengths: [5] }, /training lengths must be \[min, max\], got \[5\]/);
  bad({ lengths: [0, 5] }, /training lengths: the shortest must be a whole number from 1 to 40, got 0/);
  bad({ testLengths: [9, 3] }, /test lengths: the shortest \(9\) is longer than the longest \(3\)/);
  bad({ level: 'word' }, /the reverse task is character level; word level is for a pairs file/);
  assert.equal(resolveS2SSettings({ task: 'pairs', level: 'word' }).level, 'word');
  assert.deepEqual(parseLengths('5-25', 'x'), [5, 25]);
  assert.deepEqual(parseLengths(' 7 ', 'x'), [7, 7]);
  assert.deepEqual(parseLengths('3 – 9', 'x'), [3, 9]);
  assert.throws(
    () => parseLengths('five', 'test lengths'),
    /test lengths must be a length or a range like 5-25, got "five"/,
  );
  assert.throws(
    () => parseLengths('5-99', 'test lengths'),
    /test lengths: the longest must be a whole number from 1 to 40, got 99/,
  );
});

test('a task run trains for a time budget, its checks and decoding', () => {
  const s = createS2SSession(lm, {
    settings: { task: 'reverse', lengths: [3, 6], testLengths: [3, 9], hidden: 32, embedding: 16 },
  });
  try {
    assert.equal(s.info.trainPairs, 20000);
    assert.equal(s.info.testPairs, 500);
    assert.equal(s.info.valPairs, 100);
    assert.equal(s.info.srcVocab, s.info.tgtVocab, 'reverse shares one vocabulary');
    assert.equal(s.info.skipped, '');
    const first = s.trainFor(50);
    assert.ok(first.steps >= 1 && first.pairs === 32 * first.steps, JSON.stringify(first));
    let last = first;
    while (s.step < 300) last = s.trainFor(100);
    assert.ok(last.loss < first.loss - 1, `loss ${first.loss} → ${last.loss}`);
    const check = s.validate();
    assert.equal(check.step, s.step);
    assert.ok(check.valLoss > 0 && check.valLoss < first.loss, `held-out loss ${check.valLoss}`);
    assert.ok(check.exactMatch >= 0 && check.exactMatch <= 1);
    const by = s.byLength();
    assert.deepEqual(
      by.byLength.map((g) => g.length),
      [3, 4, 5, 6, 7, 8, 9],
      'every held-out length, shortest first',
    );
    assert.equal(
      by.byLength.reduce((a, g) => a + g.pairs, 0),
      500,
    );
    for (const g of by.byLength) assert.equal(g.accuracy, g.exact / g.pairs);
    const t = s.translate('abcde');
    assert.equal(t.beamWidth, 4);
    for (const out of [t.greedy, t.beam]) {
      assert.deepEqual(out.sourceTokens, ['a', 'b', 'c', 'd', 'e', '</s>']);
      assert.equal(out.alpha.shape[1], 6);
      assert.equal(out.alpha.shape[0], out.tokens.length + (out.ended ? 1 : 0));
      for (let i = 0; i < out.alpha.shape[0]; i++) {
        const row = out.alpha.data.subarray(6 * i, 6 * i + 6);
        assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5, `α row ${i} sums to 1`);
      }
    }
    assert.ok(t.beam.logProb >= t.greedy.logProb - 1e-4, 'the beam keeps the best sequence it found');
    assert.throws(() => s.translate(''), /the source is empty: type at least one token/);
    assert.throws(() => s.translate(42), /the source must be text, got number/);
    assert.throws(
      () => s.translate('a'.repeat(MAX_TYPED_TOKENS + 1)),
      /the source has 61 tokens; the box decodes up to 60/,
    );
    assert.equal(s.translate('abz!').unknown, 1, "'!' is not in the vocabulary");
  } finally {
    s.dispose();
  }
});

test('a pairs file: bad lines named with their numbers, a seeded held-out tenth; too few pairs refused', () => {
  const lines = [];
  for (let i = 0; i < 40; i++) lines.push(`the ${i} cat\tle ${i} chat`);
  lines.splice(4, 0, 'no tab here'); // line 5
  lines.splice(9, 0, '\tempty source'); // line 10
  const text = lines.join('\r\n') + '\r\n\r\n';
  const settings = resolveS2SSettings({ task: 'pairs', level: 'word', hidden: 16, embedding: 8 });
  const data = s2sData(settings, text);
  assert.equal(data.train.length + data.test.length, 40);
  assert.equal(data.test.length, 4);
  assert.equal(data.badCount, 2);
  assert.equal(
    data.skipped,
    'skipped 2 bad lines (line 5: no tab between source and target; line 10: empty source); ignored 1 blank line',
  );
  assert.deepEqual(s2sData(settings, text).test, data.test, 'the same seed holds out the same pairs');
  assert.notDeepEqual(s2sData({ ...settings, seed: 2 }, text).test, data.test);
  const s = createS2SSession(lm, { settings, pairsText: text });
  try {
    assert.equal(s.info.trainPairs, 36);
    assert.match(s.info.skipped, /line 5: no tab/);
    assert.notEqual(s.info.srcVocab, 0);
    s.trainFor(20);
    assert.ok(s.step >= 1);
    assert.equal(s.translate('the 3 cat').greedy.sourceTokens.length, 4, 'word level: three words and </s>');
  } finally {
    s.dispose();
  }
  const few = 'a\tb\n'.repeat(MIN_FILE_PAIRS - 1) + 'oops\n';
  assert.throws(
    () => createS2SSession(lm, { settings, pairsText: few }),
    /the pairs file has 9 usable pairs of 10 lines; it needs at least 10 \(one source<TAB>target per line\): skipped 1 bad line \(line 10: no tab between source and target\)/,
  );
  assert.throws(() => createS2SSession(lm, { settings }), /the pairs task needs the text of a pairs file/);
  assert.throws(
    () => createS2SSession(lm, { settings: { hidden: 0 } }),
    /hidden size must be a whole number from 4 to 256, got 0/,
  );
});

test('the session needs the seq2seq instance', async () => {
  const plain = await loadLmlab();
  assert.throws(
    () => createS2SSession(plain, { settings: {} }),
    /needs an instance loaded with loadLmlab\(\{ seq2seq: true \}\)/,
  );
});

test("the worked example: the C layer's α is the softmax of the typed scores, c the α-weighted sum of the states", () => {
  const r = workedExample(lm.layers, [...EXAMPLE_SCORES]);
  // The notes' scores: softmax gives 0.5037, 0.2764, 0.1517, 0.0682 (the slide prints 0.51, 0.28, 0.14, 0.07).
  assert.deepEqual(
    r.alpha.map((a) => a.toFixed(2)),
    ['0.50', '0.28', '0.15', '0.07'],
  );
  const softmax = (e) => {
    const m = Math.max(...e);
    const x = e.map((v) => Math.exp(v - m));
    const z = x.reduce((a, b) => a + b, 0);
    return x.map((v) => v / z);
  };
  for (const scores of [[...EXAMPLE_SCORES], [0, 0, 0, 0], [-3, 7.5, 2, 2], [MAX_SCORE, -MAX_SCORE, 0, 1]]) {
    const { alpha, context } = workedExample(lm.layers, scores);
    const want = softmax(scores);
    alpha.forEach((a, j) => assert.ok(Math.abs(a - want[j]) < 1e-6, `α_${j + 1} ${a} vs ${want[j]} for ${scores}`));
    assert.equal(context.length, EXAMPLE_STATES[0].length);
    context.forEach((c, i) => {
      const sum = alpha.reduce((acc, a, j) => acc + a * EXAMPLE_STATES[j][i], 0);
      assert.ok(Math.abs(c - sum) < 1e-6, `c_${i} ${c} vs Σ α_j h_j ${sum}`);
    });
  }
  assert.deepEqual(
    workedExample(lm.layers, [0, 0, 0, 0]).alpha.map((a) => a.toFixed(4)),
    ['0.2500', '0.2500', '0.2500', '0.2500'],
  );
  assert.throws(() => checkScores([1, 2, 3]), /the worked example needs 4 scores e_1 … e_4/);
  assert.throws(() => checkScores('1,2,3,4'), /needs 4 scores/);
  assert.throws(() => checkScores([1, NaN, 3, 4]), /score e_2 must be a number from −100 to 100, got NaN/);
  assert.throws(() => checkScores([1, 2, 3, 101]), /score e_4 must be a number from −100 to 100, got 101/);
  assert.throws(() => checkScores([1, 2, '3', 4]), /score e_3 must be a number from −100 to 100, got string/);
  assert.throws(() => workedExample(lm.layers, [Infinity, 0, 0, 0]), /score e_1/);
  assert.equal(parseScore(' −0.5 ', 3), -0.5);
  assert.equal(parseScore('1.5', 0), 1.5);
  assert.throws(() => parseScore('', 1), /score e_2 must be a number from −100 to 100, got ""/);
  assert.throws(() => parseScore('abc', 0), /score e_1 must be a number from −100 to 100, got "abc"/);
  assert.throws(() => parseScore('1e9', 2), /score e_3 .* got "1e9"/);
});

test("the decode box's expected output: reverse and sort are known, dates and pairs files are not", () => {
  assert.equal(expectedOutput('reverse', 'hello'), 'olleh');
  assert.equal(expectedOutput('sort', 'hello'), 'ehllo');
  assert.equal(expectedOutput('dates', '21 November 2026'), null);
  assert.equal(expectedOutput('pairs', 'abc'), null);
});
