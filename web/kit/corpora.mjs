// corpora.mjs — the texts a trainer can name without shipping a file: the matching-brackets task
// (generated, the long-range test that tells a vanilla RNN from an LSTM: closers 12–48 characters
// after their openers, as the page's preset; or 8–24, which a 32-unit LSTM learns in a few hundred to
// a couple of thousand updates) and the lecture's "hello". Other texts come inline (`text`) or from a
// URL (`src`, checked like any upload, in the worker: trainer.mjs); and the probe excerpt views show by
// default. No DOM beyond fetch.
import { bracketCorpus } from '../corpora/synthetic.mjs';

/** @type {Readonly<Record<string, () => string>>} generated corpora by name */
export const BUILT_IN = Object.freeze({
  brackets: () => bracketCorpus({ chars: 200_000, seed: 7 }),
  'brackets-short': () => bracketCorpus({ chars: 200_000, seed: 7, minSpan: 8, maxSpan: 24 }),
  hello: () => 'hello',
});

/**
 * The training text of a trainer's options: inline text, a built-in corpus's (generated), or a fetched
 * file's bytes; the worker checks each (`label` names it in the check's sentences).
 * @param {{ text?: string, corpus?: string, src?: string | URL }} options
 * @returns {Promise<{ input: string | ArrayBuffer, label: string, name: string }>}
 */
export async function resolveText({ text, corpus, src }) {
  if (typeof text === 'string') return { input: text, label: "The trainer's text", name: 'text' };
  if (corpus) {
    const make = Object.hasOwn(BUILT_IN, corpus) ? BUILT_IN[corpus] : null;
    if (!make)
      throw new Error(
        `there is no built-in corpus '${corpus}' (built in: ${Object.keys(BUILT_IN).join(', ')}; use src="file.txt" or text="…" for others)`,
      );
    return { input: make(), label: corpus, name: corpus };
  }
  if (src) {
    const url = new URL(String(src), document.baseURI);
    const response = await fetch(url);
    if (!response.ok) throw new Error(`could not fetch ${url.pathname}: HTTP ${response.status}`);
    const name = url.pathname.split('/').pop() || 'text';
    return { input: await response.arrayBuffer(), label: name, name };
  }
  throw new Error(`a trainer needs a text: give text, corpus (${Object.keys(BUILT_IN).join(', ')}) or src (a URL)`);
}

/** The probe excerpt (../corpus-check.mjs; the worker sends it with the corpus's statistics). */
export { defaultProbe } from '../corpus-check.mjs';
