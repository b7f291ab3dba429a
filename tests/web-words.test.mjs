// web-words.test.mjs — the page at word level (Lab 2), in headless Debian Chromium through
// playwright-core: the level switch and the word tokenizer's options (the vocabulary size shown is the
// one lm.Vocab.build gives for the same text and options), the word bigram and its matrix of the most
// frequent words, an RNN on words that learns, next-word bars, surprisal per word, hidden states over
// a sentence from <s> to </s>, sentences generated until </s>, unknown words named, the frame rate
// while training; a sentence's factors and sums by both models (the bigram's equal to Bigram.logProb),
// a clicked word masked and ranked by both models (50 candidates, then the whole vocabulary), bad
// sentences named with the model untouched; and back to characters. Screenshots go to test-artifacts/words-*.png (git-ignored).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { buildWeb } from '../scripts/build-web.mjs';
import { loadLmlab } from '../wasm_glue/index.mjs';
import { openBrowser } from './browser/harness.mjs';
import { canvasVariance, frameRate } from './browser/measure.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SITE = join(ROOT, 'build/web-words-test/site');
const ARTIFACTS = join(ROOT, 'test-artifacts');
// The garden text (4 KB, one sentence per line) at word level: every word kept, lower-cased.
const WORDS =
  '?corpus=garden&level=word&lower=1&minCount=1&sentences=lines&model=rnn&hidden=32&embed=16&layers=1&seq=16&batch=4&opt=adam&lr=0.01&clip=5&seed=3&temp=0.7&prime=&testhooks=1';

let browser;
let page;

const shot = (name, locator = page) => locator.screenshot({ path: join(ARTIFACTS, `words-${name}.png`) });
const text = (selector) => page.locator(selector).innerText();
const waitReady = async (p) => {
  await p.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  await p.addStyleTag({ content: '.topbar { position: static !important; }' });
};

/** Wait until the canvas in `selector` has drawn something (luminance variance above `min`). */
async function waitDrawn(selector, min = 20, timeout = 10000) {
  const end = Date.now() + timeout;
  let variance = -1;
  while (Date.now() < end) {
    variance = await page.evaluate(canvasVariance, selector);
    if (variance > min) return variance;
    await page.waitForTimeout(150);
  }
  assert.fail(`${selector} looks blank (luminance variance ${variance})`);
}

/** Set a [data-setting] control and wait for the rebuilt model. @param {string} id @param {string} value */
async function setControl(id, value) {
  const model = await page.evaluate(() => window.lmlab.model);
  const tag = await page.locator(`#${id}`).evaluate((el) => el.tagName);
  if (tag === 'SELECT') await page.selectOption(`#${id}`, value);
  else {
    await page.locator(`#${id}`).fill(value);
    await page.locator(`#${id}`).press('Tab');
  }
  await page.waitForFunction((before) => window.lmlab.model && window.lmlab.model !== before, model);
}

before(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  await buildWeb({ outDir: SITE, quiet: true });
  browser = await openBrowser(process.env.LMLAB_WEB_SITE ?? SITE);
  page = await browser.newPage(WORDS);
});

after(async () => {
  await browser?.close();
});

