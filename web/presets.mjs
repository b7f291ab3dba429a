// presets.mjs — the built-in corpora: where each one comes from (a file next to the page, or a
// generator) and the settings that suit it when a user picks it. scripts/build-web.mjs checks that
// every file named here is in dist/. Relative URLs only.
import { bracketCorpus } from './corpora/synthetic.mjs';

/**
 * @typedef {{ id: string, title: string, note: string, file?: string, generate?: () => string,
 *   suggest?: Partial<import('./settings.mjs').Settings> }} Preset
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
    note: 'The toy from the lecture: the RNN reads h, e, l, l and must answer e, l, l, o. One window of four steps, learnt in about 20 updates: press Step rather than Train to watch it happen.',
    file: 'corpora/hello.txt',
    suggest: { hidden: 8, embed: 0, seq: 4, batch: 1, lr: 0.05 },
  },
  {
    id: 'brackets',
    title: 'Matching brackets (long-range memory)',
    note: 'Random letters between an opening bracket and its matching closer 12–48 characters later. Only memory helps: compare RNN and LSTM.',
    generate: () => bracketCorpus({ chars: 200_000, seed: 7 }),
    suggest: { seq: 64, hidden: 64 },
  },
  {
    id: 'garden',
    title: 'The garden (a short text of our own)',
    note: 'Four kilobytes of plain, repetitive English written for lmlab: learnt in a minute.',
    file: 'corpora/garden.txt',
    suggest: { hidden: 64, seq: 32, batch: 8 },
  },
];

/** @param {string} id */
export function presetById(id) {
  return PRESETS.find((p) => p.id === id) ?? null;
}
