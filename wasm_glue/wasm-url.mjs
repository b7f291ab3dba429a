// wasm-url.mjs — where lmlab.wasm (or, for loadLmlab({ seq2seq: true }), lmlab-seq2seq.wasm; or their
// fused multiply-add builds *-fma.wasm) is when the caller of loadLmlab() names none. Unbundled (Node, a
// page importing wasm_glue/ as files, this repository) this module is wasm_glue/wasm-url.mjs and the
// .wasm is ../build/lmlab.wasm; bundlers that understand `new URL('literal', import.meta.url)`
// (webpack 5, Vite, Parcel) copy that file into their output and rewrite the URL. Bundled by one that
// does not (esbuild), import.meta.url is the bundle's own URL, and the .wasm is expected beside it.
// Knows nothing else; `loadLmlab({ wasm })` overrides it.

/** The file names expected beside a bundle. Not literals inside `new URL(…, import.meta.url)`, so
 * bundlers that resolve that pattern leave these alone (there are no such files beside this module). */
const BESIDE_A_BUNDLE = 'lmlab.wasm';
const SEQ2SEQ_BESIDE_A_BUNDLE = 'lmlab-seq2seq.wasm';
const FMA_BESIDE_A_BUNDLE = 'lmlab-fma.wasm';
const SEQ2SEQ_FMA_BESIDE_A_BUNDLE = 'lmlab-seq2seq-fma.wasm';

/**
 * The default location of lmlab.wasm, or of lmlab-seq2seq.wasm (the same core plus sequence to
 * sequence and attention) when `seq2seq` is true, or of their fused multiply-add builds
 * (lmlab-fma.wasm, lmlab-seq2seq-fma.wasm: relaxed SIMD) when `fma` is true; an Error saying to pass
 * `{ wasm }` when it cannot be known.
 * @param {boolean} [seq2seq]
 * @param {boolean} [fma]
 * @returns {URL | Error}
 */
export function defaultWasmUrl(seq2seq = false, fma = false) {
  const here = import.meta.url;
  const name = seq2seq
    ? fma
      ? SEQ2SEQ_FMA_BESIDE_A_BUNDLE
      : SEQ2SEQ_BESIDE_A_BUNDLE
    : fma
      ? FMA_BESIDE_A_BUNDLE
      : BESIDE_A_BUNDLE;
  // A classic-script (IIFE) bundle has no import.meta.url: nothing to resolve against.
  if (typeof here !== 'string' || !here) {
    return new Error(
      `lmlab cannot tell where ${name} is (this bundle is not an ES module, so it has no import.meta.url): pass loadLmlab({ wasm: url })`,
    );
  }
  // Four literal URLs, each in the pattern bundlers resolve (and scripts/prepack.mjs reads).
  if (/\/wasm_glue\/wasm-url\.mjs$/.test(new URL(here).pathname)) {
    if (seq2seq)
      return fma
        ? new URL('../build/lmlab-seq2seq-fma.wasm', import.meta.url)
        : new URL('../build/lmlab-seq2seq.wasm', import.meta.url);
    return fma ? new URL('../build/lmlab-fma.wasm', import.meta.url) : new URL('../build/lmlab.wasm', import.meta.url);
  }
  return new URL(name, here);
}
