// equations.mjs — <lm-equations>: the equations of the cell its trainer runs (RNN, LSTM, the torch or
// the lecture GRU, the window MLP), in MathML (no math library: Chromium renders MathML Core), from
// ../equations.mjs — the same data the tests evaluate against the C cells. Hovering or focusing a
// symbol shows its shape and its live values at the selected character (a strip of H colours and the
// first numbers; the likeliest next characters for p_t), and highlights it in the other views: the
// hidden-state map shows that quantity with the character outlined (h_{t−1}: the one before), the
// page's weight view shows that parameter. The character is the trainer's selection (hover a column
// of <lm-hidden-states>) or the slider here. Attribute probe: the text (default: the probe another
// view asked for, else an excerpt of the trainer's text).
import { LmView, coalesce, whileTraining } from '../element.mjs';
import { symbolsFor, toMathML } from '../equations.mjs';
import { RDBU, VIRIDIS, colorIndex } from '../../views/colormap.mjs';
import { fmt } from '../../views/heatmap.mjs';
import { showChar } from '../../corpus-check.mjs';

const PROBE_EVERY_MS = 1500;
const NAMES = { rnn: 'Vanilla RNN', lstm: 'LSTM', gru: 'GRU', window: 'Window MLP' };
const SIGMOID = new Set(['i', 'f', 'o', 'r', 'z']);

/**
 * The text a probe was made from: characters joined, or words joined by spaces without the <s> and
 * </s> the tokenizer adds again.
 * @param {import('../../protocol.mjs').Probe} probe
 */
function probeSource(probe) {
  if (probe.level !== 'word') return probe.chars.join('');
  return probe.chars.filter((t) => t !== '<s>' && t !== '</s>').join(' ');
}

export class LmEquationsElement extends LmView {
  constructor() {
    super();
    /** @type {import('../../protocol.mjs').Probe | null} */
    this.probe = null;
    /** when the last probe arrived (another view's or ours) */
    this.probeAt = 0;
    /** the character the values are for */
    this.t = 0;
    /** @type {string | null} the symbol shown in the panel */
    this.symbol = null;
    /** @type {import('../equations.mjs').CellConfig | null} */
    this.config = null;
    this.refresh = coalesce(async () => {
      const trainer = this.trainer;
      if (!trainer?.model?.trainable) return;
      const text =
        this.getAttribute('probe') ?? (trainer.lastProbe ? probeSource(trainer.lastProbe) : trainer.probeExcerpt);
      await trainer.probe(text);
    });
  }

  build() {
    const part = LmView.part;
    this.heading = part('p', 'lm-caption lm-eq-heading');
    this.math = part('div', 'lm-math');
    this.math.setAttribute('role', 'group');
    this.math.setAttribute('aria-label', "The cell's equations: focus a symbol for its live values");
    const row = part('div', 'lm-row');
    const id = `lm-eq-t-${Math.random().toString(36).slice(2, 8)}`;
    const label = part('label', 'lm-small', 'Character');
    label.setAttribute('for', id);
    this.tokenLabel = label;
    this.slider = /** @type {HTMLInputElement} */ (part('input', 'lm-eq-t'));
    Object.assign(this.slider, { id, type: 'range', min: '0', max: '0', value: '0' });
    this.slider.style.flex = '1 1 10rem';
    this.charLabel = part('span', 'lm-small lm-eq-char');
    row.append(label, this.slider, this.charLabel);
    this.panel = part('div', 'lm-tensor lm-eq-panel');
    this.panel.setAttribute('aria-live', 'polite');
    this.loss = part(
      'p',
      'lm-caption',
      'Training lowers ℓ_t = −log p_t[c_{t+1}], the surprise at the true next character, summed over each window and averaged over the streams.',
    );
    this.append(this.heading, this.math, row, this.panel, this.loss);
    this.slider.addEventListener('input', () => {
      this.setT(Number(this.slider.value));
      this.trainer?.select(this.t);
    });
    this.math.addEventListener('mouseover', (e) => this.point(e.target));
    this.math.addEventListener('focusin', (e) => this.point(e.target));
    this.math.addEventListener('mouseleave', () => this.point(null));
    this.math.addEventListener('focusout', (e) => {
      if (!this.math.contains(/** @type {Node | null} */ (e.relatedTarget))) this.point(null);
    });
    this.showPanel();
  }

