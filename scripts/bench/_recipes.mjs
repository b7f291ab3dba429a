#!/usr/bin/env node
// _recipes.mjs — held-out loss after a CPU-time budget for training recipes, per cell and seed: the
// measurement behind the CLI's and the page's per-cell defaults (docs/benchmarks.md, "Defaults").
// Each run is a fresh Node child (_train-node.mjs --seconds: WASM, plain SIMD128 build) trained on the
// first 90% of tinyshakespeare and scored on the last 10% read as one stream (and as 32 streams).
// --parallel P children at a time (default 2; the budget is each child's CPU time, so the step count
// of a run does not depend on the others, except through shared caches; the load average at each
// start is printed). Usage:
//   node scripts/bench/_recipes.mjs [--seconds 60] [--seeds 1,2] [--cells rnn,lstm,gru] [--recipes old,new]
//     [--parallel 2] [--data FILE] [--json]
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cellDefaults } from '../cli/_defaults.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const seconds = Number(opt('--seconds', '60'));
const seeds = opt('--seeds', '1,2').split(',').map(Number);
const cells = opt('--cells', 'rnn,lstm,gru').split(',');
const recipes = opt('--recipes', 'old,new').split(',');
const data =
  opt('--data') ??
  [
    join(ROOT, '..', '..', 'shared', 'data', 'tinyshakespeare.txt'),
    join(ROOT, '..', 'shared', 'data', 'tinyshakespeare.txt'),
  ].find(existsSync);
if (!data) throw new Error('no tinyshakespeare.txt found: pass --data FILE');

/** The CLI's defaults before issue #15 (every cell alike), and the per-cell ones of scripts/cli/_defaults.mjs. */
const RECIPES = {
  old: () => ({ embedding: 0, optimizer: 'adam', lr: 0.002, clip: 5, clipMode: 'value' }),
  new: (cell) => {
    const d = cellDefaults(cell);
    return {
      embedding: d.embedding,
      optimizer: 'adam',
      lr: d.lr,
      clip: d.clip,
      clipMode: d.clipMode,
      lrDecay: d.lrDecay,
    };
  },
};

function runOne(job) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [
      join(ROOT, 'scripts/bench/_train-node.mjs'),
      data,
      JSON.stringify(job.config),
      '--seconds',
      String(seconds),
    ]);
    let out = '',
      err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`${job.name}: ${err}`))));
  });
}

const jobs = [];
for (const seed of seeds)
  for (const cell of cells)
    for (const recipe of recipes) {
      const r = RECIPES[recipe];
      if (!r) throw new Error(`unknown recipe ${recipe} (old, new)`);
      const config = { cell, hidden: 128, batch: 32, seq: 25, seed, ...r(cell) };
      if (config.lrDecay === 'none') delete config.lrDecay;
      jobs.push({ name: `${cell} ${recipe} seed ${seed}`, cell, recipe, seed, config });
    }
const results = [];
const loads = [];
let next = 0;
async function worker() {
  while (next < jobs.length) {
    const job = jobs[next++];
    loads.push(loadavg()[0]);
    const r = await runOne(job);
    const row = {
      ...job,
      steps: r.steps,
      cpuSeconds: r.cpuSeconds,
      wallSeconds: r.wallSeconds,
      heldOutLoss: r.heldOutLoss,
      heldOutLoss32: r.heldOutLoss32,
      trainLoss: r.trainLoss,
    };
    results.push(row);
    if (!args.includes('--json'))
      console.log(
        `${job.name.padEnd(22)} ${JSON.stringify(job.config)}: ${r.steps} steps, ${r.cpuSeconds.toFixed(1)} CPU s / ${r.wallSeconds.toFixed(0)} wall s, held out ${r.heldOutLoss.toFixed(3)} one stream, ${r.heldOutLoss32.toFixed(3)} 32 streams`,
      );
  }
}
await Promise.all(Array.from({ length: Number(opt('--parallel', '2')) }, worker));
if (args.includes('--json')) console.log(JSON.stringify({ data, seconds, loads, results }, null, 2));
else console.log(`load average at the starts: ${loads.map((l) => l.toFixed(1)).join(', ')}`);
