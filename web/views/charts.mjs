// charts.mjs — the time-series and curve views, drawn with uPlot (small, fast, canvas-based): the
// loss curve (train, smoothed, validation, and the bigram's held-out loss as the line to beat) of one
// run or several compared, the gradient-flow curve ||dL/dh_t|| against distance back in time on a log
// axis (with pinned curves, or several trainers' curves, to compare cells), and per-parameter gradient
// norms over training. Data arrive from snapshots; draw() redraws only when something changed (the
// kit's elements call it from their own animation frames, the page's own views on its timer).
import uPlot from 'uplot';
import { CATEGORICAL } from './colormap.mjs';
import { LossHistory } from '../kit/history.mjs';

/**
 * Create a uPlot that follows its host's width.
 * @param {HTMLElement} host @param {Omit<uPlot.Options, 'width' | 'height'>} options
 * @param {uPlot.AlignedData} data @param {number} height
 */
export function makePlot(host, options, data, height) {
  const plot = new uPlot({ ...options, width: Math.max(200, host.clientWidth), height }, data, host);
  new ResizeObserver(() => {
    const width = Math.max(200, host.clientWidth);
    if (Math.abs(width - plot.width) > 1) plot.setSize({ width, height });
  }).observe(host);
  return plot;
}

/** A CSS custom property of the page (its theme), or `fallback`. @param {string} name @param {string} fallback */
function cssVar(name, fallback) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

/** An axis in the page's colours. @param {string} label @param {Partial<uPlot.Axis>} [extra] @returns {uPlot.Axis} */
export function axis(label, extra = {}) {
  const ink = cssVar('--lm-muted', '#666');
  const grid = cssVar('--lm-grid', '#eee');
  return {
    label,
    stroke: ink,
    grid: { stroke: grid, width: 1 },
    ticks: { stroke: grid, width: 1 },
    labelSize: 18,
    ...extra,
  };
}

/** A log y scale that stays valid with no data yet (uPlot's own range would be empty then). @type {uPlot.Scale} */
const LOG_Y = {
  distr: 3,
  range: (_self, min, max) =>
    min > 0 && max > 0 && Number.isFinite(min) && Number.isFinite(max)
      ? uPlot.rangeLog(Math.max(min, LOG_FLOOR), Math.min(Math.max(max, LOG_FLOOR * 10), 1e12), 10, true)
      : [0.001, 1],
};
/** uPlot's log ticks stop working far below 1e-12; a gradient that small has vanished anyway. */
const LOG_FLOOR = 1e-12;
/** @param {number} v @returns {number | null} */
const forLog = (v) => (v > 0 && Number.isFinite(v) ? Math.min(Math.max(v, LOG_FLOOR), 1e12) : null);

/** @param {uPlot} _self @param {number[]} splits */
const logTicks = (_self, splits) =>
  splits.map((v) => (v == null ? '' : v >= 0.01 && v < 1000 ? String(+v.toPrecision(2)) : v.toExponential(0)));

/**
 * The loss curve of one run: training loss (raw and smoothed), validation points, and the bigram's
 * held-out loss as the line to beat. It draws a LossHistory (../kit/history.mjs): the trainer client's
 * (the whole run, whenever the chart appears) or one fed directly.
 */
export class LossChart {
  /** @param {HTMLElement} host @param {LossHistory} [history] */
  constructor(host, history = new LossHistory()) {
    this.host = host;
    this.history = history;
    this.drawn = -1;
    this.plot = makePlot(
      host,
      {
        legend: { live: true },
        cursor: { drag: { x: true, y: false } },
        scales: { x: { time: false } },
        axes: [axis('step'), axis('loss (nats / token)', { size: 56 })],
        series: [
          { label: 'step' },
          { label: 'train', stroke: 'rgba(74, 144, 226, 0.35)', width: 1, points: { show: false } },
          { label: 'train (smoothed)', stroke: '#2f6fcf', width: 2, points: { show: false } },
          { label: 'validation', stroke: '#d9534f', width: 2, spanGaps: true, points: { show: true, size: 5 } },
          { label: 'bigram (beat this)', stroke: '#3a9d5d', width: 1.5, dash: [6, 4], points: { show: false } },
        ],
      },
      this.data(),
      280,
    );
  }

  /** Draw another history (a trainer's, after binding). @param {LossHistory} history */
  setHistory(history) {
    this.history = history;
    this.drawn = -1;
  }

  data() {
    const h = this.history;
    // x: training steps plus validation steps (validation at step 0 comes before any training).
    const xs = [...h.steps];
    for (const p of h.val) if (!xs.length || p.step < xs[0] || p.step > xs[xs.length - 1]) xs.push(p.step);
    xs.sort((a, b) => a - b);
    const index = new Map(xs.map((x, i) => [x, i]));
    const train = new Array(xs.length).fill(null);
    const smooth = new Array(xs.length).fill(null);
    h.steps.forEach((s, i) => {
      train[/** @type {number} */ (index.get(s))] = h.train[i];
      smooth[/** @type {number} */ (index.get(s))] = h.smooth[i];
    });
    const val = new Array(xs.length).fill(null);
    for (const p of h.val) {
      let i = index.get(p.step);
      if (i === undefined) i = nearest(xs, p.step);
      val[i] = p.loss;
    }
    if (xs.length === 0) xs.push(0, 1);
    const bigram = xs.map(() => (Number.isFinite(h.bigram) ? h.bigram : null));
    while (train.length < xs.length) {
      train.push(null);
      smooth.push(null);
      val.push(null);
    }
    return /** @type {uPlot.AlignedData} */ ([xs, train, smooth, val, bigram]);
  }

