// colored-text.mjs — text whose characters are tinted by a value each (a neuron's activation, the
// surprisal in bits): one span per character with the value in its tooltip. Newlines stay visible
// as ⏎ so short lines do not hide their colour. Word tokens (options.gap ' ') are set apart by a
// space, and a line breaks after each </s>.
import { cssColor, textColorOn } from './colormap.mjs';

/**
 * @param {HTMLElement} host
 * @param {string[]} chars one per position
 * @param {ArrayLike<number>} values one per position (NaN: no colour)
 * @param {{ colormap: import('./colormap.mjs').Colormap, scale: number, describe: (i: number, v: number) => string,
 *   gap?: string }} options gap: put between tokens (' ' for words; '' for characters, the default)
 */
export function renderColoredText(host, chars, values, { colormap, scale, describe, gap = '' }) {
  const fragment = document.createDocumentFragment();
  chars.forEach((ch, i) => {
    const span = document.createElement('span');
    span.dataset.i = String(i);
    const v = values[i];
    span.textContent = ch === '\n' ? '⏎' : ch;
    if (Number.isFinite(v)) {
      span.style.background = cssColor(colormap, v, scale);
      span.style.color = textColorOn(colormap, v, scale);
    }
    span.title = describe(i, v);
    if (gap && i > 0) fragment.append(gap);
    fragment.append(span);
    if (ch === '\n' || (gap && ch === '</s>')) fragment.append(document.createElement('br'));
  });
  host.replaceChildren(fragment);
}
