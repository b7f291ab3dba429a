// hidden-states.mjs — "inside the model": the heatmap of h_t (H neurons × T characters) over a
// probe text, the probe text coloured by one chosen neuron's activation (the "this neuron tracks
// quotes" view), and ranking neurons by how differently they fire inside a selected span. For gated
// cells the same views show the LSTM's cell state c_t or one gate (LSTM i f g o, GRU r z g) instead
// of h_t. It reads a probe result { chars, T, H, quantities: [{ key, data (H, T) }] } — the worker
// sends them as the heatmap draws them, neurons as rows — and never talks to the worker itself.
import { Heatmap, fmt } from './heatmap.mjs';
import { RDBU, VIRIDIS } from './colormap.mjs';
import { renderColoredText } from './colored-text.mjs';
import { showChar } from '../corpus-check.mjs';

/** What each quantity of a probe is, for labels and tooltips; scale: the colour map's range (0 = from
 * the data); gate: a sigmoid in (0, 1), drawn with a sequential map (dark = closed, yellow = open).
 * @type {Readonly<Record<string, { label: string, scale: number, gate?: boolean }>>} */
export const QUANTITIES = Object.freeze({
  h: { label: 'h_t hidden state', scale: 1 },
  c: { label: 'c_t cell state (LSTM memory)', scale: 0 },
  i: { label: 'i input gate (0…1)', scale: 1, gate: true },
  f: { label: 'f forget gate (0…1)', scale: 1, gate: true },
  g: { label: 'g candidate (−1…1)', scale: 1 },
  o: { label: 'o output gate (0…1)', scale: 1, gate: true },
  r: { label: 'r reset gate (0…1)', scale: 1, gate: true },
  z: { label: 'z update gate (0…1)', scale: 1, gate: true },
});

export class HiddenStatesView {
  /**
   * @param {{ heatmap: HTMLElement, text: HTMLElement, neuronLabel: HTMLElement, ranking: HTMLElement,
   *   spanFrom?: HTMLInputElement, spanTo?: HTMLInputElement, legend?: HTMLElement }} els legend: the colour
   *   key under the neuron's text, reworded for gates; spanFrom/spanTo: the ranking's span inputs (a
   *   mouse selection in the text fills them)
   * @param {{ onCursor?: (t: number) => void }} [options] onCursor: the character under the mouse or
   *   the keyboard cursor
   */
  constructor(els, options = {}) {
    this.els = els;
    this.probe = null;
    this.colormap = RDBU;
    this.scale = 1;
    this.quantity = 'h'; // which of the probe's quantities the views show
    this.neuron = 0;
    this.picked = false; // true once the user chose a neuron
    this.textDirty = false;
    this.heatmap = new Heatmap(els.heatmap, {
      colormap: RDBU,
      label: 'Hidden state heatmap: one row per neuron, one column per probe character',
      cellHeight: 'auto',
      maxHeight: 380,
      rowTicks: true,
      describe: (r, c, v) =>
        `neuron ${r}, ${this.probe.level === 'word' ? 'token' : 'char'} ${c} '${showChar(this.probe.chars[c])}': ${this.quantity} = ${fmt(v)}`,
      onSelect: (r) => this.selectNeuron(r),
      onCursor: (_r, c) => options.onCursor?.(c),
    });
    // A mouse selection inside the coloured text fills the span inputs.
    if (els.spanFrom && els.spanTo) document.addEventListener('selectionchange', () => this.readSelection());
  }

  /**
   * @param {{ chars: string[], T: number, H: number, quantities: { key: string, data: Float32Array }[], level?: 'char' | 'word' }} probe
   *   every quantity's data is (H, T), rows = neurons; the first is h
   */
  set(probe) {
    this.probe = probe;
    if (!probe.quantities.some((q) => q.key === this.quantity)) this.quantity = 'h';
    this.show(this.quantity);
  }

  /** The keys of the quantities the current probe has (h first). */
  keys() {
    return this.probe ? this.probe.quantities.map((q) => q.key) : [];
  }

  /** Show quantity `key` (h, c or a gate name) in the heatmap, the coloured text and the ranking. @param {string} key */
  show(key) {
    const probe = this.probe;
    const found = probe?.quantities.find((q) => q.key === key);
    if (!found) throw new Error(`this model has no '${key}' to show`);
    this.quantity = key;
    const { T, H, chars } = probe;
    this.states = found.data;
    let scale = QUANTITIES[key]?.scale ?? 1;
    if (!scale) {
      // c is unbounded: colour by its largest magnitude over the probe
      for (const v of found.data) scale = Math.max(scale, Math.abs(v));
      scale = scale || 1;
    }
    this.scale = scale;
    this.colormap = QUANTITIES[key]?.gate ? VIRIDIS : RDBU;
    this.heatmap.options.colormap = this.colormap;
    this.heatmap.set({ values: found.data, rows: H, cols: T, colLabels: chars.map(showChar), scale });
    // Until someone picks one, show the neuron that varies most over the probe text.
    if (!this.picked || this.neuron >= H) this.neuron = this.mostVaried();
    this.heatmap.selectedRow = this.neuron;
    if (this.els.spanFrom) this.els.spanFrom.max = String(T - 1);
    if (this.els.spanTo) this.els.spanTo.max = String(T - 1);
    this.textDirty = true;
  }

