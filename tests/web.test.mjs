// web.test.mjs — the real page in headless Debian Chromium (playwright-core): build the site, serve it
// on 127.0.0.1, load it, train an RNN until the validation loss clearly drops, check every view draws
// (pixel variance, not a blank canvas), measure frame rate and click latency while training, pause /
// step / resume, predictions as you type, opening a text file (good and bad), save → reload → load
// gives the same sample, a corrupted model file is refused with the old model still working, and a
// crashed worker is restarted (the test hooks only behind ?testhooks=1). The ladder: a fresh LSTM's
// last-step gradient 20 steps back beats the RNN's, an LSTM learns the bracket corpus and its c_t,
// gate and gradient views draw, the GRU's gate selector, the window MLP's fitted settings; a lesson
// link (a locked RNN-vs-LSTM comparison in the compact layout). The page's views are the kit's
// elements (web/kit/), so their parts are found by class inside them (#hidden-states .lm-hs-heatmap).
// Screenshots of each view go to test-artifacts/ (git-ignored).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWeb, PAGE_BUDGET_BYTES } from '../scripts/build-web.mjs';
import { openBrowser } from './browser/harness.mjs';
import { startStaticServer } from '../scripts/static-server.mjs';
import { canvasVariance, frameRate, armClickLatency } from './browser/measure.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SITE = join(ROOT, 'build/web-test/site');
const ARTIFACTS = join(ROOT, 'test-artifacts');
// Small, deterministic run: Brown prose, a 64-unit RNN, fixed seed.
const RUN =
  '?corpus=brown&model=rnn&hidden=64&embed=0&layers=1&seq=32&batch=16&opt=adam&lr=0.01&clip=5&clipMode=value&seed=11&temp=0.6&prime=The&testhooks=1';

let browser;
let built;
/** @type {string[]} every URL the page requested */
const requested = [];
let page;

const shot = (name, locator = page) => locator.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
const text = (selector) => page.locator(selector).innerText();
const waitReady = async (p) => {
  await p.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  // The sticky top bar would cover the top of element screenshots.
  await p.addStyleTag({ content: '.topbar { position: static !important; }' });
};
const step = () => page.evaluate(() => window.lmlab.step);
/** Press Step `n` times, each time waiting for its update. */
async function steps(n) {
  const start = await step();
  for (let i = 1; i <= n; i++) {
    await page.click('#step');
    await page.waitForFunction((s) => window.lmlab.step === s, start + i);
  }
}

/** Wait until the canvas in `selector` has drawn something (luminance variance above `min`). */
async function waitDrawn(selector, min = 20, p = page, timeout = 10000) {
  const end = Date.now() + timeout;
  let variance = -1;
  while (Date.now() < end) {
    variance = await p.evaluate(canvasVariance, selector);
    if (variance > min) return variance;
    await p.waitForTimeout(150);
  }
  assert.fail(`${selector} looks blank (luminance variance ${variance})`);
}

before(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  built = await buildWeb({ outDir: SITE, quiet: true });
  // LMLAB_WEB_SITE serves an already built site instead (e.g. dist/ after `make web`).
  browser = await openBrowser(process.env.LMLAB_WEB_SITE ?? SITE);
  page = await browser.newPage(RUN, undefined, (p) => p.on('request', (r) => requested.push(r.url())));
});

after(async () => {
  await browser?.close();
});

test('the site is small, loads fast and shows the bigram before any training', async () => {
  assert.ok(built.pageBytes < PAGE_BUDGET_BYTES, `page weight ${built.pageBytes} bytes`);
  await waitReady(page);
  const paint = await page.evaluate(
    () => performance.getEntriesByType('paint').find((e) => e.name === 'first-contentful-paint')?.startTime ?? -1,
  );
  assert.ok(paint > 0 && paint < 1000, `first contentful paint ${paint} ms`);
  const ready = await page.evaluate(() => window.lmlab.readyMs);
  console.log(
    `# page weight ${(built.pageBytes / 1024).toFixed(1)} KB, first contentful paint ${paint.toFixed(0)} ms, Brown loaded, counted and a model built after ${ready.toFixed(0)} ms`,
  );
  assert.match(await text('#corpus-stats'), /characters .* vocabulary \d+/);
  assert.match(await text('#stat-bigram'), /^\d\.\d{3}$/);
  await page.waitForFunction(() => document.querySelectorAll('#predict .lm-nt-bigram li').length === 10);
  await waitDrawn('#bigram-heatmap', 100);
  assert.deepEqual(page.errors, []);
});

