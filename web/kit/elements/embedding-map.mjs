// embedding-map.mjs — <lm-embedding-map>: the token vectors of the most frequent tokens (attribute top,
// default 150, 3 to 500) projected on their first two principal axes, one labelled dot per token, hover
// or the arrow keys for a token's count and coordinates; a caption says which matrix the vectors are
// rows of and how much of their variance the two axes hold. The worker computes the projection
// (worker/pca.mjs), warm-started from the last one with the axes' signs kept, so the cloud moves
// smoothly while training: refreshed every second while its trainer trains, after a step, a pause, a
// new model or loaded vectors. Works at character level (the characters' vectors) and for one-hot
// models (layer 0's input weights). The drawing (views/embedding-plot.mjs) loads when the element is
// first built, so a page's start does not carry it. Fed directly (trainer="none"): set(projection).
import { LmView, coalesce, whileTraining } from '../element.mjs';

/** @typedef {import('../../protocol.mjs').EmbeddingProjection} EmbeddingProjection */

const REFRESH_MS = 1000;

export class LmEmbeddingMapElement extends LmView {
  static get observedAttributes() {
    return ['trainer', 'top'];
  }

  constructor() {
    super();
    /** @type {EmbeddingProjection | null} the projection shown */
    this.last = null;
    this.note = '';
    /** @type {import('../../views/embedding-plot.mjs').EmbeddingPlot | null} (its module loads on demand) */
    this.plot = null;
    this.refresh = coalesce(async () => {
      const trainer = this.trainer;
      if (!trainer?.model) return;
      if (!trainer.model.trainable)
        this.set(null, 'The bigram has no token vectors: choose RNN, LSTM, GRU or window to see the map.');
      else this.set(await trainer.call('projection', { top: this.top }));
    });
  }

  /** Tokens on the map: the attribute top, 3 to 500 (default 150). */
  get top() {
    const n = Number(this.getAttribute('top') ?? 150);
    return Number.isInteger(n) ? Math.max(3, Math.min(500, n)) : 150;
  }

  build() {
    const host = LmView.part('div', 'lm-embedding-plot');
    const height = Number(this.getAttribute('height') ?? 420);
    host.style.minHeight = `${height}px`; // the plot's place is kept while its code loads
    const caption = LmView.part('p', 'lm-caption');
    this.append(host, caption);
    const label =
      this.getAttribute('aria-label') ??
      'The most frequent tokens’ vectors on their first two principal axes; hover a dot, or focus the map and use the arrow keys, for its token';
    import('../../views/embedding-plot.mjs').then(({ EmbeddingPlot }) => {
      this.plot = new EmbeddingPlot(host, caption, { height, label });
      this.set(this.last, this.note);
    });
  }

  /** @param {import('../trainer.mjs').Trainer[]} trainers */
  bound([trainer]) {
    if (!trainer) return;
    this.listen(trainer, 'model', () => {
      this.plot?.clear();
      this.refresh();
    });
    this.listen(trainer, 'vectors', () => this.refresh());
    this.listen(trainer, 'step', () => trainer.running || this.refresh());
    this.listen(trainer, 'state', ({ running }) => running || this.refresh());
    whileTraining(this, trainer, REFRESH_MS, () => this.refresh());
    if (trainer.model) this.refresh();
  }

  /** @param {string} name */
  attributeChanged(name) {
    if (name === 'top') this.refresh();
  }

  /**
   * Show a projection (null: none, with a note saying why).
   * @param {EmbeddingProjection | null} p @param {string} [note]
   */
  set(p, note = '') {
    this.last = p;
    this.note = note;
    this.plot?.show(p, note);
    this.invalidate();
  }

  draw() {
    this.plot?.draw();
  }
}
