// hidden-states.mjs — <lm-hidden-states>: the last layer's hidden states over a probe text as a
// heatmap (rows are neurons, columns characters; hover, or focus it and use the arrow keys, for
// values; a click or Enter picks a neuron), the probe text coloured by that neuron, and for LSTM/GRU a
// selector for the cell state c_t or a gate. Attributes: probe (the text; default an excerpt of the
// trainer's text), quantity (h, c, i, f, g, o, r, z), parts (any of "quantity heatmap text rank
// note"; default "quantity heatmap text note"). It probes when it comes into view, when the model
// changes, after a step, and every 1.5 s while training. The character under the cursor becomes the
// trainer's selection (the formula view shows its values); a highlight from the formula view shows
// that quantity and outlines the character. Fed directly (trainer="none"): set(probe).
import { LmView, coalesce, whileTraining } from '../element.mjs';
import { HiddenStatesView, QUANTITIES } from '../../views/hidden-states.mjs';
import { showChar } from '../../corpus-check.mjs';

const PROBE_EVERY_MS = 1500; // while training: new hidden states
const DEFAULT_PARTS = 'quantity heatmap text note';

export class LmHiddenStatesElement extends LmView {
  static get observedAttributes() {
    return ['trainer', 'probe', 'quantity'];
  }

  constructor() {
    super();
    /** @type {string | null} the probe text set through the property (wins over the attribute) */
    this.probeOverride = null;
    /** the quantity the reader chose (a highlight shows another one for a while) */
    this.chosen = 'h';
    this.refresh = coalesce(
      () => this.probeNow(),
      (err) => this.sayNote(err.message),
    );
  }

  /** The text the states are shown over. */
  get probeText() {
    return this.probeOverride ?? this.getAttribute('probe') ?? this.trainer?.probeExcerpt ?? '';
  }
  set probeText(text) {
    this.probeOverride = String(text);
    if (this.active) this.refresh();
  }

  build() {
    const part = LmView.part;
    const parts = new Set((this.getAttribute('parts') ?? DEFAULT_PARTS).split(/\s+/));
    this.quantityRow = part('div', 'lm-row lm-hs-quantity-row');
    this.quantityRow.hidden = true;
    const qid = `lm-hs-q-${Math.random().toString(36).slice(2, 8)}`;
    const qlabel = part('label', '', 'Show');
    qlabel.setAttribute('for', qid);
    this.select = /** @type {HTMLSelectElement} */ (part('select', 'lm-hs-quantity'));
    this.select.id = qid;
    this.scaleNote = part('span', 'lm-muted lm-small lm-hs-scale');
    this.quantityRow.append(qlabel, this.select, this.scaleNote);
    this.select.addEventListener('change', () => this.show(this.select.value));
    const heatmap = part('div', 'lm-hs-heatmap');
    const heading = part('p', 'lm-hs-heading');
    const neuronLabel = part('strong', 'lm-hs-label', 'neuron 0');
    const legend = part('span', 'lm-muted lm-small lm-hs-legend', '(blue −1, white 0, red +1; hover for values)');
    heading.append(neuronLabel, ' ', legend);
    const text = part('div', 'coloured-text lm-hs-text');
    const rankRow = part('div', 'lm-row lm-hs-rank-row');
    const from = /** @type {HTMLInputElement} */ (part('input', 'lm-hs-from'));
    const to = /** @type {HTMLInputElement} */ (part('input', 'lm-hs-to'));
    /** @type {[HTMLInputElement, string, string][]} */
    const spanFields = [
      [from, '0', 'Span from'],
      [to, '10', 'to'],
    ];
    for (const [input, value, label] of spanFields) {
      Object.assign(input, { type: 'number', min: '0', value });
      input.style.width = '5rem';
      const l = part('label', '', label);
      l.append(' ', input);
      rankRow.append(l);
    }
    this.rankButton = /** @type {HTMLButtonElement} */ (part('button', 'lm-hs-rank', 'Rank neurons for this span'));
    this.rankButton.type = 'button';
    this.rankButton.addEventListener('click', () => this.rank(Number(from.value), Number(to.value)));
    rankRow.append(this.rankButton);
    const rankHint = part('p', 'lm-caption', 'Select characters in the text above with the mouse to fill the span.');
    const ranking = part('div', 'lm-hs-ranking');
    this.note = part('p', 'lm-caption lm-hs-note');
    this.note.setAttribute('aria-live', 'polite');
    const show = (/** @type {string} */ name, /** @type {HTMLElement[]} */ els) => {
      if (parts.has(name)) this.append(...els);
    };
    show('quantity', [this.quantityRow]);
    show('heatmap', [heatmap]);
    show('text', [heading, text]);
    show('rank', [rankRow, rankHint, ranking]);
    show('note', [this.note]);
    this.view = new HiddenStatesView(
      { heatmap, text, neuronLabel, legend, ranking, ...(parts.has('rank') ? { spanFrom: from, spanTo: to } : {}) },
      { onCursor: (t) => this.trainer?.select(t) },
    );
    const wanted = this.getAttribute('quantity');
    if (wanted) this.chosen = wanted;
  }

