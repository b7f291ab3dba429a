// dom.mjs — the page's small DOM helpers: find an element by id (typed, and loud when the HTML lacks
// it), listen to one, the status line, the message banner above the views, and inline error paragraphs. No state
// beyond the elements themselves.

/**
 * The element with this id; pass its class for a typed result: $('model', HTMLSelectElement).
 * Throws when index.html has no such element (or one of another kind): a wiring bug, not user input.
 * @template {HTMLElement} [E=HTMLElement]
 * @param {string} id
 * @param {{ new (): E, prototype: E }} [kind]
 * @returns {E}
 */
export function $(id, kind) {
  const el = document.getElementById(id);
  if (!el || (kind && !(el instanceof kind))) throw new Error(`the page has no ${kind ? `${kind.name} ` : ''}#${id}`);
  return /** @type {E} */ (el);
}

/**
 * Listen to an event of the element with this id (app.mjs wires every control with it, in one place).
 * @template {keyof HTMLElementEventMap} K
 * @param {string} id @param {K} type @param {(event: HTMLElementEventMap[K]) => unknown} listener
 */
export function on(id, type, listener) {
  $(id).addEventListener(type, listener);
}

/** The one-line status next to the run buttons. @param {string} text */
export function setStatus(text) {
  $('status').textContent = text;
}

/**
 * A message above the views; `kind` 'error' for problems, 'info' for news.
 * @param {string} text @param {'error' | 'info'} [kind]
 */
export function banner(text, kind = 'error') {
  $('banner-text').textContent = text;
  $('banner').dataset.kind = kind;
  $('banner').hidden = false;
}

/** Hide the banner (its close button, or training starting again). */
export function hideBanner() {
  $('banner').hidden = true;
}

/**
 * Show `text` in the error paragraph `el` ('' hides it).
 * @param {HTMLElement} el @param {string} text
 */
export function showError(el, text) {
  el.textContent = text;
  el.hidden = !text;
}
