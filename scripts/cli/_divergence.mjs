// _divergence.mjs — the one rule that tells a diverged training run from a slow one, for `train` and
// `seq2seq train`: the smoothed training loss above 3·log V (three times what a uniform guess over the
// V output tokens costs) or a non-finite held-out loss. While the run is healthy, its parameters (and
// trainer state) are kept in memory every 10 s at most, so a diverged run can leave the last healthy
// ones in --out instead of the diverged ones. The error it makes exits 1 with advice.

/** A run has diverged when its smoothed loss exceeds this many times log V. */
export const DIVERGENCE_FACTOR = 3;
/** The newest healthy snapshot is at most this old (ms). */
const SNAPSHOT_MS = 10000;

/**
 * @param {number} V the output vocabulary size
 * @param {() => { bytes: Uint8Array, step: number }} snapshot the model file of now (model.save(trainer)) and its step
 */
export function createDivergenceGuard(V, snapshot) {
  const ceiling = DIVERGENCE_FACTOR * Math.log(V);
  let good = { ...snapshot(), time: Date.now() };
  return {
    ceiling,
    /** The last healthy { bytes, step }. */
    get good() {
      return good;
    },
    /**
     * Why the run has diverged (a sentence), or null; a healthy run refreshes the snapshot when due.
     * @param {number} smooth the smoothed training loss @param {number | null | undefined} heldOut the last held-out loss
     */
    check(smooth, heldOut) {
      if (heldOut !== null && heldOut !== undefined && !Number.isFinite(heldOut))
        return `the held-out loss is ${heldOut} (infinite perplexity)`;
      if (!(smooth <= ceiling))
        return `the smoothed training loss ${Number.isFinite(smooth) ? smooth.toFixed(4) : smooth} is above 3·log V = ${ceiling.toFixed(4)} (a uniform guess over the ${V} tokens costs ${Math.log(V).toFixed(4)})`;
      if (Date.now() - good.time >= SNAPSHOT_MS) good = { ...snapshot(), time: Date.now() };
      return null;
    },
  };
}

/**
 * The error of a diverged run (exit code 1): what happened, what `out` holds, what to try.
 * @param {{ step: number, why: string, out: string, goodStep: number, lr: number, clip: number, clipMode: string }} run
 */
export function divergenceError({ step, why, out, goodStep, lr, clip, clipMode }) {
  const also = clip > 0 && clipMode === 'value' ? ' or --clip-mode norm' : clip > 0 ? '' : ' or --clip 5';
  const err = new Error(
    `training diverged at step ${step}: ${why}. ${out} holds the parameters of step ${goodStep}, the last healthy ones. Try a lower --lr (this run: ${lr})${also}`,
  );
  /** @type {any} */ (err).exitCode = 1;
  return err;
}