test('the word level: the vocabulary the page reports is the tokenizer’s, and the word bigram draws', async () => {
  await waitReady(page);
  const garden = await readFile(join(ROOT, 'web/corpora/garden.txt'), 'utf8');
  const lm = await loadLmlab();
  const vocab = lm.Vocab.build(garden, { level: 'word', lowercase: true, minCount: 1, sentences: 'lines' });
  const expected = vocab.size;
  const rare = lm.Vocab.build(garden, { level: 'word', lowercase: true, minCount: 3, sentences: 'lines' });
  const expectedRare = rare.size;
  vocab.dispose();
  rare.dispose();
  assert.match(await text('#vocab-info'), new RegExp(`Vocabulary: ${expected} tokens .*0\\.0% of the`));
  assert.equal(await page.evaluate(() => window.lmlab.trainer.corpus.vocabSize), expected);
  assert.equal(await text('#predict-h'), 'Next word');
  assert.equal(await page.locator('#stat-bpc').evaluate((dd) => dd.previousElementSibling.textContent), 'bits/word');
  // the bigram matrix of the most frequent words: 'the' and the sentence marks are among them
  await waitDrawn('#bigram-heatmap', 100);
  const labels = await page.evaluate(() => window.lmlab.trainer.bigramMatrix(28).then((m) => m.tokens));
  assert.ok(labels.includes('the') && labels.includes('</s>'), labels.join(' '));
  await shot('bigram', page.locator('#card-bigram'));
  // min count 3: rarer words become <unk>, the vocabulary shrinks to what the tokenizer says
  await setControl('minCount', '3');
  await page.waitForFunction((n) => window.lmlab.trainer.corpus.vocabSize === n, expectedRare);
  assert.match(
    await text('#vocab-info'),
    new RegExp(`Vocabulary: ${expectedRare} tokens .* ([1-9]\\d*\\.\\d)% of the`),
  );
  assert.equal(new URL(page.url()).searchParams.get('minCount'), '3');
  await setControl('minCount', '1');
  await page.waitForFunction((n) => window.lmlab.trainer.corpus.vocabSize === n, expected);
  await shot('tokens-panel', page.locator('[data-panel="corpus"]'));
  assert.deepEqual(page.errors, []);
});

test('an RNN on words learns; next-word bars, surprisal per word, states over a sentence, sentences to </s>', async () => {
  const start = await page.evaluate(() => window.lmlab.lossChart.firstValidation);
  const V = await page.evaluate(() => window.lmlab.trainer.corpus.vocabSize);
  assert.ok(Math.abs(start - Math.log(V)) < 0.3, `validation loss at step 0 is ${start}, ln V = ${Math.log(V)}`);
  await page.click('#train');
  await page.waitForFunction(() => window.lmlab.running && window.lmlab.step > 5);
  // other sessions share this machine's two cores and only ever lower the rate: the best of three
  // 2-second windows says what the page can do while the worker trains
  let frames = { fps: 0, worstGapMs: 0 };
  for (let i = 0; i < 3 && frames.fps < 30; i++) {
    const f = await page.evaluate(frameRate, 2000);
    if (f.fps > frames.fps) frames = f;
  }
  console.log(
    `# word level, training: ${frames.fps.toFixed(1)} frames/s (longest gap ${frames.worstGapMs.toFixed(0)} ms)`,
  );
  if (frames.fps < 30) {
    // Only excusable when this shared machine cannot draw 30 frames/s with training paused either,
    // or when it is oversubscribed (load average above twice its cores: the worker's core is then
    // shared with other sessions' processes, and the page's thread waits for CPU, not for the page).
    await page.click('#train');
    await page.evaluate(() => window.lmlab.settle());
    const idle = await page.evaluate(frameRate, 2000);
    const [load] = loadavg();
    const busy = load > 2 * cpus().length;
    console.log(
      `# ${idle.fps.toFixed(1)} frames/s with training paused; load average ${load.toFixed(1)} on ${cpus().length} cores`,
    );
    assert.ok(
      (idle.fps < 33 && frames.fps >= 0.9 * idle.fps) || (busy && frames.fps >= 0.4 * idle.fps),
      `frame rate ${frames.fps} while training, ${idle.fps} paused, load average ${load}`,
    );
    await page.click('#train');
  }
  // the held-out loss falls well below ln V (it rises again later: 4 KB of text is learnt by heart)
  await page.waitForFunction((s) => Math.min(...window.lmlab.lossChart.val.map((p) => p.loss)) < s - 1, start, {
    timeout: 60000,
  });
  await page.click('#train');
  await page.evaluate(() => window.lmlab.settle());
  await waitDrawn('#loss-chart', 50);

  // next word: ten bars from each model after a typed context; surprisal spans are whole words
  await page.locator('#predict input').fill('the gardener opened the');
  await page.waitForFunction(
    () =>
      document.querySelectorAll('#predict .lm-nt-neural li').length === 10 &&
      document.querySelectorAll('#predict .lm-nt-bigram li').length === 10 &&
      [...document.querySelectorAll('#predict .lm-nt-surprisal span')].some((s) => s.textContent === 'gardener'),
  );
  const words = await page.$$eval('#predict .lm-nt-surprisal span', (spans) => spans.map((s) => s.textContent));
  assert.deepEqual(words, ['<s>', 'the', 'gardener', 'opened', 'the']);
  const bigramTop = await page.$$eval('#predict .lm-nt-bigram .bar-token', (els) => els.map((e) => e.textContent));
  assert.ok(bigramTop.includes('gate') || bigramTop.includes('garden'), bigramTop.join(' '));
  await shot('next-word', page.locator('#card-predict'));
  // an unknown word is read as <unk> and named
  await page.locator('#predict input').fill('the zyzzyva opened');
  await page.waitForFunction(() =>
    /read as <unk>: zyzzyva/.test(document.querySelector('#predict .lm-nt-note').textContent),
  );

  // hidden states over a sentence: <s> … </s>, one column per word
  await page.locator('#probe-text').fill('The cat slept on the warm stones near the pond.');
  await page.waitForFunction(
    () =>
      [...document.querySelectorAll('#hidden-states .coloured-text span')].map((s) => s.textContent).join(' ') ===
      '<s> the cat slept on the warm stones near the pond . </s>',
  );
  await waitDrawn('#hidden-states .lm-hs-heatmap', 50);
  await shot('hidden-states', page.locator('#card-hidden'));

  // samples: whole sentences, each generated from <s> until </s>, one per line
  await page.click('#sample-now');
  await page.waitForFunction(() => document.querySelector('#sample').textContent.split('\n').length >= 3);
  const lines = (await text('#sample')).split('\n').filter(Boolean);
  const ended = lines.filter((line) => !line.endsWith('…')).length;
  assert.ok(ended >= lines.length - 1, `sentences that reached </s>: ${ended} of ${lines.length}`);
  assert.ok(
    lines.every((line) => / /.test(line)),
    'word-level lines have spaces between words',
  );
  await shot('samples', page.locator('#card-samples'));
  assert.deepEqual(page.errors, []);
});