  clear() {
    this.probe = null;
    this.picked = false;
    this.heatmap.clear();
    this.els.text.replaceChildren();
    this.els.ranking.replaceChildren();
  }

  /** Colour the text by neuron h (a click or Enter on its heatmap row). @param {number} h */
  selectNeuron(h) {
    this.picked = true;
    this.neuron = h;
    this.heatmap.selectedRow = h;
    this.heatmap.dirty = true;
    this.textDirty = true;
  }

  /** The neuron with the largest activation variance over the probe. */
  mostVaried() {
    const { H } = this.probe;
    let best = 0;
    let bestVar = -1;
    for (let h = 0; h < H; h++) {
      const col = this.column(h);
      const mean = col.reduce((a, b) => a + b, 0) / col.length;
      const v = col.reduce((a, b) => a + (b - mean) ** 2, 0);
      if (v > bestVar) {
        bestVar = v;
        best = h;
      }
    }
    return best;
  }

  /** Activation of neuron h at every position: (T,), row h of the (H, T) states. @param {number} h */
  column(h) {
    const { T } = this.probe;
    return this.states.subarray(h * T, (h + 1) * T);
  }

  /** Outline character t's column (-1: none), e.g. the one the formula view points at. @param {number} t */
  highlight(t) {
    this.heatmap.highlightCol = t;
    this.heatmap.dirty = true;
  }

  /** A mouse selection inside the coloured text fills the span inputs. */
  readSelection() {
    const sel = document.getSelection();
    if (!sel || sel.isCollapsed || !this.els.text.contains(sel.anchorNode) || !this.els.spanFrom || !this.els.spanTo)
      return;
    const index = (/** @type {any} */ node) =>
      Number((node.nodeType === 1 ? node : node.parentElement)?.closest('[data-i]')?.dataset.i);
    const a = index(sel.anchorNode);
    const b = index(sel.focusNode);
    if (!Number.isFinite(a) || !Number.isFinite(b)) return;
    this.els.spanFrom.value = String(Math.min(a, b));
    this.els.spanTo.value = String(Math.max(a, b));
  }

  /**
   * Rank neurons by how differently they fire inside [from, to] than outside it: the difference of
   * means in units of the neuron's overall standard deviation. Returns the top `k`.
   * @param {number} from @param {number} to inclusive @param {number} [k]
   * @returns {{ neuron: number, score: number }[]}
   */
  rank(from, to, k = 8) {
    if (!this.probe) throw new Error('run a probe first');
    const { T, H } = this.probe;
    if (!(from >= 0 && to < T && from <= to))
      throw new Error(`choose a span inside the probe text: 0 ≤ from ≤ to ≤ ${T - 1}`);
    if (to - from + 1 === T) throw new Error('the span covers the whole probe text: select a part of it');
    const scores = [];
    for (let h = 0; h < H; h++) {
      const col = this.column(h);
      let inSum = 0;
      let outSum = 0;
      let all = 0;
      for (let t = 0; t < T; t++) {
        if (t >= from && t <= to) inSum += col[t];
        else outSum += col[t];
        all += col[t];
      }
      const mean = all / T;
      let variance = 0;
      for (let t = 0; t < T; t++) variance += (col[t] - mean) ** 2;
      const sd = Math.sqrt(variance / T) + 1e-3;
      const inside = to - from + 1;
      scores.push({ neuron: h, score: (inSum / inside - outSum / (T - inside)) / sd });
    }
    scores.sort((a, b) => Math.abs(b.score) - Math.abs(a.score));
    const top = scores.slice(0, k);
    this.renderRanking(top);
    return top;
  }

  /** @param {{ neuron: number, score: number }[]} top */
  renderRanking(top) {
    const list = document.createElement('ol');
    list.className = 'ranking';
    for (const { neuron, score } of top) {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'chip';
      button.textContent = `neuron ${neuron}: ${score > 0 ? '+' : ''}${score.toFixed(2)} σ`;
      button.addEventListener('click', () => this.selectNeuron(neuron));
      item.append(button);
      list.append(item);
    }
    this.els.ranking.replaceChildren(list);
  }

  draw() {
    this.heatmap.draw();
    if (this.textDirty && this.probe) {
      this.textDirty = false;
      const col = this.column(this.neuron);
      this.els.neuronLabel.textContent = `neuron ${this.neuron} of ${this.probe.H}${this.quantity === 'h' ? '' : ` (${this.quantity})`}`;
      const s = this.scale.toFixed(2);
      if (this.els.legend) {
        this.els.legend.textContent =
          this.colormap === VIRIDIS
            ? '(dark 0 = closed, yellow 1 = open; hover for values)'
            : `(blue −${s}, white 0, red +${s}; hover for values)`;
      }
      renderColoredText(this.els.text, this.probe.chars, col, {
        colormap: this.colormap,
        scale: this.scale,
        gap: this.probe.level === 'word' ? ' ' : '',
        describe: (i, v) => `'${showChar(this.probe.chars[i])}' (#${i}): ${this.quantity}[${this.neuron}] = ${fmt(v)}`,
      });
    }
  }
}