test('Chromium has relaxed SIMD: the worker loads lmlab-fma.wasm (not lmlab.wasm) and the footer says so', async () => {
  await waitReady(page);
  assert.match(await text('.footer'), /browser\. Kernels: relaxed SIMD \(fused multiply-add\)\.$/);
  const wasm = requested.filter((u) => u.endsWith('.wasm')).map((u) => basename(new URL(u).pathname));
  assert.deepEqual(wasm, ['lmlab-fma.wasm']);
});

test('training the RNN lowers the validation loss while the page stays responsive', async () => {
  const start = await page.evaluate(() => window.lmlab.lossChart.firstValidation);
  assert.ok(start > 3, `validation loss at step 0 is ${start}`);
  // the score card's neural perplexity, as scored before training
  const neuralPerplexity = () =>
    page.$eval('#score-result tfoot tr:last-child', (tr) => tr.querySelectorAll('td')[1]?.textContent ?? '');
  await page.waitForFunction(() => document.querySelectorAll('#score-result tbody tr').length > 1);
  const scoredBefore = await neuralPerplexity();
  await page.click('#train');
  await page.waitForFunction(() => window.lmlab.running && window.lmlab.step > 5);
  // Responsiveness while the worker trains: frames keep coming, a click is handled at once.
  const frames = await page.evaluate(frameRate, 2000);
  await page.evaluate(armClickLatency, '#sample-now');
  await page.click('#sample-now');
  const latency = await page.evaluate(() => window.__clickLatency);
  console.log(
    `# while training: ${frames.fps.toFixed(1)} frames/s (longest gap ${frames.worstGapMs.toFixed(0)} ms), click handled after ${latency.toFixed(1)} ms`,
  );
  if (frames.fps < 30) {
    // Only excusable if this (shared, 2-core) machine cannot draw 30 frames/s even with training
    // paused: then training must not cost the page more than a tenth of its frames.
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
  assert.ok(latency < 100, `click latency ${latency} ms`);
  await page.waitForFunction((s) => window.lmlab.lossChart.lastValidation < s - 0.6, start, {
    timeout: 60000,
    polling: 250,
  });
  const end = await page.evaluate(() => window.lmlab.lossChart.lastValidation);
  console.log(`# validation loss ${start.toFixed(3)} → ${end.toFixed(3)} by step ${await step()}`);
  assert.ok(end < start - 0.6);
  // the score card follows the model while it trains, not only when it pauses
  assert.equal(await page.evaluate(() => window.lmlab.running), true);
  await page.waitForFunction(
    (before) =>
      window.lmlab.running &&
      (document.querySelector('#score-result tfoot tr:last-child')?.querySelectorAll('td')[1]?.textContent ??
        before) !== before,
    scoredBefore,
    { timeout: 10000 },
  );
  assert.deepEqual(page.errors, []);
});

test('every view draws something', async () => {
  await page.waitForTimeout(1800); // one probe / sample refresh after the last check
  for (const selector of [
    '#loss-chart',
    '#grad-flow',
    '#param-grads',
    '#hidden-states .lm-hs-heatmap',
    '#weights-heatmap',
    '#wgrads-heatmap',
    '#bigram-heatmap',
  ]) {
    await waitDrawn(selector);
  }
  assert.ok((await text('#sample')).length > 50, 'no sample text');
  assert.ok((await page.locator('#hidden-states .lm-hs-text span').count()) > 20, 'neuron text not coloured');
  assert.ok((await page.locator('#predict .lm-nt-surprisal span').count()) > 20, 'surprisal text missing');
  assert.equal(await page.locator('#predict .lm-nt-neural li').count(), 10);
  assert.match(await text('#stat-speed'), /\d/);
  assert.match(await text('#stat-params'), /\d/);
});

test('pause, step exactly once, resume', async () => {
  await page.click('#train'); // pause
  await page.waitForFunction(() => !window.lmlab.running);
  await page.evaluate(() => window.lmlab.settle());
  const paused = await step();
  await page.waitForTimeout(600);
  assert.equal(await step(), paused, 'steps advanced while paused');
  await page.click('#step');
  await page.waitForFunction((s) => window.lmlab.step === s + 1, paused);
  await page.waitForTimeout(400);
  assert.equal(await step(), paused + 1, 'Step ran more than one update');
  await page.click('#train'); // resume
  await page.waitForFunction((s) => window.lmlab.step > s + 5, paused + 1);
  // Screenshots of each view while the model is mid-training.
  await page.waitForTimeout(1600);
  await page.click('#train');
  await page.waitForFunction(() => !window.lmlab.running);
  await page.locator('#hidden-states .lm-hs-rank').click();
  await page.waitForTimeout(300);
  for (const id of ['card-learning', 'card-samples', 'card-predict', 'card-hidden', 'card-gradients', 'card-bigram']) {
    await shot(id.replace('card-', 'view-'), page.locator(`#${id}`));
  }
  await page.evaluate(() => window.scrollTo(0, 0));
  // The README's picture: the top of the page, down to the hidden-state heatmap.
  const bottom = await page.evaluate(() => {
    const r = document.querySelector('#hidden-states .lm-hs-text').getBoundingClientRect();
    return Math.ceil(r.bottom + window.scrollY + 12);
  });
  await page.screenshot({
    path: join(ARTIFACTS, 'overview.png'),
    fullPage: true,
    clip: { x: 0, y: 0, width: 1400, height: bottom },
  });
  await page.screenshot({ path: join(ARTIFACTS, 'page-full.png'), fullPage: true });
});

test('the controls and heatmaps work from the keyboard', async () => {
  // Space on the focused Train button starts and pauses training.
  await page.focus('#train');
  await page.keyboard.press('Space');
  await page.waitForFunction(() => window.lmlab.running);
  await page.keyboard.press('Space');
  await page.waitForFunction(() => !window.lmlab.running);
  await page.evaluate(() => window.lmlab.settle());
  // Arrow keys walk the bigram heatmap's cells and show their values.
  await page.focus('#bigram-heatmap canvas');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowRight');
  const tip = page.locator('#bigram-heatmap .tooltip');
  await tip.waitFor({ state: 'visible' });
  assert.match(await tip.innerText(), /^P\('.+' \| '.+'\) = \d/);
  // Enter on a hidden-state row colours the probe text by that neuron.
  await page.focus('#hidden-states .lm-hs-heatmap canvas');
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() =>
    document.querySelector('#hidden-states .lm-hs-label').textContent.startsWith('neuron 3 of'),
  );
});

