// views.mjs — the page's views: the kit's elements in index.html (the loss chart, the gradient flow,
// the hidden states, the bigram matrix, the next-character bars: bound to the page's trainer, they
// draw themselves) and the page's own views, created once here over their elements: the gradient norm
// per parameter and the heatmaps of a weight matrix and its gradient, fed by snapshots and drawn on
// the page's 10 Hz timer. The view classes (../views/) know nothing of this page's element ids.
import { $ } from './dom.mjs';
import { ParamGradChart } from '../views/charts.mjs';
import { Heatmap, fmt } from '../views/heatmap.mjs';
import { RDBU } from '../views/colormap.mjs';

/** @typedef {ReturnType<typeof createPageViews>} PageViews */

/** The kit element with this id. @template {HTMLElement} E @param {string} id @param {string} tag @returns {E} */
function element(id, tag) {
  const el = $(id);
  if (el.tagName.toLowerCase() !== tag) throw new Error(`#${id} should be a <${tag}>`);
  return /** @type {E} */ (el);
}

/** Find the page's elements and create its own views (once, when the page starts). */
export function createPageViews() {
  /** @type {import('../kit/elements/loss-chart.mjs').LmLossChartElement} */
  const loss = element('loss-chart', 'lm-loss-chart');
  /** @type {import('../kit/elements/gradient-flow.mjs').LmGradientFlowElement} */
  const gradFlow = element('grad-flow', 'lm-gradient-flow');
  /** @type {import('../kit/elements/hidden-states.mjs').LmHiddenStatesElement} */
  const hidden = element('hidden-states', 'lm-hidden-states');
  /** @type {import('../kit/elements/bigram-matrix.mjs').LmBigramMatrixElement} */
  const bigram = element('bigram-heatmap', 'lm-bigram-matrix');
  /** @type {import('../kit/elements/next-token.mjs').LmNextTokenElement} */
  const predict = element('predict', 'lm-next-token');
  const paramGrads = new ParamGradChart($('param-grads'));
  /** @type {number[]} the watched parameter's shape, for its tooltips */
  let watchedShape = [1, 1];
  /** @param {string} kind */
  const describeWeight = (kind) => (/** @type {number} */ r, /** @type {number} */ c, /** @type {number} */ v) =>
    `${$('weight-param', HTMLSelectElement).value}${watchedShape.length > 1 ? `[${r}, ${c}]` : `[${c}]`} ${kind} = ${fmt(v)}`;
  const weightsMap = new Heatmap($('weights-heatmap'), {
    colormap: RDBU,
    label: 'Weight matrix values',
    cellHeight: 'auto',
    maxHeight: 320,
    robust: true,
    rowTicks: true,
    describe: describeWeight('value'),
  });
  const wgradsMap = new Heatmap($('wgrads-heatmap'), {
    colormap: RDBU,
    label: 'Weight matrix gradients',
    cellHeight: 'auto',
    maxHeight: 320,
    robust: true,
    rowTicks: true,
    describe: describeWeight('gradient'),
  });

  return {
    loss,
    gradFlow,
    hidden,
    bigram,
    predict,
    paramGrads,

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
     * Empty the page's own model views (a new model is coming).
     * @param {string[]} paramNames the new model's tensors
     */
    reset(paramNames) {
      paramGrads.reset(paramNames);
      weightsMap.clear();
      wgradsMap.clear();
    },

    /** Redraw the page's own views (the page calls this about ten times a second). */
    draw() {
      paramGrads.draw();
      weightsMap.draw();
      wgradsMap.draw();
    },
  };
}