test("score a sentence: both models' factors and sums; click a word to mask it; bad sentences are named", async () => {
  // the page's bigram is counted on the training part of the text, as worker/tokens.mjs splits it
  const { encodeCorpus } = await import('../web/worker/tokens.mjs');
  const lm = await loadLmlab();
  const garden = await readFile(join(ROOT, 'web/corpora/garden.txt'), 'utf8');
  const split = encodeCorpus(lm, garden, { level: 'word', lower: 1, minCount: 1, sentences: 'lines' }, 2000);
  const sentence = 'The cat slept on the warm stones near the pond.';
  const expected = split.bigram.logProb(sentence);
  split.bigram.dispose();
  split.vocab.dispose();
  await page.locator('#score-text').fill(sentence);
  await page.waitForFunction(() => document.querySelectorAll('#score-result tbody tr').length === 13);
  const tokens = await page.$$eval('#score-result tbody td.token', (tds) => tds.map((td) => td.textContent));
  assert.deepEqual(tokens, [
    '<s>',
    'the',
    'cat',
    'slept',
    'on',
    'the',
    'warm',
    'stones',
    'near',
    'the',
    'pond',
    '.',
    '</s>',
  ]);
  const sums = await page.$$eval('#score-result tfoot tr', (rows) =>
    rows.map((r) => [...r.querySelectorAll('td')].map((td) => Number(td.textContent))),
  );
  assert.ok(Math.abs(sums[0][0] - expected) < 2e-3, `bigram log P ${sums[0][0]}, Bigram.logProb ${expected}`);
  assert.ok(
    sums[0][1] > sums[0][0],
    `the trained RNN (${sums[0][1]}) beats the bigram (${sums[0][0]}) on a training sentence`,
  );
  assert.ok(Math.abs(sums[1][0] - Math.exp(-sums[0][0] / 12)) < 0.01 * sums[1][0], 'perplexity = exp(-log P / n)');
  await shot('score', page.locator('#card-score'));

  // click "slept": the mask box gets the sentence with [MASK] there, both rankings appear
  const sampleBefore = await page.evaluate(() =>
    window.lmlab.trainer.sample({ seed: 5, length: 40 }).then((r) => r.text),
  );
  await page.locator('#score-result button.word', { hasText: 'slept' }).click();
  assert.equal(await page.inputValue('#mask-text'), 'the cat [MASK] on the warm stones near the pond .');
  await page.waitForFunction(
    () =>
      document.querySelectorAll('#mask-bigram tbody tr').length === 10 &&
      document.querySelectorAll('#mask-neural tbody tr').length === 10,
  );
  // the neural column's log P(sentence) is the sentence's score with that word in the gap
  const [word, logP] = await page.$eval('#mask-neural tbody tr', (tr) => [
    tr.cells[1].textContent,
    Number(tr.cells[3].textContent),
  ]);
  const filled = await page.evaluate(
    (w) => window.lmlab.trainer.score(`the cat ${w} on the warm stones near the pond .`).then((r) => r.neural.logProb),
    word,
  );
  assert.ok(Math.abs(filled - logP) < 0.006, `'${word}': ranked with log P ${logP}, scored ${filled}`);
  const probs = await page.$$eval('#mask-neural tbody td.prob', (tds) => tds.map((td) => parseFloat(td.textContent)));
  assert.ok(
    probs.every((p, i) => i === 0 || p <= probs[i - 1]),
    `best first: ${probs.join(' ')}`,
  );
  assert.match(await text('#mask-cost'), /Neural: 50 candidate sentences of 13 tokens/);
  await page.selectOption('#mask-candidates', 'all');
  const V = await page.evaluate(() => window.lmlab.trainer.corpus.vocabSize);
  await page.waitForFunction(
    (n) => document.querySelector('#mask-cost').textContent.includes(`Neural: ${n} candidate sentences`),
    V - 2,
  );
  console.log(`# ${await text('#mask-cost')}`);
  await shot('mask', page.locator('#card-mask'));

  // bad sentences: named under the box, and the model is untouched
  for (const [bad, message] of [
    ['the cat slept', /no \[MASK\]/],
    ['the [MASK] slept on the [MASK]', /2 \[MASK\]s: mask exactly one word/],
    ['zyzzyva [MASK] quux', /none of the words of this sentence is in the vocabulary \(zyzzyva, quux\)/],
  ]) {
    await page.locator('#mask-text').fill(bad);
    await page.click('#mask-run');
    await page.waitForFunction(
      (m) => new RegExp(m, 'i').test(document.querySelector('#mask-error').textContent),
      message.source,
    );
  }
  await shot('mask-error', page.locator('#card-mask'));
  await page.locator('#score-text').fill('zyzzyva quux');
  await page.waitForFunction(() => /None of the words/.test(document.querySelector('#score-error').textContent));
  const sampleAfter = await page.evaluate(() =>
    window.lmlab.trainer.sample({ seed: 5, length: 40 }).then((r) => r.text),
  );
  assert.equal(sampleAfter, sampleBefore);
  assert.deepEqual(page.errors, []);
});

