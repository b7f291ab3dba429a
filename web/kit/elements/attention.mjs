// attention.mjs — <lm-attention>: a sequence-to-sequence model's attention weights α as a heatmap,
// one row per output token, one column per source token, each row summing to 1 (how much that output
// step looked at each source position; a reversal draws an anti-diagonal). Hover or the arrow keys
// give each α. Fed directly, always (trainer="none" is implied: the kit's trainers are language
// models): set({ source, output, alpha }) with alpha (output.length, source.length) row-major, or
// set(translation) with what lmlab's Seq2Seq translate() returns (its sourceTokens, tokens and '</s>'
// when it ended, alpha: { data, shape }); clear().
// Attributes: cell-px (the widest cell, default 30, so a short source is not blown up to the page's
// width), max-height (px, default 420: a long output gets flatter rows), aria-label.
import { LmView } from '../element.mjs';
import { Heatmap } from '../../views/heatmap.mjs';
import { HEAT } from '../../views/colormap.mjs';

/** A token as a label: a space and a tab made visible. @param {string} t */
const label = (t) => (t === ' ' ? '␣' : t === '\t' ? '⇥' : t);

/** How far a row of α may be from summing to 1 before set() refuses it (float32 softmax rounding). */
const ROW_SUM_TOLERANCE = 1e-3;

/** The number an attribute holds, if it is a positive number; else `fallback`. */
function positive(/** @type {string | null} */ value, /** @type {number} */ fallback) {
  const n = Number(value);
  return value !== null && Number.isFinite(n) && n > 0 ? n : fallback;
}

/** @typedef {{ sourceTokens: string[], tokens: string[], ended: boolean,
 *   alpha: { data: Float32Array, shape: number[] } }} Translation what Seq2Seq.translate() returns */

/**
 * set()'s argument as { source, output, alpha }: a translation's rows are its output tokens and, when
 * it ended, '</s>' (the step that chose it attended too); its columns the source tokens and '</s>'.
 * @param {any} w @returns {{ source: string[], output: string[], alpha: ArrayLike<number> }}
 */
function fromTranslation(w) {
  if (!w || typeof w !== 'object')
    throw new TypeError('<lm-attention>.set needs { source, output, alpha } or a Seq2Seq translation');
  if (!('sourceTokens' in w)) return w;
  const output = [...(w.tokens ?? []), ...(w.ended ? ['</s>'] : [])];
  return { source: w.sourceTokens, output, alpha: w.alpha?.data };
}

export class LmAttentionElement extends LmView {
  static get observedAttributes() {
    return ['cell-px', 'max-height'];
  }

  constructor() {
    super();
    /** @type {{ source: string[], output: string[] } | null} the tokens of what is shown */
    this.shown = null;
  }

  build() {
    this.host = LmView.part('div', 'lm-attention-heatmap');
    this.append(this.host);
    this.heatmap = new Heatmap(this.host, {
      colormap: HEAT,
      label:
        this.getAttribute('aria-label') ?? 'Attention weights α: one row per output token, one column per source token',
      square: true,
      maxHeight: positive(this.getAttribute('max-height'), 420),
      describe: (r, c, v) => {
        const s = this.shown;
        if (!s) return '';
        return `output ${r + 1} '${label(s.output[r])}' ← source ${c + 1} '${label(s.source[c])}': α = ${v.toFixed(3)}`;
      },
    });
  }

  /** Never bound to a trainer: the kit's trainers are language models, with no attention to show. */
  async bind() {
    this.trainers = [];
    this.invalidate();
  }

  /** @param {string} name */
  attributeChanged(name) {
    if (name === 'max-height' && this.heatmap)
      this.heatmap.options.maxHeight = positive(this.getAttribute('max-height'), 420);
    if (this.shown) this.fitWidth();
    this.invalidate();
  }

  /**
   * Show attention weights. Refused with a sentence naming the problem (and the old weights kept)
   * when the shapes disagree, a value is not finite or outside [0, 1], or a row does not sum to 1.
   * @param {{ source: string[], output: string[], alpha: ArrayLike<number> } | Translation} weights
   *   source (Tx,) tokens, output (Ty,) tokens, alpha (Ty, Tx) row-major; or a Seq2Seq translation
   */
  set(weights) {
    const { source, output, alpha } = fromTranslation(weights);
    if (!Array.isArray(source) || !Array.isArray(output))
      throw new TypeError('<lm-attention>.set needs source and output as arrays of tokens (strings)');
    const rows = output.length;
    const cols = source.length;
    if (!alpha || typeof alpha.length !== 'number')
      throw new TypeError('<lm-attention>.set needs alpha: the weights as an array or typed array (output × source)');
    if (alpha.length !== rows * cols)
      throw new RangeError(
        `<lm-attention>.set: alpha has ${alpha.length} values, but ${rows} output × ${cols} source tokens need ${rows * cols}`,
      );
    for (let r = 0; r < rows; r++) {
      let sum = 0;
      for (let c = 0; c < cols; c++) {
        const v = alpha[r * cols + c];
        if (!(Number.isFinite(v) && v >= 0 && v <= 1 + ROW_SUM_TOLERANCE))
          throw new RangeError(`<lm-attention>.set: α[${r}][${c}] = ${v} is not a weight between 0 and 1`);
        sum += v;
      }
      if (cols > 0 && Math.abs(sum - 1) > ROW_SUM_TOLERANCE)
        throw new RangeError(
          `<lm-attention>.set: row ${r} of α sums to ${sum.toFixed(4)}, not 1 (each output step's weights over the source)`,
        );
    }
    this.ensureBuilt();
    this.shown = { source: source.map(String), output: output.map(String) };
    this.fitWidth();
    /** @type {import('../../views/heatmap.mjs').Heatmap} */ (this.heatmap).set({
      values: Float32Array.from(alpha),
      rows,
      cols,
      rowLabels: this.shown.output.map(label),
      colLabels: this.shown.source.map(label),
      scale: 1,
    });
    this.invalidate();
  }

  /** Fed before it was placed in a document: build the parts now (connectedCallback will not again). */
  ensureBuilt() {
    if (this.built) return;
    this.built = true;
    this.build();
    if (typeof ResizeObserver !== 'undefined') new ResizeObserver(() => this.invalidate()).observe(this);
  }

  /** Show nothing. */
  clear() {
    this.shown = null;
    this.heatmap?.clear();
    this.invalidate();
  }

  /** Square cells at most cell-px wide: the row labels' width plus the columns. */
  fitWidth() {
    const s = /** @type {{ source: string[], output: string[] }} */ (this.shown);
    const cellPx = positive(this.getAttribute('cell-px'), 30);
    const widest = Math.max(1, ...s.output.map((t) => label(t).length));
    /** @type {HTMLElement} */ (this.host).style.maxWidth =
      `${s.source.length * cellPx + 12 + 8 * Math.min(widest, 12)}px`;
  }

  draw() {
    this.heatmap?.draw();
  }
}
