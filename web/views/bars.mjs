// bars.mjs — the next-character distribution as top-k horizontal bars in plain DOM (crisp text,
// readable by screen readers, cheap for ten rows). One call renders one distribution.
import { showChar } from '../corpus-check.mjs';

/**
 * @param {HTMLElement} host
 * @param {{ token: string, p: number }[] | null} items most probable first
 * @param {string} emptyMessage shown when there is nothing to draw
 */
export function renderBars(host, items, emptyMessage) {
  host.replaceChildren();
  if (!items || items.length === 0) {
    const note = document.createElement('p');
    note.className = 'muted';
    note.textContent = emptyMessage;
    host.append(note);
    return;
  }
  const top = items[0].p || 1;
  const list = document.createElement('ol');
  list.className = 'bars';
  // words need a wider label column than single characters
  if (items.some(({ token }) => [...token].length > 1)) list.classList.add('words');
  for (const { token, p } of items) {
    const row = document.createElement('li');
    const label = document.createElement('span');
    label.className = 'bar-token';
    label.textContent = showChar(token);
    label.title = token;
    const track = document.createElement('span');
    track.className = 'bar-track';
    const fill = document.createElement('span');
    fill.className = 'bar-fill';
    fill.style.width = `${Math.max(0.5, (100 * p) / top).toFixed(1)}%`;
    track.append(fill);
    const value = document.createElement('span');
    value.className = 'bar-value';
    value.textContent = `${(100 * p).toFixed(1)}%`;
    row.append(label, track, value);
    row.setAttribute('aria-label', `${showChar(token)}: ${(100 * p).toFixed(1)} percent`);
    list.append(row);
  }
  host.append(list);
}
