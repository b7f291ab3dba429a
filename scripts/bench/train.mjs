// train.mjs (benchmark) — char-level training speed of the models of issue #6 (RNN H 100 batch 1, the
// lecture's min-char-rnn settings; RNN H 128 and 256, LSTM H 256, GRU H 256 at batch 32; T 25) on
// ../shared/data/tinyshakespeare.txt when present (else the Brown text), trained on its first 90%:
// the same C training loop natively (build/bench/train -O3 -march=native, build/bench-sse/train
// -msse4.2 -mno-avx), as WASM in Node (a child process per run: _train-node.mjs) and as WASM in a
// headless-Chromium module Web Worker (_train-worker.mjs), each WASM both as the plain SIMD128 build
// and as the fused multiply-add build (relaxed SIMD: build/lmlab-fma.wasm; Node 20 runs it with
// --experimental-wasm-relaxed-simd), interleaved run by run, medians of rounds.
// Then (unless --quick) the quality runs: held-out loss (last 10%, one stream, batch 1) after a
// CPU-time budget of WASM training in Node for the RNN H 128 and the LSTM H 256.
// Flags: --quick (no quality runs), --rounds R (3), --budget S (60), --no-browser, --rows a,b (only
// those speed rows, by name: rnn100-b1, rnn128, rnn256, lstm256, gru256).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openBenchWorker } from './_bench-worker.mjs';
import { benchCorpus, fmt, median, numberFlags } from './_common.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

// The batched speed rows train with embedding 32, Adam lr 2e-3 (the CLI's default rate; the rate does not change the speed), global-norm
// clip 125 = 5·T (our gradients are of the loss summed over T = 25, PyTorch's of the mean: its clip 5).
const ADAM = { embedding: 32, batch: 32, seq: 25, optimizer: 'adam', lr: 0.002, clip: 125, clipMode: 'norm' };
/** name, label, config, characters per timed run (about a second natively) */
export const CONFIGS = [
  {
    name: 'rnn100-b1',
    label: 'RNN H 100, N 1 (min-char-rnn: one-hot, Adagrad 0.1, clip ±5)',
    chars: 60000,
    config: {
      cell: 'rnn',
      hidden: 100,
      embedding: 0,
      batch: 1,
      seq: 25,
      optimizer: 'adagrad',
      lr: 0.1,
      clip: 5,
      clipMode: 'value',
    },
  },
  { name: 'rnn128', label: 'RNN H 128, N 32', chars: 240000, config: { cell: 'rnn', hidden: 128, ...ADAM } },
  { name: 'rnn256', label: 'RNN H 256, N 32', chars: 120000, config: { cell: 'rnn', hidden: 256, ...ADAM } },
  { name: 'lstm256', label: 'LSTM H 256, N 32', chars: 32000, config: { cell: 'lstm', hidden: 256, ...ADAM } },
  { name: 'gru256', label: 'GRU H 256, N 32', chars: 40000, config: { cell: 'gru', hidden: 256, ...ADAM } },
];
// Quality runs: held-out loss after the budget, each with the learning rate that did best in 60 s and a
// linear decay over the budget (linearDecay in _train-run.mjs). Measured on 2026-11-22, 60 s, E 32,
// held-out one stream: RNN H 128 constant 2e-3 1.735, decayed 4e-3 1.702; LSTM H 256 decayed 4e-3 3.50
// (the one-stream latch, see docs/benchmarks.md), 8e-3 1.680, 1.5e-2 1.797; LSTM H 128 decayed 4e-3 1.810,
// 8e-3 1.659, 1.5e-2 1.659. The LSTM H 128 row is there because it learns more per minute here.
const QUALITY = [
  { name: 'rnn128', label: 'RNN H 128, E 32, Adam 4e-3 decayed', hidden: 128, lr: 0.004 },
  { name: 'lstm256', label: 'LSTM H 256, E 32, Adam 8e-3 decayed', hidden: 256, lr: 0.008 },
  { name: 'lstm256', label: 'LSTM H 128, E 32, Adam 8e-3 decayed', hidden: 128, lr: 0.008 },
];
const BUILDS = ['native', 'sse', 'wasm', 'wasmFma', 'browser', 'browserFma'];
/** The Node flag that turns relaxed SIMD on, where this Node needs one (Node 20); [] where it is on already. */
const RELAXED_FLAG = (() => {
  const probe = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', '-e', '0']);
  return probe.status === 0 ? ['--experimental-wasm-relaxed-simd'] : [];
})();

