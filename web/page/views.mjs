// views.mjs — every view of the page, created once over its element: the loss chart, the gradient
// charts, the hidden-state view and the heatmaps (bigram matrix, a weight matrix and its gradient).
// app.mjs feeds them snapshots and probe results; drawViews() runs on the 10 Hz timer.
import { $ } from './dom.mjs';
import { LossChart, GradFlowChart, ParamGradChart } from '../views/charts.mjs';
import { Heatmap, fmt } from '../views/heatmap.mjs';
import { HiddenStatesView } from '../views/hidden-states.mjs';
import { VIRIDIS, RDBU } from '../views/colormap.mjs';
import { showChar } from '../corpus-check.mjs';

export const lossChart = new LossChart($('loss-chart'));
export const gradFlow = new GradFlowChart($('grad-flow'));
export const paramGrads = new ParamGradChart($('param-grads'));
export const hidden = new HiddenStatesView({
  heatmap: $('hidden-heatmap'), text: $('neuron-text'), neuronLabel: $('neuron-label'), legend: $('neuron-legend'), ranking: $('ranking'),
  spanFrom: $('span-from'), spanTo: $('span-to'),
});
let bigramTokens = [];
const bigramMap = new Heatmap($('bigram-heatmap'), {
  colormap: VIRIDIS, label: 'Bigram probability matrix', square: true, gamma: 0.5,
  describe: (r, c, v) => `P('${showChar(bigramTokens[c])}' | '${showChar(bigramTokens[r])}') = ${fmt(v)}`,
});
let watchedShape = [1, 1];
const describeWeight = (kind) => (r, c, v) => `${$('weight-param').value}${watchedShape.length > 1 ? `[${r}, ${c}]` : `[${c}]`} ${kind} = ${fmt(v)}`;
const weightsMap = new Heatmap($('weights-heatmap'), { colormap: RDBU, label: 'Weight matrix values', cellHeight: 'auto', maxHeight: 320, robust: true, rowTicks: true, describe: describeWeight('value') });
const wgradsMap = new Heatmap($('wgrads-heatmap'), { colormap: RDBU, label: 'Weight matrix gradients', cellHeight: 'auto', maxHeight: 320, robust: true, rowTicks: true, describe: describeWeight('gradient') });
const heatmaps = [bigramMap, weightsMap, wgradsMap];

/** Show the bigram matrix of the most frequent tokens: values (n, n), rows = previous token. */
export function setBigramMatrix(tokens, values) {
  bigramTokens = tokens;
  bigramMap.set({ values, rows: tokens.length, cols: tokens.length, rowLabels: tokens.map(showChar), colLabels: tokens.map(showChar) });
}

/** Show a weight tensor and its gradient: { shape, data, grad } (1-D tensors as one row). */
export function setWatched(watched) {
  const [rows] = watched.shape.length > 1 ? watched.shape : [1];
  watchedShape = watched.shape;
  weightsMap.set({ values: watched.data, rows, cols: watched.data.length / rows });
  wgradsMap.set({ values: watched.grad, rows, cols: watched.data.length / rows });
}

/** Empty every model view (a new model is coming). @param {string[]} paramNames */
export function resetViews(paramNames, bigramLoss) {
  lossChart.reset();
  lossChart.setBigram(bigramLoss);
  paramGrads.reset(paramNames);
  gradFlow.set(null, null);
  weightsMap.clear();
  wgradsMap.clear();
  hidden.clear();
}

/** Redraw whatever changed (the page calls this about ten times a second). */
export function drawViews() {
  lossChart.draw();
  gradFlow.draw();
  paramGrads.draw();
  hidden.draw();
  for (const h of heatmaps) h.draw();
}
