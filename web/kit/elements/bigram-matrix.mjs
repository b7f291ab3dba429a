// bigram-matrix.mjs — <lm-bigram-matrix>: P(next | previous) among the corpus's most frequent
// tokens (attribute top, default 28), add-k smoothed, as a heatmap: row = previous, column = next,
// colour ∝ √p so small probabilities stay visible; kind="counts" shows how often each pair occurs in
// the training text instead; hover or the arrow keys give each value.
// Fetched when it comes into view and whenever its trainer's text changes. Fed directly
// (trainer="none"): set(tokens, values (n, n)).
import { LmView, coalesce } from '../element.mjs';
import { Heatmap, fmt } from '../../views/heatmap.mjs';
import { VIRIDIS } from '../../views/colormap.mjs';
import { showChar } from '../../corpus-check.mjs';

const CELL_MAX_PX = 40; // the widest cell: 28 tokens still fill a card, 4 stay a small picture

export class LmBigramMatrixElement extends LmView {
  static get observedAttributes() {
    return ['trainer', 'kind'];
  }

  constructor() {
    super();
    /** @type {string[]} the matrix's tokens, for its tooltips */
    this.tokens = [];
    /** @type {'probs' | 'counts'} what the values are */
    this.shownKind = 'probs';
    this.refresh = coalesce(async () => {
      const trainer = this.trainer;
      if (!trainer?.corpus) return;
      const kind = this.kind;
      const { tokens, values } = await trainer.bigramMatrix(Number(this.getAttribute('top') ?? 28), kind);
      this.shownKind = kind;
      this.set(tokens, values);
    });
  }

  build() {
    const host = LmView.part('div', 'lm-bigram-heatmap');
    this.host = host;
    this.append(host);
    this.heatmap = new Heatmap(host, {
      colormap: VIRIDIS,
      label: this.getAttribute('aria-label') ?? 'Bigram probability matrix: row = previous character, column = next',
      square: true,
      gamma: 0.5,
      describe: (r, c, v) =>
        this.shownKind === 'counts'
          ? `count('${showChar(this.tokens[r])}' '${showChar(this.tokens[c])}') = ${v}`
          : `P('${showChar(this.tokens[c])}' | '${showChar(this.tokens[r])}') = ${fmt(v)}`,
    });
  }

  /** @param {import('../trainer.mjs').Trainer[]} trainers */
  bound([trainer]) {
    if (!trainer) return;
    this.listen(trainer, 'corpus', () => this.refresh());
    if (trainer.corpus) this.refresh();
    else
      trainer.start().then(
        () => this.refresh(),
        () => {},
      );
  }

  /** What the matrix shows: 'probs' (default) or 'counts'. @returns {'probs' | 'counts'} */
  get kind() {
    return this.getAttribute('kind') === 'counts' ? 'counts' : 'probs';
  }

  /** @param {string} name */
  attributeChanged(name) {
    if (name === 'kind' && this.trainer?.corpus) this.refresh();
  }

  /**
   * Show a matrix.
   * @param {string[]} tokens (n,) @param {Float32Array} values (n, n), rows = previous token
   */
  set(tokens, values) {
    this.tokens = tokens;
    // square cells at most CELL_MAX_PX wide: a few tokens are not blown up to the page's width
    const labels = 12 + 8 * Math.min(12, Math.max(1, ...tokens.map((t) => showChar(t).length)));
    /** @type {HTMLElement} */ (this.host).style.maxWidth = `${tokens.length * CELL_MAX_PX + labels}px`;
    this.heatmap.set({
      values,
      rows: tokens.length,
      cols: tokens.length,
      rowLabels: tokens.map(showChar),
      colLabels: tokens.map(showChar),
    });
    this.invalidate();
  }

  draw() {
    this.heatmap.draw();
  }
}
