// example-panel.mjs — the seq2seq mode's "Attention, worked out" card: the notes' example with its
// four scores editable. Each edit asks the worker (request 'example') to run the C attention layer on
// them (worked-example.mjs says how); the card shows α as bars and numbers, and the context vector as
// the α-weighted sum of the four encoder states, written out term by term. A score that is not a
// number is named and the last good result stays.
import { $, showError } from '../page/dom.mjs';
import { EXAMPLE_SCORES, EXAMPLE_STATES, parseScore } from './worked-example.mjs';

/** @param {number} v */
const signed = (v) => (v < 0 ? `−${(-v).toFixed(2)}` : v.toFixed(2));
/** @param {number[]} v */
const vector = (v) => `(${v.map(signed).join(', ')})`;

/**
 * @param {{ request: (type: string, payload?: Record<string, unknown>) => Promise<any> }} client
 */
export function createExamplePanel(client) {
  const inputs = EXAMPLE_SCORES.map((_, j) => $(`s2s-ex-e${j + 1}`, HTMLInputElement));
  const error = $('s2s-ex-error');
  let asked = 0; // the newest request's number: an older reply that arrives late is dropped
  /** @type {{ scores: number[], alpha: number[], context: number[] } | null} */
  let result = null;

  EXAMPLE_STATES.forEach((h, j) => {
    $(`s2s-ex-h${j + 1}`).textContent = vector([...h]);
  });

  /** @param {{ scores: number[], alpha: number[], context: number[] }} r */
  function show(r) {
    result = r;
    r.alpha.forEach((a, j) => {
      $(`s2s-ex-a${j + 1}`).textContent = a.toFixed(2);
      $(`s2s-ex-bar${j + 1}`).style.width = `${(100 * a).toFixed(1)}%`;
    });
    $('s2s-ex-sum').textContent = r.alpha.reduce((s, a) => s + a, 0).toFixed(2);
    $('s2s-ex-c').textContent = vector(r.context);
    $('s2s-ex-terms').textContent = r.alpha
      .map((a, j) => `${a.toFixed(2)}·${vector([...EXAMPLE_STATES[j]])}`)
      .join(' + ');
  }

  function compute() {
    let scores;
    try {
      scores = inputs.map((el, j) => parseScore(el.value, j));
      showError(error, '');
    } catch (err) {
      showError(error, err.message);
      return;
    }
    const n = ++asked;
    client
      .request('example', { scores })
      .then((r) => {
        if (n === asked) show(r);
      })
      .catch((err) => {
        if (n === asked) showError(error, err.message);
      });
  }

  for (const el of inputs) el.addEventListener('input', compute);
  $('s2s-ex-reset').addEventListener('click', () => {
    inputs.forEach((el, j) => {
      el.value = String(EXAMPLE_SCORES[j]);
    });
    compute();
  });
  inputs.forEach((el, j) => {
    el.value = String(EXAMPLE_SCORES[j]);
  });

  return {
    compute,
    /** For the browser tests. */
    get result() {
      return result;
    },
  };
}
