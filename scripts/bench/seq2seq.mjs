// seq2seq.mjs (benchmark) — sequence to sequence on the reverse task, source lengths 5–25, an LSTM H 64
// (E 32, batch 32, Adam 3e-3, clip norm 1, the CLI's defaults) without attention, with dot and with
// additive attention:
// - speed: training pairs/s of the WASM build in a fresh Node (CPU time) and in a headless-Chromium
//   module Web Worker (its CPU share from /proc), interleaved run by run, medians of rounds;
// - quality (unless --quick): after a CPU-time budget of WASM training in Node (default 60 s), the
//   held-out loss and exact-match accuracy (greedy) on reverse strings never seen in training, overall
//   and by source length, for each attention and seed.
// Flags: --quick (speed only), --rounds R (3), --budget S (60), --seeds 1,2 (data and model seeds),
// --no-browser.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openBenchWorker } from './_bench-worker.mjs';
import { fmt, median } from './_common.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BASE = {
  task: 'reverse',
  dataSeed: 1,
  train: 20000,
  test: 500,
  lengths: [5, 25],
  testLengths: [5, 25],
  cell: 'lstm',
  hidden: 64,
  embedding: 32,
  batch: 32,
  lr: 0.003,
  clip: 1,
  seed: 1,
};
const ATTENTIONS = ['none', 'dot', 'additive'];
const SPEED_STEPS = 60;
/** the length bins of the tables */
const BINS = [
  [5, 9],
  [10, 14],
  [15, 19],
  [20, 25],
];

export const title =
  'Sequence to sequence: reverse, lengths 5–25, LSTM H 64 — training pairs/s (Node, Chromium worker) and held-out exact match after a budget';

const pct = (x) => (x === null || x === undefined ? '-' : `${(100 * x).toFixed(1)} %`);

function runJson(args, what) {
  const out = spawnSync(process.execPath, [join(ROOT, 'scripts/bench/_seq2seq-node.mjs'), ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 22,
  });
  if (out.status !== 0) throw new Error(`${what} failed (${out.status}): ${out.stderr}`);
  return JSON.parse(out.stdout);
}

/** Exact match of the pairs whose source length falls in [lo, hi]. */
function binAccuracy(byLength, [lo, hi]) {
  const g = byLength.filter((x) => x.length >= lo && x.length <= hi);
  const pairs = g.reduce((n, x) => n + x.pairs, 0);
  return pairs ? g.reduce((n, x) => n + x.exact, 0) / pairs : null;
}

/** @param {{ log: (line: string) => void, args?: string[] }} options */
export async function run({ log, args = [] }) {
  const flag = (name, fallback) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : fallback;
  };
  const rounds = Number(flag('--rounds', 3));
  const budget = Number(flag('--budget', 60));
  const seeds = String(flag('--seeds', '1,2')).split(',').map(Number);
  const quick = args.includes('--quick');
  const worker = args.includes('--no-browser')
    ? null
    : await openBenchWorker(ROOT, 'scripts/bench/_seq2seq-worker.mjs', { ready: true }, log);
  const speed = Object.fromEntries(ATTENTIONS.map((a) => [a, { node: [], browser: [], params: null }]));
  const loads = [];
  try {
    for (let r = 0; r < rounds; r++) {
      loads.push((await import('node:os')).loadavg()[0]);
      for (const attention of ATTENTIONS) {
        const config = { ...BASE, attention };
        const order = r % 2 ? ['browser', 'node'] : ['node', 'browser'];
        for (const b of order) {
          if (b === 'node') {
            const x = runJson([JSON.stringify(config), '--steps', String(SPEED_STEPS)], 'WASM run');
            speed[attention].node.push(x.pairs / Math.min(x.cpuSeconds, x.wallSeconds));
            speed[attention].params = x.params;
            speed[attention].tokensPerPair = x.tokens / x.pairs;
          } else if (worker) {
            const { result: x, share } = await worker.call({ config, steps: SPEED_STEPS });
            speed[attention].browser.push(x.pairs / (x.wallSeconds * share));
          }
        }
      }
    }
  } finally {
    await worker?.close();
  }
  const speedRows = ATTENTIONS.map((attention) => {
    const s = speed[attention];
    const node = median(s.node),
      browser = median(s.browser);
    return {
      attention,
      params: s.params,
      nodePairsPerSecond: node,
      browserPairsPerSecond: browser,
      browserOverNode: node && browser ? browser / node : null,
      targetTokensPerPair: s.tokensPerPair,
      samples: s,
    };
  });
  const quality = [];
  if (!quick) {
    for (const seed of seeds) {
      for (const attention of ATTENTIONS) {
        const config = { ...BASE, attention, dataSeed: seed, seed };
        const q = runJson([JSON.stringify(config), '--seconds', String(budget)], 'quality run');
        quality.push({
          attention,
          seed,
          budgetCpuSeconds: budget,
          ...q,
          bins: BINS.map((b) => binAccuracy(q.byLength, b)),
        });
      }
    }
  }
  const result = {
    base: BASE,
    rounds,
    speedSteps: SPEED_STEPS,
    loadAverages: loads,
    browser: worker?.version ?? null,
    speed: speedRows,
    quality,
    budget,
  };
  for (const line of formatTables(result)) log(line);
  return result;
}

/** The Markdown tables of a result, as printed and as docs/seq2seq.md carries them. */
export function formatTables(result) {
  const lines = [];
  const b = result.base;
  lines.push(
    `reverse: ${b.train} training pairs, source lengths ${b.lengths.join('–')}, held-out ${b.test} (lengths ${b.testLengths.join('–')}, never in training); ` +
      `${b.cell} H ${b.hidden}, E ${b.embedding}, batch ${b.batch}, Adam ${b.lr}, clip norm ${b.clip}; load average ${result.loadAverages.map((l) => l.toFixed(1)).join(', ')}`,
  );
  if (result.browser) lines.push(`browser: headless Chromium ${result.browser}, module Web Worker`);
  lines.push('');
  lines.push(`| attention | params | WASM Node pairs/s | Chromium worker pairs/s | Chromium / Node |`);
  lines.push('|---|---:|---:|---:|---:|');
  for (const r of result.speed) {
    lines.push(
      `| ${r.attention} | ${fmt(r.params)} | ${fmt(r.nodePairsPerSecond)} | ${fmt(r.browserPairsPerSecond)} | ${fmt(r.browserOverNode, 2)} |`,
    );
  }
  if (result.quality.length) {
    lines.push('');
    lines.push(`Held-out exact match (greedy) after ${result.budget} s of CPU time of WASM training in Node:`);
    lines.push('');
    lines.push(
      `| attention | seed | steps | pairs/s | held-out loss | exact match | ${BINS.map(([lo, hi]) => `len ${lo}–${hi}`).join(' | ')} |`,
    );
    lines.push(`|---|---:|---:|---:|---:|---:|${BINS.map(() => '---:').join('|')}|`);
    for (const q of result.quality) {
      lines.push(
        `| ${q.attention} | ${q.seed} | ${fmt(q.steps)} | ${fmt(q.pairs / q.cpuSeconds)} | ${fmt(q.heldOutLoss, 3)} | ${pct(q.exactMatch)} | ${q.bins.map(pct).join(' | ')} |`,
      );
    }
  }
  return lines;
}
