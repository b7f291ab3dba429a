// _bench-worker.mjs — the Chromium side of the training benchmarks (train.mjs, seq2seq.mjs): headless
// Chromium serving the repository, an empty page (_train-browser.html) hosting a module Web Worker — as
// the page trains — that answers { id, …message } with { id, result } or { id, error }; and an estimate
// of the worker's CPU time, which a worker cannot read itself: Chromium's CPU time from /proc.
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** CPU seconds used so far by every descendant process of this one (Linux /proc; null elsewhere):
 * during a browser run that is Chromium (our WASM children run one at a time, never alongside it). */
export function descendantsCpuSeconds() {
  if (!existsSync('/proc/self/stat')) return null;
  const procs = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // f[0] = field 3 (state)
      procs.push({ pid: Number(d), ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      /* the process ended meanwhile */
    }
  }
  const mine = new Set([process.pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of procs)
      if (!mine.has(p.pid) && mine.has(p.ppid)) {
        mine.add(p.pid);
        grew = true;
      }
  }
  let ticks = 0;
  for (const p of procs) if (p.pid !== process.pid && mine.has(p.pid)) ticks += p.ticks;
  return ticks / 100; // USER_HZ is 100 on Linux
}

/**
 * Chromium with a module worker (`workerPath`, relative to `root`) that first receives `init`;
 * null (and a logged reason) if it cannot start. call(message) resolves to { result, share }: share is
 * the fraction of the call's wall time Chromium spent on a CPU (at most 1; from /proc), so a run's
 * timed wall seconds times share stand for its CPU time, as min(CPU, wall) does for Node. The worker's
 * result must carry totalWallSeconds (the whole call's wall time in the worker).
 * @param {string} root @param {string} workerPath @param {object} init @param {(line: string) => void} log
 */
export async function openBenchWorker(root, workerPath, init, log) {
  let openBrowser;
  try {
    ({ openBrowser } = await import('../../tests/browser/harness.mjs'));
  } catch (err) {
    log(`browser: not measured (${err.message.split('\n')[0]})`);
    return null;
  }
  let browser;
  try {
    browser = await openBrowser(root);
    const page = await browser.newPage('scripts/bench/_train-browser.html');
    await page.evaluate(
      async ({ path, first }) => {
        const worker = new Worker(new URL(`/${path}`, location.href), { type: 'module' });
        let next = 0;
        const waiting = new Map();
        worker.onmessage = ({ data }) => {
          const done = waiting.get(data.id);
          waiting.delete(data.id);
          if (data.error) done.reject(new Error(data.error));
          else done.resolve(data.result);
        };
        worker.onerror = (event) => {
          for (const w of waiting.values()) w.reject(new Error(event.message));
        };
        window.benchCall = (message) =>
          new Promise((resolve, reject) => {
            const id = next++;
            waiting.set(id, { resolve, reject });
            worker.postMessage({ id, ...message });
          });
        await window.benchCall(first);
      },
      { path: workerPath, first: init },
    );
    return {
      version: browser.context.browser()?.version() ?? 'Chromium',
      async call(message) {
        const c0 = descendantsCpuSeconds();
        const result = await page.evaluate((m) => window.benchCall(m), message);
        const share = c0 === null ? 1 : Math.min(1, (descendantsCpuSeconds() - c0) / result.totalWallSeconds);
        return { result, share };
      },
      errors: () => page.errors.slice(),
      close: () => browser.close(),
    };
  } catch (err) {
    await browser?.close();
    log(`browser: not measured (${err.message.split('\n')[0]})`);
    return null;
  }
}