test('the formula view with the mouse: hovering a weight symbol shows that parameter in the weight view, outlined; moving away restores the choice', async () => {
  const chosen = await page.inputValue('#weight-param');
  await page.locator('#equations').scrollIntoViewIfNeeded();
  const symbols = page.locator('#equations [data-symbol]');
  const count = await symbols.count();
  assert.ok(count > 5, `${count} symbols in the formula view`);
  let shown = null;
  for (let i = 0; i < count && !shown; i++) {
    await symbols.nth(i).hover();
    await page.waitForTimeout(50);
    if (await page.evaluate(() => document.querySelector('#weights').classList.contains('lm-lit')))
      shown = {
        symbol: await symbols.nth(i).getAttribute('data-symbol'),
        param: await page.inputValue('#weight-param'),
      };
  }
  assert.ok(shown, 'no symbol of the formula view pointed the weight view at its parameter');
  console.log(`# hovering ${shown.symbol} shows ${shown.param} in the weight view`);
  assert.match(shown.param, /^(rnn|embedding|decoder)\./);
  await page.mouse.move(2, 2); // off the equations
  await page.waitForFunction(() => !document.querySelector('#weights').classList.contains('lm-lit'));
  assert.equal(await page.inputValue('#weight-param'), chosen, "the reader's choice is back");
  assert.deepEqual(page.errors, []);
});

