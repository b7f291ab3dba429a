// scaling.mjs (benchmark) — multi-core training (ParallelTrainer, wasm_glue/parallel.mjs): chars/s of
// the RNN H 128, LSTM H 256 and GRU H 256 at batch 32 (T 25, E 32, Adam; train.mjs's rows) on 1, 2 and,
// oversubscribed on this 2-core machine, 3 and 4 threads, against the plain one-thread Trainer; in Node
// (worker_threads, this process) and in a headless-Chromium module worker (nested Web Workers). Runs are
// interleaved round by round, medians of rounds, wall-clock chars/s (threads are the point). From the
// 1→2 ratio it derives the parallel fraction p (Amdahl: S(n) = 1 / ((1 - p) + p/n)) and says what 4 and
// 8 cores should give; the coordinator's serial time per step (sum of the gradients, messages, update)
// is printed as the sync cost. On a loaded machine the wall ratios say little, so a second estimate
// comes from the parts of a step as measured: T(n) = own(1)/n + serial(2) for n ≥ 2 threads, where
// own(1) is one thread computing every shard and serial(2) the coordinator's serial time with 2 (both
// inflated alike by other load). Run it alone: `make bench-scaling` (= node scripts/bench.mjs --only
// scaling). Flags: --rounds R (3), --seconds S per run (3), --no-browser.
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadLmlab } from '../../wasm_glue/index.mjs';
import { availableCores } from '../../wasm_glue/parallel.mjs';
import { openBenchWorker } from './_bench-worker.mjs';
import { benchCorpus, median, numberFlags } from './_common.mjs';
import { scalingRun } from './_scaling-run.mjs';
import { encodeCorpus } from './_train-run.mjs';
import { CONFIGS } from './train.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ROWS = ['rnn128', 'lstm256', 'gru256'];
/** 0 = the plain Trainer (no shards), the reference a user had before */
const THREADS = [0, 1, 2, 3, 4];
/** Issue #15's target: LSTM H 256 batch 32 from 1 to 2 threads. */
const TARGET = { row: 'lstm256', ratio: 1.7 };

export const title = 'Scaling: chars/s on 1, 2, 3, 4 threads (ParallelTrainer), Node and Chromium worker, batch 32';

const fmt = (x, digits = 0) => (x === null || x === undefined ? '-' : x.toFixed(digits));

/** Amdahl's parallel fraction from the speed-up on 2 threads (clamped to [0, 1]). */
export function parallelFraction(speedup2) {
  return Math.max(0, Math.min(1, 2 * (1 - 1 / speedup2)));
}
/** Amdahl's speed-up on n threads for a parallel fraction p. */
export const amdahl = (p, n) => 1 / (1 - p + p / n);

/**
 * What runs scalingRun (_scaling-run.mjs) on `text` here and in Chromium: lmlab in Node with the text's
 * ids, and the Chromium worker (null with --no-browser). pytorch.mjs measures its lmlab speeds with them too.
 * @param {string} text @param {string[]} args @param {(line: string) => void} log
 */
export async function openScalingRunners(text, args, log) {
  const lm = await loadLmlab();
  const ids = encodeCorpus(lm, text);
  const worker = args.includes('--no-browser')
    ? null
    : await openBenchWorker(ROOT, 'scripts/bench/_scaling-worker.mjs', { text }, log);
  return { lm, ids, worker };
}

