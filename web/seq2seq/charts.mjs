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

/** How many earlier runs' by-length curves are kept beside the current one. */
export const KEPT_RUNS = 4;

/**
 * @typedef {{ length: number, pairs: number, exact: number, accuracy: number }} LengthGroup
 * @typedef {{ label: string, step: number, byLength: LengthGroup[] }} LengthCurve
 */

/**
 * Held-out exact match (%) against source length: the current run's curve (thick, with points) and
 * up to KEPT_RUNS earlier runs' last curves (thin), so a bottleneck model's fall-off with length can
 * be compared with an attention model's flat line. The plot is rebuilt only when the set of curves
 * changes, otherwise its data are replaced.
 */
export class S2SLengthChart {
  /** @param {HTMLElement} host */
  constructor(host) {
    this.host = host;
    /** @type {LengthCurve | null} the current run's latest curve */
    this.current = null;
    /** @type {LengthCurve[]} earlier runs, oldest first */
    this.kept = [];
    this.version = 0;
    this.drawn = -1;
    this.shape = '';
    /** @type {uPlot | null} */
    this.plot = null;
  }

  /** The current run's newest measurement. @param {string} label @param {number} step @param {LengthGroup[]} byLength */
  setCurrent(label, step, byLength) {
    this.current = { label, step, byLength };
    this.version++;
  }

  /** The run is replaced: keep its last curve (if it has one) for comparison, dropping the oldest beyond KEPT_RUNS. */
  keepCurrent() {
    if (this.current?.byLength.length) {
      this.kept.push({ ...this.current, label: `${this.current.label}, step ${this.current.step}` });
      if (this.kept.length > KEPT_RUNS) this.kept.shift();
    }
    this.current = null;
    this.version++;
  }

  forgetKept() {
    this.kept = [];
    this.version++;
  }

  /** Every curve drawn, oldest first, the current one last. @returns {LengthCurve[]} */
  curves() {
    return this.current ? [...this.kept, this.current] : [...this.kept];
  }

  /** @returns {uPlot.AlignedData} one x per source length any curve has, null where a curve has none */
  data() {
    const curves = this.curves();
    const xs = [...new Set(curves.flatMap((c) => c.byLength.map((g) => g.length)))].sort((a, b) => a - b);
    const columns = curves.map((c) => {
      const at = new Map(c.byLength.map((g) => [g.length, 100 * g.accuracy]));
      return xs.map((x) => at.get(x) ?? null);
    });
    return /** @type {uPlot.AlignedData} */ ([xs, ...columns]);
  }

  draw() {
    if (this.drawn === this.version) return;
    this.drawn = this.version;
    const curves = this.curves();
    const shape = curves.map((c, i) => (c === this.current ? `now:${c.label}` : `${i}:${c.label}`)).join('|');
    if (!this.plot || shape !== this.shape) {
      this.shape = shape;
      this.plot?.destroy();
      /** @type {uPlot.Series[]} */
      const series = [{ label: 'source length' }];
      curves.forEach((c, i) => {
        const now = c === this.current;
        series.push({
          label: now ? `${c.label} (now)` : c.label,
          stroke: now ? CATEGORICAL[2] : CATEGORICAL[(4 + i) % 10],
          width: now ? 2.5 : 1.5,
          dash: now ? undefined : [5, 3],
          spanGaps: true,
          points: { show: true, size: now ? 6 : 4 },
        });
      });
      this.plot = makePlot(
        this.host,
        {
          legend: { live: true },
          scales: { x: { time: false }, y: { range: [0, 100] } },
          axes: [axis('source length (tokens)'), axis('exact match (%)', { size: 48 })],
          series,
        },
        this.data(),
        220,
      );
      return;
    }
    this.plot.setData(this.data());
  }
}