test('typing in the prediction box changes the bars', async () => {
  const input = page.locator('#predict .lm-nt-input');
  await input.fill('Th');
  await page.waitForFunction(
    () => document.querySelector('#predict .lm-nt-neural li .bar-token')?.textContent.length > 0,
  );
  await page.waitForTimeout(300);
  const before = await text('#predict .lm-nt-neural');
  await input.press('End');
  await input.pressSequentially('e q', { delay: 30 });
  await page.waitForFunction((b) => document.querySelector('#predict .lm-nt-neural').innerText !== b, before);
  assert.notEqual(await text('#predict .lm-nt-neural'), before);
  assert.match(await text('#predict .lm-nt-bigram'), /%/);
});

test('gradient check runs in the worker and passes', async () => {
  await page.click('#grad-check');
  await page.waitForSelector('table.gradcheck', { timeout: 20000 });
  const rows = await page.locator('table.gradcheck tbody tr').count();
  assert.ok(rows >= 4, `${rows} tensors checked`);
  console.log(`# gradient check: ${(await text('table.gradcheck tbody tr:first-child')).replace(/\s+/g, ' ')}`);
  assert.equal(await page.locator('table.gradcheck td.ok').count(), rows, await text('#grad-check-result'));
  await shot('view-gradcheck', page.locator('#card-gradcheck'));
});

test('save, reload, load: the same sample for the same seed; a corrupted file is refused', async () => {
  await page.click('#sample-now');
  await page.waitForTimeout(500);
  const sample = await text('#sample');
  const downloading = page.waitForEvent('download');
  await page.click('#save');
  const download = await downloading;
  const file = join(ARTIFACTS, 'model.safetensors');
  await download.saveAs(file);
  const bytes = await readFile(file);
  assert.ok(bytes.length > 1000);
  // What training does next from the saved state: five more steps, their losses.
  const saved = await step();
  await steps(5);
  const continued = await page.evaluate(() => window.lmlab.lossChart.train.slice(-5));

  await page.reload();
  await waitReady(page);
  await page.setInputFiles('#load', file);
  await page.waitForFunction(() => /Loaded/.test(document.querySelector('#file-status').textContent), null, {
    timeout: 20000,
  });
  await page.click('#sample-now');
  await page
    .waitForFunction((s) => document.querySelector('#sample').innerText === s, sample, { timeout: 10000 })
    .catch(() => {});
  assert.equal(await text('#sample'), sample);

  // Corrupt: cut the file in half. The page says so and keeps the loaded model.
  const bad = join(ARTIFACTS, 'corrupted.safetensors');
  await writeFile(bad, bytes.subarray(0, Math.floor(bytes.length / 2)));
  await page.setInputFiles('#load', bad);
  await page.waitForFunction(() => /unchanged/.test(document.querySelector('#file-status').textContent), null, {
    timeout: 10000,
  });
  assert.match(
    await text('#file-status'),
    /corrupted\.safetensors is not a model file this page can load: .+ The current model is unchanged\./,
  );
  await shot('error-corrupted-model', page.locator('.controls'));
  await page.click('#sample-now');
  await page.waitForTimeout(500);
  assert.equal(await text('#sample'), sample, 'the old model no longer samples the same text');

  // Training resumes exactly where it stopped: the optimizer moments, the step count and the
  // stream position came back with the file, so the next five losses are the same as before.
  assert.equal(await step(), saved);
  await steps(5);
  const resumed = await page.evaluate(() => window.lmlab.lossChart.train.slice(-5));
  console.log(
    `# after loading the step-${saved} file: losses ${resumed.map((l) => l.toFixed(4)).join(' ')} (before the reload: ${continued.map((l) => l.toFixed(4)).join(' ')})`,
  );
  resumed.forEach((loss, i) =>
    assert.ok(Math.abs(loss - continued[i]) < 1e-5, `step ${saved + i + 1}: ${loss} after loading vs ${continued[i]}`),
  );
});

test('a crashed worker is restarted with a message and the checkpoint restored', async () => {
  // Downloading the model also keeps it as the page's checkpoint.
  const downloading = page.waitForEvent('download');
  await page.click('#save');
  await downloading;
  await page.click('#sample-now');
  await page.waitForTimeout(500);
  const sample = await text('#sample');
  await page.evaluate(() => window.lmlab.crashWorker());
  await page.waitForFunction(
    () => /restored from the checkpoint/.test(document.querySelector('#banner-text').textContent),
    null,
    { timeout: 20000 },
  );
  await page.click('#sample-now');
  await page.waitForTimeout(500);
  assert.equal(await text('#sample'), sample);
});

