// heatmap.mjs — one reusable Canvas 2D heatmap: a (rows, cols) float matrix drawn through a colour
// lookup table at one pixel per cell and scaled up without smoothing, optional row/column labels, a
// colour legend, a hover tooltip, and a keyboard cursor (arrows move, Enter selects) so every cell is
// reachable without a mouse; a selected row and a highlighted column are outlined (the hidden-state
// view's neuron and the character the formula view points at). It draws only in draw(), which its
// owner calls from an animation frame or a timer.
import { colorIndex } from './colormap.mjs';

const FONT = '11px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace';

export class Heatmap {
  /**
   * @param {HTMLElement} host element to fill (a canvas and a tooltip are created inside)
   * @param {{ colormap: import('./colormap.mjs').Colormap, label: string,
   *   cellHeight?: number | 'auto', maxHeight?: number, square?: boolean, gamma?: number, robust?: boolean,
   *   rowTicks?: boolean,
   *   describe?: (r: number, c: number, v: number) => string, onSelect?: (r: number, c: number) => void,
   *   onCursor?: (r: number, c: number) => void }} options onCursor: the cell under the mouse or the
   *   keyboard cursor
   */
  constructor(host, options) {
    this.options = options;
    this.host = host;
    host.classList.add('heatmap');
    this.canvas = document.createElement('canvas');
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', options.label);
    this.tip = document.createElement('div');
    this.tip.className = 'tooltip';
    this.tip.hidden = true;
    host.append(this.canvas, this.tip);
    this.data = null;
    /** @type {{ r: number, c: number } | null} the keyboard cursor's cell */
    this.cursor = null;
    this.selectedRow = -1;
    /** a column outlined (-1: none) */
    this.highlightCol = -1;
    this.dirty = false;
    this.layout = null;
    this.canvas.addEventListener('mousemove', (e) => this.hover(e));
    this.canvas.addEventListener('mouseleave', () => {
      this.tip.hidden = true;
    });
    this.canvas.addEventListener('click', (e) => {
      const cell = this.cellAt(e);
      if (cell) {
        this.cursor = cell;
        this.options.onSelect?.(cell.r, cell.c);
      }
    });
    this.canvas.addEventListener('keydown', (e) => this.key(e));
    this.canvas.addEventListener('blur', () => {
      this.tip.hidden = true;
    });
  }

  /**
   * @param {{ values: Float32Array, rows: number, cols: number, rowLabels?: string[], colLabels?: string[],
   *   scale?: number }} data values: (rows, cols) row-major; scale: value mapped to the end of the map
   */
  set(data) {
    let scale = data.scale;
    if (!(scale > 0)) {
      // At most 4096 evenly spaced cells decide the scale: sorting a 512×512 matrix on every
      // snapshot would stall the page.
      const stride = Math.max(1, Math.floor(data.values.length / 4096));
      const mags = new Float32Array(Math.ceil(data.values.length / stride));
      for (let i = 0, k = 0; i < data.values.length; i += stride) mags[k++] = Math.abs(data.values[i]);
      mags.sort();
      // robust: the 99th percentile, so one outlier does not wash every other cell out to white
      // NaN sorts last; the quantile is taken among the finite values.
      let finite = mags.length;
      while (finite > 0 && !Number.isFinite(mags[finite - 1])) finite--;
      scale = finite ? mags[Math.floor((this.options.robust ? 0.99 : 1) * (finite - 1))] : 0;
      if (!(scale > 0)) scale = finite && mags[finite - 1] > 0 ? mags[finite - 1] : 1;
    }
    this.data = { ...data, scale };
    this.dirty = true;
  }

  clear() {
    this.data = null;
    this.dirty = true;
  }