export const title =
  'Training: chars/s native vs WASM (Node, Chromium worker), T 25, char level; held-out loss after a budget';

function cliArgs(c) {
  return [
    '--cell',
    c.cell,
    '--hidden',
    String(c.hidden),
    '--embedding',
    String(c.embedding),
    '--batch',
    String(c.batch),
    '--seq',
    String(c.seq),
    '--optimizer',
    c.optimizer,
    '--lr',
    String(c.lr),
    '--clip',
    String(c.clip),
    '--clip-mode',
    c.clipMode,
  ];
}

function runJson(command, args, what) {
  const out = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (out.status !== 0) throw new Error(`${what} failed (${out.status}): ${out.stderr}`);
  return JSON.parse(out.stdout);
}

/** One native run: chars/s of the CPU time of the timed steps (the process is single-threaded). */
function nativeRun(binary, path, c, steps) {
  const r = runJson(binary, [path, '--steps', String(steps), ...cliArgs(c)], binary);
  return {
    charsPerSecond: r.chars_per_second,
    wallCharsPerSecond: (steps * c.batch * c.seq) / r.wall_seconds,
    msPerStep: r.ms_per_step,
    peakBytes: r.peak_rss_bytes,
    params: r.params,
  };
}

/** One WASM run in a fresh Node (fma: the relaxed-SIMD build): chars/s of min(CPU, wall) (CPU time
 * also counts V8's helper threads). */
function nodeRun(path, c, steps, fma = false) {
  const r = runJson(
    process.execPath,
    [
      ...(fma ? RELAXED_FLAG : []),
      join(ROOT, 'scripts/bench/_train-node.mjs'),
      path,
      JSON.stringify(c),
      '--steps',
      String(steps),
      ...(fma ? ['--fma'] : []),
    ],
    'WASM run',
  );
  const seconds = Math.min(r.cpuSeconds, r.wallSeconds);
  return {
    charsPerSecond: r.chars / seconds,
    wallCharsPerSecond: r.chars / r.wallSeconds,
    msPerStep: (1000 * seconds) / steps,
    peakBytes: r.peakRssBytes,
    wasmMemoryBytes: r.wasmMemoryBytes,
    params: r.params,
  };
}

/** Chromium with a module worker running _train-worker.mjs on the repo root; null if it cannot start. */
async function openWorker(text, log) {
  const worker = await openBenchWorker(ROOT, 'scripts/bench/_train-worker.mjs', { text }, log);
  if (!worker) return null;
  return {
    version: worker.version,
    /** One run in the worker (fma: the relaxed-SIMD build); its CPU time is estimated as in openBenchWorker's call(). */
    async run(c, steps, fma = false) {
      const { result: r, share } = await worker.call({ config: c, steps, fma });
      const seconds = r.wallSeconds * share;
      return {
        charsPerSecond: r.chars / seconds,
        wallCharsPerSecond: r.chars / r.wallSeconds,
        msPerStep: (1000 * seconds) / steps,
        wasmMemoryBytes: r.wasmMemoryBytes,
        errors: worker.errors(),
      };
    },
    close: worker.close,
  };
}

/** One quality run: WASM in a fresh Node, `seconds` of CPU time, then the held-out loss (one stream). */
function qualityRun(path, c, seconds) {
  return runJson(
    process.execPath,
    [join(ROOT, 'scripts/bench/_train-node.mjs'), path, JSON.stringify(c), '--seconds', String(seconds)],
    'quality run',
  );
}

const mib = (b) => (b ? `${(b / 1048576).toFixed(1)}` : '-');