test('opening text files: a good one is loaded, a binary one is refused clearly', async () => {
  const good = join(ARTIFACTS, 'my-notes.txt');
  const body = 'the cat sat on the mat. the dog sat on the log.\n'.repeat(40);
  await writeFile(good, body);
  const chars = `${body.length.toLocaleString('en-US')} characters`;
  await page.setInputFiles('#file', good);
  await page.waitForFunction((c) => document.querySelector('#corpus-stats').textContent.includes(c), chars, {
    timeout: 20000,
  });
  assert.match(await text('#corpus-stats'), new RegExp(`vocabulary ${new Set(body).size}\\b`));
  const binary = join(ARTIFACTS, 'picture.png');
  await writeFile(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
  await page.setInputFiles('#file', binary);
  await page.waitForSelector('#corpus-error:not([hidden])');
  assert.match(await text('#corpus-error'), /picture\.png (looks like a binary file|is not valid UTF-8)/);
  assert.ok((await text('#corpus-stats')).includes(chars), 'the previous corpus was replaced');
  // Dropping a file on the drop zone works like opening it.
  const dropped = 'abc abd abe '.repeat(50);
  await page.evaluate((content) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([content], 'dropped.txt', { type: 'text/plain' }));
    document
      .querySelector('#drop')
      .dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, dropped);
  await page.waitForFunction(
    (c) => document.querySelector('#corpus-stats').textContent.includes(c),
    `${dropped.length} characters`,
    { timeout: 20000 },
  );
  assert.match(await text('#corpus-stats'), /dropped\.txt/);
  // A model trained on Brown does not fit this corpus's vocabulary: refused, saying what to do.
  await page.setInputFiles('#load', join(ARTIFACTS, 'model.safetensors'));
  await page.waitForFunction(() => /unchanged/.test(document.querySelector('#file-status').textContent), null, {
    timeout: 10000,
  });
  assert.match(
    await text('#file-status'),
    /model\.safetensors has a different vocabulary from the loaded corpus \(it was trained on the 'brown' corpus\): load that corpus first, then the model\. The current model is unchanged\./,
  );
  await shot('corpus-error', page.locator('.controls .panel').first());
});

test('a NaN loss pauses training with advice, and Reset recovers', async () => {
  await page.evaluate(() => window.lmlab.poisonModel());
  await page.click('#train');
  await page.waitForSelector('#banner:not([hidden])', { timeout: 10000 });
  await page.waitForFunction(() => !window.lmlab.running);
  const message = await text('#banner-text');
  assert.match(
    message,
    /Training paused at step \d+ \(learning rate 0\.01, clipping 5\): lower the learning rate .* or press Reset/,
  );
  assert.match(message, /nan|NaN|finite/);
  await shot('error-nan', page.locator('#banner'));
  await page.click('#reset');
  await page.waitForFunction(() => window.lmlab.step === 0);
  await page.click('#step');
  await page.waitForFunction(() => window.lmlab.step === 1);
  assert.ok(Number.isFinite(await page.evaluate(() => window.lmlab.lossChart.lastSmoothed)));
  assert.deepEqual(page.errors, []);
});

