// web-hostile.test.mjs — the page against a hostile user, in headless Debian Chromium: links with
// script payloads, absurd numbers, control characters and oversized fields (the lesson link's and the
// settings'); model files that are empty, random, truncated safetensors, a header that lies about its
// length, JSON that is broken or of the wrong shape, a text file, 20 MB of noise; training texts with
// invalid UTF-8, NUL bytes, nothing but white space, a UTF-16 file, a broken surrogate pair pasted,
// over 32 MB; pairs files empty, binary, over 16 MB or without a single pair; and rapid clicking —
// Train, Step, Reset, loading files and switching corpus as fast as a script can. Throughout: no
// uncaught error or console error (pageerror, console 'error'), no script payload runs, every refusal
// is a sentence naming the input, the model is byte for byte the same after a refused file (its saved
// bytes compared), and the page still answers (a click's handler runs, a step takes exactly one step).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWeb } from '../scripts/build-web.mjs';
import { openBrowser } from './browser/harness.mjs';
import { armClickLatency } from './browser/measure.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SITE = join(ROOT, 'build/web-hostile-test/site');
const FILES = join(ROOT, 'test-artifacts/hostile');
// A small, quick model on the garden text; the test hooks are not needed.
const RUN = '?corpus=garden&model=rnn&hidden=16&seq=16&batch=4&seed=3';

let browser;
let page;
/** Dialogs the page opened (a payload calling alert() would show here). */
const dialogs = [];

const text = (selector) => page.locator(selector).innerText();
const step = () => page.evaluate(() => window.lmlab.step);
const ready = (p = page) => p.waitForSelector('body[data-ready="true"]', { timeout: 120000 });

