// views.mjs — every view of the page, created once over its element by createPageViews(): the loss
// chart, the gradient charts, the hidden-state view and the heatmaps (bigram matrix, a weight matrix
// and its gradient). The page feeds them snapshots and probe results; draw() runs on the 10 Hz timer.
// The view classes themselves (../views/) know nothing of this page's element ids or of the worker.
import { $ } from './dom.mjs';
import { LossChart, GradFlowChart, ParamGradChart } from '../views/charts.mjs';
import { Heatmap, fmt } from '../views/heatmap.mjs';
import { HiddenStatesView } from '../views/hidden-states.mjs';
import { VIRIDIS, RDBU } from '../views/colormap.mjs';
import { showChar } from '../corpus-check.mjs';

/** @typedef {ReturnType<typeof createPageViews>} PageViews */

/** Create the page's views over their elements (once, when the page starts). */
export function createPageViews() {
  const lossChart = new LossChart($('loss-chart'));
  const gradFlow = new GradFlowChart($('grad-flow'));
  const paramGrads = new ParamGradChart($('param-grads'));
  const hidden = new HiddenStatesView({
    heatmap: $('hidden-heatmap'), text: $('neuron-text'), neuronLabel: $('neuron-label'), legend: $('neuron-legend'),
    ranking: $('ranking'), spanFrom: $('span-from', HTMLInputElement), spanTo: $('span-to', HTMLInputElement),
  });
  /** @type {string[]} the bigram matrix's tokens, for its tooltips */
  let bigramTokens = [];
  const bigramMap = new Heatmap($('bigram-heatmap'), {
    colormap: VIRIDIS, label: 'Bigram probability matrix', square: true, gamma: 0.5,
    describe: (r, c, v) => `P('${showChar(bigramTokens[c])}' | '${showChar(bigramTokens[r])}') = ${fmt(v)}`,
  });
  /** @type {number[]} the watched parameter's shape, for its tooltips */
  let watchedShape = [1, 1];
  /** @param {string} kind */
  const describeWeight = (kind) => (/** @type {number} */ r, /** @type {number} */ c, /** @type {number} */ v) =>
    `${$('weight-param', HTMLSelectElement).value}${watchedShape.length > 1 ? `[${r}, ${c}]` : `[${c}]`} ${kind} = ${fmt(v)}`;
  const weightsMap = new Heatmap($('weights-heatmap'), { colormap: RDBU, label: 'Weight matrix values', cellHeight: 'auto', maxHeight: 320, robust: true, rowTicks: true, describe: describeWeight('value') });
  const wgradsMap = new Heatmap($('wgrads-heatmap'), { colormap: RDBU, label: 'Weight matrix gradients', cellHeight: 'auto', maxHeight: 320, robust: true, rowTicks: true, describe: describeWeight('gradient') });
  const heatmaps = [bigramMap, weightsMap, wgradsMap];

  return {
    lossChart,
    gradFlow,
    paramGrads,
    hidden,

    /**
     * Show the bigram matrix of the most frequent tokens.
     * @param {string[]} tokens (n,) @param {Float32Array} values (n, n), rows = previous token
     */
    setBigramMatrix(tokens, values) {
      bigramTokens = tokens;
      bigramMap.set({ values, rows: tokens.length, cols: tokens.length, rowLabels: tokens.map(showChar), colLabels: tokens.map(showChar) });
    },

    /**
     * Show a weight tensor and its gradient (1-D tensors as one row).
     * @param {{ shape: number[], data: Float32Array, grad: Float32Array }} watched
     */
    setWatched(watched) {
      const [rows] = watched.shape.length > 1 ? watched.shape : [1];
      watchedShape = watched.shape;
      weightsMap.set({ values: watched.data, rows, cols: watched.data.length / rows });
      wgradsMap.set({ values: watched.grad, rows, cols: watched.data.length / rows });
    },

    /**
     * Empty every model view (a new model is coming).
     * @param {string[]} paramNames the new model's tensors @param {number} bigramLoss the line to beat
     */
    reset(paramNames, bigramLoss) {
      lossChart.reset();
      lossChart.setBigram(bigramLoss);
      paramGrads.reset(paramNames);
      gradFlow.set(null, null);
      weightsMap.clear();
      wgradsMap.clear();
      hidden.clear();
    },

    /** Redraw whatever changed (the page calls this about ten times a second). */
    draw() {
      lossChart.draw();
      gradFlow.draw();
      paramGrads.draw();
      hidden.draw();
      for (const h of heatmaps) h.draw();
    },
  };
}
