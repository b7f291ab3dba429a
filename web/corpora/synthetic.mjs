// synthetic.mjs — a generated long-range task: each line opens a bracket, runs a random body of
// letters, and closes with the MATCHING bracket far later. The body is pure noise, so the only
// thing worth learning is which closer to write — a memory of one character across 12–48 steps,
// which a vanilla RNN's vanishing gradient makes hard and an LSTM's cell state makes easy.
// Deterministic for a seed; no DOM, no WASM.

const PAIRS = [
  ['(', ')'],
  ['[', ']'],
  ['{', '}'],
  ['<', '>'],
];
const BODY = 'abcdefgh ';

/** mulberry32: a tiny seeded generator, good enough for a data set (not for the model's RNG). @param {number} seed */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Generate the bracket-matching corpus.
 * @param {{ chars?: number, seed?: number, minSpan?: number, maxSpan?: number }} [options]
 * @returns {string} lines like "[hd ag bc…ef]" with the closer matching the opener
 */
export function bracketCorpus({ chars = 200_000, seed = 7, minSpan = 12, maxSpan = 48 } = {}) {
  const random = rng(seed);
  const parts = [];
  let length = 0;
  while (length < chars) {
    const [open, close] = PAIRS[Math.floor(random() * PAIRS.length)];
    const span = minSpan + Math.floor(random() * (maxSpan - minSpan + 1));
    let body = '';
    for (let i = 0; i < span; i++) body += BODY[Math.floor(random() * BODY.length)];
    const line = `${open}${body}${close}\n`;
    parts.push(line);
    length += line.length;
  }
  return parts.join('');
}

/**
 * The fraction of lines whose closer matches its opener: 1 for the corpus itself, and the score a
 * model's samples get on the task (random closers score 0.25).
 * @param {string} text
 */
export function bracketAccuracy(text) {
  const { good, total } = bracketScore(text);
  return total ? good / total : 0;
}

/**
 * Count the complete bracket lines of `text` and those whose closer matches the opener.
 * @param {string} text
 * @returns {{ good: number, total: number }}
 */
export function bracketScore(text) {
  let good = 0;
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.length < 2) continue;
    const pair = PAIRS.find(([open]) => open === line[0]);
    const closer = PAIRS.find(([, close]) => close === line[line.length - 1]);
    if (!pair || !closer) continue;
    total++;
    if (pair[1] === line[line.length - 1]) good++;
  }
  return { good, total };
}