/** @param {{ log: (line: string) => void, args?: string[] }} options */
export async function run({ log, args = [] }) {
  const flag = numberFlags(args);
  const rounds = flag('--rounds', 3);
  const budget = flag('--budget', 60);
  const quick = args.includes('--quick');
  const { path, corpus, text } = await benchCorpus();
  const bins = { native: join(ROOT, 'build/bench/train'), sse: join(ROOT, 'build/bench-sse/train') };
  for (const [k, b] of Object.entries(bins))
    if (!existsSync(b)) {
      log(`${b} missing: run make bench (native ${k} not measured)`);
      bins[k] = null;
    }
  const rowsIndex = args.indexOf('--rows');
  const configs = rowsIndex >= 0 ? CONFIGS.filter((x) => args[rowsIndex + 1].split(',').includes(x.name)) : CONFIGS;
  if (!configs.length) throw new Error(`--rows names none of ${CONFIGS.map((x) => x.name).join(', ')}`);
  const worker = args.includes('--no-browser') ? null : await openWorker(text, log);
  const loads = [];
  const samples = Object.fromEntries(configs.map((x) => [x.name, Object.fromEntries(BUILDS.map((b) => [b, []]))]));
  try {
    for (let r = 0; r < rounds; r++) {
      loads.push((await import('node:os')).loadavg()[0]);
      for (const x of configs) {
        const steps = Math.max(1, Math.round(x.chars / (x.config.batch * x.config.seq)));
        // rotate the order of the builds from round to round, so none always runs first
        const order = BUILDS.map((_, i) => BUILDS[(i + r) % BUILDS.length]);
        for (const b of order) {
          if (b === 'native' && bins.native) samples[x.name][b].push(nativeRun(bins.native, path, x.config, steps));
          if (b === 'sse' && bins.sse) samples[x.name][b].push(nativeRun(bins.sse, path, x.config, steps));
          if (b === 'wasm') samples[x.name][b].push(nodeRun(path, x.config, steps));
          if (b === 'wasmFma') samples[x.name][b].push(nodeRun(path, x.config, steps, true));
          if (b === 'browser' && worker) samples[x.name][b].push(await worker.run(x.config, steps));
          if (b === 'browserFma' && worker) samples[x.name][b].push(await worker.run(x.config, steps, true));
        }
      }
    }
  } finally {
    await worker?.close();
  }
  const rows = configs.map((x) => {
    const s = samples[x.name];
    const med = (b, key) => median(s[b].map((v) => v[key]));
    const row = {
      name: x.name,
      model: x.label,
      config: x.config,
      params: s.wasm[0]?.params,
      native: med('native', 'charsPerSecond'),
      sse: med('sse', 'charsPerSecond'),
      wasm: med('wasm', 'charsPerSecond'),
      wasmWall: med('wasm', 'wallCharsPerSecond'),
      wasmFma: med('wasmFma', 'charsPerSecond'),
      browser: med('browser', 'charsPerSecond'),
      browserFma: med('browserFma', 'charsPerSecond'),
      browserWall: med('browser', 'wallCharsPerSecond'),
      msPerStep: med('wasm', 'msPerStep'),
      nativePeakBytes: med('native', 'peakBytes'),
      nodePeakBytes: med('wasm', 'peakBytes'),
      wasmMemoryBytes: med('wasm', 'wasmMemoryBytes'),
      samples: s,
    };
    row.wasmOverSse = row.sse ? row.wasm / row.sse : null;
    row.wasmOverNative = row.native ? row.wasm / row.native : null;
    row.browserOverNode = row.browser ? row.browser / row.wasm : null;
    row.browserOverNodeWall = row.browserWall ? row.browserWall / row.wasmWall : null;
    row.fmaOverSimd = row.wasmFma && row.wasm ? row.wasmFma / row.wasm : null;
    row.browserFmaOverSimd = row.browserFma && row.browser ? row.browserFma / row.browser : null;
    return row;
  });
  const quality = [];
  if (!quick) {
    for (const { name, label, hidden, lr } of QUALITY) {
      const config = { ...CONFIGS.find((c) => c.name === name).config, hidden, lr, lrDecay: 'linear' };
      const q = qualityRun(path, config, budget);
      quality.push({ name, model: label, config, budgetCpuSeconds: budget, ...q });
    }
  }
  const result = { corpus, rounds, loadAverages: loads, browser: worker?.version ?? null, rows, quality, budget };
  result.targets = targets(result);
  for (const line of formatTables(result)) log(line);
  return result;
}

/**
 * The targets checked against a result: { target, value, met } per line (value null: not measured).
 * @param {{ rows: any[] }} result
 */
