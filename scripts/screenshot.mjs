// screenshot.mjs — `node scripts/screenshot.mjs [out.png] [seconds]`: the README's picture, made the
// way a reader would see it. Serves dist/ (run `make web` first), opens the page in headless Debian
// Chromium with the lesson link below (a 64-unit LSTM on the matching-brackets corpus, autoplay),
// lets it train for `seconds` (default 20), pauses, and saves the top 2,100 pixels of the page (the
// learning curve, samples, predictions, sentence scores; default docs/screenshot.png). Prints the step it stopped at, for the README's caption.
import { existsSync } from 'node:fs';
import { openBrowser } from '../tests/browser/harness.mjs';

const LINK = '?corpus=brackets&model=lstm&hidden=64&seq=64&lr=0.01&clip=5&seed=3&autoplay=1';
const out = process.argv[2] ?? 'docs/screenshot.png';
const seconds = Number(process.argv[3] ?? 20);
if (!Number.isFinite(seconds) || seconds <= 0)
  throw new Error(`seconds must be a positive number, got '${process.argv[3]}'`);
if (!existsSync('dist/index.html')) throw new Error('dist/ is missing: run `make web` first');

const browser = await openBrowser('dist');
try {
  const page = await browser.newPage(LINK);
  // training has started when the Train button says it is pressed
  await page.waitForSelector('#train[aria-pressed="true"]', { timeout: 60_000 });
  await page.waitForTimeout(seconds * 1000);
  await page.click('#train');
  await page.waitForSelector('#train[aria-pressed="false"]');
  // let the views draw their last snapshot
  await page.waitForTimeout(1500);
  await page.screenshot({ path: out, fullPage: true, clip: { x: 0, y: 0, width: 1400, height: 2100 } });
  const status = await page.textContent('#status');
  console.log(`${out}: ${status?.trim()}`);
  if (page.errors.length) throw new Error(`the page logged errors:\n${page.errors.join('\n')}`);
} finally {
  await browser.close();
}
