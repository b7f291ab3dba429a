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
import { install as installEmbeddings } from './embeddings.mjs';
import { install as installParallel } from './parallel.mjs';

const MODULES = [
  installCore,
  installVocab,
  installBigram,
  installLayers,
  installLayersGated,
  installModel,
  installSentenceQueries,
  installEmbeddings,
];
// Sequence to sequence and the attention pair live in build/lmlab-seq2seq.wasm only (the page's
// lmlab.wasm stays small): installed when the instance has them, else the names say how to get them.
const SEQ2SEQ_MODULES = [installLayersAttention, installSeq2Seq];

/** Without the seq2seq module: Seq2Seq, Seq2SeqTrainer and layers.attention_* throw one sentence saying how to load it. */
function installSeq2SeqAbsent() {
  const absent = (what) => () => {
    throw new LmlabError(
      `${what} needs the sequence-to-sequence module: load lmlab with loadLmlab({ seq2seq: true }) (build/lmlab-seq2seq.wasm)`,
      STATUS.OK,
    );
  };
  class Seq2Seq {
    static create = absent('Seq2Seq.create');
    static load = absent('Seq2Seq.load');
    constructor() {
      absent('Seq2Seq')();
    }
  }
  class Seq2SeqTrainer {
    constructor() {
      absent('Seq2SeqTrainer')();
    }
  }
  const layers = { attention_forward: absent('attention_forward'), attention_backward: absent('attention_backward') };
  return { Seq2Seq, Seq2SeqTrainer, layers };
}

/**
 * Without the layer reference functions (the page's build/lmlab-page.wasm leaves them out): each
 * lm.layers.* function throws one sentence saying where they are, instead of a TypeError from a
 * missing export.
 * @param {any} part what installLayers or installLayersGated gave
 */
function layersAbsent(part) {
  /** @type {Record<string, () => never>} */
  const layers = {};
  for (const name of Object.keys(part.layers)) {
    layers[name] = () => {
      throw new LmlabError(
        `layers.${name} is not in this build of lmlab (the page's lmlab.wasm leaves out the layer functions): load build/lmlab.wasm, the package's default, to call them`,
        STATUS.OK,
      );
    };
  }
  return { ...part, layers };
}

/**
 * Load lmlab. Works in Node (reads build/lmlab.wasm next to this package), in a page and in a
 * Web Worker (fetches it relative to this file, or beside the bundle: wasm-url.mjs). Pass `{ wasm }`
 * to use another URL, path, bytes or compiled WebAssembly.Module. `{ seq2seq: true }` loads
 * build/lmlab-seq2seq.wasm instead: the same core plus Seq2Seq, Seq2SeqTrainer and layers.attention_*.
 * Where the engine has relaxed SIMD (wasm_glue/features.mjs) the default is the fused multiply-add
 * build of that file (build/lmlab-fma.wasm, build/lmlab-seq2seq-fma.wasm), else the plain SIMD128 one;
 * `{ fma: true }` demands the former (an error where the engine lacks it), `{ fma: false }` the latter.
 * The result's `fma` says which was loaded.
 * @param {{ wasm?: string | URL | ArrayBuffer | ArrayBufferView | WebAssembly.Module, seq2seq?: boolean, fma?: boolean }} [options]
 * @returns {Promise<import('./index').Lmlab>}
 */
export async function loadLmlab(options = {}) {
  const core = await instantiateCore(options);
  const seq2seq = typeof core.exports.lm_seq2seq_create === 'function';
  // The kernels say which build this is: "wasm-relaxed-simd" in the *-fma.wasm files.
  const fma = core.readCString(core.exports.lm_kernel_path()) === 'wasm-relaxed-simd';
  const api = { core, LmlabError, STATUS, STATUS_NAMES, LIMITS, seq2seq, fma };
  const layerFunctions = typeof core.exports.lm_layer_embedding_forward === 'function';
  for (const install of [...MODULES, ...(seq2seq ? SEQ2SEQ_MODULES : [installSeq2SeqAbsent])]) {
    let part = install(core);
    if (!layerFunctions && (install === installLayers || install === installLayersGated)) part = layersAbsent(part);
    // Several modules add functions to the one `layers` object (layers.mjs, layers-gated.mjs, layers-attention.mjs).
    if (part.layers && api.layers) part.layers = Object.freeze({ ...api.layers, ...part.layers });
    Object.assign(api, part);
  }
  Object.assign(api, installParallel(core, /** @type {any} */ (api))); // over Model and Trainer
  // Assembled part by part, so tsc cannot follow it: index.d.ts's Lmlab is the contract, and
  // tests/types/glue-matches-api.ts with the API tests hold each part to it.
  return /** @type {any} */ (Object.freeze(api));
}

export { LmlabError };
export { relaxedSimdSupported } from './features.mjs';
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
