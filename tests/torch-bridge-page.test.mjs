// torch-bridge-page.test.mjs — the whole trip a user makes, in headless Chromium: train an LSTM in the
// page, download the model, continue it in PyTorch with python/lmlab_torch (widened and one layer
// added), load the bigger model back into the page, which shows its new size, draws its hidden states
// and gradients, and trains it further. Screenshot: test-artifacts/bridge-page.png (git-ignored).
// Skips (with the reason) only when /usr/bin/python3 cannot import torch; `make test` installs it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWeb } from '../scripts/build-web.mjs';
import { openBrowser } from './browser/harness.mjs';
import { canvasVariance } from './browser/measure.mjs';
import { loadLmlab } from '../wasm_glue/index.mjs';

const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
const skip = probe.status === 0 ? false : `skipped: ${PYTHON} cannot import torch and numpy; install python3-torch`;
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SITE = join(ROOT, 'build/web-bridge/site');
const ARTIFACTS = join(ROOT, 'test-artifacts');
const RUN =
  '?corpus=garden&model=lstm&hidden=24&embed=0&layers=1&seq=16&batch=8&opt=adam&lr=0.01&clip=5&clipMode=value&seed=3';

let browser;
let page;
before(async () => {
  if (skip) return;
  await mkdir(ARTIFACTS, { recursive: true });
  await buildWeb({ outDir: SITE, quiet: true });
  browser = await openBrowser(process.env.LMLAB_WEB_SITE ?? SITE);
  page = await browser.newPage(RUN);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
});
after(async () => {
  await browser?.close();
});

const text = (selector) => page.locator(selector).innerText();
const step = () => page.evaluate(() => window.lmlab.step);

test('a page model continues in PyTorch, grows, and comes back to the page bigger', { skip }, async () => {
  for (let i = 1; i <= 20; i++) {
    await page.click('#step');
    await page.waitForFunction((s) => window.lmlab.step === s, i);
  }
  const downloading = page.waitForEvent('download');
  await page.click('#save');
  const saved = join(ARTIFACTS, 'bridge-from-page.safetensors');
  await (await downloading).saveAs(saved);

  // the page's corpus as a file: the text the page trained on (the bridge tokenises it with the file's vocabulary)
  const grown = join(ARTIFACTS, 'bridge-grown.safetensors');
  const started = performance.now();
  const run = spawnSync(
    PYTHON,
    [
      '-m',
      'lmlab_torch',
      'train',
      '--model',
      saved,
      '--data',
      join(SITE, 'corpora/garden.txt'),
      '--steps',
      '30',
      '--widen',
      '40',
      '--add-layers',
      '1',
      '--device',
      'cpu',
      '--log-every',
      '10',
      '--out',
      grown,
    ],
    { cwd: ROOT, env: { ...process.env, PYTHONPATH: 'python' }, encoding: 'utf8' },
  );
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  console.log(
    `# the bridge: ${run.stdout.trim().split('\n').pop()} (${((performance.now() - started) / 1000).toFixed(1)} s with Python's start)`,
  );
  assert.match(run.stdout, /8 streams of \d+ \(8 per process x 1\), windows of 16/); // the page's batch and window came with the file

  const lm = await loadLmlab();
  const model = lm.Model.load(new Uint8Array(await readFile(grown)));
  assert.equal(model.config.hidden, 40);
  assert.equal(model.config.layers, 2);
  const parameters = model.parameterCount;
  model.dispose();

  await page.setInputFiles('#load', grown);
  await page.waitForFunction(
    () => /Loaded bridge-grown/.test(document.querySelector('#file-status').textContent),
    null,
    { timeout: 20000 },
  );
  assert.match(
    await text('#file-status'),
    new RegExp(`Loaded bridge-grown\\.safetensors: LSTM, ${parameters.toLocaleString('en-US')} parameters, step \\d+`),
  );
  assert.equal(await page.inputValue('#hidden'), '40');
  assert.equal(await page.inputValue('#layers'), '2');
  const at = await step();
  await page.click('#step');
  await page.waitForFunction((s) => window.lmlab.step === s + 1, at);
  await page.click('#sample-now');
  for (const selector of ['#hidden-states .lm-hs-heatmap', '#grad-flow', '#param-grads']) {
    let variance = 0;
    for (let i = 0; i < 40 && variance <= 20; i++) {
      variance = await page.evaluate(canvasVariance, selector);
      if (variance <= 20) await page.waitForTimeout(150);
    }
    assert.ok(variance > 20, `${selector} looks blank after loading the grown model`);
  }
  await page.screenshot({ path: join(ARTIFACTS, 'bridge-page.png'), fullPage: true });
  assert.deepEqual(page.errors, []);
});
