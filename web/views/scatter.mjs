// scatter.mjs — a labelled 2-D scatter on a canvas (the embedding map): one dot per point, labels drawn
// in the points' order (most important first) where they do not overlap one already drawn, the axes
// through 0, and the point nearest the pointer (within 10 px; or walked with the arrow keys) named in a
// tooltip and ringed. set()
// takes new data; draw() repaints only when something changed. The scale follows the data with a
// little smoothing, so points move rather than the frame jumping between updates. Shapes: n points,
// xy (n, 2).

/**
 * @typedef {object} ScatterData
 * @property {Float32Array} xy (n, 2)
 * @property {string[]} labels (n,) drawn next to their points
 * @property {(i: number) => string} describe the tooltip of point i
 * @property {string} [xLabel] @property {string} [yLabel]
 */

const PAD = 28; // px around the plot (axis names)
const HIT_PX = 10;

export class Scatter {
  /** @param {HTMLElement} host @param {{ height?: number, label?: string }} [options] */
  constructor(host, { height = 420, label = 'Scatter plot' } = {}) {
    this.host = host;
    this.height = height;
    this.canvas = document.createElement('canvas');
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', label);
    this.canvas.tabIndex = 0;
    this.canvas.style.display = 'block';
    this.canvas.style.width = '100%';
    this.canvas.style.height = `${height}px`;
    this.tip = document.createElement('div');
    this.tip.className = 'tooltip';
    this.tip.hidden = true;
    this.tip.setAttribute('role', 'status');
    host.style.position = 'relative';
    host.append(this.canvas, this.tip);
    /** @type {ScatterData | null} */
    this.data = null;
    /** the visible half-extents, smoothed between updates */
    this.span = { x: 0, y: 0 };
    /** @type {number} the hovered point, -1 none */
    this.hover = -1;
    this.dirty = true;
    /** @type {{ x: number, y: number }[]} points' pixel positions of the last draw */
    this.pixels = [];
    this.canvas.addEventListener('pointermove', (e) => this.pointAt(e.offsetX, e.offsetY));
    this.canvas.addEventListener('pointerleave', () => this.setHover(-1));
    // the keyboard walks the points in order (most frequent first): arrows, Home, Escape
    this.canvas.addEventListener('keydown', (e) => {
      const n = this.data?.labels.length ?? 0;
      if (!n) return;
      const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[e.key];
      if (step) this.setHover((this.hover + step + n) % n);
      else if (e.key === 'Home') this.setHover(0);
      else if (e.key === 'Escape') this.setHover(-1);
      else return;
      e.preventDefault();
    });
    new ResizeObserver(() => {
      this.dirty = true;
      this.draw();
    }).observe(host);
  }

  /** New points. @param {ScatterData} data */
  set(data) {
    const n = data.labels.length;
    let mx = 0;
    let my = 0;
    for (let i = 0; i < n; i++) {
      mx = Math.max(mx, Math.abs(data.xy[2 * i]));
      my = Math.max(my, Math.abs(data.xy[2 * i + 1]));
    }
    mx = mx || 1;
    my = my || 1;
    // grow at once (no point leaves the frame), shrink gently (no jump when one outlier moves in)
    const ease = (/** @type {number} */ old, /** @type {number} */ want) =>
      old === 0 || want > old ? want : old + 0.3 * (want - old);
    this.span = { x: ease(this.span.x, mx * 1.08), y: ease(this.span.y, my * 1.08) };
    this.data = data;
    if (this.hover >= n) this.hover = -1;
    this.dirty = true;
  }

  /** Forget the points (a new model). */
  clear() {
    this.data = null;
    this.span = { x: 0, y: 0 };
    this.setHover(-1);
    this.dirty = true;
  }

  /** @param {number} px @param {number} py pointer position in CSS px */
  pointAt(px, py) {
    let best = -1;
    let bestD = HIT_PX * HIT_PX;
    this.pixels.forEach((p, i) => {
      const d = (p.x - px) ** 2 + (p.y - py) ** 2;
      if (d <= bestD) {
        bestD = d;
        best = i;
      }
    });
    this.setHover(best);
  }

