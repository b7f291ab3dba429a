// presets.mjs — the built-in corpora: where each one comes from (a file next to the page, or a
// generator) and the settings that suit it when a user picks it. scripts/build-web.mjs checks that
// every file named here is in dist/. Relative URLs only.
import { bracketCorpus } from './corpora/synthetic.mjs';

/**
 * @typedef {{ id: string, title: string, note: string, file?: string, generate?: () => string,
 *   suggest?: Partial<import('./state.mjs').Settings> }} Preset
 */

/** @type {Preset[]} */
export const PRESETS = [
  {
    id: 'brown',
    title: 'Brown corpus (English prose)',
    note: 'About a million words of 1961 American English in 15 genres, tags stripped.',
    file: 'corpora/brown.txt',
  },
  {
    id: 'hello',
    title: '"hello" (the lecture\'s toy)',
    note: 'The four-letter toy from the lecture: h, e, l, o. Learnt in a few dozen steps.',
    file: 'corpora/hello.txt',
    suggest: { hidden: 16, embed: 0, seq: 8, batch: 4, lr: 0.01 },
  },
  {
    id: 'brackets',
    title: 'Matching brackets (long-range memory)',
    note: 'Random letters between an opening bracket and its matching closer 12–48 characters later. Only memory helps: compare RNN and LSTM.',
    generate: () => bracketCorpus({ chars: 200_000, seed: 7 }),
    suggest: { seq: 64, hidden: 64 },
  },
  {
    id: 'fables',
    title: 'Short fables (our own text)',
    note: 'A few short fables written for lmlab: small, quick to learn, with dialogue in quotes.',
    file: 'corpora/fables.txt',
  },
];

/** @param {string} id */
export function presetById(id) {
  return PRESETS.find((p) => p.id === id) ?? null;
}
