// kit-browser.test.mjs — the kit in headless Debian Chromium, served one directory down (a sub-path),
// used only through its public pieces: the author's page of docs/kit.md (served exactly as written)
// trains and its three views draw; the trainer client stops at maxSteps exactly and keeps a speed
// limit; the example tutorial (dist/tutorials/brackets/) starts its two trainers only when scrolled
// into view, shares one worker among them, trains both to the end, and its views show the RNN-vs-LSTM
// difference; the formula view's symbols light up the hidden-state map; keyboard use. Screenshots of
// every part go to test-artifacts/kit-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWeb } from '../scripts/build-web.mjs';
import { openBrowser } from './browser/harness.mjs';
import { canvasVariance } from './browser/measure.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SITE = join(ROOT, 'build/kit-test/site');
const ARTIFACTS = join(ROOT, 'test-artifacts');
const SUB = basename(SITE); // every URL below is under /site/

let browser;
let built;

/** Wait until the first canvas inside `selector` has drawn something. */
async function waitDrawn(page, selector, min = 20, timeout = 20000) {
  const end = Date.now() + timeout;
  let variance = -1;
  while (Date.now() < end) {
    variance = await page.evaluate(canvasVariance, selector);
    if (variance > min) return variance;
    await page.waitForTimeout(150);
  }
  assert.fail(`${selector} looks blank (luminance variance ${variance})`);
}

/**
 * A page at url + path that records its errors (page.errors) and the paths the server did not have
 * (page.missing) from the first request on.
 * @param {string} path @param {{ width: number, height: number }} [viewport]
 */