  /** Redraw when the history changed. */
  draw() {
    if (this.drawn === this.history.version) return;
    this.drawn = this.history.version;
    this.plot.setData(this.data());
  }
}

/**
 * Several runs on one loss chart (RNN vs LSTM): each run's smoothed training loss (thin) and its
 * validation points (thick), in its own colour, and the first run's bigram line.
 */
export class LossCompareChart {
  /** @param {HTMLElement} host */
  constructor(host) {
    this.host = host;
    /** @type {{ label: string, history: LossHistory }[]} */
    this.runs = [];
    this.drawn = '';
    /** @type {uPlot | null} */
    this.plot = null;
  }

  /** @param {{ label: string, history: LossHistory }[]} runs */
  setRuns(runs) {
    this.runs = runs;
    this.plot?.destroy();
    /** @type {uPlot.Series[]} */
    const series = [{ label: 'step' }];
    runs.forEach((run, i) => {
      const colour = CATEGORICAL[i % 10];
      series.push(
        { label: `${run.label} train (smoothed)`, stroke: colour, width: 1.2, alpha: 0.55, points: { show: false } },
        {
          label: `${run.label} validation`,
          stroke: colour,
          width: 2.5,
          spanGaps: true,
          points: { show: true, size: 5 },
        },
      );
    });
    series.push({ label: 'bigram (beat this)', stroke: '#3a9d5d', width: 1.5, dash: [6, 4], points: { show: false } });
    this.plot = makePlot(
      this.host,
      {
        legend: { live: true },
        scales: { x: { time: false } },
        axes: [axis('step'), axis('loss (nats / token)', { size: 56 })],
        series,
      },
      this.data(),
      280,
    );
    this.drawn = '';
  }

  data() {
    // Each run's smoothed loss, at most ~1500 points (every k-th step), plus its validation steps.
    const xsSet = new Set();
    const thinned = this.runs.map(({ history: h }) => {
      const k = Math.max(1, Math.ceil(h.steps.length / 1500));
      const map = new Map();
      for (let i = 0; i < h.steps.length; i += k) map.set(h.steps[i], h.smooth[i]);
      if (h.steps.length) map.set(h.steps[h.steps.length - 1], h.smooth[h.smooth.length - 1]);
      for (const x of map.keys()) xsSet.add(x);
      for (const p of h.val) xsSet.add(p.step);
      return map;
    });
    const xs = [...xsSet].sort((a, b) => a - b);
    if (xs.length === 0) xs.push(0, 1);
    /** @type {(number | null)[][]} */
    const columns = [];
    this.runs.forEach(({ history: h }, r) => {
      columns.push(xs.map((x) => thinned[r].get(x) ?? null));
      const val = new Map(h.val.map((p) => [p.step, p.loss]));
      columns.push(xs.map((x) => val.get(x) ?? null));
    });
    const bigram = this.runs[0]?.history.bigram ?? NaN;
    columns.push(xs.map(() => (Number.isFinite(bigram) ? bigram : null)));
    return /** @type {uPlot.AlignedData} */ ([xs, ...columns]);
  }

  draw() {
    const key = this.runs.map((r) => r.history.version).join();
    if (!this.plot || key === this.drawn) return;
    this.drawn = key;
    this.plot.setData(this.data());
  }
}

