// embedding-plot.mjs — the embedding map's drawing (the <lm-embedding-map> element loads it on demand,
// a chunk of its own in the page's build): a projection of the frequent tokens (protocol.mjs
// EmbeddingProjection) as a labelled scatter (scatter.mjs), axes named with the share of the variance
// they hold, a caption saying which matrix the vectors are rows of, and each token's count and
// coordinates in its tooltip. Shapes: n tokens, xy (n, 2).
import { Scatter } from './scatter.mjs';
import { showChar } from '../corpus-check.mjs';

/** @typedef {import('../protocol.mjs').EmbeddingProjection} EmbeddingProjection */

/** A share as a percentage. @param {number} part @param {number} total */
const share = (part, total) => (total > 0 ? `${((100 * part) / total).toFixed(0)}%` : '–');

export class EmbeddingPlot {
  /** @param {HTMLElement} host the plot's place @param {HTMLElement} caption @param {{ height: number, label: string }} options */
  constructor(host, caption, options) {
    this.scatter = new Scatter(host, options);
    this.caption = caption;
  }

  /** Show a projection, or nothing with a note saying why. @param {EmbeddingProjection | null} p @param {string} [note] */
  show(p, note = '') {
    if (!p) {
      this.scatter.clear();
      this.caption.textContent = note;
      return;
    }
    const shown = p.tokens.map(showChar);
    this.scatter.set({
      xy: p.xy,
      labels: shown,
      xLabel: `PC1 (${share(p.variance[0], p.total)})`,
      yLabel: `PC2 (${share(p.variance[1], p.total)})`,
      describe: (i) =>
        `${shown[i]} · #${i + 1}, ${p.counts[i].toLocaleString()}× in training · (${p.xy[2 * i].toFixed(3)}, ${p.xy[2 * i + 1].toFixed(3)})`,
    });
    const rows = /embed/.test(p.tensor)
      ? `rows of ${p.tensor} (E = ${p.D})`
      : `rows of ${p.tensor} (one-hot input: ${p.D} numbers per token)`;
    this.caption.textContent =
      `The ${p.tokens.length} most frequent tokens, ${rows}, on the two directions of greatest variance: ` +
      `${share(p.variance[0], p.total)} and ${share(p.variance[1], p.total)} of it. Step ${p.step.toLocaleString()}; ` +
      `projected in the worker in ${p.ms.toFixed(1)} ms (${p.iterations} power iterations).`;
  }

  /** Forget the points (a new model). */
  clear() {
    this.scatter.clear();
  }

  draw() {
    this.scatter.draw();
  }
}