  /** @param {import('../trainer.mjs').Trainer[]} trainers */
  bound([trainer]) {
    if (!trainer) return;
    this.listen(trainer, 'model', (info) => {
      if (!info?.trainable) this.clear('The bigram has no hidden state: choose RNN, LSTM or GRU to look inside.');
      else this.refresh();
    });
    this.listen(trainer, 'step', () => {
      if (!trainer.running) this.refresh();
    });
    this.listen(trainer, 'state', ({ running }) => {
      if (!running) this.refresh();
    });
    this.listen(trainer, 'select', (sel) => {
      this.view.highlight(sel ? sel.t : -1);
      this.invalidate();
    });
    this.listen(trainer, 'highlight', (target) => this.onHighlight(target));
    whileTraining(this, trainer, PROBE_EVERY_MS, this.refresh);
    if (trainer.model) this.refresh();
  }

  async probeNow() {
    const trainer = this.trainer;
    if (!trainer?.model) return;
    if (!trainer.model.trainable) {
      this.clear('The bigram has no hidden state: choose RNN, LSTM or GRU to look inside.');
      return;
    }
    const probe = await trainer.probe(this.probeText);
    this.set(probe);
    const notes = [`Hidden states at step ${trainer.steps}.`];
    if (probe.cell === 'window')
      notes.push(
        'The window MLP has no recurrence: each column is its hidden layer for the window of characters ending there.',
      );
    if (probe.dropped) notes.push(`Not in the vocabulary, skipped: ${[...probe.dropped].map(showChar).join(' ')}.`);
    if (probe.unknown?.length) notes.push(`Not in the vocabulary, read as <unk>: ${probe.unknown.join(', ')}.`);
    const unit = probe.level === 'word' ? 'tokens' : 'characters';
    if (probe.cut) notes.push(`Only the first ${probe.T} ${unit} are probed (${probe.cut} more left out).`);
    this.sayNote(notes.join(' '));
  }

  /** @param {string} text */
  sayNote(text) {
    this.note.textContent = text;
  }

  /** @param {string} message */
  clear(message) {
    this.view.clear();
    this.quantityRow.hidden = true;
    this.sayNote(message);
    this.invalidate();
  }

  /**
   * Show a probe result (its quantities (H, T), rows = neurons).
   * @param {import('../../protocol.mjs').Probe} probe
   */
  set(probe) {
    this.view.set(probe);
    if (this.view.keys().includes(this.chosen)) this.view.show(this.chosen);
    this.renderQuantities();
    const sel = this.trainer?.selection;
    this.view.highlight(sel && sel.t < probe.T ? sel.t : -1);
    this.invalidate();
  }

  /** Show quantity `key` (h, c or a gate) and remember the choice. @param {string} key */
  show(key) {
    this.chosen = key;
    this.view.show(key);
    this.renderQuantities();
    this.invalidate();
  }

  /**
   * The formula view points at a tensor: show it if the probe has it, outline its character; null
   * restores the reader's choice.
   * @param {{ quantity?: string, t?: number } | null} target
   */
  onHighlight(target) {
    if (!this.view.probe) return;
    const keys = this.view.keys();
    const key =
      target?.quantity && keys.includes(target.quantity)
        ? target.quantity
        : keys.includes(this.chosen)
          ? this.chosen
          : 'h';
    if (key !== this.view.quantity) {
      this.view.show(key);
      this.renderQuantities();
    }
    this.classList.toggle('lm-lit', Boolean(target?.quantity && keys.includes(target.quantity)));
    // outline the character the formula points at (h_{t−1}: the one before), else the selection
    const sel = this.trainer?.selection;
    const t = target?.t ?? (sel ? sel.t : -1);
    this.view.highlight(t >= 0 && t < (this.view.probe?.T ?? 0) ? t : -1);
    this.invalidate();
  }

  /** Rank neurons by how differently they fire inside [from, to]. @param {number} from @param {number} to */
  rank(from, to) {
    try {
      return this.view.rank(from, to);
    } catch (err) {
      this.sayNote(/** @type {Error} */ (err).message);
      return [];
    } finally {
      this.invalidate();
    }
  }

  /** The selector of h, c and the gates (hidden when there is only h). */
  renderQuantities() {
    const keys = this.view.keys();
    const current = [...this.select.options].map((o) => o.value).join();
    if (current !== keys.join()) {
      this.select.replaceChildren(...keys.map((k) => new Option(QUANTITIES[k]?.label ?? k, k)));
    }
    this.select.value = this.view.quantity;
    this.quantityRow.hidden = keys.length < 2;
    this.scaleNote.textContent = this.view.quantity === 'c' ? `colour range ±${this.view.scale.toFixed(2)}` : '';
  }

  draw() {
    this.view.draw();
  }

  /** @param {string} name */
  attributeChanged(name) {
    if (name === 'probe' && this.active) this.refresh();
    if (name === 'quantity') {
      const key = this.getAttribute('quantity') ?? 'h';
      if (this.view.keys().includes(key)) this.show(key);
      else this.chosen = key;
    }
  }
}