test('a changed setting goes into the link, and the link restores it', async () => {
  const params = Number((await text('#stat-params')).replace(/,/g, ''));
  await page.locator('#hidden').fill('48');
  await page.locator('#hidden').press('Tab');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('hidden') === '48');
  await page.waitForFunction(
    (p) => document.querySelector('#stat-params').textContent.replace(/,/g, '') !== String(p),
    params,
  );
  await page.locator('#seed').fill('-5');
  await page.locator('#seed').press('Tab');
  await page.waitForSelector('#settings-error:not([hidden])');
  assert.match(await text('#settings-error'), /seed must be between 0 and 2147483647, got -5/);
  assert.equal(await page.getAttribute('#seed', 'aria-invalid'), 'true');
  const link = page.url();
  const again = await browser.newPage(link.slice(link.indexOf('?')));
  await waitReady(again);
  assert.equal(await again.inputValue('#hidden'), '48');
  assert.equal(await again.inputValue('#lr'), '0.01');
  assert.equal(await again.inputValue('#prime'), 'The');
  // The link reproduces the run: a second page opened from it takes the same first three steps.
  const threeSteps = async (p) => {
    for (let i = 1; i <= 3; i++) {
      await p.click('#step');
      await p.waitForFunction((n) => window.lmlab.step === n, i);
    }
    return p.evaluate(() => window.lmlab.lossChart.train.slice(-3));
  };
  const twin = await browser.newPage(link.slice(link.indexOf('?')));
  await waitReady(twin);
  const first = await threeSteps(again);
  const second = await threeSteps(twin);
  assert.deepEqual(second, first);
  await Promise.all([again.close(), twin.close()]);
});

test('on a phone screen, under a sub-path, the lecture\'s "hello" toy is learnt from a bare link', async () => {
  // The site served one directory down (http://host/site/): relative URLs must still resolve.
  const { server, url } = await startStaticServer(dirname(process.env.LMLAB_WEB_SITE ?? SITE), 0);
  const phone = await browser.context.newPage();
  phone.errors = [];
  phone.on('pageerror', (err) => phone.errors.push(`pageerror: ${err.message}`));
  phone.on('console', (msg) => {
    if (msg.type() === 'error') phone.errors.push(`console: ${msg.text()}`);
  });
  await phone.setViewportSize({ width: 390, height: 844 });
  // Only the corpus in the link: the preset's own settings (batch 1, 4 steps) fill in the rest.
  await phone.goto(`${url}${basename(process.env.LMLAB_WEB_SITE ?? SITE)}/?corpus=hello`);
  await waitReady(phone);
  assert.equal(await phone.inputValue('#seq'), '4');
  // the test hooks exist only behind ?testhooks=1
  assert.deepEqual(await phone.evaluate(() => [typeof window.lmlab.crashWorker, typeof window.lmlab.poisonModel]), [
    'undefined',
    'undefined',
  ]);
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `page is ${overflow}px wider than the phone`);
  await phone.click('#train');
  // From ln 4 ≈ 1.39 nats (four equally likely letters) to a model that knows "hello".
  await phone.waitForFunction(() => window.lmlab.lossChart.lastValidation < 0.3, null, {
    timeout: 30000,
    polling: 250,
  });
  await phone.click('#train');
  await phone.screenshot({ path: join(ARTIFACTS, 'phone.png') });
  assert.deepEqual(phone.errors, []);
  await phone.close();
  await new Promise((resolve) => server.close(resolve));
});

