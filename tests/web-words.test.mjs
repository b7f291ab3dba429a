// web-words.test.mjs — the page at word level (Lab 2), in headless Debian Chromium through
// playwright-core: the level switch and the word tokenizer's options (the vocabulary size shown is the
// one lm.Vocab.build gives for the same text and options), the word bigram and its matrix of the most
// frequent words, an RNN on words that learns, next-word bars, surprisal per word, hidden states over
// a sentence from <s> to </s>, sentences generated until </s>, unknown words named, the frame rate
// while training, and back to characters. Screenshots go to test-artifacts/words-*.png (git-ignored).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { join, dirname } from 'node:path';
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
  const frames = await page.evaluate(frameRate, 2000);
  console.log(
    `# word level, training: ${frames.fps.toFixed(1)} frames/s (longest gap ${frames.worstGapMs.toFixed(0)} ms)`,
  );
  if (frames.fps < 30) {
    // only excusable when this shared machine cannot draw 30 frames/s with training paused either
    await page.click('#train');
    await page.evaluate(() => window.lmlab.settle());
    const idle = await page.evaluate(frameRate, 2000);
    console.log(`# the machine is busy: ${idle.fps.toFixed(1)} frames/s with training paused`);
    assert.ok(
      idle.fps < 33 && frames.fps >= 0.9 * idle.fps,
      `frame rate ${frames.fps} while training, ${idle.fps} paused`,
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
  await shot('back-to-chars', page.locator('[data-panel="corpus"]'));
  assert.deepEqual(page.errors, []);
});
