// _common.mjs — what the training benchmarks (train, pytorch, scaling, seq2seq) share: the median of
// rounds, number formatting, their numeric flags, and the text they train on (tinyshakespeare from a
// shared/data folder one or two levels above the repository, where this project's build machine keeps
// it, else the built-in Brown text).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHAKESPEARE = [
  join(ROOT, '..', '..', 'shared', 'data', 'tinyshakespeare.txt'),
  join(ROOT, '..', 'shared', 'data', 'tinyshakespeare.txt'),
];

/** The median of the finite values of xs (null when there are none). @param {number[]} xs */
export function median(xs) {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return null;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** x with thousands separators and `digits` decimals; '-' for nothing. @param {number | null | undefined} x */
export const fmt = (x, digits = 0) =>
  x === null || x === undefined
    ? '-'
    : x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** A reader of numeric flags: flag('--rounds', 3) is the number after --rounds, or 3. @param {string[]} args */
export function numberFlags(args) {
  return (/** @type {string} */ name, /** @type {number} */ fallback) => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : fallback;
  };
}

/**
 * The benchmarks' text: tinyshakespeare when a shared/data folder has it, else the Brown text (made on
 * first use). @returns {Promise<{ path: string, corpus: string, text: string }>} corpus: the name reports print
 */
export async function benchCorpus() {
  let path = SHAKESPEARE.find((p) => existsSync(p));
  let corpus = 'tinyshakespeare.txt';
  if (!path) {
    const { brownCorpusPath } = await import('../brown-corpus.mjs');
    path = brownCorpusPath();
    corpus = 'Brown text';
  }
  return { path, corpus, text: readFileSync(path, 'utf8') };
}
