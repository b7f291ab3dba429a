// _defaults.mjs — the training recipe `lmlab train` uses for what its flags leave out, per cell: the
// best measured for a one-minute budget on tinyshakespeare (docs/benchmarks.md, "Defaults";
// scripts/bench/_recipes.mjs measures it), so a user who reads nothing gets the good result. No Node or
// DOM imports: the page's settings read it too.
//
// Embedding 32 and a global-norm clip of 5 per time step (125 at T = 25) beat one-hot input and the
// element-wise clip ±5 for every recurrent cell; Adam's rate decays linearly to 1/50 over the budget
// (--steps or --minutes); the base rate is the best tried per cell. The window model keeps its own
// (its embedding was always 32; it has no recurrence to clip through).

/** Global-norm clip per time step of the window: our loss is summed over T, so PyTorch's clip 5 on its
 * mean-loss gradients is 5·T here. */
export const CLIP_NORM_PER_STEP = 5;

/** @typedef {{ embedding: number, lr: number, clip: number | null, clipMode: 'value' | 'norm', lrDecay: 'none' | 'linear', initScale: number, stateResets: number, forgetBias?: number }} CellDefaults
 * clip null: CLIP_NORM_PER_STEP · seq. initScale multiplies the initial weight matrices' N(0, 0.01²)
 * (Model.create's initScale): every recurrent cell learns faster from N(0, 0.05²), close to PyTorch's
 * U(±1/√H) at H 128 (held-out after a minute on every core, docs/benchmarks.md "Defaults": RNN H 128
 * seeds 1/2/3 1.706/1.690/1.687 → 1.686/1.670/1.672, GRU H 128 1.633/1.630/1.622 → 1.595/1.600/1.601,
 * LSTM H 256 seeds 1/2 1.637/1.605 → 1.615/1.577). The window model keeps 1 (not measured).
 * stateResets: each window a stream starts from zeros with chance 0.01 (Trainer's stateResets), the
 * guard against the one-stream latch: an LSTM H 256 that read the held-out text as one stream at 8.04 and
 * 3.51 nats/char scored 1.90 and 1.84 with it, and the default recipe moved by -0.002/+0.006 (LSTM H 256,
 * seeds 1/2) and -0.002/-0.013 (RNN H 128): docs/benchmarks.md, "State resets". The window model has no
 * carried state to latch.
 * forgetBias (LSTM): the forget gate's initial bias, 0 instead of C's classic 1. With the rest of this
 * recipe the LSTM H 256 ends a run of 2,139 steps at 1.518/1.524/1.527 held-out (seeds 1/2/3) against
 * 1.592/1.577/1.563 from 1 (docs/benchmarks.md, "The forget gate's start"). */

/** @type {Record<string, CellDefaults>} */
const DEFAULTS = {
  rnn: { embedding: 32, lr: 0.004, clip: null, clipMode: 'norm', lrDecay: 'linear', initScale: 5, stateResets: 0.01 },
  lstm: {
    embedding: 32,
    lr: 0.008,
    clip: null,
    clipMode: 'norm',
    lrDecay: 'linear',
    initScale: 5,
    stateResets: 0.01,
    forgetBias: 0,
  },
  gru: { embedding: 32, lr: 0.008, clip: null, clipMode: 'norm', lrDecay: 'linear', initScale: 5, stateResets: 0.01 },
  window: { embedding: 32, lr: 0.002, clip: 5, clipMode: 'value', lrDecay: 'none', initScale: 1, stateResets: 0 },
};

/**
 * The defaults of `cell` with Adam, the clip resolved for a window of `seq` steps.
 * @param {string} cell @param {number} [seq]
 * @returns {{ embedding: number, lr: number, clip: number, clipMode: 'value' | 'norm', lrDecay: 'none' | 'linear', initScale: number, stateResets: number, forgetBias?: number }}
 */
export function cellDefaults(cell, seq = 25) {
  const d = DEFAULTS[cell];
  if (!d) throw new Error(`no training defaults for cell ${JSON.stringify(cell)} (rnn, lstm, gru, window)`);
  return { ...d, clip: d.clip ?? CLIP_NORM_PER_STEP * seq };
}