  /** @param {import('../trainer.mjs').Trainer[]} trainers */
  bound([trainer]) {
    if (!trainer) return;
    this.listen(trainer, 'model', (info) => {
      this.setModel(info);
      if (info?.trainable) this.refresh();
    });
    this.listen(trainer, 'probe', (probe) => {
      this.probe = probe;
      this.probeAt = performance.now();
      this.setT(Math.min(this.t, probe.T - 1));
    });
    this.listen(trainer, 'select', (sel) => {
      if (sel) this.setT(sel.t);
    });
    this.listen(trainer, 'step', () => {
      if (!trainer.running) this.refresh();
    });
    // while training, probe only if no other view does (their probes arrive as 'probe' events)
    whileTraining(this, trainer, PROBE_EVERY_MS, () => {
      if (performance.now() - this.probeAt > 2 * PROBE_EVERY_MS) this.refresh();
    });
    if (trainer.model) this.setModel(trainer.model);
    if (trainer.lastProbe) {
      this.probe = trainer.lastProbe;
      this.probeAt = performance.now();
    }
    if (trainer.model?.trainable && !trainer.lastProbe) this.refresh();
  }

  /** The cell the trainer runs now: its equations. @param {import('../../protocol.mjs').ModelInfo | null} info */
  setModel(info) {
    if (!info || !info.trainable) {
      this.config = null;
      this.math.replaceChildren();
      this.heading.textContent = 'The bigram has no equations of this kind: it counts which character follows which.';
      return;
    }
    const k = info.config;
    this.config = {
      cell: /** @type {import('../equations.mjs').CellConfig['cell']} */ (info.kind),
      gru: k.gru,
      vocabSize: k.vocabSize,
      embed: k.embed,
      hidden: k.hidden,
      layers: k.layers,
      window: k.window,
    };
    const variant =
      info.kind === 'gru'
        ? k.gru === 'lecture'
          ? " (the lecture's: reset before the matmul)"
          : ' (torch.nn.GRU: reset after the matmul, its own b_hn)'
        : '';
    const input =
      k.layers > 1
        ? `layer ${k.layers} of ${k.layers} (its input x_t is h_t of the layer below)`
        : k.embed > 0
          ? `embedding E = ${k.embed}`
          : `one-hot input (V = ${k.vocabSize})`;
    this.heading.textContent = `${NAMES[info.kind]}${variant}: H = ${k.hidden}, ${input}${info.kind === 'window' ? `, window W = ${k.window}` : ''}. σ is the logistic sigmoid, ⊙ the element-wise product; vectors are rows.`;
    // MathML from our own data (no user text inside): parsed by the browser's HTML parser.
    this.math.innerHTML = toMathML(this.config).join('');
    this.showPanel();
  }

  /** @param {number} t */
  setT(t) {
    this.t = Math.max(0, t);
    this.invalidate();
  }

  /** The reader points at a symbol (or nothing): show it, highlight it everywhere. @param {EventTarget | null} target */
  point(target) {
    const el = target instanceof Element ? target.closest('[data-symbol]') : null;
    const id = el?.getAttribute('data-symbol') ?? null;
    if (id === this.symbol) return;
    this.symbol = id;
    for (const lit of this.math.querySelectorAll('.lm-lit')) lit.classList.remove('lm-lit');
    if (id) for (const same of this.math.querySelectorAll(`[data-symbol="${id}"]`)) same.classList.add('lm-lit');
    const trainer = this.trainer;
    if (trainer && this.config) {
      if (!id) trainer.highlight(null);
      else {
        const source = symbolsFor(this.config)[id]?.source;
        if (source?.kind === 'quantity') trainer.highlight({ symbol: id, quantity: source.key, t: this.t + source.dt });
        else if (source?.kind === 'param') trainer.highlight({ symbol: id, param: source.name });
        else trainer.highlight({ symbol: id });
      }
    }
    this.showPanel();
  }

  draw() {
    const probe = this.probe;
    if (probe) {
      this.slider.max = String(probe.T - 1);
      this.t = Math.min(this.t, probe.T - 1);
      this.slider.value = String(this.t);
      this.charLabel.textContent = `'${showChar(probe.chars[this.t])}' (#${this.t} of ${probe.T})`;
      this.tokenLabel.textContent = probe.level === 'word' ? 'Token' : 'Character';
    }
    this.showPanel();
  }

