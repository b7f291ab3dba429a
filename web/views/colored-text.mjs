// colored-text.mjs — text whose characters are tinted by a value each (a neuron's activation, the
// surprisal in bits): one span per character with the value in its tooltip. Newlines stay visible
// as ⏎ so short lines do not hide their colour.
import { cssColor, textColorOn } from './colormap.mjs';

/**
 * @param {HTMLElement} host
 * @param {string[]} chars one per position
 * @param {ArrayLike<number>} values one per position (NaN: no colour)
 * @param {{ colormap: import('./colormap.mjs').Colormap, scale: number, describe: (i: number, v: number) => string }} options
 */
export function renderColoredText(host, chars, values, { colormap, scale, describe }) {
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
    fragment.append(span);
    if (ch === '\n') fragment.append(document.createElement('br'));
  });
  host.replaceChildren(fragment);
}
