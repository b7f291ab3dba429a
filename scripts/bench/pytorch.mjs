// pytorch.mjs (benchmark) — lmlab against PyTorch on the same machine, issue #15's targets, in one run:
// 1. Speed: chars/s of RNN H 128, LSTM H 256 and GRU H 256 at batch 32 (T 25, E 32, Adam; train.mjs's
//    rows): PyTorch on one core (stock nn modules, one thread, OpenBLAS: _torch_train.py) beside lmlab on
//    every core (ParallelTrainer, _scaling-run.mjs) and on one thread, in Node and in a headless-Chromium
//    module worker (which trains on the fused multiply-add build where Chromium has relaxed SIMD). Runs
//    interleaved round by round in a rotated order, medians, wall-clock chars/s for all (PyTorch's CPU
//    time is its wall time to within 1%: one thread).
// 2. Quality per minute: held-out loss (the last 10% of the text read as one stream) after the same
//    budget: `lmlab train --minutes` with the CLI's defaults (every core) then `lmlab eval`, against
//    PyTorch's best recipe (Adam at the best base rate of TORCH_RATES, decayed linearly, clip 5).
// Needs /usr/bin/python3 with torch (`scripts/setup.sh bench` installs it and OpenBLAS); without it the
// PyTorch columns say "not measured". Flags: --rounds R (3), --seconds S per lmlab speed run (3),
// --budget S (60), --quick (speed only), --sweep (PyTorch quality at every rate of TORCH_RATES, not only
// the best), --no-browser.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { availableCores } from '../../wasm_glue/parallel.mjs';
import { matmulMacsPerChar, measurePeak } from './_ceiling.mjs';
import { benchCorpus, fmt, median, numberFlags } from './_common.mjs';
import { scalingRun } from './_scaling-run.mjs';
import { splitText } from './_train-run.mjs';
import { openScalingRunners } from './scaling.mjs';
import { CONFIGS } from './train.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PYTHON = '/usr/bin/python3';
const TORCH_SCRIPT = join(ROOT, 'scripts/bench/_torch_train.py');
const CLI = join(ROOT, 'scripts/lmlab.mjs');
const ROWS = ['rnn128', 'lstm256', 'gru256'];
/** PyTorch speed runs: steps of about 3 s each on this machine. */
const TORCH_STEPS = { rnn128: 600, lstm256: 120, gru256: 150 };
/** PyTorch's base rates tried for quality (Adam, decayed linearly to 1/50 over the budget); the first is
 * the best measured (docs/benchmarks.md, "lmlab against PyTorch"), the one run without --sweep. */
const TORCH_RATES = { rnn128: [0.004, 0.002, 0.008], lstm256: [0.008, 0.004, 0.016] };
const WHERE = ['torch', 'nodeAll', 'browserAll', 'nodeOne', 'browserOne'];

export const title = 'lmlab against PyTorch (one core, OpenBLAS): chars/s on every core, held-out loss per minute';

/** Whether /usr/bin/python3 can import torch (the reason when not). */
function torchStatus() {
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.error) return `no ${PYTHON}`;
  return probe.status === 0 ? null : `${PYTHON} cannot import torch (scripts/setup.sh bench installs it)`;
}

/** One PyTorch run of `_torch_train.py` (its JSON). */
function torchRun(path, config, extra) {
  const args = [TORCH_SCRIPT, path, '--cell', config.cell, '--hidden', String(config.hidden)];
  args.push('--embedding', String(config.embedding), '--batch', String(config.batch), '--seq', String(config.seq));
  const out = spawnSync(PYTHON, [...args, ...extra], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (out.status !== 0) throw new Error(`PyTorch run failed (${out.status}): ${out.stderr}`);
  return JSON.parse(out.stdout);
}

/** `lmlab` CLI with `args`, its stdout (throws with its stderr on failure). */
function cli(args) {
  const out = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 16 << 20 });
  if (out.status !== 0) throw new Error(`lmlab ${args[0]} failed (${out.status}): ${out.stderr}`);
  return out.stdout;
}