  /** @param {number} i */
  setHover(i) {
    if (i === this.hover) return;
    this.hover = i;
    this.dirty = true;
    this.draw();
  }

  draw() {
    if (!this.dirty) return;
    this.dirty = false;
    const width = Math.max(200, this.host.clientWidth);
    const height = this.height;
    const dpr = window.devicePixelRatio || 1;
    if (this.canvas.width !== Math.round(width * dpr) || this.canvas.height !== Math.round(height * dpr)) {
      this.canvas.width = Math.round(width * dpr);
      this.canvas.height = Math.round(height * dpr);
    }
    const ctx = /** @type {CanvasRenderingContext2D} */ (this.canvas.getContext('2d'));
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const styles = getComputedStyle(this.host);
    const ink = styles.getPropertyValue('--lm-ink').trim() || '#222';
    const muted = styles.getPropertyValue('--lm-muted').trim() || '#777';
    const grid = styles.getPropertyValue('--lm-grid').trim() || '#e5e5e5';
    const accent = styles.getPropertyValue('--lm-accent').trim() || '#2f6fcf';
    const data = this.data;
    const sx = (width - 2 * PAD) / (2 * (this.span.x || 1));
    const sy = (height - 2 * PAD) / (2 * (this.span.y || 1));
    const cx = width / 2;
    const cy = height / 2;
    // the axes through the mean (the data are centred)
    ctx.strokeStyle = grid;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(PAD / 2, cy + 0.5);
    ctx.lineTo(width - PAD / 2, cy + 0.5);
    ctx.moveTo(cx + 0.5, PAD / 2);
    ctx.lineTo(cx + 0.5, height - PAD / 2);
    ctx.stroke();
    ctx.font = '12px system-ui, sans-serif';
    ctx.fillStyle = muted;
    ctx.textBaseline = 'alphabetic';
    // the axes' names in the corners, clear of the labels near the axes' ends
    if (data?.xLabel) {
      ctx.textAlign = 'right';
      ctx.fillText(`${data.xLabel} →`, width - 4, height - 6);
    }
    if (data?.yLabel) {
      ctx.textAlign = 'left';
      ctx.fillText(`↑ ${data.yLabel}`, 4, 14);
    }
    this.pixels = [];
    if (!data) {
      this.tip.hidden = true;
      return;
    }
    const n = data.labels.length;
    for (let i = 0; i < n; i++) this.pixels.push({ x: cx + data.xy[2 * i] * sx, y: cy - data.xy[2 * i + 1] * sy });
    ctx.fillStyle = accent;
    ctx.globalAlpha = 0.75;
    for (const p of this.pixels) {
      ctx.beginPath();
      ctx.arc(p.x, p.y, 3, 0, 2 * Math.PI);
      ctx.fill();
    }
    ctx.globalAlpha = 1;
    // labels, first come first placed; a label overlapping a placed one is left to the tooltip
    ctx.fillStyle = ink;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    /** @type {{ x0: number, y0: number, x1: number, y1: number }[]} */
    const placed = [];
    for (let i = 0; i < n; i++) {
      const p = this.pixels[i];
      const text = data.labels[i];
      const w = ctx.measureText(text).width;
      const box = { x0: p.x + 5, y0: p.y - 7, x1: p.x + 5 + w, y1: p.y + 7 };
      if (box.x1 > width || placed.some((b) => box.x0 < b.x1 && b.x0 < box.x1 && box.y0 < b.y1 && b.y0 < box.y1))
        continue;
      placed.push(box);
      ctx.fillText(text, box.x0, p.y);
    }
    if (this.hover >= 0 && this.hover < n) {
      const p = this.pixels[this.hover];
      ctx.strokeStyle = '#d9534f';
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.arc(p.x, p.y, 7, 0, 2 * Math.PI);
      ctx.stroke();
      this.tip.textContent = data.describe(this.hover);
      this.tip.hidden = false;
      this.tip.style.left = `${Math.min(p.x + 12, width - 220)}px`;
      this.tip.style.top = `${Math.max(0, p.y - 34)}px`;
    } else this.tip.hidden = true;
  }
}