test('the LSTM learns the bracket corpus; its cell state, gates and last-step gradient curve draw', async () => {
  const lstm = await browser.newPage(
    '?corpus=brackets&model=rnn&hidden=32&embed=0&layers=1&seq=48&batch=16&opt=adam&lr=0.01&clip=5&clipMode=value&seed=5&temp=0.6&prime=&testhooks=1',
  );
  await waitReady(lstm);
  // Freshly built, 20 steps back: the RNN's last-step gradient has all but vanished (its small Wh),
  // the LSTM's keeps a path through c (forget-gate bias 1). Measured over 5 seeds: RNN ~1e-26,
  // LSTM ~2e-6. (After 150–250 training steps the LSTM was ahead for most seeds but not all, so no
  // assertion about trained models.)
  const back20 = () =>
    lstm
      .waitForFunction(() => window.lmlab.gradFlow.last?.length === 48 && window.lmlab.step === 0)
      .then(() => lstm.evaluate(() => window.lmlab.gradFlow.last[48 - 21]));
  const rnn20 = await back20();
  await lstm.selectOption('#model', 'lstm');
  await lstm.waitForFunction(() => window.lmlab.model?.kind === 'lstm');
  const lstm20 = await back20();
  console.log(
    `# fresh models, ||dL_T/dh_t|| 20 steps back: RNN ${rnn20.toExponential(2)}, LSTM ${lstm20.toExponential(2)}`,
  );
  assert.ok(lstm20 > 1000 * rnn20, `LSTM ${lstm20} vs RNN ${rnn20}`);
  const start = await lstm.evaluate(() => window.lmlab.lossChart.firstValidation);
  await lstm.click('#train');
  await lstm.waitForFunction(() => window.lmlab.step >= 150, null, { timeout: 40000, polling: 100 });
  await lstm.click('#train');
  await lstm.evaluate(() => window.lmlab.settle());
  const end = await lstm.evaluate(() => window.lmlab.lossChart.lastValidation);
  console.log(
    `# LSTM on brackets: validation loss ${start.toFixed(3)} → ${end.toFixed(3)} by step ${await lstm.evaluate(() => window.lmlab.step)}`,
  );
  assert.ok(end < start - 0.3, `validation ${start} → ${end}`);
  await lstm.waitForFunction(() => window.lmlab.gradFlow.last?.length === 48, null, { timeout: 10000 });
  const last = await lstm.evaluate(() => Array.from(window.lmlab.gradFlow.last));
  assert.ok(
    last.every((v) => Number.isFinite(v) && v > 0),
    'last-step gradient curve',
  );
  await waitDrawn('#grad-flow', 20, lstm);
  await lstm.waitForSelector('#hidden-states .lm-hs-quantity-row:not([hidden])');
  assert.deepEqual(await lstm.$$eval('#hidden-states .lm-hs-quantity option', (os) => os.map((o) => o.value)), [
    'h',
    'c',
    'i',
    'f',
    'g',
    'o',
  ]);
  for (const key of ['c', 'f', 'i']) {
    await lstm.selectOption('#hidden-states .lm-hs-quantity', key);
    await lstm.waitForFunction(
      (k) => document.querySelector('#hidden-states .lm-hs-label').textContent.endsWith(`(${k})`),
      key,
    );
    await waitDrawn('#hidden-states .lm-hs-heatmap', 20, lstm);
  }
  await lstm.locator('#card-hidden').screenshot({ path: join(ARTIFACTS, 'lstm-input-gate.png') });
  await lstm.locator('#card-gradients').screenshot({ path: join(ARTIFACTS, 'lstm-gradients.png') });

  // The GRU: its gates r z g; the window MLP: one layer, an embedding forced, no red curve.
  await lstm.selectOption('#model', 'gru');
  await lstm.waitForFunction(() => window.lmlab.model?.kind === 'gru');
  await lstm.click('#step');
  await lstm.waitForFunction(() => window.lmlab.step === 1);
  await lstm.waitForFunction(() => window.lmlab.gradFlow.last?.length === 48, null, { timeout: 10000 });
  await lstm.waitForFunction(
    () =>
      [...document.querySelectorAll('#hidden-states .lm-hs-quantity option')].map((o) => o.value).join() === 'h,r,z,g',
    null,
    { timeout: 10000 },
  );
  await lstm.selectOption('#model', 'window');
  await lstm.waitForFunction(() => window.lmlab.model?.kind === 'window');
  assert.equal(await lstm.inputValue('#embed'), '16');
  assert.ok(await lstm.isDisabled('#layers'));
  assert.match(await lstm.locator('#model-note').innerText(), /needs an embedding size of at least 1/);
  assert.match(lstm.url(), /model=window&hidden=32&embed=16&layers=1/);
  for (let i = 1; i <= 3; i++) {
    await lstm.click('#step');
    await lstm.waitForFunction((s) => window.lmlab.step === s, i);
  }
  const windowLoss = await lstm.evaluate(() => window.lmlab.lossChart.train.at(-1));
  assert.ok(Number.isFinite(windowLoss) && windowLoss > 0, `window MLP loss ${windowLoss}`);
  await lstm.waitForSelector('#hidden-states .lm-hs-quantity-row', { state: 'hidden' });
  await waitDrawn('#hidden-states .lm-hs-heatmap', 20, lstm);
  assert.equal(await lstm.evaluate(() => window.lmlab.gradFlow.last), null);
  assert.match(await lstm.locator('#grad-note').innerText(), /no recurrence/);
  // An invalid embedding for the window MLP is refused with a sentence, not replaced silently.
  await lstm.fill('#embed', '0');
  await lstm.locator('#embed').dispatchEvent('change');
  await lstm.waitForFunction(() => /at least 1/.test(document.querySelector('#settings-error').textContent));
  assert.equal(await lstm.inputValue('#embed'), '16');
  assert.deepEqual(lstm.errors, []);
  await lstm.close();
});

