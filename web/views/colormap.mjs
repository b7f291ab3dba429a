// colormap.mjs — colour maps as 256-entry lookup tables (sampled from d3-scale-chromatic by
// scripts/gen-colormaps.mjs into colormap-tables.mjs), so heatmaps fill thousands of cells without
// calling an interpolator per cell. Sequential maps take a value in [0, 1]; the diverging map takes
// [-1, 1] with 0 white-ish (blue negative, red positive).
import { VIRIDIS_RGB, YLORRD_RGB, RDBU_RGB, TABLEAU10 } from './colormap-tables.mjs';

/** A table of 256 (r, g, b) byte triples from its base64. @param {string} base64 */
function lut(base64) {
  const raw = atob(base64);
  const table = new Uint8ClampedArray(raw.length);
  for (let i = 0; i < raw.length; i++) table[i] = raw.charCodeAt(i);
  return table;
}

/** @typedef {{ table: Uint8ClampedArray, diverging: boolean }} Colormap */
/** Probabilities, counts: dark purple (low) to yellow (high). */
export const VIRIDIS = { table: lut(VIRIDIS_RGB), diverging: false };
/** Surprisal: pale yellow (expected) to deep red (surprising); dark text stays readable on most of it. */
export const HEAT = { table: lut(YLORRD_RGB), diverging: false };
/** Activations, weights, gradients: blue (negative), near white (0), red (positive). */
export const RDBU = { table: lut(RDBU_RGB), diverging: true };
/** Categorical colours for one line per parameter tensor. */
export const CATEGORICAL = TABLEAU10;

/**
 * Index into a table for `value` scaled by `scale` (sequential: value/scale in [0,1]; diverging:
 * value/scale in [-1,1]).
 * @param {Colormap} map @param {number} value @param {number} scale
 */
export function colorIndex(map, value, scale) {
  if (!Number.isFinite(value)) return -1;
  let t = scale > 0 ? value / scale : 0;
  if (map.diverging) t = (t + 1) / 2;
  return Math.max(0, Math.min(255, Math.round(t * 255)));
}

/** CSS colour for a value (for DOM views such as coloured text). @param {Colormap} map @param {number} value @param {number} scale */
export function cssColor(map, value, scale) {
  const i = colorIndex(map, value, scale);
  if (i < 0) return 'transparent';
  const t = map.table;
  return `rgb(${t[3 * i]}, ${t[3 * i + 1]}, ${t[3 * i + 2]})`;
}

/** Black or white text, whichever reads better on that background. @param {Colormap} map @param {number} value @param {number} scale */
export function textColorOn(map, value, scale) {
  const i = colorIndex(map, value, scale);
  if (i < 0) return 'inherit';
  const t = map.table;
  const luminance = 0.2126 * t[3 * i] + 0.7152 * t[3 * i + 1] + 0.0722 * t[3 * i + 2];
  return luminance > 140 ? '#111' : '#fff';
}