export async function run({ log, args = [] }) {
  const flag = numberFlags(args);
  const rounds = flag('--rounds', 3);
  const seconds = flag('--seconds', 3);
  const { text } = await benchCorpus();
  const { lm, ids, worker } = await openScalingRunners(text, args, log);
  const configs = CONFIGS.filter((c) => ROWS.includes(c.name));
  /** samples[row][where][threads] = { charsPerSecond, serialMs, ... }[] */
  const samples = {};
  const loads = [];
  try {
    for (let r = 0; r < rounds; r++) {
      loads.push(loadavg()[0]);
      for (const c of configs) {
        samples[c.name] ??= { node: {}, browser: {} };
        // rotate the thread counts from round to round, so none always runs first
        const order = THREADS.map((_, k) => THREADS[(k + r) % THREADS.length]);
        for (const threads of order) {
          const n = await scalingRun(lm, ids, c.config, threads, seconds);
          (samples[c.name].node[threads] ??= []).push({ ...n, charsPerSecond: n.chars / n.wallSeconds });
          if (worker) {
            const { result: b } = await worker.call({ config: c.config, threads, seconds });
            (samples[c.name].browser[threads] ??= []).push({ ...b, charsPerSecond: b.chars / b.wallSeconds });
          }
        }
      }
    }
  } finally {
    await worker?.close();
  }
  const rows = [];
  log(
    `${rounds} rounds of ${seconds} s per run, medians; wall-clock chars/s; this machine reports ${availableCores()} cores; load average ${loads.map((l) => l.toFixed(1)).join(', ')} at the rounds' starts`,
  );
  log(
    `Node: ${lm.fma ? 'FMA (relaxed SIMD)' : 'SIMD128'} build; Chromium: ${worker ? worker.version : 'not measured'}`,
  );
  log(
    '| model | where | plain Trainer | 1 thread | 2 threads | 3 threads | 4 threads | 2 vs 1 | 2 vs plain | serial ms/step (2 thr) | step ms (1 thr) |',
  );
  log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const c of configs) {
    for (const where of ['node', 'browser']) {
      const s = samples[c.name][where];
      if (!s[1]) continue;
      const speed = Object.fromEntries(THREADS.map((t) => [t, median((s[t] ?? []).map((x) => x.charsPerSecond))]));
      const serial = median((s[2] ?? []).map((x) => x.serialMsPerStep));
      const step1 = speed[1] ? (1000 * c.config.batch * c.config.seq) / speed[1] : null;
      const ratio = speed[2] / speed[1];
      const p = parallelFraction(ratio);
      // the parts model: T(1) = own(1) + serial(1); T(n) = own(1)/n + serial(2)
      const own1 = median((s[1] ?? []).map((x) => x.ownMsPerStep));
      const serial1 = median((s[1] ?? []).map((x) => x.serialMsPerStep));
      const shards = s[1][0].shards;
      const parts = (n) => (own1 + serial1) / (own1 / Math.min(n, shards) + serial);
      const row = {
        name: c.name,
        where,
        shards: s[1][0].shards,
        charsPerSecond: speed,
        ratio2vs1: ratio,
        ratio2vsPlain: speed[2] / speed[0],
        parallelFraction: p,
        expected4: Math.min(amdahl(p, 4), amdahl(p, s[1][0].shards)),
        expected8: Math.min(amdahl(p, 8), amdahl(p, s[1][0].shards)),
        serialMsPerStep: serial,
        stepMs1: step1,
        ownMs1: own1,
        serialMs1: serial1,
        // batch 128 has 8 shards of 16 streams (defaultShards): 4 times the work of a batch-32 step, split 8
        // ways, with the same serial part (it is per parameter, not per stream)
        partsModel: {
          2: parts(2),
          4: parts(4),
          8: parts(8),
          '8 at batch 128': (4 * own1 + serial1) / ((4 * own1) / 8 + serial),
        },
      };
      rows.push(row);
      log(
        `| ${c.label} | ${where === 'node' ? 'Node' : 'Chromium worker'} | ${THREADS.map((t) => fmt(speed[t])).join(' | ')} | ${fmt(ratio, 2)}x | ${fmt(row.ratio2vsPlain, 2)}x | ${fmt(serial, 1)} | ${fmt(step1, 1)} |`,
      );
    }
  }
  log('');
  log('Amdahl from the 2-thread speed-up: parallel fraction p; expected speed-up over 1 thread on 4 and 8 cores');
  log(
    `(batch 32 has ${rows[0]?.shards ?? '-'} shards, so at most that many threads work; batch 64 gets 4, batch 128 gets 8; the batch-128 column uses batch 32's p, a lower bound)`,
  );
  for (const row of rows)
    log(
      `  ${row.name} ${row.where === 'node' ? 'Node' : 'Chromium'}: p = ${fmt(row.parallelFraction, 2)} -> 4 cores ${fmt(row.expected4, 2)}x, 8 cores ${fmt(row.expected8, 2)}x (batch 128: ${fmt(amdahl(row.parallelFraction, 8), 2)}x)`,
    );
  log('');
  log('The parts model (own shards split n ways, the serial part as measured with 2 threads): expected speed-up');
  for (const row of rows)
    log(
      `  ${row.name} ${row.where === 'node' ? 'Node' : 'Chromium'}: own ${fmt(row.ownMs1, 1)} + serial ${fmt(row.serialMs1, 1)} ms (1 thread), serial ${fmt(row.serialMsPerStep, 1)} ms (2) -> 2 cores ${fmt(row.partsModel[2], 2)}x, 4 cores ${fmt(row.partsModel[4], 2)}x, 8 cores ${fmt(row.partsModel[8], 2)}x (batch 128: ${fmt(row.partsModel['8 at batch 128'], 2)}x)`,
    );
  const target = rows.find((r) => r.name === TARGET.row && r.where === 'node');
  if (target)
    log(
      `target (issue #15): ${TARGET.row} 1 -> 2 threads >= ${TARGET.ratio}x: ${fmt(target.ratio2vs1, 2)}x ${target.ratio2vs1 >= TARGET.ratio ? 'met' : 'NOT met'} (vs the plain Trainer ${fmt(target.ratio2vsPlain, 2)}x)`,
    );
  return { rows, loads };
}