async function openPage(path, viewport) {
  const page = await browser.context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  page.errors = [];
  page.missing = [];
  page.on('pageerror', (err) => page.errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    // A page without <link rel="icon"> makes the browser ask for /favicon.ico: not the kit's doing.
    const from = msg.location().url;
    if (from && new URL(from).pathname === '/favicon.ico') page.missing.push('/favicon.ico');
    else page.errors.push(`console: ${msg.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() === 404) page.missing.push(new URL(r.url()).pathname);
  });
  await page.goto(browser.url + path);
  return page;
}

/** How many times the page fetched a file whose URL ends with `tail`. */
const fetched = (page, tail) =>
  page.evaluate(
    (t) => performance.getEntriesByType('resource').filter((e) => new URL(e.name).pathname.endsWith(t)).length,
    tail,
  );

before(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  built = await buildWeb({ outDir: SITE, quiet: true });
  // The author's page: the HTML block of docs/kit.md, unchanged, next to the kit folder.
  const doc = await readFile(join(ROOT, 'docs/kit.md'), 'utf8');
  const snippet = /```html\n([\s\S]*?)```/.exec(doc)[1];
  await writeFile(join(SITE, 'author.html'), snippet);
  browser = await openBrowser(dirname(SITE));
});

after(async () => {
  await browser?.close();
});

test('the kit is one module with its worker and .wasm beside it', async () => {
  const doc = await readFile(join(ROOT, 'docs/kit.md'), 'utf8');
  const snippet = /```html\n([\s\S]*?)```/.exec(doc)[1];
  const lines = snippet.trim().split('\n');
  assert.ok(lines.length <= 12, `the author's page is ${lines.length} lines`);
  assert.equal(lines.filter((l) => l.includes('<script')).length, 1);
  console.log(
    `# kit ${(built.kitBytes / 1024).toFixed(1)} KB (module, worker, .wasm); the author's page: ${lines.length} lines of HTML`,
  );
  const kit = await readFile(join(SITE, 'kit/lmlab-kit.js'), 'utf8');
  assert.doesNotMatch(kit, /from\s*["'](uplot|d3-[a-z-]+)["']/, 'uPlot and d3 are bundled in, not imported');
  assert.doesNotMatch(kit, /import\s*\(?\s*["']\.\.?\/(?!worker)/, 'no other module is loaded');
});

test("<lm-attention>: fed a reversal's weights it draws the anti-diagonal, α on hover, bad weights refused and the old kept, no worker started", async () => {
  await writeFile(
    join(SITE, 'attention.html'),
    '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>α</title>' +
      '<script type="module" src="kit/lmlab-kit.js"></script><lm-attention id="a"></lm-attention>',
  );
  const page = await openPage(`${SUB}/attention.html`);
  await page.waitForFunction(() => customElements.get('lm-attention'));
  const refusals = await page.evaluate(() => {
    const el = /** @type {any} */ (document.getElementById('a'));
    const source = [...'hello', '</s>'];
    const output = [...'olleh', '</s>'];
    // α (6, 6): output step i looks at source position 4 - i, and </s> at </s>
    const alpha = new Float32Array(36);
    for (let i = 0; i < 5; i++) ((alpha[i * 6 + (4 - i)] = 0.9), (alpha[i * 6 + 5] = 0.1));
    alpha[35] = 1;
    el.set({ source, output, alpha });
    const refused = [];
    const attempt = (w) => {
      try {
        el.set(w);
        refused.push(null);
      } catch (err) {
        refused.push(err.message);
      }
    };
    attempt({ source, output, alpha: alpha.slice(1) });
    attempt({ source, output, alpha: alpha.map((v, k) => (k === 0 ? NaN : v)) });
    attempt({ source, output, alpha: alpha.map((v, k) => (k === 3 ? 0.5 : v)) });
    attempt({ source: 'hello', output, alpha });
    return { refused, kept: el.shown.output.join('') };
  });
  assert.match(refusals.refused[0], /alpha has 35 values, but 6 output × 6 source tokens need 36/);
  assert.match(refusals.refused[1], /α\[0\]\[0\] = NaN is not a weight/);
  assert.match(refusals.refused[2], /row 0 of α sums to 1\.5000, not 1/);
  assert.match(refusals.refused[3], /source and output as arrays/);
  assert.equal(refusals.kept, 'olleh</s>', 'a refused set() keeps the weights shown');
  await waitDrawn(page, 'lm-attention');
  // hover the first row's brightest cell (column 5 of 6: 'o' looks at the source's 'o')
  const layout = await page.evaluate(() => {
    const rect = document.querySelector('lm-attention canvas').getBoundingClientRect();
    const L = /** @type {any} */ (document.getElementById('a')).heatmap.layout;
    return { x: rect.left + L.left + 4.5 * L.cellW, y: rect.top + L.top + 0.5 * L.cellH };
  });
  await page.mouse.move(layout.x, layout.y);
  const tooltip = page.locator('lm-attention .tooltip');
  await tooltip.waitFor({ state: 'visible', timeout: 5000 });
  assert.match(await tooltip.innerText(), /output 1 'o' ← source 5 'o': α = 0\.900/);
  // the keyboard reaches every cell too: one step right is the source's </s>
  await page.focus('lm-attention canvas');
  await page.keyboard.press('ArrowRight');
  await page.waitForTimeout(100);
  assert.match(await tooltip.innerText(), /output 1 'o' ← source [0-9] '.+': α = /);
  // a Seq2Seq translation as translate() returns it: rows = tokens and </s> (it ended)
  const fromTranslation = await page.evaluate(() => {
    const el = /** @type {any} */ (document.getElementById('a'));
    el.set({
      sourceTokens: ['a', 'b', '</s>'],
      tokens: ['b', 'a'],
      ended: true,
      alpha: { data: new Float32Array([0, 1, 0, 1, 0, 0, 0, 0, 1]), shape: [3, 3] },
    });
    return el.shown.output.join(' ');
  });
  assert.equal(fromTranslation, 'b a </s>');
  await page.screenshot({ path: join(ARTIFACTS, 'kit-attention.png') });
  assert.equal(await fetched(page, '/kit/worker.js'), 0, 'a view fed directly starts no worker');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('views fed directly (trainer="none"): a loss chart, a gradient-flow curve and a bigram matrix draw data the page gives them, and no worker starts', async () => {
  await writeFile(
    join(SITE, 'fed.html'),
    '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>fed</title>' +
      '<script type="module" src="kit/lmlab-kit.js"></script>' +
      '<lm-loss-chart trainer="none"></lm-loss-chart><lm-gradient-flow trainer="none"></lm-gradient-flow>' +
      '<lm-bigram-matrix trainer="none"></lm-bigram-matrix>',
  );
  const page = await openPage(`${SUB}/fed.html`);
  await page.waitForFunction(() => customElements.get('lm-loss-chart') && customElements.get('lm-bigram-matrix'));
  await page.evaluate(() => {
    const chart = /** @type {any} */ (document.querySelector('lm-loss-chart'));
    // a loss falling from log 27 towards 1.2 over 300 steps, validation every 50, the bigram's line
    const losses = Array.from({ length: 300 }, (_, t) => 1.2 + (Math.log(27) - 1.2) * Math.exp(-t / 60));
    chart.appendLosses(1, losses);
    chart.addValidation([50, 100, 150, 200, 250, 300].map((step) => ({ step, loss: 1.4 + Math.exp(-step / 60) })));
    chart.setBigram(2.1);
    const flow = /** @type {any} */ (document.querySelector('lm-gradient-flow'));
    const T = 25; // ||dL/dh_t|| over t, vanishing back in time
    flow.set(
      Float32Array.from({ length: T }, (_, t) => Math.exp(t - T)),
      Float32Array.from({ length: T }, (_, t) => Math.exp(2 * (t - T))),
    );
    const matrix = /** @type {any} */ (document.querySelector('lm-bigram-matrix'));
    const tokens = ['a', 'b', 'c', ' '];
    const values = Float32Array.from({ length: 16 }, (_, k) => ((k * 7) % 16) / 16);
    matrix.set(tokens, values);
  });
  await waitDrawn(page, 'lm-loss-chart');
  await waitDrawn(page, 'lm-gradient-flow');
  await waitDrawn(page, 'lm-bigram-matrix');
  await page.screenshot({ path: join(ARTIFACTS, 'kit-fed-directly.png'), fullPage: true });
  assert.equal(await fetched(page, '/kit/worker.js'), 0, 'views fed directly start no worker');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("an author's page of a dozen lines: the trainer trains, its three views draw", async () => {
  const page = await openPage(`${SUB}/author.html`);
  await page.waitForSelector('lm-trainer button.lm-primary:not([disabled])', { timeout: 30000 });
  await waitDrawn(page, 'lm-loss-chart');
  await page.click('lm-trainer button.lm-primary');
  await page.waitForFunction(
    () =>
      document.querySelector('lm-trainer').trainer.steps === 500 &&
      !document.querySelector('lm-trainer').trainer.running,
    null,
    { timeout: 60000, polling: 200 },
  );
  await page.waitForTimeout(2000); // one more probe and redraw after the last step
  assert.match(await page.locator('lm-trainer .lm-status').innerText(), /Stopped at step 500/);
  const { first, last } = await page.evaluate(() => {
    const h = document.querySelector('lm-trainer').trainer.history;
    return { first: h.firstValidation, last: h.lastValidation };
  });
  console.log(`# the author's RNN: validation loss ${first.toFixed(3)} → ${last.toFixed(3)} in 500 steps`);
  assert.ok(last < first - 0.5);
  await waitDrawn(page, 'lm-gradient-flow');
  await waitDrawn(page, 'lm-hidden-states .lm-hs-heatmap');
  assert.ok((await page.locator('lm-hidden-states .lm-hs-text span').count()) > 20);
  assert.equal(await fetched(page, '/kit/worker.js'), 1);
  await page.screenshot({ path: join(ARTIFACTS, 'kit-author-page.png'), fullPage: true });
  // The ten lines name no icon, so the browser asks for /favicon.ico: the only thing not found.
  assert.ok(
    page.missing.every((path) => path === '/favicon.ico'),
    page.missing.join(' '),
  );
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the trainer client: maxSteps exactly, a speed limit, events, probes already (H, T), bad options refused', async () => {
  const page = await openPage(`${SUB}/author.html`);
  const result = await page.evaluate(async () => {
    const kit = await import('./kit/lmlab-kit.js');
    const out = { version: kit.KIT_VERSION };
    try {
      kit.createTrainer({ text: 'abc', hiden: 3 });
    } catch (err) {
      out.refused = err.message;
    }
    const t = kit.createTrainer({
      text: 'the cat sat on the mat. the dog sat on the log.\n'.repeat(30),
      cell: 'gru',
      hidden: 16,
      seq: 16,
      batch: 4,
    });
    const events = { step: 0, done: 0, snapshot: 0 };
    for (const type of Object.keys(events))
      t.on(type, () => {
        events[type]++;
      });
    await t.start();
    const done = new Promise((resolve) => t.on('done', resolve));
    await t.run({ maxSteps: 37 });
    out.doneAt = (await done).step;
    out.steps = t.steps;
    await new Promise((r) => setTimeout(r, 300));
    out.stillAt = t.steps;
    // A speed limit of 20 steps per second, for 2 seconds.
    t.setMaxSteps(0);
    const start = t.steps;
    const t0 = performance.now();
    await t.run({ speed: 20 });
    await new Promise((r) => setTimeout(r, 2000));
    await t.pause();
    out.rate = ((t.steps - start) * 1000) / (performance.now() - t0);
    const probe = await t.probe('the cat sat');
    out.probe = {
      T: probe.T,
      H: probe.H,
      keys: probe.quantities.map((q) => q.key),
      len: probe.quantities[0].data.length,
      next: probe.next.length,
    };
    // (H, T): row h is neuron h over the characters; compare with the transposed reading
    out.events = events;
    out.layout = t.model.layout;
    await t.dispose();
    return out;
  });
  console.log(
    `# maxSteps 37 → stopped at ${result.doneAt}; speed limit 20/s → ${result.rate.toFixed(1)} steps/s; layout ${JSON.stringify(result.layout)}`,
  );
  assert.equal(result.version, '1.0.0');
  assert.match(result.refused, /unknown option 'hiden'/);
  assert.equal(result.doneAt, 37);
  assert.equal(result.steps, 37);
  assert.equal(result.stillAt, 37);
  assert.ok(result.rate > 14 && result.rate <= 22, `${result.rate} steps/s with a limit of 20`);
  assert.deepEqual(result.probe, { T: 11, H: 16, keys: ['h', 'r', 'z', 'g'], len: 16 * 11, next: 11 });
  // 'step' comes with the snapshots (at most ten a second), not once per update
  assert.ok(
    result.events.done === 1 && result.events.step > 3 && result.events.snapshot > 3,
    JSON.stringify(result.events),
  );
  assert.equal(result.layout.heldOut, false);
  assert.equal(result.layout.ring, true);
  assert.equal(result.layout.coverage, 1);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the tutorial under a sub-path: lazy until scrolled, one worker, RNN vs LSTM visible in every view', async () => {
  const page = await openPage(`${SUB}/tutorials/brackets/`, { width: 1000, height: 300 });
  await page.waitForTimeout(1500);
  // Nothing in view needs a trainer yet: no worker, no .wasm.
  assert.equal(await fetched(page, '/worker.js'), 0, 'the worker started before anything was in view');
  await page.screenshot({ path: join(ARTIFACTS, 'kit-tutorial-top.png') });
  await page.setViewportSize({ width: 1100, height: 900 });
  for (let i = 0; i < 40; i++) {
    await page.mouse.wheel(0, 250);
    await page.waitForTimeout(200);
  }
  const both = () => page.evaluate(() => ['rnn', 'lstm'].map((id) => document.getElementById(id).trainer.steps));
  await page.waitForFunction(
    () => ['rnn', 'lstm'].every((id) => document.getElementById(id).trainer.steps === 1500),
    null,
    { timeout: 120000, polling: 500 },
  );
  assert.deepEqual(await both(), [1500, 1500]);
  assert.equal(await fetched(page, '/kit/worker.js'), 1, 'two trainers and seven views share one worker');
  await page.waitForTimeout(2500); // the views' last refresh after training stopped
  // The next-character guesses after "{…}\n[hd ag bcefgh abc de": the LSTM's only closer is ']'.
  const closers = await page.evaluate(() =>
    [...document.querySelectorAll('lm-next-token')].map((el) =>
      el.prediction.neural
        .filter((x) => ')]}>'.includes(x.token))
        .map((x) => x.token)
        .join(''),
    ),
  );
  console.log(
    `# after 1500 steps, closers among the ten likeliest next characters: RNN '${closers[0]}', LSTM '${closers[1]}'`,
  );
  assert.equal(closers[1], ']');
  // Gradient flow 20 steps back: the RNN's has vanished far more than the LSTM's.
  const back = await page.evaluate(() =>
    ['rnn', 'lstm'].map((id) => {
      const g = document.getElementById(id).trainer.gradFlow.last;
      return g[g.length - 21];
    }),
  );
  console.log(
    `# ||dL_T/dh_t|| 20 steps back after training: RNN ${back[0].toExponential(2)}, LSTM ${back[1].toExponential(2)}`,
  );
  assert.ok(back[1] > 10 * back[0], `LSTM ${back[1]} vs RNN ${back[0]}`);
  for (const selector of ['lm-loss-chart', 'lm-gradient-flow', 'lm-hidden-states .lm-hs-heatmap'])
    await waitDrawn(page, selector);
  // The formula view: focusing f_t shows its values and puts the forget gate in the hidden-state map.
  await page.focus('lm-hidden-states .lm-hs-heatmap canvas');
  for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight');
  await page.focus('lm-equations [data-symbol="f"]');
  await page.waitForFunction(() =>
    /f_t: the forget gate/.test(document.querySelector('lm-equations .lm-eq-panel').textContent),
  );
  assert.match(await page.locator('lm-equations .lm-eq-panel').innerText(), /at 'a' \(#4\): \[0\.\d+/);
  assert.equal(await page.evaluate(() => document.querySelector('lm-hidden-states').view.quantity), 'f');
  assert.equal(await page.evaluate(() => document.querySelector('lm-hidden-states').view.heatmap.highlightCol), 4);
  await page.locator('main').evaluate((m) => m.querySelector('lm-equations').closest('figure').scrollIntoView());
  await page
    .locator('lm-equations')
    .locator('xpath=..')
    .screenshot({ path: join(ARTIFACTS, 'kit-tutorial-equations.png') });
  await page.keyboard.press('Tab'); // on to the next symbol: the map follows
  const names = ['trainers', 'loss', 'next', 'gradients', 'hidden'];
  const figures = await page.locator('main > .pair, main > figure.wide').all();
  for (let i = 0; i < names.length; i++)
    await figures[i].screenshot({ path: join(ARTIFACTS, `kit-tutorial-${names[i]}.png`) });
  // The trainers work from the keyboard: Space on Reset rebuilds the RNN, Space on Train trains it.
  await page.focus('#rnn button:nth-of-type(3)');
  await page.keyboard.press('Space');
  await page.waitForFunction(() => document.getElementById('rnn').trainer.steps === 0);
  await page.focus('#rnn button.lm-primary');
  await page.keyboard.press('Space');
  await page.waitForFunction(() => document.getElementById('rnn').trainer.steps > 5);
  await page.keyboard.press('Space');
  await page.waitForFunction(() => !document.getElementById('rnn').trainer.running);
  await page.waitForSelector('#rnn button.lm-primary[aria-pressed="false"]');
  assert.deepEqual(page.errors, []);
  await page.close();
});
