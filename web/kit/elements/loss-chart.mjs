// loss-chart.mjs — <lm-loss-chart>: the loss curve of its trainer (training loss raw and smoothed,
// validation points, the bigram's held-out loss as the line to beat), or of several trainers compared
// (trainer="rnn lstm": each one's smoothed training loss and validation points in its own colour).
// Drawn from the trainer's loss history, so it shows the whole run whenever it appears. Fed directly
// (trainer="none"): appendLosses(firstStep, losses), addValidation(points), setBigram(loss), reset().
import { LmView } from '../element.mjs';
import { LossHistory } from '../history.mjs';
import { LossChart, LossCompareChart } from '../../views/charts.mjs';

export class LmLossChartElement extends LmView {
  constructor() {
    super();
    /** the history drawn when fed directly */
    this.own = new LossHistory();
    /** @type {LossChart | LossCompareChart | null} */
    this.chart = null;
  }

  build() {
    this.host = LmView.part('div', 'lm-chart');
    this.host.setAttribute('role', 'img');
    this.host.setAttribute(
      'aria-label',
      this.getAttribute('aria-label') ??
        "Loss curve: training loss, smoothed training loss and validation loss against steps, and the bigram's held-out loss as the line to beat.",
    );
    this.summary = LmView.part('p', 'lm-sr-only');
    this.summary.setAttribute('aria-live', 'off');
    this.append(this.host, this.summary);
  }

  /** @param {import('../trainer.mjs').Trainer[]} trainers */
  bound(trainers) {
    this.chart?.plot?.destroy();
    if (trainers.length > 1) {
      const chart = new LossCompareChart(this.host);
      chart.setRuns(trainers.map((t) => ({ label: t.name, history: t.history })));
      this.chart = chart;
      // names are known once the models are built
      for (const t of trainers)
        this.listen(t, 'model', () => chart.setRuns(trainers.map((u) => ({ label: u.name, history: u.history }))));
    } else {
      this.chart = new LossChart(this.host, trainers[0]?.history ?? this.own);
    }
    for (const t of trainers)
      for (const type of ['snapshot', 'model', 'corpus']) this.listen(t, type, () => this.invalidate());
  }

  draw() {
    if (!this.chart) this.bound([]);
    const chart = /** @type {LossChart | LossCompareChart} */ (this.chart);
    chart.draw();
    const runs = this.trainers.length
      ? this.trainers.map((t) => ({ label: t.name, h: t.history }))
      : [{ label: '', h: this.own }];
    this.summary.textContent = runs
      .map(
        ({ label, h }) =>
          `${label} step ${h.steps.at(-1) ?? 0}: training loss ${Number.isFinite(h.lastSmoothed) ? h.lastSmoothed.toFixed(3) : 'none yet'}, validation ${Number.isFinite(h.lastValidation) ? h.lastValidation.toFixed(3) : 'none yet'}.`,
      )
      .join(' ');
  }

  // ---- fed directly ----
  /** @param {number} firstStep @param {ArrayLike<number>} losses training losses of steps firstStep, firstStep + 1, … */
  appendLosses(firstStep, losses) {
    this.own.append(firstStep, losses);
    this.invalidate();
  }
  /** @param {{ step: number, loss: number }[]} points */
  addValidation(points) {
    this.own.addValidation(points);
    this.invalidate();
  }
  /** @param {number} loss */
  setBigram(loss) {
    this.own.setBigram(loss);
    this.invalidate();
  }
  reset() {
    this.own.reset();
    this.invalidate();
  }
}
