// index.mjs — the public entry point: `import { loadLmlab } from 'lmlab'`. It instantiates the
// WebAssembly core once and assembles the API from one module per part of the C core. Each
// module exports `install(core)` returning the names it adds. The C constants (status codes, limits,
// choices, info-array indices) are re-exported from constants.mjs, generated from src/lmlab.h.
import { instantiateCore, LmlabError } from './loader.mjs';
import { STATUS, STATUS_NAMES, LIMITS } from './constants.mjs';
import { install as installCore } from './core-api.mjs';
import { install as installVocab } from './vocab.mjs';
import { install as installBigram } from './bigram.mjs';
import { install as installLayers } from './layers.mjs';
import { install as installLayersGated } from './layers-gated.mjs';
import { install as installModel } from './model.mjs';
import { install as installLayersAttention } from './layers-attention.mjs';
import { install as installSeq2Seq } from './seq2seq.mjs';
import { install as installSentenceQueries } from './sentence-queries.mjs';

const MODULES = [
  installCore,
  installVocab,
  installBigram,
  installLayers,
  installLayersGated,
  installLayersAttention,
  installModel,
  installSeq2Seq,
  installSentenceQueries,
];

/**
 * Load lmlab. Works in Node (reads build/lmlab.wasm next to this package), in a page and in a
 * Web Worker (fetches it relative to this file, or beside the bundle: wasm-url.mjs). Pass `{ wasm }`
 * to use another URL, path, bytes or compiled WebAssembly.Module.
 * @param {{ wasm?: string | URL | ArrayBuffer | ArrayBufferView | WebAssembly.Module }} [options]
 * @returns {Promise<import('./index').Lmlab>}
 */
export async function loadLmlab(options = {}) {
  const core = await instantiateCore(options);
  const api = { core, LmlabError, STATUS, STATUS_NAMES, LIMITS };
  for (const install of MODULES) {
    const part = install(core);
    // Several modules add functions to the one `layers` object (layers.mjs, layers-gated.mjs, layers-attention.mjs).
    if (part.layers && api.layers) part.layers = Object.freeze({ ...api.layers, ...part.layers });
    Object.assign(api, part);
  }
  // Assembled part by part, so tsc cannot follow it: index.d.ts's Lmlab is the contract, and
  // tests/types/glue-matches-api.ts with the API tests hold each part to it.
  return /** @type {any} */ (Object.freeze(api));
}

export { LmlabError };
export * from './constants.mjs';
// Sequence-to-sequence data and vocabularies are plain JS: usable without loading the .wasm.
export {
  TASKS,
  generatePairs,
  taskSplit,
  tokenize,
  detokenize,
  parsePairs,
  describeSkipped,
  decodeUtf8,
} from './seq2seq-data.mjs';
export { PairVocab, buildVocabularies } from './seq2seq-vocab.mjs';