/** Index of the first entry ≥ x in a sorted array (the last one if none). @param {number[]} sorted @param {number} x */
function nearest(sorted, x) {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class GradFlowChart {
  /** @param {HTMLElement} host */
  constructor(host) {
    this.host = host;
    /** @type {Float32Array | null} (T,) ||dL/dh_t||, all steps' losses (from the training step) */
    this.total = null;
    /** @type {Float32Array | null} (T,) ||∂L_T/∂h_t||, the last step's loss only (recurrent cells; Model.gradFlowLastStep) */
    this.last = null;
    /** @type {{ label: string, values: Float32Array }[]} curves kept to compare */
    this.pinned = [];
    /** @type {{ label: string, values: Float32Array | null }[]} other trainers' live last-step curves */
    this.others = [];
    /** prefixed to the first curves' labels when other trainers are drawn too */
    this.name = '';
    this.dirty = true;
    this.build();
  }

  build() {
    this.plot?.destroy();
    /** @type {uPlot.Series[]} */
    const series = [
      { label: 'steps back' },
      {
        label: `${this.name ? `${this.name}: ` : ''}last step\'s loss ∂L_T/∂h_t`,
        stroke: '#d9534f',
        width: 2,
        points: { show: true, size: 4 },
      },
      {
        label: `${this.name ? `${this.name}: ` : ''}all steps\' losses (training)`,
        stroke: '#8a96a8',
        width: 1.5,
        points: { show: false },
      },
    ];
    this.others.forEach((o, i) =>
      series.push({
        label: `${o.label}: last step's loss`,
        stroke: CATEGORICAL[i % 10],
        width: 2,
        points: { show: true, size: 4 },
      }),
    );
    this.pinned.forEach((p, i) =>
      series.push({
        label: p.label,
        stroke: CATEGORICAL[(i + 2) % 10],
        width: 1.5,
        dash: [5, 3],
        points: { show: false },
      }),
    );
    this.plot = makePlot(
      this.host,
      {
        legend: { live: true },
        scales: { x: { time: false }, y: LOG_Y },
        axes: [axis('steps back in time from the window end'), axis('gradient norm', { size: 56, values: logTicks })],
        series,
      },
      this.data(),
      250,
    );
  }

  /** @param {Float32Array|null} total (T,) @param {Float32Array|null} last (T,) both indexed t = 0 … T-1 */
  set(total, last) {
    this.total = total;
    this.last = last;
    this.dirty = true;
  }

  /**
   * Other trainers' last-step curves, drawn live beside this one (RNN vs LSTM), and this one's name.
   * @param {string} name @param {{ label: string, values: Float32Array | null }[]} others
   */
  setOthers(name, others) {
    const relabel = name !== this.name || others.map((o) => o.label).join() !== this.others.map((o) => o.label).join();
    this.name = name;
    this.others = others;
    if (relabel) this.build();
    this.dirty = true;
  }

  /** The curve worth comparing across models: the last-step one when there is one. */
  get primary() {
    return this.last ?? this.total;
  }

  /**
   * Keep the current curve for comparison (e.g. RNN vs LSTM, or two learning rates).
   * @param {string} label @returns {boolean} false when there is no curve yet
   */
  pin(label) {
    if (!this.primary) return false;
    this.pinned.push({ label, values: Float32Array.from(this.primary) });
    if (this.pinned.length > 4) this.pinned.shift();
    this.build();
    return true;
  }

  unpinAll() {
    this.pinned = [];
    this.build();
  }

  data() {
    const curves = [this.last, this.total, ...this.others.map((o) => o.values), ...this.pinned.map((p) => p.values)];
    const T = Math.max(2, ...curves.map((c) => (c ? c.length : 0)));
    const xs = Array.from({ length: T }, (_, k) => k);
    const column = (/** @type {Float32Array | null} */ c) =>
      xs.map((k) => {
        if (!c || k >= c.length) return null;
        return forLog(c[c.length - 1 - k]);
      });
    return /** @type {uPlot.AlignedData} */ ([xs, ...curves.map(column)]);
  }

  draw() {
    if (!this.dirty) return;
    this.dirty = false;
    this.plot.setData(this.data());
  }
}

export class ParamGradChart {
  /** @param {HTMLElement} host */
  constructor(host) {
    this.host = host;
    /** @type {string[]} */
    this.names = [];
    this.reset([]);
  }

  /** @param {string[]} names parameter tensor names, in snapshot order */
  reset(names) {
    this.names = names;
    /** @type {number[]} */
    this.steps = [];
    /** @type {(number | null)[][]} per tensor, its gradient norm at each step */
    this.columns = names.map(() => /** @type {(number | null)[]} */ ([]));
    this.dirty = true;
    this.plot?.destroy();
    this.plot = makePlot(
      this.host,
      {
        legend: { live: true },
        scales: { x: { time: false }, y: LOG_Y },
        axes: [axis('step'), axis('‖grad‖', { size: 56, values: logTicks })],
        series: [
          { label: 'step' },
          ...names.map((name, i) => ({
            label: name,
            stroke: CATEGORICAL[i % 10],
            width: 1.5,
            points: { show: false },
          })),
        ],
      },
      this.data(),
      240,
    );
  }

  /** @param {number} step @param {Float32Array} norms (P,) */
  add(step, norms) {
    if (norms.length !== this.names.length || step === 0) return;
    if (this.steps.length && this.steps[this.steps.length - 1] === step) return;
    this.steps.push(step);
    norms.forEach((v, i) => this.columns[i].push(forLog(v)));
    if (this.steps.length > 2000) {
      const keep = (/** @type {any[]} */ a) => a.filter((_, i) => i % 2 === 1);
      this.steps = keep(this.steps);
      this.columns = this.columns.map(keep);
    }
    this.dirty = true;
  }

  data() {
    if (!this.steps.length)
      return /** @type {uPlot.AlignedData} */ ([[0], ...this.names.map(() => /** @type {null[]} */ ([null]))]);
    return /** @type {uPlot.AlignedData} */ ([this.steps, ...this.columns]);
  }

  draw() {
    if (!this.dirty) return;
    this.dirty = false;
    this.plot.setData(this.data());
  }
}