  /**
   * Redraw if something changed or the element was resized. An owner that knows the host's width (from a
   * ResizeObserver) passes it: reading clientWidth after DOM changes forces a layout in the middle of a frame.
   * @param {number} [width] the host's width in CSS pixels
   */
  draw(width = this.host.clientWidth) {
    if (!width) return;
    if (!this.dirty && this.layout?.width === width) return;
    this.dirty = false;
    const ctx = this.canvas.getContext('2d');
    const dpr = window.devicePixelRatio || 1;
    if (!this.data) {
      this.canvas.width = width * dpr;
      this.canvas.height = 40 * dpr;
      this.canvas.style.height = '40px';
      this.layout = { width };
      return;
    }
    const { rows, cols, values, rowLabels, colLabels, scale } = this.data;
    const { colormap } = this.options;
    ctx.font = FONT;
    const ticks = !rowLabels && this.options.rowTicks;
    const left = rowLabels
      ? Math.ceil(Math.max(...rowLabels.map((l) => ctx.measureText(l).width))) + 8
      : ticks
        ? Math.ceil(ctx.measureText(String(rows - 1)).width) + 8
        : 0;
    const cellW = Math.max(1, (width - left - 2) / cols);
    // column labels wider than their column (words) stand upright, at most 80 px tall
    const labelW = colLabels ? Math.max(0, ...colLabels.map((l) => ctx.measureText(l).width)) : 0;
    const upright = Boolean(colLabels) && labelW > cellW - 2;
    const top = colLabels ? (upright ? Math.min(80, Math.ceil(labelW) + 6) : 16) : 0;
    const legend = 26;
    const wanted = this.options.cellHeight ?? 6;
    // 'auto': square-ish cells, but never thinner than 4 px or taller than 10 px.
    let cellH = this.options.square ? cellW : wanted === 'auto' ? Math.max(4, Math.min(10, cellW)) : wanted;
    if (this.options.maxHeight && rows * cellH > this.options.maxHeight) cellH = this.options.maxHeight / rows;
    const gridH = rows * cellH;
    const height = Math.ceil(top + gridH + legend);
    // Resized only when the size changed: assigning width or height reallocates the bitmap even when
    // the value is the same, the larger part of a redraw's cost (clearRect below empties it).
    const w = Math.round(width * dpr),
      h = Math.round(height * dpr);
    if (this.canvas.width !== w) this.canvas.width = w;
    if (this.canvas.height !== h) this.canvas.height = h;
    if (this.canvas.style.height !== `${height}px`) this.canvas.style.height = `${height}px`;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);

    // Cells: one pixel each in an offscreen image, scaled up crisp.
    const image = new ImageData(cols, rows);
    const table = colormap.table;
    const gamma = this.options.gamma ?? 1;
    for (let i = 0; i < rows * cols; i++) {
      const k = colorIndex(
        colormap,
        gamma === 1 ? values[i] : Math.sign(values[i]) * Math.abs(values[i]) ** gamma,
        scale ** gamma,
      );
      const o = 4 * i;
      if (k < 0) {
        image.data[o + 3] = 0;
        continue;
      }
      image.data[o] = table[3 * k];
      image.data[o + 1] = table[3 * k + 1];
      image.data[o + 2] = table[3 * k + 2];
      image.data[o + 3] = 255;
    }
    const off = new OffscreenCanvas(cols, rows);
    off.getContext('2d').putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(off, left, top, cols * cellW, gridH);

