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

/** @typedef {{ embedding: number, lr: number, clip: number | null, clipMode: 'value' | 'norm', lrDecay: 'none' | 'linear' }} CellDefaults
 * clip null: CLIP_NORM_PER_STEP · seq */

/** @type {Record<string, CellDefaults>} */
const DEFAULTS = {
  rnn: { embedding: 32, lr: 0.004, clip: null, clipMode: 'norm', lrDecay: 'linear' },
  lstm: { embedding: 32, lr: 0.008, clip: null, clipMode: 'norm', lrDecay: 'linear' },
  gru: { embedding: 32, lr: 0.008, clip: null, clipMode: 'norm', lrDecay: 'linear' },
  window: { embedding: 32, lr: 0.002, clip: 5, clipMode: 'value', lrDecay: 'none' },
};

/**
 * The defaults of `cell` with Adam, the clip resolved for a window of `seq` steps.
 * @param {string} cell @param {number} [seq]
 * @returns {{ embedding: number, lr: number, clip: number, clipMode: 'value' | 'norm', lrDecay: 'none' | 'linear' }}
 */
export function cellDefaults(cell, seq = 25) {
  const d = DEFAULTS[cell];
  if (!d) throw new Error(`no training defaults for cell ${JSON.stringify(cell)} (rnn, lstm, gru, window)`);
  return { ...d, clip: d.clip ?? CLIP_NORM_PER_STEP * seq };
}