  /** The panel: what the pointed-at symbol is, its shape, its values at character t. */
  showPanel() {
    const panel = this.panel;
    if (!this.config) {
      panel.textContent = '';
      return;
    }
    const id = this.symbol;
    if (!id) {
      panel.textContent = 'Hover or focus a symbol (Tab) to see its shape and its values at the chosen character.';
      return;
    }
    const info = symbolsFor(this.config)[id];
    const title = document.createElement('p');
    const name = `${info.base}${info.sub ? `_${info.sub}` : ''}`;
    const shape = info.shape(this.config);
    title.textContent = `${name}: ${info.about}. Shape (${shape.join(', ')}${shape.length === 1 ? ',' : ''}).`;
    /** @type {HTMLElement[]} */
    const parts = [title];
    const probe = this.probe;
    const t = this.t;
    const src = info.source;
    if (probe && src.kind === 'quantity') {
      const q = probe.quantities.find((x) => x.key === src.key);
      const at = t + src.dt;
      if (q) {
        const H = probe.H;
        const values = new Float32Array(H);
        if (at >= 0) for (let h = 0; h < H; h++) values[h] = q.data[h * probe.T + at];
        parts.push(
          this.strip(values, SIGMOID.has(src.key)),
          this.numbers(
            values,
            at >= 0 ? `at '${showChar(probe.chars[at])}' (#${at})` : 'before the first character: zeros',
          ),
        );
      }
    } else if (probe && src.kind === 'input') {
      if (probe.inputs) {
        const values = new Float32Array(probe.E);
        for (let e = 0; e < probe.E; e++) values[e] = probe.inputs[e * probe.T + t];
        parts.push(
          this.strip(values, false),
          this.numbers(values, `the embedding row of '${showChar(probe.chars[t])}' (id ${probe.ids[t]})`),
        );
      } else {
        const p = document.createElement('p');
        p.textContent = `One-hot: 1 at id ${probe.ids[t]} ('${showChar(probe.chars[t])}'), 0 elsewhere — so x_t W_x is row ${probe.ids[t]} of W_x.`;
        parts.push(p);
      }
    } else if (probe && src.kind === 'next') {
      const p = document.createElement('p');
      p.textContent = `After '${showChar(probe.chars[t])}' (#${t}): ${probe.next[t].map((n) => `'${showChar(n.token)}' ${(100 * n.p).toFixed(1)}%`).join(', ')}.`;
      parts.push(p);
    } else if (src.kind === 'param') {
      const p = document.createElement('p');
      p.className = 'lm-muted';
      p.textContent = "A parameter: the same for every character (the page's weight view shows it).";
      parts.push(p);
    }
    panel.replaceChildren(...parts);
  }

  /** A row of coloured cells, one per entry. @param {Float32Array} values @param {boolean} gate */
  strip(values, gate) {
    const canvas = document.createElement('canvas');
    canvas.width = values.length;
    canvas.height = 1;
    canvas.setAttribute('role', 'img');
    let scale = 0;
    for (const v of values) scale = Math.max(scale, Math.abs(v));
    const map = gate ? VIRIDIS : RDBU;
    canvas.setAttribute(
      'aria-label',
      gate ? 'gate values from 0 (dark) to 1 (yellow)' : `values from −${fmt(scale)} (blue) to +${fmt(scale)} (red)`,
    );
    const ctx = canvas.getContext('2d');
    if (!ctx) return canvas;
    const image = ctx.createImageData(values.length, 1);
    values.forEach((v, i) => {
      const k = colorIndex(map, v, gate ? 1 : scale || 1);
      image.data.set([map.table[3 * k], map.table[3 * k + 1], map.table[3 * k + 2], 255], 4 * i);
    });
    ctx.putImageData(image, 0, 0);
    return canvas;
  }

  /** The first values and the range, as text. @param {Float32Array} values @param {string} where */
  numbers(values, where) {
    const p = document.createElement('p');
    const code = document.createElement('code');
    const shown = [...values.slice(0, 8)].map((v) => fmt(v)).join(', ');
    code.textContent = `[${shown}${values.length > 8 ? ', …' : ''}]`;
    let min = Infinity;
    let max = -Infinity;
    for (const v of values) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    p.append(`${where}: `, code, ` (min ${fmt(min)}, max ${fmt(max)})`);
    return p;
  }
}