/** An FNV-1a hash of the model as the worker saves it (weights, optimizer state, step, settings). */
const modelHash = () =>
  page.evaluate(async () => {
    const { bytes } = await window.lmlab.trainer.save();
    let h = 0x811c9dc5;
    for (const b of new Uint8Array(bytes)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
    return h.toString(16);
  });

/** Write a file under test-artifacts/hostile and return its path. @param {string} name @param {Uint8Array | string} body */
async function file(name, body) {
  const path = join(FILES, name);
  await writeFile(path, body);
  return path;
}

/** A click on `selector` has its handler run within `ms` (the main thread is not blocked). */
async function answersClick(selector, ms = 1000) {
  await page.evaluate(armClickLatency, selector);
  await page.click(selector);
  const latency = await page.waitForFunction(() => window.__clickLatency, null, { timeout: 10000 });
  const value = await latency.jsonValue();
  assert.ok(value < ms, `a click on ${selector} waited ${value} ms for its handler`);
}

/** A safetensors file: 8-byte little-endian header length, the header, the data. */
function safetensors(header, data = new Uint8Array(0), length = header.length) {
  const out = new Uint8Array(8 + header.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(length), true);
  out.set(new TextEncoder().encode(header), 8);
  out.set(data, 8 + header.length);
  return out;
}

before(async () => {
  await mkdir(FILES, { recursive: true });
  await buildWeb({ outDir: SITE, quiet: true });
  browser = await openBrowser(SITE);
  await browser.context.addInitScript(() => {
    // A payload that ran would set this (every one below tries to).
    window.__pwned = 0;
  });
  browser.context.on('dialog', (d) => {
    dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
});

after(async () => {
  await browser?.close();
});

test('hostile links: payloads stay text, absurd values are named and ignored, the page starts', async () => {
  const payload = '<img src=x onerror="window.__pwned=1;alert(1)"><script>window.__pwned=2</script>';
  const link = new URLSearchParams([
    ['corpus', '<script>window.__pwned=3</script>'],
    ['model', 'lstm\u0000'],
    ['hidden', '1e309'],
    ['embed', '-1'],
    ['lr', 'NaN'],
    ['clip', 'Infinity'],
    ['seq', '0x10'],
    ['batch', '99999999999999999999999'],
    ['temp', '-1'],
    ['prime', payload],
    ['note', `${payload}<b>bold</b>`],
    ['probe', 'a\u0001b'],
    ['cards', '../../etc/passwd,learning'],
    ['hide', 'all,constructor'],
    ['lock', '__proto__'],
    ['stop', '1e99'],
    ['compare', 'toString'],
    ['layout', '<svg onload="window.__pwned=4">'],
    ['autoplay', 'maybe'],
    ['__proto__', 'polluted'],
    ['constructor', 'x'],
    ['hasOwnProperty', 'y'],
  ]).toString();
  page = await browser.newPage(`?${link}`);
  await ready();
  const message = await text('#banner-text');
  // each bad value of a known field is named with what it must be
  // each bad value of a known field is named (settings by their label) with what it must be
  const named = ['model', 'hidden size', 'embedding size', 'learning rate', 'clipping', 'sequence length', 'batch'];
  for (const name of [...named, 'temperature', 'cards', 'hide', 'lock', 'stop', 'compare', 'layout', 'autoplay'])
    assert.ok(message.includes(`ignored the link's ${name}`), `the banner does not name ${name}: ${message}`);
  assert.match(message, /probe must be plain text/);
  // the note is shown as text, the payload inert; the settings kept their defaults
  assert.equal(await page.locator('#lesson-note').innerText(), `${payload}<b>bold</b>`);
  assert.equal(await page.locator('#lesson-note img, #lesson-note b, #lesson-note script').count(), 0);
  const settings = await page.evaluate(() => ({ ...window.lmlab.settings }));
  assert.equal(settings.hidden, 128);
  assert.equal(settings.lr, 0.005);
  assert.equal(settings.batch, 16);
  assert.equal(settings.corpus, 'brown', 'an unknown corpus falls back to Brown');
  assert.equal(await page.evaluate(() => Object.prototype.polluted), undefined);
  await page.waitForTimeout(500);
  assert.equal(await page.evaluate(() => window.__pwned), 0);
  assert.deepEqual(dialogs, []);
  assert.deepEqual(page.errors, []);
  await answersClick('#step');
  await page.close();

  // a lesson text that is not usable text falls back to the link's corpus, saying why
  page = await browser.newPage('?corpus=garden&text=a');
  await ready();
  assert.match(
    await text('#banner-text'),
    /The link's text has 1 characters; give the model at least 2.*loading the link's corpus instead/,
  );
  assert.match(await text('#corpus-stats'), /characters/);
  assert.deepEqual(page.errors, []);
  await page.close();

  // #seq2seq with junk after it is the language-model page; the mode itself opens by its own hash
  page = await browser.newPage(`${RUN}#seq2seq%3Cscript%3Ewindow.__pwned=5%3C/script%3E`);
  await ready();
  assert.equal(await page.locator('#lm-mode').isVisible(), true);
  assert.equal(await page.evaluate(() => window.__pwned), 0);
  assert.deepEqual(page.errors, []);
});

test('hostile model files: each refused with a sentence naming it, the model byte for byte the same', async () => {
  // page: RUN with #seq2seq junk (the language-model page), a neural model built
  await steps(3);
  const before = await modelHash();
  const stepBefore = await step();
  const header = '{"__metadata__":{"format":"lmlab"},"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}';
  const random = new Uint8Array(4096).map((_, i) => (i * 2654435761) >>> 24);
  const noise = new Uint8Array(20 * 1024 * 1024).map((_, i) => (i * 40503) & 255);
  const saved = await page.evaluate(async () => Array.from(new Uint8Array((await window.lmlab.trainer.save()).bytes)));
  const real = Uint8Array.from(saved);
  const cases = [
    ['empty.safetensors', new Uint8Array(0)],
    ['random.safetensors', random],
    ['short.safetensors', Uint8Array.from([1, 2, 3])],
    ['liar.safetensors', safetensors(header, new Uint8Array(16), 2 ** 52)],
    ['broken-json.safetensors', safetensors('{"w":{"dtype":"F32",')],
    ['wrong-shape-json.safetensors', safetensors('{"__metadata__":5,"w":[1,2,3]}')],
    [
      'nul-json.safetensors',
      safetensors('{"w\u0000":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', new Uint8Array(4)),
    ],
    ['past-the-end.safetensors', safetensors(header, new Uint8Array(8))],
    ['not-lmlab.safetensors', safetensors(header, new Uint8Array(16))],
    ['header-only.safetensors', real.subarray(0, 8 + Number(new DataView(real.buffer).getBigUint64(0, true)))],
    ['cut-mid-tensor.safetensors', real.subarray(0, real.length - 37)],
    ['notes.txt', new TextEncoder().encode('the cat sat on the mat\n'.repeat(100))],
    ['noise.safetensors', noise],
  ];
  for (const [name, body] of cases) {
    await page.evaluate(() => {
      document.querySelector('#file-status').textContent = '';
    });
    await page.setInputFiles('#load', await file(name, body));
    await page.waitForFunction(
      () => /unchanged\.|^Loaded/.test(document.querySelector('#file-status').textContent),
      null,
      {
        timeout: 60000,
      },
    );
    const status = await text('#file-status');
    assert.match(status, /\S.* The current model is unchanged\.$/, `${name}: ${status}`);
    assert.ok(!/undefined|null|\[object|TypeError|RangeError/.test(status), `${name}: ${status}`);
    assert.equal(await modelHash(), before, `${name} changed the model`);
    assert.equal(await step(), stepBefore);
  }
  // the real file loads; the model trains on
  await page.setInputFiles('#load', await file('real.safetensors', real));
  await page.waitForFunction(() =>
    /^Loaded real\.safetensors/.test(document.querySelector('#file-status').textContent),
  );
  assert.equal(await modelHash(), before);
  await steps(1);
  assert.deepEqual(page.errors, []);
  await answersClick('#sample-now');
});

/** Press Step `n` times, each time waiting for its update. */
async function steps(n) {
  const start = await step();
  for (let i = 1; i <= n; i++) {
    await page.click('#step');
    await page.waitForFunction((s) => window.lmlab.step === s, start + i, { timeout: 30000 });
  }
}

test('hostile training texts: each refused with a sentence naming it, the corpus and model kept', async () => {
  const before = await modelHash();
  const stats = await text('#corpus-stats');
  const enc = (s) => new TextEncoder().encode(s);
  const cases = [
    [
      'latin1.txt',
      Uint8Array.from([...enc('caf'), 0xe9, ...enc(' au lait, '.repeat(20))]),
      /latin1\.txt is not valid UTF-8 \(first bad byte 0xe9 at offset 3\)/,
    ],
    [
      'nul.txt',
      Uint8Array.from([...enc('abc def '.repeat(10)), 0, ...enc('ghi')]),
      /nul\.txt looks like a binary file \(a NUL byte at offset 80\)/,
    ],
    ['empty.txt', new Uint8Array(0), /empty\.txt is empty/],
    ['spaces.txt', enc(' \n\t\r\n   \u3000 '), /spaces\.txt is only white space/],
    [
      'utf16.txt',
      Uint8Array.from([0xff, 0xfe, 0x68, 0, 0x69, 0]),
      /utf16\.txt (is not valid UTF-8 \(first bad byte 0xff at offset 0\)|looks like a binary file)/,
    ],
    [
      'cut.txt',
      Uint8Array.from([...enc('a longer text that ends in '), 0xe2, 0x82]),
      /cut\.txt is not valid UTF-8 \(first bad byte 0xe2 at offset 27\)/,
    ],
    ['one.txt', enc('x'), /one\.txt has 1 characters; give the model at least 2/],
    [
      'huge.txt',
      new Uint8Array(32 * 1024 * 1024 + 1).fill(0x61),
      /huge\.txt is 32\.0 MB; the page holds at most 32\.0 MB/,
    ],
  ];
  for (const [name, body, expected] of cases) {
    await page.evaluate(() => {
      document.querySelector('#corpus-error').textContent = '';
    });
    await page.setInputFiles('#file', await file(name, body));
    await page.waitForFunction(() => document.querySelector('#corpus-error').textContent.length > 0, null, {
      timeout: 60000,
    });
    assert.match(await text('#corpus-error'), expected);
    assert.equal(await text('#corpus-stats'), stats, `${name} replaced the corpus`);
    assert.equal(await modelHash(), before, `${name} changed the model`);
  }
  // pasted text with a broken surrogate pair
  await page.evaluate(() => {
    document.querySelector('#corpus-error').textContent = '';
    document.querySelector('#paste').value = 'abc \uD800 def';
  });
  await page.evaluate(() => document.querySelector('#use-paste').click()); // the paste box is folded away
  await page.waitForFunction(() => document.querySelector('#corpus-error').textContent.length > 0);
  assert.match(await text('#corpus-error'), /The pasted text contains a broken surrogate pair/);
  assert.equal(await modelHash(), before);
  assert.deepEqual(page.errors, []);
  await answersClick('#step');
});

test('rapid clicking: Train, Step, Reset, files and corpus switches as fast as a script can', async () => {
  const good = await file('good.txt', 'the quick brown fox jumps over the lazy dog. '.repeat(60));
  const bad = await file('bad.txt', Uint8Array.from([0x61, 0x62, 0xff, 0x63]));
  const model = await file('random-model.safetensors', new Uint8Array(512).fill(7));
  // a seeded order of 120 actions, each fired without waiting for the last
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
  const actions = [];
  for (let i = 0; i < 120; i++)
    actions.push(['#train', '#train', '#step', '#step', '#reset', 'file', 'load', 'corpus'][next() % 8]);
  for (const action of actions) {
    if (action === 'file') void page.setInputFiles('#file', next() % 2 ? good : bad).catch(() => {});
    else if (action === 'load') void page.setInputFiles('#load', model).catch(() => {});
    else if (action === 'corpus')
      await page.selectOption('#corpus', ['garden', 'hello', 'brackets'][next() % 3]).catch(() => {});
    else await page.evaluate((sel) => document.querySelector(sel).click(), action);
  }
  // settle: pause, wait for the last request, then the page must be consistent and working
  await page.waitForTimeout(3000);
  await page.evaluate(async () => {
    if (window.lmlab.running) document.querySelector('#train').click();
  });
  await page.waitForFunction(() => !window.lmlab.running, null, { timeout: 60000 });
  await page.evaluate(() => window.lmlab.settle());
  await page.waitForTimeout(1000);
  const paused = await step();
  await page.waitForTimeout(800);
  assert.equal(await step(), paused, 'steps advanced while paused');
  if (!(await page.evaluate(() => window.lmlab.model?.trainable))) {
    await page.selectOption('#model', 'rnn');
    await page.waitForFunction(() => window.lmlab.model?.trainable, null, { timeout: 60000 });
  }
  // one click of Step is one step
  const before = await step();
  await page.click('#step');
  await page.waitForFunction((s) => window.lmlab.step === s + 1, before, { timeout: 30000 });
  await page.waitForTimeout(400);
  assert.equal(await step(), before + 1, 'Step ran more than one update');
  await answersClick('#sample-now');
  assert.deepEqual(page.errors, []);
  assert.deepEqual(dialogs, []);
});

test('hostile pairs files and rapid clicks in the seq2seq mode: named, the run kept, the mode still works', async () => {
  const s2s = await browser.newPage('#seq2seq');
  await s2s.waitForFunction(() => window.lmlabSeq2Seq?.configured, null, { timeout: 120000 });
  const info = () => s2s.evaluate(() => JSON.stringify(window.lmlabSeq2Seq.info));
  const before = await info();
  await s2s.selectOption('#s2s-task', 'pairs');
  const cases = [
    ['empty.tsv', new Uint8Array(0), /empty\.tsv|usable pair/],
    ['nul.tsv', Uint8Array.from([0x61, 0x09, 0x62, 0x0a, 0x00, 0x09, 0x63]), /nul\.tsv.*NUL|binary/],
    [
      'no-pairs.tsv',
      new TextEncoder().encode('no tab on this line\n'.repeat(50)),
      /0 usable pairs of 50 lines.*line 1: no tab/,
    ],
    [
      'huge.tsv',
      new Uint8Array(16 * 1024 * 1024 + 1).fill(0x61),
      /huge\.tsv is 16,777,217 bytes; the page takes pairs files up to 16 MB/,
    ],
  ];
  for (const [name, body, expected] of cases) {
    await s2s.evaluate(() => {
      document.querySelector('#s2s-data-error').textContent = '';
    });
    await s2s.setInputFiles('#s2s-file', await file(name, body));
    await s2s.waitForFunction(() => document.querySelector('#s2s-data-error').textContent.length > 0, null, {
      timeout: 60000,
    });
    assert.match(await s2s.innerText('#s2s-data-error'), expected, name);
    assert.equal(await info(), before, `${name} replaced the run`);
  }
  // rapid clicks on Train and Reset, then the run pauses and trains again
  await s2s.selectOption('#s2s-task', 'reverse');
  await s2s.waitForFunction(() => window.lmlabSeq2Seq.configured, null, { timeout: 60000 });
  for (let i = 0; i < 80; i++)
    await s2s.evaluate((id) => document.querySelector(id).click(), i % 3 === 2 ? '#s2s-reset' : '#s2s-train');
  await s2s.waitForTimeout(2000);
  await s2s.waitForFunction(() => window.lmlabSeq2Seq.configured, null, { timeout: 60000 });
  if (await s2s.evaluate(() => window.lmlabSeq2Seq.running)) await s2s.click('#s2s-train');
  await s2s.waitForFunction(() => !window.lmlabSeq2Seq.running, null, { timeout: 60000 });
  const at = await s2s.evaluate(() => window.lmlabSeq2Seq.stats.step);
  await s2s.click('#s2s-train');
  await s2s.waitForFunction((s) => window.lmlabSeq2Seq.stats.step > s + 5, at, { timeout: 60000 });
  await s2s.click('#s2s-train');
  await s2s.waitForFunction(() => !window.lmlabSeq2Seq.running, null, { timeout: 60000 });
  assert.deepEqual(s2s.errors, []);
  await s2s.close();
});
