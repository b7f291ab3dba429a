// ladder.mjs (benchmark) — training speed of every cell of the ladder at one size (V 65, H 128, one-hot
// recurrent input; the window model E 32, W 8; N 32, T 25, Adagrad, clip 5) on random ids: chars/s of
// the native driver (build/bench/ladder, -O3 -march=native) and of the WASM build in Node side by side.
// The same configurations as speed() in scripts/bench/ladder.c. Override the step count with LADDER_BENCH_STEPS.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const STEPS = Number(process.env.LADDER_BENCH_STEPS ?? 20);
const N = 32;
const T = 25;
const CONFIGS = {
  rnn: { cell: 'rnn', vocabSize: 65, embedding: 0, hidden: 128 },
  lstm: { cell: 'lstm', vocabSize: 65, embedding: 0, hidden: 128 },
  gru: { cell: 'gru', vocabSize: 65, embedding: 0, hidden: 128 },
  window: { cell: 'window', vocabSize: 65, embedding: 32, hidden: 128, window: 8 },
};

export const title = `The model ladder: training chars/s per cell (V 65, H 128, N ${N}, T ${T}, Adagrad), native vs WASM`;

/** @param {{ log: (line: string) => void }} options */
export async function run({ log }) {
  const binary = join(ROOT, 'build/bench/ladder');
  let native = null;
  if (existsSync(binary)) {
    const out = spawnSync(binary, [], { encoding: 'utf8' });
    if (out.status !== 0) throw new Error(`${binary} failed: ${out.stderr}`);
    native = JSON.parse(out.stdout);
  } else {
    log('native driver not built (make bench builds build/bench/ladder)');
  }
  const { loadLmlab } = await import('../../wasm_glue/index.mjs');
  const lm = await loadLmlab();
  let x = 1;
  const ids = Int32Array.from({ length: 200000 }, () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return (x >>> 8) % 65;
  });
  const rows = [];
  for (const [name, config] of Object.entries(CONFIGS)) {
    const model = lm.Model.create({ seed: 1, ...config });
    const trainer = new lm.Trainer(model, ids, { batch: N, seq: T, optimizer: 'adagrad', lr: 0.1, clip: 5 });
    trainer.train(2); // warm-up: caches allocated
    const t0 = performance.now();
    trainer.train(STEPS);
    const seconds = (performance.now() - t0) / 1000;
    rows.push({ cell: name, parameters: model.parameterCount, wasmCharsPerSecond: (STEPS * N * T) / seconds,
      nativeCharsPerSecond: native ? native[name].chars_per_s : null });
    trainer.dispose();
    model.dispose();
  }
  log('| cell | parameters | native chars/s | WASM chars/s | WASM / native |');
  log('|---|---:|---:|---:|---:|');
  for (const r of rows) {
    const ratio = r.nativeCharsPerSecond ? (r.wasmCharsPerSecond / r.nativeCharsPerSecond).toFixed(2) : '-';
    log(`| ${r.cell} | ${r.parameters} | ${r.nativeCharsPerSecond ? Math.round(r.nativeCharsPerSecond) : '-'} | ${Math.round(r.wasmCharsPerSecond)} | ${ratio} |`);
  }
  return rows;
}
