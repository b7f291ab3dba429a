// rnn.mjs (benchmark) — char-level RNN training (H 128, T 25, N 32, one-hot, Adagrad 0.1, clip 5) on
// ../shared/data/tinyshakespeare.txt when it exists, else the built-in Brown text: chars/s over a fixed
// number of steps, native (build/bench/rnn, -O3 -march=native; build/bench-sse/rnn, 128-bit vectors
// only) and WASM in Node side by side, then the held-out loss each reaches after the same wall-clock
// budget. Override with RNN_BENCH_STEPS and RNN_BENCH_SECONDS.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { splitText } from '../cli/_neural.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHAKESPEARE = join(ROOT, '..', '..', 'shared', 'data', 'tinyshakespeare.txt');
const SHARED = existsSync(SHAKESPEARE) ? SHAKESPEARE : join(ROOT, '..', 'shared', 'data', 'tinyshakespeare.txt');
const H = 128;
const T = 25;
const N = 32;
const STEPS = Number(process.env.RNN_BENCH_STEPS ?? 200);
const SECONDS = Number(process.env.RNN_BENCH_SECONDS ?? 20);

export const title = `RNN: char-level training, H ${H}, T ${T}, N ${N}, Adagrad (chars/s; held-out loss after ${SECONDS} s)`;

function native(binary, path, args) {
  if (!existsSync(binary)) return null;
  const run = spawnSync(binary, [path, ...args, '--hidden', String(H), '--seq', String(T), '--batch', String(N)], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${binary} failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

async function corpusPath() {
  if (existsSync(SHARED)) return { path: SHARED, name: 'tinyshakespeare.txt' };
  const { brownCorpusPath } = await import('../brown-corpus.mjs');
  return { path: brownCorpusPath(), name: 'Brown text' };
}

/** @param {{ log: (line: string) => void }} options */
export async function run({ log }) {
  const { path, name } = await corpusPath();
  const text = readFileSync(path, 'utf8');
  const [trainText, heldText] = splitText(text, 0.1);
  const { loadLmlab } = await import('../../wasm_glue/index.mjs');
  const lm = await loadLmlab();
  const vocab = lm.Vocab.build(text, { level: 'char' });
  const trainIds = vocab.encode(trainText);
  const heldIds = vocab.encode(heldText);

  const wasm = (mode) => {
    const model = lm.Model.create({ cell: 'rnn', vocabSize: vocab.size, embedding: 0, hidden: H, seed: 1 });
    const trainer = new lm.Trainer(model, trainIds, { batch: N, seq: T, optimizer: 'adagrad', lr: 0.1, clip: 5 });
    trainer.train(5); // warm-up, as the native driver does
    const t0 = performance.now();
    let steps = 0;
    let stats;
    if (mode.steps) {
      stats = trainer.train(mode.steps);
      steps = mode.steps;
    } else {
      while (performance.now() - t0 < mode.seconds * 1000) { stats = trainer.train(10); steps += 10; }
    }
    const seconds = (performance.now() - t0) / 1000;
    const held = mode.seconds ? trainer.evaluate(heldIds, { batch: N, seq: T }) : null;
    trainer.dispose();
    model.dispose();
    return { steps, seconds, chars_per_second: (steps * N * T) / seconds, ms_per_step: (1000 * seconds) / steps, train_loss: stats.lastLoss, held_out_loss: held ? held.loss : -1 };
  };

  log(`corpus: ${name}, ${trainIds.length} training chars, ${heldIds.length} held out, V ${vocab.size}`);
  const builds = [
    ['native (-O3 -march=native)', (mode) => native(join(ROOT, 'build/bench/rnn'), path, mode.steps ? ['--steps', String(mode.steps)] : ['--seconds', String(mode.seconds)])],
    ['native (SSE4.2, no AVX)', (mode) => native(join(ROOT, 'build/bench-sse/rnn'), path, mode.steps ? ['--steps', String(mode.steps)] : ['--seconds', String(mode.seconds)])],
    ['WASM in Node (SIMD128)', wasm],
  ];
  const rows = [];
  for (const [build, go] of builds) {
    const speed = go({ steps: STEPS });
    if (!speed) { log(`${build}: not built (make bench builds it)`); continue; }
    const budget = go({ seconds: SECONDS });
    rows.push({ build, charsPerSecond: speed.chars_per_second, msPerStep: speed.ms_per_step, steps: speed.steps,
      budgetSeconds: SECONDS, budgetSteps: budget.steps, heldOutLoss: budget.held_out_loss });
  }
  log(`${'build'.padEnd(28)} ${'chars/s'.padStart(10)} ${'ms/step'.padStart(9)}   held-out loss after ${SECONDS} s (steps)`);
  for (const r of rows) {
    log(`${r.build.padEnd(28)} ${Math.round(r.charsPerSecond).toString().padStart(10)} ${r.msPerStep.toFixed(2).padStart(9)}   ${r.heldOutLoss.toFixed(4)} nats/char (${r.budgetSteps})`);
  }
  const wasmRow = rows.find((r) => r.build.startsWith('WASM'));
  const nativeRow = rows.find((r) => r.build.startsWith('native (-O3'));
  if (wasmRow && nativeRow) log(`WASM speed / native speed: ${(wasmRow.charsPerSecond / nativeRow.charsPerSecond).toFixed(2)}`);
  return rows;
}