    const styles = getComputedStyle(this.host);
    const ink = styles.getPropertyValue('--lm-ink').trim() || '#222';
    const muted = styles.getPropertyValue('--lm-muted').trim() || '#666';
    ctx.font = FONT;
    ctx.fillStyle = ink;
    ctx.textBaseline = 'middle';
    if (rowLabels && cellH >= 9) {
      ctx.textAlign = 'right';
      rowLabels.forEach((label, r) => ctx.fillText(label, left - 4, top + (r + 0.5) * cellH));
    }
    if (ticks) {
      // Row indices every k rows, k a round number that keeps them at least 12 px apart.
      const k = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024].find((n) => n * cellH >= 12) ?? 2048;
      ctx.textAlign = 'right';
      ctx.fillStyle = muted;
      for (let r = 0; r < rows; r += k) ctx.fillText(String(r), left - 4, top + (r + 0.5) * cellH);
      ctx.fillStyle = ink;
    }
    if (colLabels && cellW >= 7 && upright) {
      ctx.textAlign = 'left';
      colLabels.forEach((label, c) => {
        ctx.save();
        ctx.translate(left + (c + 0.5) * cellW, top - 3);
        ctx.rotate(-Math.PI / 2);
        ctx.fillText(label, 0, 0, top - 6);
        ctx.restore();
      });
    } else if (colLabels && cellW >= 7) {
      ctx.textAlign = 'center';
      colLabels.forEach((label, c) => ctx.fillText(label, left + (c + 0.5) * cellW, top / 2));
    }
    if (this.selectedRow >= 0 && this.selectedRow < rows) {
      ctx.strokeStyle = ink;
      ctx.lineWidth = 1.5;
      ctx.strokeRect(left - 0.5, top + this.selectedRow * cellH - 0.5, cols * cellW + 1, Math.max(cellH, 2) + 1);
    }
    if (this.highlightCol >= 0 && this.highlightCol < cols) {
      ctx.strokeStyle = '#e8590c';
      ctx.lineWidth = 2;
      ctx.strokeRect(left + this.highlightCol * cellW - 1, top - 1, Math.max(cellW, 2) + 2, gridH + 2);
    }
    if (this.cursor && document.activeElement === this.canvas) {
      ctx.strokeStyle = '#f5a623';
      ctx.lineWidth = 2;
      ctx.strokeRect(left + this.cursor.c * cellW, top + this.cursor.r * cellH, Math.max(cellW, 2), Math.max(cellH, 2));
    }

    // Legend: the colour ramp with its end values.
    const ly = top + gridH + 8;
    const lw = Math.min(220, width - left - 100);
    for (let x = 0; x < lw; x++) {
      const k = Math.round((x / (lw - 1)) * 255); // with gamma, ticks below are still the end values
      ctx.fillStyle = `rgb(${table[3 * k]},${table[3 * k + 1]},${table[3 * k + 2]})`;
      ctx.fillRect(left + x, ly, 1, 8);
    }
    ctx.fillStyle = muted;
    ctx.textAlign = 'left';
    const low = colormap.diverging ? -scale : 0;
    ctx.fillText(`${fmt(low)} … ${fmt(scale)}`, left + lw + 8, ly + 4);
    this.layout = { width, left, top, cellW, cellH, rows, cols };
  }

  /** The cell under the mouse, or null. @param {MouseEvent} event @returns {{ r: number, c: number } | null} */
  cellAt(event) {
    const L = this.layout;
    if (!L?.cols) return null;
    const rect = this.canvas.getBoundingClientRect();
    const x = event.clientX - rect.left - L.left;
    const y = event.clientY - rect.top - L.top;
    const c = Math.floor(x / L.cellW);
    const r = Math.floor(y / L.cellH);
    if (c < 0 || r < 0 || c >= L.cols || r >= L.rows) return null;
    return { r, c };
  }

  /** @param {MouseEvent} event */
  hover(event) {
    const cell = this.cellAt(event);
    if (!cell) {
      this.tip.hidden = true;
      return;
    }
    this.showTip(cell);
    this.options.onCursor?.(cell.r, cell.c);
  }

  /** The tooltip of cell (r, c), above it. @param {{ r: number, c: number }} cell */
  showTip({ r, c }) {
    const L = this.layout;
    const v = this.data.values[r * this.data.cols + c];
    const describe = this.options.describe ?? ((rr, cc, vv) => `row ${rr}, column ${cc}: ${fmt(vv)}`);
    this.tip.textContent = describe(r, c, v);
    this.tip.hidden = false;
    const x = L.left + (c + 0.5) * L.cellW;
    const y = L.top + r * L.cellH;
    const maxLeft = Math.max(0, this.host.clientWidth - this.tip.offsetWidth - 4);
    this.tip.style.left = `${Math.min(maxLeft, Math.max(0, x - this.tip.offsetWidth / 2))}px`;
    this.tip.style.top = `${Math.max(0, y - this.tip.offsetHeight - 6)}px`;
  }

  /** Arrows move the cursor, Enter or space selects its row. @param {KeyboardEvent} event */
  key(event) {
    const L = this.layout;
    if (!L?.cols) return;
    /** @type {Record<string, [number, number]>} */
    const moves = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
    if (event.key in moves) {
      event.preventDefault();
      const [dr, dc] = moves[event.key];
      const cur = this.cursor ?? { r: 0, c: 0 };
      this.cursor = {
        r: Math.max(0, Math.min(L.rows - 1, cur.r + dr)),
        c: Math.max(0, Math.min(L.cols - 1, cur.c + dc)),
      };
      this.showTip(this.cursor);
      this.options.onCursor?.(this.cursor.r, this.cursor.c);
      this.dirty = true;
    } else if ((event.key === 'Enter' || event.key === ' ') && this.cursor) {
      event.preventDefault();
      this.options.onSelect?.(this.cursor.r, this.cursor.c);
    }
  }
}

/** Compact number formatting for labels and tooltips. @param {number} v */
export function fmt(v) {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e4)) return v.toExponential(2);
  return v.toPrecision(3);
}
