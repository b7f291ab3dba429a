// harness.mjs — start Debian Chromium (playwright-core, never a downloaded browser) and a static
// server for dist/ on 127.0.0.1 for the browser tests; collect page errors so a test can assert the
// page logged none. Flags per ../shared/TOOLCHAIN.md; a fresh profile each run.
import { chromium } from 'playwright-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStaticServer } from '../../scripts/static-server.mjs';

export const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Serve `root` and launch a browser. Returns { url, browser, newPage(path?), close() }.
 * newPage(path, viewport?, listen?) opens url+path (path may carry a query) and records console errors in
 * page.errors; listen(page) runs before the page loads (to watch its requests).
 * @param {string} root
 */
export async function openBrowser(root) {
  const { server, url } = await startStaticServer(root, 0);
  const profile = await mkdtemp(join(tmpdir(), 'lmlab-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    acceptDownloads: true,
    viewport: { width: 1400, height: 900 },
  });
  return {
    url,
    context,
    async newPage(path = '', viewport = undefined, listen = undefined) {
      const page = await context.newPage();
      listen?.(page);
      if (viewport) await page.setViewportSize(viewport);
      page.errors = [];
      page.on('pageerror', (err) => page.errors.push(`pageerror: ${err.message}`));
      page.on('console', (msg) => {
        if (msg.type() === 'error') page.errors.push(`console: ${msg.text()}`);
      });
      await page.goto(url + path);
      return page;
    },
    async close() {
      await context.close().catch(() => {});
      await new Promise((resolve) => server.close(resolve));
      await rm(profile, { recursive: true, force: true });
    },
  };
}
