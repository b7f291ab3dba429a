// _schedule.mjs — the learning-rate decay of `lmlab train --lr-decay linear` and of the benchmark's
// quality runs (scripts/bench/_train-run.mjs). No Node or DOM imports: the benchmark's browser worker
// loads it too. On a fixed budget, a rate that falls to nearly nothing by the end lets the last steps
// settle instead of bouncing: measured on tinyshakespeare in 60 s, RNN H 128 held-out 1.735 → 1.702
// (see docs/benchmarks.md: Training).

/** The multiplier of the base rate when `fraction` (0…1) of the budget is spent: 1 down to 1/50. */
export function linearDecay(fraction) {
  return Math.max(1 / 50, 1 - fraction);
}
