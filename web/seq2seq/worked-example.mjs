// worked-example.mjs — the notes' attention example as the page's small interactive panel computes it:
// four encoder states h^E_1..4, four raw scores e (the slide's 1.5, 0.9, 0.3, −0.5, editable), the
// weights α = softmax(e) and the context c = Σ_j α_j h^E_j — all three from the C attention layer
// (lm.layers.attention_forward, dot scores), not a JS copy of it. The layer scores q·k_j, so to make
// it see exactly the typed scores each key is the state with its score appended, k_j = [h^E_j; e_j],
// and the query is q = (0, …, 0, 1): then q·k_j = e_j, α is the layer's softmax, and the first H
// numbers of its output Σ_j α_j k_j are the context. Pure (no DOM, no worker): the seq2seq worker runs
// it for the page, tests/seq2seq-worker.test.mjs runs it under Node.

/** The slide's raw scores e_1..e_4 (the notes print α = 0.51, 0.28, 0.14, 0.07 for them). */
export const EXAMPLE_SCORES = Object.freeze([1.5, 0.9, 0.3, -0.5]);

/** Four made-up encoder states (H = 3), one per source word: the vectors the context mixes. */
export const EXAMPLE_STATES = Object.freeze([
  Object.freeze([0.9, 0.1, -0.4]),
  Object.freeze([-0.2, 0.8, 0.3]),
  Object.freeze([0.3, -0.5, 0.9]),
  Object.freeze([-0.7, -0.3, -0.6]),
]);

/** A score's magnitude limit: far past where softmax is all on one state, and safe in float32. */
export const MAX_SCORE = 100;

/**
 * The scores checked: exactly four finite numbers within ±MAX_SCORE, or a RangeError naming the one
 * at fault (e_1 … e_4) and its value.
 * @param {unknown} scores
 * @returns {number[]}
 */
export function checkScores(scores) {
  if (!Array.isArray(scores) || scores.length !== EXAMPLE_STATES.length)
    throw new RangeError(`the worked example needs ${EXAMPLE_STATES.length} scores e_1 … e_4`);
  return scores.map((e, j) => {
    if (typeof e !== 'number' || !Number.isFinite(e) || Math.abs(e) > MAX_SCORE)
      throw new RangeError(
        `score e_${j + 1} must be a number from −${MAX_SCORE} to ${MAX_SCORE}, got ${typeof e === 'number' ? e : typeof e}`,
      );
    return e;
  });
}

/**
 * A score typed into the panel: a number (a leading '−' is read as minus), or a RangeError naming it.
 * @param {string} text @param {number} j 0-based
 */
export function parseScore(text, j) {
  const t = text.trim().replace(/^[−–]/, '-');
  const v = t === '' ? NaN : Number(t);
  if (!Number.isFinite(v) || Math.abs(v) > MAX_SCORE)
    throw new RangeError(
      `score e_${j + 1} must be a number from −${MAX_SCORE} to ${MAX_SCORE}, got ${JSON.stringify(text)}`,
    );
  return v;
}

/**
 * α and the context for `scores`, computed by the C layer.
 * @param {{ attention_forward: (q: number[][], k: number[][][], options: object) => { c: { data: Float32Array }, alpha: { data: Float32Array } } }} layers
 *   an instance's lm.layers (loaded with { seq2seq: true })
 * @param {unknown} scores
 * @returns {{ scores: number[], alpha: number[], context: number[] }}
 */
export function workedExample(layers, scores) {
  const e = checkScores(scores);
  const H = EXAMPLE_STATES[0].length;
  const q = [[...new Array(H).fill(0), 1]]; // q: (N = 1, H + 1)
  const k = [EXAMPLE_STATES.map((h, j) => [...h, e[j]])]; // k: (N = 1, Tk = 4, H + 1)
  const { c, alpha } = layers.attention_forward(q, k, { score: 'dot' }); // c: (1, H + 1), alpha: (1, 4)
  return { scores: e, alpha: Array.from(alpha.data), context: Array.from(c.data.subarray(0, H)) };
}
