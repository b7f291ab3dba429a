// web-cores.test.mjs — the page trains on several cores: with cores=2 the training worker starts a
// nested worker (ParallelTrainer, web/worker/engine.mjs) and the status line says 2; its first steps'
// losses are those of cores=1, bit for bit (the shards fix the numbers); a model too small to gain says
// it trains on one. Headless Chromium on the built site; a screenshot of the status goes to
// test-artifacts/web-cores.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWeb } from '../scripts/build-web.mjs';
import { openBrowser } from './browser/harness.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SITE = join(ROOT, 'build/web-cores-test/site');
const ARTIFACTS = join(ROOT, 'test-artifacts');
// An LSTM big enough to split: batch 32 · seq 32 · ~117k parameters is above 2e7, so 2 shards of 16.
const RUN = '?corpus=brown&model=lstm&hidden=128&embed=0&layers=1&seq=32&batch=32&opt=adam&lr=0.01&clip=5&seed=7';

let browser;

before(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  await buildWeb({ outDir: SITE, quiet: true });
  browser = await openBrowser(process.env.LMLAB_WEB_SITE ?? SITE);
});

after(async () => {
  await browser?.close();
});

async function open(query) {
  const page = await browser.newPage(query);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60000 });
  await page.addStyleTag({ content: '.topbar { position: static !important; }' });
  return page;
}

/** Press Step `n` times; the losses of those steps from the loss chart. */
async function steps(page, n) {
  for (let i = 1; i <= n; i++) {
    await page.click('#step');
    await page.waitForFunction((k) => window.lmlab.step === k, i, { timeout: 60000 });
  }
  return page.evaluate((k) => window.lmlab.lossChart.train.slice(-k), n);
}

test('2 cores train with the losses of 1 core, and the status line says how many', async () => {
  const one = await open(`${RUN}&cores=1`);
  const two = await open(`${RUN}&cores=2`);
  await two.waitForFunction(() => document.querySelector('#stat-cores').textContent !== '–');
  assert.equal(await two.locator('#stat-cores').innerText(), '2');
  assert.equal(await one.locator('#stat-cores').innerText(), '1');
  const a = await steps(one, 3);
  const b = await steps(two, 3);
  assert.equal(a.length, 3);
  assert.ok(a.every(Number.isFinite), `losses ${a}`);
  assert.deepEqual(b, a);
  await two
    .locator('.stats')
    .first()
    .screenshot({ path: join(ARTIFACTS, 'web-cores.png') });
  assert.deepEqual(two.errors ?? [], []);
  await Promise.all([one.close(), two.close()]);
});

test('a model too small to gain trains on one core and says so', async () => {
  const page = await open('?corpus=brown&model=rnn&hidden=16&embed=0&seq=16&batch=32&seed=3&cores=2');
  await page.waitForFunction(() => document.querySelector('#stat-cores').textContent !== '–');
  assert.equal(await page.locator('#stat-cores').innerText(), '1 (small)');
  assert.equal(await page.getAttribute('#stat-cores', 'title'), 'one core: model too small to gain');
  await page
    .locator('.stats')
    .first()
    .screenshot({ path: join(ARTIFACTS, 'web-cores-small.png') });
  await page.close();
});
