// charts.mjs — the seq2seq mode's charts (uPlot, like the language models' in ../views/charts.mjs):
// training and held-out loss against steps, held-out exact match against steps, and exact match by
// source length — the current run's curve beside the curves of earlier runs kept for comparison, so a
// bottleneck model's fall-off with length stands next to an attention model's flat line. Each chart
// redraws only when its data changed (draw() is called from the mode's animation-frame loop).
import uPlot from 'uplot';
import { axis, makePlot } from '../views/charts.mjs';
import { CATEGORICAL } from '../views/colormap.mjs';

/** The curves of one run over steps: training loss per snapshot, and the checks. */
export class S2SHistory {
  constructor() {
    this.clear();
  }
  clear() {
    /** @type {number[]} */ this.steps = [];
    /** @type {number[]} */ this.loss = [];
    /** @type {number[]} */ this.checkSteps = [];
    /** @type {number[]} */ this.valLoss = [];
    /** @type {number[]} */ this.exactMatch = [];
    this.version = 0;
  }
  /** @param {number} step @param {number} loss */
  addLoss(step, loss) {
    if (!Number.isFinite(loss)) return;
    this.steps.push(step);
    this.loss.push(loss);
    this.version++;
  }
  /** @param {{ step: number, valLoss: number, exactMatch: number }} check */
  addCheck({ step, valLoss, exactMatch }) {
    this.checkSteps.push(step);
    this.valLoss.push(valLoss);
    this.exactMatch.push(exactMatch);
    this.version++;
  }
}

/**
 * Merge two (x, y) series onto one sorted x axis for uPlot, nulls where a series has no point.
 * @param {number[]} xa @param {number[]} ya @param {number[]} xb @param {number[]} yb
 * @returns {[number[], (number | null)[], (number | null)[]]}
 */
export function alignTwo(xa, ya, xb, yb) {
  const xs = [],
    a = [],
    b = [];
  let i = 0,
    j = 0;
  while (i < xa.length || j < xb.length) {
    const x = Math.min(i < xa.length ? xa[i] : Infinity, j < xb.length ? xb[j] : Infinity);
    xs.push(x);
    a.push(i < xa.length && xa[i] === x ? ya[i++] : null);
    b.push(j < xb.length && xb[j] === x ? yb[j++] : null);
  }
  return [xs, a, b];
}

/** Training loss (line) and held-out loss (points and line) against steps. */
export class S2SLossChart {
  /** @param {HTMLElement} host @param {S2SHistory} history */
  constructor(host, history) {
    this.history = history;
    this.drawn = -1;
    this.plot = makePlot(
      host,
      {
        legend: { live: true },
        cursor: { drag: { x: true, y: false } },
        scales: { x: { time: false } },
        axes: [axis('step'), axis('loss (nats / target token)', { size: 56 })],
        series: [
          { label: 'step' },
          { label: 'train', stroke: CATEGORICAL[0], width: 1.5 },
          { label: 'held out', stroke: CATEGORICAL[1], width: 2, spanGaps: true, points: { show: true, size: 5 } },
        ],
      },
      [[], [], []],
      220,
    );
  }
  draw() {
    const h = this.history;
    if (this.drawn === h.version) return;
    this.drawn = h.version;
    this.plot.setData(/** @type {uPlot.AlignedData} */ (alignTwo(h.steps, h.loss, h.checkSteps, h.valLoss)));
  }
}

/** Held-out exact match (%) against steps. */
export class S2SAccuracyChart {
  /** @param {HTMLElement} host @param {S2SHistory} history */
  constructor(host, history) {
    this.history = history;
    this.drawn = -1;
    this.plot = makePlot(
      host,
      {
        legend: { live: true },
        scales: { x: { time: false }, y: { range: [0, 100] } },
        axes: [axis('step'), axis('exact match (%)', { size: 48 })],
        series: [
          { label: 'step' },
          { label: 'held-out exact match', stroke: CATEGORICAL[2], width: 2, points: { show: true, size: 5 } },
        ],
      },
      [[], []],
      180,
    );
  }
  draw() {
    const h = this.history;
    if (this.drawn === h.version) return;
    this.drawn = h.version;
    this.plot.setData([h.checkSteps, h.exactMatch.map((v) => 100 * v)]);
  }
}
