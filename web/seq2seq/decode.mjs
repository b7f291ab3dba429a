// decode.mjs — the seq2seq mode's "Try it" card: a box to type a source, its greedy and beam (width 4)
// outputs from the worker's current model, decoded again as training goes on (at most once a second
// while the step moves, one request in flight at a time), and the alignment heatmap of one of them in
// the kit's <lm-attention> element: rows the output tokens, columns the source tokens and </s>, α per
// cell (hover or arrow keys for the value). For reverse and sort the expected output is known and
// shown beside.
import { $, showError } from '../page/dom.mjs';
import { LmAttentionElement } from '../kit/elements/attention.mjs';
import { expectedOutput } from './settings.mjs';

// The mode is a bundle of its own (seq2seq/mode.js); the page's kit has defined the tag already.
if (!customElements.get('lm-attention')) customElements.define('lm-attention', LmAttentionElement);

const TYPE_DELAY_MS = 120; // decode this long after the last keystroke
const LIVE_EVERY_MS = 1000; // while training: decode again at most this often

/** @typedef {{ output: string, tokens: string[], ended: boolean, logProb: number, sourceTokens: string[],
 *   unknown: number, alpha: { data: Float32Array, shape: number[] } }} Decoded */
/** @typedef {{ source: string, unknown: number, greedy: Decoded, beam: Decoded, beamWidth: number }} Decoding */

/**
 * @param {{ request: (type: string, payload?: Record<string, unknown>) => Promise<any> }} client
 */
export function createDecodeView(client) {
  const box = $('s2s-source', HTMLInputElement);
  const which = $('s2s-align-which', HTMLSelectElement);
  const alignment = /** @type {LmAttentionElement} */ ($('s2s-alignment'));

  const view = {
    /** a run is configured, with its settings */
    task: '',
    attention: '',
    ready: false,
    /** @type {Decoding | null} the newest result */
    result: /** @type {Decoding | null} */ (null),
    inFlight: false,
    again: false,
    decodedStep: -1,
    lastDecode: 0,
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    typing: /** @type {ReturnType<typeof setTimeout> | undefined} */ (undefined),
    /** the box still holds the example the page put there (replaced by the next run's) */
    exampleText: '',
    decodes: 0,
  };

  /** @param {string} id @param {Decoded} d @param {string | null} expected */
  function writeOutput(id, d, expected) {
    const el = $(id);
    const text = d.output === '' ? '(nothing)' : d.output;
    const verdict = expected === null ? '' : d.ended && d.output === expected ? ' ✓' : ' ✗';
    const shown = `${text}${d.ended ? '' : ' … (no </s> before the length cap)'}${verdict}`;
    if (el.textContent !== shown) el.textContent = shown; // an unchanged line costs no layout
    el.classList.toggle('right', verdict === ' ✓');
    el.classList.toggle('wrong', verdict === ' ✗');
    const logp = `log p = ${d.logProb.toFixed(2)}`;
    if ($(`${id}-logp`).textContent !== logp) $(`${id}-logp`).textContent = logp;
  }

  function showAlignment() {
    const r = view.result;
    const note = $('s2s-align-note');
    if (!r) {
      alignment.clear();
      alignment.hidden = true;
      note.textContent = '';
      return;
    }
    const d = which.value === 'beam' ? r.beam : r.greedy;
    const rows = d.alpha.shape[0];
    if (view.attention === 'none') {
      alignment.hidden = true;
      note.textContent =
        'No attention: the decoder sees the source only through the encoder’s final state (the bottleneck), so there are no weights to draw. Choose dot or additive attention.';
      return;
    }
    if (rows === 0) {
      alignment.hidden = true;
      note.textContent = 'The output is empty: no step to draw.';
      return;
    }
    alignment.hidden = false;
    alignment.set(d);
    note.textContent =
      `Row i: how much output step i looked at each source position (α, each row sums to 1). ` +
      (view.task === 'reverse' ? 'Reversing, the weights should form an anti-diagonal.' : '');
  }

  /** @param {Decoding} r */
  function show(r) {
    view.result = r;
    const expected = expectedOutput(view.task, r.source);
    writeOutput('s2s-greedy', r.greedy, expected);
    writeOutput('s2s-beam', r.beam, expected);
    $('s2s-expected').textContent = expected ?? '–';
    $('s2s-unknown').textContent = r.unknown
      ? `${r.unknown} source token${r.unknown === 1 ? ' is' : 's are'} not in the vocabulary (read as <unk>).`
      : '';
    showAlignment();
  }

  function clearOutputs() {
    view.result = null;
    for (const id of ['s2s-greedy', 's2s-beam']) {
      $(id).textContent = '–';
      $(id).classList.remove('right', 'wrong');
      $(`${id}-logp`).textContent = '';
    }
    $('s2s-expected').textContent = '–';
    $('s2s-unknown').textContent = '';
    showAlignment();
  }

  /** Decode the box's text now (or right after the request in flight). @param {number} [step] */
  function decode(step = view.decodedStep) {
    if (!view.ready) return;
    view.decodedStep = step;
    if (view.inFlight) {
      view.again = true;
      return;
    }
    const source = box.value;
    if (source.trim() === '') {
      showError($('s2s-decode-error'), '');
      clearOutputs();
      return;
    }
    view.inFlight = true;
    view.lastDecode = performance.now();
    client
      .request('translate', { source })
      .then((r) => {
        view.decodes++;
        showError($('s2s-decode-error'), '');
        if (box.value === source) show(r);
      })
      .catch((err) => {
        showError($('s2s-decode-error'), err.message);
        clearOutputs();
      })
      .finally(() => {
        view.inFlight = false;
        if (view.again) {
          view.again = false;
          decode();
        }
      });
  }

  box.addEventListener('input', () => {
    clearTimeout(view.typing);
    view.typing = setTimeout(() => decode(), TYPE_DELAY_MS);
  });
  which.addEventListener('change', showAlignment);

  return {
    /**
     * A new run is ready: decode with it (the box gets one of its held-out sources unless the user
     * typed something of their own).
     * @param {{ examples: { source: string }[] }} info @param {{ task: string, attention: string }} settings
     */
    setRun(info, settings) {
      view.task = settings.task;
      view.attention = settings.attention;
      view.ready = true;
      const example = info.examples[0]?.source ?? '';
      if (box.value === '' || box.value === view.exampleText) box.value = example;
      view.exampleText = example;
      decode(0);
    },
    /** The worker stopped or the run is being rebuilt: nothing to decode with. */
    unready() {
      view.ready = false;
    },
    /** From the animation frame: decode again when training moved the model. @param {number} step @param {number} now */
    tick(step, now) {
      if (view.ready && step !== view.decodedStep && now - view.lastDecode >= LIVE_EVERY_MS) decode(step);
    },
    /** Decode again now (after a pause, say). @param {number} step */
    refresh(step) {
      decode(step);
    },
    /** For the browser tests. */
    get state() {
      return { decodes: view.decodes, decodedStep: view.decodedStep, result: view.result, which: which.value };
    },
  };
}
