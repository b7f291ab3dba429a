// history.mjs — a training run's loss history: every step's training loss, its exponential moving
// average, the validation points, and the bigram's held-out loss as the line to beat. The trainer
// client keeps one per trainer (so a loss chart that appears late still draws the whole run), and a
// loss chart fed directly keeps its own. Long runs are thinned by 2 past MAX_POINTS. No DOM.
// Shapes: S recorded steps.

const MAX_POINTS = 6000; // beyond this the history is thinned by 2 (every other point kept)

export class LossHistory {
  constructor() {
    /** NaN: no bigram line */
    this.bigram = NaN;
    /** bumped on every change, so a chart redraws only when something changed */
    this.version = 0;
    this.reset();
  }

  /** Forget the run (a new model); the bigram line stays. */
  reset() {
    /** @type {number[]} training steps, (S,) */
    this.steps = [];
    /** @type {number[]} their losses, (S,) */
    this.train = [];
    /** @type {number[]} the losses' exponential moving average, (S,) */
    this.smooth = [];
    /** @type {{ step: number, loss: number }[]} validation points, by step */
    this.val = [];
    this.ema = 0;
    this.emaWeight = 0;
    this.version++;
  }

  /** The bigram's held-out loss, drawn as the line to beat (NaN: none). @param {number} loss */
  setBigram(loss) {
    this.bigram = loss;
    this.version++;
  }

  /**
   * Training losses of steps firstStep, firstStep + 1, …
   * @param {number} firstStep @param {ArrayLike<number>} losses
   */
  append(firstStep, losses) {
    for (let i = 0; i < losses.length; i++) {
      const loss = losses[i];
      this.ema = 0.98 * this.ema + 0.02 * loss;
      this.emaWeight = 0.98 * this.emaWeight + 0.02;
      this.steps.push(firstStep + i);
      this.train.push(loss);
      this.smooth.push(this.ema / this.emaWeight);
    }
    if (this.steps.length > MAX_POINTS) {
      const keep = (/** @type {number[]} */ a) => a.filter((_, i) => i % 2 === 1 || i === a.length - 1);
      this.steps = keep(this.steps);
      this.train = keep(this.train);
      this.smooth = keep(this.smooth);
    }
    if (losses.length) this.version++;
  }

  /** Validation points (a repeated step replaces its loss). @param {{ step: number, loss: number }[]} points */
  addValidation(points) {
    for (const p of points) {
      const last = this.val[this.val.length - 1];
      if (last && last.step === p.step) last.loss = p.loss;
      else this.val.push({ step: p.step, loss: p.loss });
    }
    if (points.length) this.version++;
  }

  get lastSmoothed() {
    return this.smooth.length ? this.smooth[this.smooth.length - 1] : NaN;
  }
  get lastValidation() {
    return this.val.length ? this.val[this.val.length - 1].loss : NaN;
  }
  get firstValidation() {
    return this.val.length ? this.val[0].loss : NaN;
  }
}