test('a lesson link: a locked RNN-vs-LSTM comparison in the compact layout, trained to step 150 on its own', async () => {
  const link =
    '?corpus=brackets&model=rnn&hidden=32&embed=0&seq=48&batch=16&lr=0.01&seed=5' +
    '&compare=lstm&lock=corpus,model&hide=file&autoplay=1&stop=150&cards=learning,gradients' +
    '&note=Which+one+keeps+its+gradient+20+steps+back%3F&layout=compact&utm_source=newsletter';
  const lesson = await browser.newPage(link, { width: 720, height: 800 });
  // (not waitReady: its static top bar would undo the compact layout's sticky one)
  await lesson.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  assert.equal(await lesson.locator('#lesson-note').innerText(), 'Which one keeps its gradient 20 steps back?');
  assert.equal(await lesson.locator('#banner').isVisible(), false, 'the tracking parameter is ignored quietly');
  // only the chosen cards; the model and corpus controls locked, the file panel hidden
  const shown = await lesson.$$eval('main .card', (cards) => cards.filter((c) => !c.hidden).map((c) => c.id));
  assert.deepEqual(shown, ['card-learning', 'card-gradients']);
  assert.ok(
    (await lesson.isDisabled('#model')) && (await lesson.isDisabled('#hidden')) && (await lesson.isDisabled('#corpus')),
  );
  assert.equal(await lesson.isVisible('[data-panel="file"]'), false);
  // autoplay, both models, stopped at 150 exactly
  await lesson.waitForFunction(
    () => window.lmlab.trainer.steps === 150 && window.lmlab.compare.steps === 150 && !window.lmlab.running,
    null,
    { timeout: 90000, polling: 250 },
  );
  await lesson.waitForTimeout(800);
  assert.deepEqual(await lesson.evaluate(() => [window.lmlab.model.kind, window.lmlab.compare.model.kind]), [
    'rnn',
    'lstm',
  ]);
  assert.match(await lesson.locator('#status').innerText(), /Paused: RNN at step 150, LSTM at step 150\./);
  // both curves on the loss chart and on the gradient chart (the comparison is pinned for the student)
  assert.equal(await lesson.evaluate(() => document.querySelector('#loss-chart').chart.runs.length), 2);
  assert.deepEqual(await lesson.evaluate(() => document.querySelector('#grad-flow').chart.others.map((o) => o.label)), [
    'LSTM',
  ]);
  await waitDrawn('#loss-chart', 20, lesson);
  await waitDrawn('#grad-flow', 20, lesson);
  // compact: the views come before the settings, and the run buttons stay in view while scrolling
  const [views, controls] = await lesson.evaluate(() =>
    ['#views', '.controls'].map((s) => document.querySelector(s).getBoundingClientRect().top),
  );
  assert.ok(views < controls, 'the settings come after the views');
  await lesson.screenshot({ path: join(ARTIFACTS, 'lesson-compare.png') });
  await lesson.mouse.wheel(0, 1500);
  await lesson.waitForTimeout(300);
  const train = await lesson.locator('#train').boundingBox();
  assert.ok(train && train.y >= 0 && train.y < 80, `the Train button scrolled away (${train?.y})`);
  await lesson.screenshot({ path: join(ARTIFACTS, 'lesson-compare-scrolled.png') });
  // the link keeps the lesson (and drops the tracking parameter)
  assert.match(lesson.url(), /compare=lstm&note=.*&layout=compact/);
  assert.doesNotMatch(lesson.url(), /utm_source/);
  assert.deepEqual(lesson.errors, []);
  await lesson.close();
  // a bad value of a lesson field is named in the page
  const bad = await browser.newPage('?corpus=hello&stop=-3&cards=learning,weights');
  await waitReady(bad);
  assert.match(
    await bad.locator('#banner-text').innerText(),
    /stop must be a step number from 1 to 10000000, got '-3'.*cards must be a comma list of/,
  );
  await bad.close();
});