test('knobs: bigram add-k live (k = 0: zeros, an infinite perplexity, named), counts vs probabilities, the GRU variant labelled', async () => {
  const step = await page.evaluate(() => window.lmlab.step);
  await page.evaluate(() => (window.__modelBefore = window.lmlab.model));
  await page.locator('#addK').fill('0');
  await page.locator('#addK').press('Tab');
  await page.waitForFunction(() => window.lmlab.trainer.corpus.k === 0);
  await page.waitForFunction(() => document.querySelector('#stat-bigram').textContent === '∞');
  assert.match(
    await text('#vocab-info'),
    /k = 0 \(no smoothing\): a held-out pair it never saw has probability 0, so its held-out perplexity is infinite \(∞\)/,
  );
  // the neural model is not rebuilt by the bigram's k
  assert.equal(await page.evaluate(() => window.lmlab.step), step);
  assert.equal(await page.evaluate(() => window.lmlab.model === window.__modelBefore), true);
  await page.locator('#score-text').fill('the cat sat on the gate');
  await page.waitForFunction(() =>
    /log P is −∞ and the perplexity is infinite/.test(document.querySelector('#score-result').textContent),
  );
  await shot('add-k-zero', page.locator('#card-score'));
  // counts: whole numbers, the largest a real pair count; probabilities: rows of a k = 0 matrix hold zeros
  const counts = await page.evaluate(() =>
    window.lmlab.trainer.bigramMatrix(28, 'counts').then((m) => Array.from(m.values)),
  );
  assert.ok(counts.every((c) => Number.isInteger(c)) && Math.max(...counts) > 10, `counts ${Math.max(...counts)}`);
  const probs = await page.evaluate(() =>
    window.lmlab.trainer.bigramMatrix(28, 'probs').then((m) => Array.from(m.values)),
  );
  assert.ok(probs.filter((p) => p === 0).length > probs.length / 2, 'k = 0 leaves unseen pairs at 0');
  await page.selectOption('#bigram-kind', 'counts');
  await page.waitForFunction(() => document.querySelector('#bigram-heatmap').shownKind === 'counts');
  await waitDrawn('#bigram-heatmap', 100);
  await shot('bigram-counts', page.locator('#card-bigram'));
  await page.selectOption('#bigram-kind', 'probs');
  await page.locator('#addK').fill('1');
  await page.locator('#addK').press('Tab');
  await page.waitForFunction(() => /^\d+\.\d{3}$/.test(document.querySelector('#stat-bigram').textContent));
  // the GRU as the lecture writes it: named under the hidden states, its equations beside the gates
  await setControl('model', 'gru');
  await setControl('gru', 'lecture');
  assert.match(await text('#variant-note'), /the lecture's GRU: the reset gate scales h_\{t−1\} before the matmul/);
  await page.locator('details.cell-equations summary').click();
  await page.waitForFunction(() =>
    /lecture's: reset before the matmul/.test(document.querySelector('#hidden-equations').textContent),
  );
  await setControl('gru', 'torch');
  assert.match(await text('#variant-note'), /torch\.nn\.GRU/);
  await shot('gru-variant', page.locator('#card-hidden'));
  assert.deepEqual(page.errors, []);
});

test('the bigram at word level samples sentences; back to characters rebuilds a character vocabulary', async () => {
  await setControl('model', 'bigram');
  await page.click('#sample-now');
  await page.waitForFunction(() =>
    /each word depends only on the one before/.test(document.querySelector('#sample-note').textContent),
  );
  await setControl('level', 'char');
  await page.waitForFunction(() => window.lmlab.trainer.corpus.level === 'char');
  assert.match(await text('#vocab-info'), /^Vocabulary: \d+ characters/);
  assert.equal(await text('#predict-h'), 'Next character');
  assert.equal(await page.locator('#minCount').isDisabled(), true);
  assert.equal(new URL(page.url()).searchParams.get('level'), 'char');
  // at character level a sentence is scored per character; a masked word asks for word level
  await page.locator('#score-text').fill('the cat');
  await page.waitForFunction(() => document.querySelectorAll('#score-result tbody tr').length === 7);
  await page.click('#mask-run');
  await page.waitForFunction(() => /Choose Level "words"/.test(document.querySelector('#mask-bigram').textContent));
  await shot('back-to-chars', page.locator('[data-panel="corpus"]'));
  assert.deepEqual(page.errors, []);
});

test('one step written out: the lecture\'s "hello", ŷ_t over the vocabulary with the target marked and J_t, steppable', async () => {
  const hello = await browser.newPage('?corpus=hello&model=rnn&testhooks=1');
  await waitReady(hello);
  await hello.waitForFunction(() => document.querySelectorAll('#onestep-losses button').length === 4);
  const targets = await hello.$$eval('#onestep-losses button span', (spans) => spans.map((s) => s.textContent));
  assert.deepEqual(targets, ['e', 'l', 'l', 'o']);
  const mean = () =>
    hello.evaluate(() => Number(/mean ([\d.]+)/.exec(document.querySelector('#onestep-sum').textContent)[1]));
  const before = await mean();
  assert.ok(Math.abs(before - Math.log(4)) < 0.1, `fresh model: mean J_t ${before}, ln 4 = ${Math.log(4)}`);
  for (let i = 1; i <= 20; i++) {
    await hello.click('#step');
    await hello.waitForFunction((n) => window.lmlab.step === n, i);
  }
  await hello.waitForFunction(
    (b) => Number(/mean ([\d.]+)/.exec(document.querySelector('#onestep-sum').textContent)[1]) < b / 4,
    before,
  );
  // step to t = 2 with ▶ and the arrow keys: x_2 = 'l', y_2 = 'l', all four tokens listed, the target marked
  await hello.click('#onestep-next');
  await hello.locator('#onestep-losses button').first().focus();
  await hello.keyboard.press('ArrowRight');
  await hello.waitForFunction(() =>
    /^x_2 = 'l' .* target y_2 = 'l'/.test(document.querySelector('#onestep-io').textContent),
  );
  assert.equal(await hello.locator('#onestep-bars li').count(), 4);
  assert.equal(await hello.locator('#onestep-bars li.lm-lit .bar-token').innerText(), 'l');
  const j = await hello.evaluate(() =>
    Number(/J_2 = −log ŷ\[y\] = ([\d.]+)/.exec(document.querySelector('#onestep-io').textContent)[1]),
  );
  const p = await hello.evaluate(() =>
    Number(/ŷ\[y\] = ([\d.]+)/.exec(document.querySelector('#onestep-io').textContent)[1]),
  );
  assert.ok(Math.abs(j + Math.log(p)) < 0.01, `J = ${j}, ŷ[y] = ${p}`);
  await hello.click('#onestep-prev');
  await hello.waitForFunction(() => /^x_1 = 'e'/.test(document.querySelector('#onestep-io').textContent));
  await hello.locator('#card-onestep').screenshot({ path: join(ARTIFACTS, 'words-one-step-hello.png') });
  assert.deepEqual(hello.errors, []);
  await hello.close();
});

test('knobs: a recurrent gain of 3 without clipping makes the last-step gradient grow back through time; free-running beside teacher forcing', async () => {
  const grow = await browser.newPage(
    '?corpus=garden&model=rnn&hidden=32&seq=32&batch=4&clip=0&gain=3&seed=2&testhooks=1',
  );
  await waitReady(grow);
  for (let i = 1; i <= 2; i++) {
    await grow.click('#step');
    await grow.waitForFunction((n) => window.lmlab.step === n, i);
  }
  await grow.waitForFunction(() => window.lmlab.gradFlow.last?.length === 32);
  const [back, last] = await grow.evaluate(() => [window.lmlab.gradFlow.last[0], window.lmlab.gradFlow.last[31]]);
  assert.ok(back > 100 * last, `gain 3: ‖∂L_T/∂h_t‖ 31 steps back ${back}, at the last step ${last}`);
  console.log(
    `# gain 3, no clipping: ‖∂L_T/∂h_t‖ 31 steps back ${back.toExponential(1)}, last step ${last.toExponential(1)}`,
  );
  await grow.locator('#card-gradients').screenshot({ path: join(ARTIFACTS, 'words-gain-3.png') });
  // the default initialisation (gain 0): the same curve falls
  await grow.locator('#gain').fill('0');
  await grow.locator('#gain').press('Tab');
  await grow.waitForFunction(() => new URL(location.href).searchParams.get('gain') === '0' && window.lmlab.step === 0);
  await grow.click('#step');
  await grow.waitForFunction(() => window.lmlab.step === 1 && window.lmlab.gradFlow.last?.length === 32);
  const [back0, last0] = await grow.evaluate(() => [window.lmlab.gradFlow.last[0], window.lmlab.gradFlow.last[31]]);
  assert.ok(back0 < last0 / 100, `default init: ${back0} 31 steps back, ${last0} at the last step`);
  // free-running beside teacher forcing, on the same held-out targets
  await grow.waitForFunction(() =>
    /teacher-forced loss \d+\.\d{3} .* free-running loss \d+\.\d{3}/.test(
      document.querySelector('#free-running').textContent,
    ),
  );
  assert.deepEqual(grow.errors, []);
  await grow.close();
});
