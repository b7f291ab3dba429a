// web-batching.test.mjs — the page's Batching setting, in headless Debian Chromium through
// playwright-core: a link with batching=sentences trains an RNN on whole sentences of the garden text
// (the worker's Trainer takes vocab.trainingSentences; the note under the training settings says so),
// its held-out loss, scored per sentence from a zero state, starts at ln V and falls; switching the
// select to streams rebuilds the model on contiguous streams and writes the link; the bigram disables
// the select. Screenshot: test-artifacts/batching-settings.png (git-ignored).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWeb } from '../scripts/build-web.mjs';
import { loadLmlab } from '../wasm_glue/index.mjs';
import { openBrowser } from './browser/harness.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SITE = join(ROOT, 'build/web-batching-test/site');
const ARTIFACTS = join(ROOT, 'test-artifacts');
const LINK =
  '?corpus=garden&level=word&lower=1&minCount=1&sentences=lines&model=rnn&hidden=32&embed=16&layers=1&seq=40&batch=4&batching=sentences&opt=adam&lr=0.01&clip=5&seed=3&testhooks=1';

let browser;
let page;

before(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  await buildWeb({ outDir: SITE, quiet: true });
  browser = await openBrowser(process.env.LMLAB_WEB_SITE ?? SITE);
  page = await browser.newPage(LINK);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
});

after(async () => {
  await browser?.close();
});

test('batching=sentences: the worker trains on whole sentences, validates per sentence, and the page says so', async () => {
  assert.equal(await page.locator('#batching').inputValue(), 'sentences');
  await page.waitForFunction(() => window.lmlab.model?.layout?.sentences > 0);
  const info = await page.evaluate(() => window.lmlab.model);
  assert.equal(info.settings.batching, 'sentences');
  // the garden text is one sentence a line: the training part holds at most its 63 lines, each under 41 tokens
  const garden = await readFile(join(ROOT, 'web/corpora/garden.txt'), 'utf8');
  const lines = garden.trim().split('\n').length;
  assert.ok(info.layout.sentences >= 40 && info.layout.sentences <= lines, `${info.layout.sentences} sentences`);
  assert.match(
    await page.locator('#batching-note').innerText(),
    new RegExp(
      `Each step: 4 whole sentences in turn \\(of ${info.layout.sentences} in the training text\\), each from a zero state, padded to the longest; the padding is masked`,
    ),
  );
  // held out, per sentence from a zero state: an untrained model's loss is about ln V
  const lm = await loadLmlab();
  const V = lm.Vocab.build(garden, { level: 'word', lowercase: true, minCount: 1, sentences: 'lines' }).size;
  await page.waitForFunction(() => Number.isFinite(window.lmlab.lossChart.firstValidation));
  const start = await page.evaluate(() => window.lmlab.lossChart.firstValidation);
  assert.ok(Math.abs(start - Math.log(V)) < 0.3, `first validation ${start}, ln V ${Math.log(V)}`);
  await page.click('#train');
  // 4 KB is learnt by heart: the training loss falls fast. The held-out loss (validated on a timer, so
  // on a fast machine the first point after the start can come hundreds of steps in, when it already
  // rises again) is only required to keep coming, finite, per sentence.
  let seen = { smooth: NaN, val: [] };
  for (const end = Date.now() + 90000; Date.now() < end; await page.waitForTimeout(500)) {
    seen = await page.evaluate(() => ({
      smooth: window.lmlab.lossChart.lastSmoothed,
      val: window.lmlab.lossChart.val.map((p) => [p.step, p.loss]),
    }));
    if (seen.smooth < start - 1 && seen.val.length >= 2) break;
  }
  assert.ok(seen.smooth < start - 1, `smoothed training loss ${seen.smooth} never fell below ${start - 1}`);
  assert.ok(seen.val.length >= 2, `validation points: ${JSON.stringify(seen.val)}`);
  assert.ok(
    seen.val.every(([step, loss]) => Number.isFinite(loss) && loss > 0 && step >= 0),
    `validation: ${JSON.stringify(seen.val.slice(0, 20))}`,
  );
  const steps = await page.evaluate(() => window.lmlab.step);
  assert.ok(steps > 10, `${steps} steps`);
  await page.click('#train');
  await page.evaluate(() => window.lmlab.settle());
  await page.locator('[data-panel="model"]').screenshot({ path: join(ARTIFACTS, 'batching-settings.png') });
  assert.deepEqual(page.errors, []);
});

test('switching to streams rebuilds the model on contiguous streams; the link follows; the bigram disables it', async () => {
  const before = await page.evaluate(() => window.lmlab.model);
  await page.selectOption('#batching', 'streams');
  await page.waitForFunction((b) => window.lmlab.model && window.lmlab.model !== b, before);
  const info = await page.evaluate(() => window.lmlab.model);
  assert.equal(info.settings.batching, 'streams');
  assert.equal(info.layout.sentences, 0);
  assert.equal(info.layout.streams, 4);
  assert.match(
    await page.locator('#batching-note').innerText(),
    /Each step: 4 contiguous streams of the text, windows of 40 tokens/,
  );
  assert.equal(new URL(page.url()).searchParams.get('batching'), 'streams');
  await page.selectOption('#model', 'bigram');
  await page.waitForFunction(() => window.lmlab.model?.kind === 'bigram');
  assert.equal(await page.locator('#batching').isDisabled(), true);
  assert.equal(await page.locator('#batching-note').innerText(), '');
  assert.deepEqual(page.errors, []);
});