export function targets({ rows }) {
  const row = (name) => rows.find((r) => r.name === name) ?? {};
  const out = [];
  const add = (target, value, met) =>
    out.push({ target, value, met: value === null || value === undefined ? null : met(value) });
  for (const r of rows) add(`${r.model}: WASM in Node ≥ 0.7 × native 128-bit`, r.wasmOverSse, (v) => v >= 0.7);
  for (const r of rows) add(`${r.model}: Chromium worker ≥ 0.9 × Node WASM`, r.browserOverNode, (v) => v >= 0.9);
  for (const r of rows) add(`${r.model}: FMA build ≥ 1.0 × SIMD128 in Node`, r.fmaOverSimd, (v) => v >= 1);
  add('RNN H 128, N 32, WASM ≥ 115,000 chars/s', row('rnn128').wasm, (v) => v >= 115000);
  add('LSTM H 256, N 32, WASM ≥ 16,000 chars/s', row('lstm256').wasm, (v) => v >= 16000);
  add('RNN H 100, N 1, WASM ≥ 90,000 chars/s', row('rnn100-b1').wasm, (v) => v >= 90000);
  // held-out loss against PyTorch's, measured in the same run: scripts/bench/pytorch.mjs
  return out;
}

/** The Markdown tables (and the target lines) of a result, as printed and as docs/benchmarks.md carries them. */
export function formatTables(result) {
  const { rows, quality } = result;
  const lines = [];
  lines.push(
    `corpus: ${result.corpus} (first 90% trained on); ${result.rounds} rounds, builds interleaved; load average ${result.loadAverages.map((l) => l.toFixed(1)).join(', ')}`,
  );
  if (result.browser) lines.push(`browser: headless Chromium ${result.browser}, module Web Worker`);
  lines.push('');
  lines.push(
    '| model | params | native chars/s | native 128-bit | WASM Node | WASM / 128-bit | WASM / native | WASM ms/step | Chromium worker | Chromium / Node (wall-time ratio) | peak: native RSS / Node RSS / WASM memory (MiB) |',
  );
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const w of rows) {
    lines.push(
      `| ${w.model} | ${fmt(w.params)} | ${fmt(w.native)} | ${fmt(w.sse)} | ${fmt(w.wasm)} | ${fmt(w.wasmOverSse, 2)} | ${fmt(w.wasmOverNative, 2)} | ${fmt(w.msPerStep, 2)} | ${fmt(w.browser)} | ${fmt(w.browserOverNode, 2)} (${fmt(w.browserOverNodeWall, 2)}) | ${mib(w.nativePeakBytes)} / ${mib(w.nodePeakBytes)} / ${mib(w.wasmMemoryBytes)} |`,
    );
  }
  lines.push('');
  lines.push(
    '| model | WASM SIMD128, Node | WASM FMA (relaxed SIMD), Node | FMA / SIMD128 | Chromium worker SIMD128 | Chromium worker FMA | FMA / SIMD128 |',
  );
  lines.push('|---|---:|---:|---:|---:|---:|---:|');
  for (const w of rows)
    lines.push(
      `| ${w.model} | ${fmt(w.wasm)} | ${fmt(w.wasmFma)} | ${fmt(w.fmaOverSimd, 2)} | ${fmt(w.browser)} | ${fmt(w.browserFma)} | ${fmt(w.browserFmaOverSimd, 2)} |`,
    );
  if (quality.length) {
    lines.push('');
    lines.push(
      '| quality run (WASM in Node, N 32, T 25, norm clip 125 = 5·T, rate decayed linearly to 1/50 over the budget) | CPU s | wall s | steps | chars/s | train loss | held-out loss, one stream | held-out, 32 streams |',
    );
    lines.push('|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const q of quality) {
      lines.push(
        `| ${q.model} | ${q.cpuSeconds.toFixed(1)} | ${q.wallSeconds.toFixed(1)} | ${q.steps} | ${fmt(q.chars / q.cpuSeconds)} | ${q.trainLoss.toFixed(3)} | ${q.heldOutLoss.toFixed(3)} | ${q.heldOutLoss32?.toFixed(3) ?? '-'} |`,
      );
    }
  }
  lines.push('');
  for (const t of result.targets ?? []) {
    const v = t.value === null || t.value === undefined ? '-' : t.value >= 100 ? fmt(t.value) : t.value.toFixed(2);
    lines.push(`- ${t.met === null ? 'not measured' : t.met ? 'met' : 'MISSED'}: ${t.target} (${v})`);
  }
  return lines;
}
