// dom.mjs — the page's small DOM helpers: find by id, the status line, the message banner above
// the views, and inline error paragraphs. No state beyond the elements themselves.

/** @param {string} id */
export const $ = (id) => document.getElementById(id);

/** @param {string} text */
export function setStatus(text) {
  $('status').textContent = text;
}

/** A message above the views; `kind` 'error' for problems, 'info' for news. */
export function banner(text, kind = 'error') {
  $('banner-text').textContent = text;
  $('banner').dataset.kind = kind;
  $('banner').hidden = false;
}

/** Show `text` in the error paragraph `el` ('' hides it). */
export function showError(el, text) {
  el.textContent = text;
  el.hidden = !text;
}


/** Wire the banner's close button (once, at start). */
export function initBanner() {
  $('banner-close').addEventListener('click', () => { $('banner').hidden = true; });
}
