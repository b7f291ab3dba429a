// switch.mjs — the top bar's mode switch between the language models and sequence to sequence, in the
// page's own bundle. The seq2seq mode itself (its markup, form, charts, decode box and worked example:
// mode.mjs) is a module of its own, seq2seq/mode.js, imported only when the mode is first opened (a
// link ending in #seq2seq, or the switch), so the language-model page carries none of it. The
// language model's panels are hidden at once; the mode shows its own when it has loaded.
import { $, banner } from '../page/dom.mjs';

/** @type {Promise<{ showSeq2SeqMode: (show: boolean, options: { onEnter: () => void }) => void }> | null} */
let loading = null;

/**
 * Wire the mode switch (once, from app.mjs). `onEnter` runs each time the mode opens.
 * @param {{ onEnter?: () => void }} [options]
 */
export function setupSeq2SeqMode({ onEnter = () => {} } = {}) {
  let shown = false;
  function followHash() {
    const show = location.hash === '#seq2seq';
    $(show ? 'mode-lm' : 'mode-s2s').removeAttribute('aria-current');
    $(show ? 'mode-s2s' : 'mode-lm').setAttribute('aria-current', 'page');
    for (const id of ['lm-mode', 'lm-run']) $(id).hidden = show;
    document.body.dataset.mode = show ? 'seq2seq' : 'lm';
    if (show === shown) return;
    shown = show;
    if (!show && !loading) return;
    // The bundle's URL, not a specifier esbuild would follow: it is built on its own (build-web.mjs).
    loading ??= import(/* @vite-ignore */ new URL('./seq2seq/mode.js', document.baseURI).href);
    loading
      .then((m) => {
        // Only the latest wish counts: the address may have changed while the module loaded.
        if (shown === show) m.showSeq2SeqMode(show, { onEnter });
      })
      .catch((err) => {
        loading = null;
        banner(`Could not load the sequence-to-sequence mode: ${err.message}`);
      });
  }
  window.addEventListener('hashchange', followHash);
  followHash();
}