/**
 * lmlab's quality run as a user gets it: `lmlab train --minutes` with nothing but the cell and hidden
 * size (every other setting the CLI's default, every core), then `lmlab eval` of the held-out text as
 * one stream. @returns {{ heldOutLoss: number, seconds: number, steps: number | null, threads: string | null }}
 */
function lmlabQuality(path, heldPath, dir, cell, hidden, budget) {
  const model = join(dir, `${cell}${hidden}.safetensors`);
  const t0 = performance.now();
  const train = cli(
    ['train', '--data', path, '--cell', cell, '--hidden', String(hidden)].concat([
      '--minutes',
      String(budget / 60),
      '--out',
      model,
      '--quiet',
      '--checkpoint-minutes',
      '0',
    ]),
  );
  const seconds = (performance.now() - t0) / 1000;
  const evaluation = JSON.parse(cli(['eval', '--model', model, '--data', heldPath, '--json']));
  const steps = /(\d[\d,]*) steps in/.exec(train)?.[1];
  const threads = /on (\d+) threads?\b/.exec(train)?.[1];
  return {
    heldOutLoss: evaluation.loss,
    seconds,
    steps: steps ? Number(steps.replace(/,/g, '')) : null,
    threads: threads ?? null,
  };
}

export async function run({ log, args = [] }) {
  const flag = numberFlags(args);
  const rounds = flag('--rounds', 3);
  const seconds = flag('--seconds', 3);
  const budget = flag('--budget', 60);
  const quick = args.includes('--quick');
  const { path, corpus, text } = await benchCorpus();
  const noTorch = torchStatus();
  const cores = availableCores();
  log(`corpus: ${corpus}; this machine reports ${cpus().length} cores, lmlab trains on ${cores} ("every core")`);
  if (noTorch) log(`PyTorch: not measured (${noTorch})`);
  const { lm, ids, worker } = await openScalingRunners(text, args, log);
  const configs = CONFIGS.filter((c) => ROWS.includes(c.name));
  /** samples[row][where] = chars/s[] */
  const samples = Object.fromEntries(configs.map((c) => [c.name, Object.fromEntries(WHERE.map((w) => [w, []]))]));
  let torchInfo = null;
  let browserFma = null;
  const loads = [];
  try {
    for (let r = 0; r < rounds; r++) {
      loads.push(loadavg()[0]);
      for (const c of configs) {
        const order = WHERE.map((_, k) => WHERE[(k + r) % WHERE.length]);
        for (const where of order) {
          const s = samples[c.name][where];
          if (where === 'torch' && !noTorch) {
            const t = torchRun(path, c.config, ['--lr', String(c.config.lr), '--steps', String(TORCH_STEPS[c.name])]);
            torchInfo = { torch: t.torch, threads: t.threads, blas: t.blas };
            s.push(t.chars / t.wallSeconds);
          }
          if (where === 'nodeAll' || where === 'nodeOne') {
            const n = await scalingRun(lm, ids, c.config, where === 'nodeAll' ? cores : 0, seconds);
            s.push(n.chars / n.wallSeconds);
          }
          if (worker && (where === 'browserAll' || where === 'browserOne')) {
            const message = { config: c.config, threads: where === 'browserAll' ? cores : 0, seconds };
            const { result: b } = await worker.call(message);
            browserFma = b.fma ?? null;
            s.push(b.chars / b.wallSeconds);
          }
        }
      }
    }
  } finally {
    await worker?.close();
  }
  if (torchInfo) log(`PyTorch ${torchInfo.torch}, ${torchInfo.threads} thread, BLAS: ${torchInfo.blas}`);
  log(
    `Chromium worker: ${worker ? `${worker.version}, ${browserFma === null ? 'no speed run' : browserFma ? 'FMA (relaxed SIMD) build' : 'SIMD128 build'}` : 'not measured'}; Node: ${lm.fma ? 'FMA (relaxed SIMD)' : 'SIMD128'} build`,
  );
  log(
    `${rounds} rounds, ${seconds} s per lmlab run, medians, wall-clock chars/s; load average ${loads.map((l) => l.toFixed(1)).join(', ')}`,
  );
  log('');
  log(
    '| model | PyTorch, 1 core | lmlab Node, every core | / PyTorch | lmlab Chromium, every core | / PyTorch | lmlab Node, 1 thread | / PyTorch | lmlab Chromium, 1 thread | / PyTorch |',
  );
  log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const rows = configs.map((c) => {
    const m = Object.fromEntries(WHERE.map((w) => [w, median(samples[c.name][w])]));
    const over = (w) => (m[w] && m.torch ? m[w] / m.torch : null);
    const row = {
      name: c.name,
      model: c.label,
      ...m,
      ratios: Object.fromEntries(WHERE.slice(1).map((w) => [w, over(w)])),
    };
    log(
      `| ${c.label} | ${WHERE.map((w) => (w === 'torch' ? fmt(m[w]) : `${fmt(m[w])} | ${fmt(over(w), 2)}`)).join(' | ')} |`,
    );
    return row;
  });

  const ceiling = rounds > 0 ? ceilingTable(rows, configs, ids.V, cores, log) : null; // --rounds 0: quality only

  const quality = [];
  if (!quick) {
    const dir = mkdtempSync(join(tmpdir(), 'lmlab-bench-'));
    try {
      const heldPath = join(dir, 'held-out.txt');
      writeFileSync(heldPath, splitText(text, 0.1)[1]);
      for (const [name, cell, hidden] of [
        ['rnn128', 'rnn', 128],
        ['lstm256', 'lstm', 256],
      ]) {
        const config = configs.find((c) => c.name === name).config;
        const ours = lmlabQuality(path, heldPath, dir, cell, hidden, budget);
        const entry = { name, cell, hidden, budget, lmlab: ours, torch: [] };
        if (!noTorch) {
          const rates = args.includes('--sweep') ? TORCH_RATES[name] : TORCH_RATES[name].slice(0, 1);
          for (const lr of rates) {
            const t = torchRun(path, config, ['--lr', String(lr), '--decay', 'linear', '--seconds', String(budget)]);
            entry.torch.push({ lr, heldOutLoss: t.heldOutLoss, heldOutLoss32: t.heldOutLoss32, steps: t.steps });
          }
        }
        entry.torchBest = entry.torch.length ? Math.min(...entry.torch.map((t) => t.heldOutLoss)) : null;
        quality.push(entry);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    log('');
    log(
      `| held-out loss after ${budget} s (one stream, last 10%) | lmlab CLI defaults, every core | steps | PyTorch, 1 core: rate → loss (steps) |`,
    );
    log('|---|---:|---:|---|');
    for (const q of quality)
      log(
        `| ${q.cell.toUpperCase()} H ${q.hidden} | ${q.lmlab.heldOutLoss.toFixed(3)} | ${fmt(q.lmlab.steps)} | ${q.torch.map((t) => `${t.lr} → ${t.heldOutLoss.toFixed(3)} (${fmt(t.steps)})`).join('; ') || 'not measured'} |`,
      );
  }

  const targets = [];
  const add = (target, value, met) =>
    targets.push({ target, value, met: value === null || value === undefined ? null : met(value) });
  const row = (name) => rows.find((r) => r.name === name);
  for (const name of ['rnn128', 'lstm256']) {
    add(
      `${row(name).model}: lmlab every core (Node) ≥ 1.0 × PyTorch one core`,
      row(name).ratios.nodeAll,
      (v) => v >= 1,
    );
    add(
      `${row(name).model}: lmlab every core (Chromium worker) ≥ 1.0 × PyTorch one core`,
      row(name).ratios.browserAll,
      (v) => v >= 1,
    );
  }
  add(
    `LSTM H 256, N 32: one thread with FMA (Chromium worker) ≥ 0.8 × PyTorch one core`,
    browserFma ? row('lstm256').ratios.browserOne : null,
    (v) => v >= 0.8,
  );
  for (const q of quality)
    add(
      `${q.cell.toUpperCase()} H ${q.hidden}: held-out loss after ${q.budget} s ≤ PyTorch's best (${q.torchBest?.toFixed(3) ?? '-'})`,
      q.torchBest === null ? null : q.lmlab.heldOutLoss,
      (v) => v <= q.torchBest,
    );
  log('');
  for (const t of targets)
    log(
      `- ${t.met === null ? 'not measured' : t.met ? 'met' : 'MISSED'}: ${t.target} (${t.value === null || t.value === undefined ? '-' : t.value.toFixed(2)})`,
    );
  return { corpus, rounds, seconds, loads, torch: torchInfo, browserFma, rows, ceiling, quality, targets };
}

/**
 * The speeds above as matrix work per second, against this CPU's 128-bit multiply-add peak per core
 * (WebAssembly's vectors are 128 bits wide, so no .wasm build can pass it): what PyTorch reaches, what
 * lmlab reaches, and what issue #15's speed targets ask of a 128-bit build.
 */
function ceilingTable(rows, configs, V, cores, log) {
  const measured = measurePeak();
  log('');
  if ('error' in measured) {
    log(`Ceiling: not measured (${measured.error})`);
    return { error: measured.error };
  }
  const { peaks, simd128 } = measured;
  log(
    `Ceiling: one core's multiply-add peak, GMAC/s (build/bench/peak, this run): ${Object.entries(peaks)
      .map(([k, v]) => `${k} ${v.toFixed(1)}`)
      .join(', ')}. A .wasm runs 128-bit vectors: its ceiling is ${simd128.toFixed(1)} per core.`,
  );
  log(
    '| model | matrix MACs / char | PyTorch 1 core: GMAC/s (× 128-bit peak of 1 core) | lmlab Chromium 1 thread | lmlab Chromium every core (× peak of the cores) | 1 thread ≥ 0.8 × PyTorch needs | every core ≥ 1.0 × PyTorch needs |',
  );
  log('|---|---:|---:|---:|---:|---:|---:|');
  const out = [];
  for (const row of rows) {
    const macs = matmulMacsPerChar(configs.find((c) => c.name === row.name).config, V);
    const gmac = (charsPerSecond) => (charsPerSecond ? (charsPerSecond * macs) / 1e9 : null);
    const ofPeak = (charsPerSecond, n) => (charsPerSecond ? gmac(charsPerSecond) / (n * simd128) : null);
    const entry = {
      name: row.name,
      macsPerChar: macs,
      torch: ofPeak(row.torch, 1),
      browserOne: ofPeak(row.browserOne, 1),
      browserAll: ofPeak(row.browserAll, cores),
      oneThreadTarget: row.torch ? 0.8 * ofPeak(row.torch, 1) : null,
      everyCoreTarget: ofPeak(row.torch, cores),
    };
    const cell = (charsPerSecond, share) =>
      charsPerSecond ? `${gmac(charsPerSecond).toFixed(1)} (${share.toFixed(2)})` : '-';
    log(
      `| ${row.model} | ${fmt(macs)} | ${cell(row.torch, entry.torch)} | ${cell(row.browserOne, entry.browserOne)} | ${cell(row.browserAll, entry.browserAll)} | ${entry.oneThreadTarget === null ? '-' : `${entry.oneThreadTarget.toFixed(2)} × 1 core's peak`} | ${entry.everyCoreTarget === null ? '-' : `${entry.everyCoreTarget.toFixed(2)} × ${cores} cores' peak`} |`,
    );
    out.push(entry);
  }
  return { peaks, simd128, rows: out };
}
