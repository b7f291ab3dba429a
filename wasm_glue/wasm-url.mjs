// wasm-url.mjs — where lmlab.wasm is when the caller of loadLmlab() names none. Unbundled (Node, a
// page importing wasm_glue/ as files, this repository) this module is wasm_glue/wasm-url.mjs and the
// .wasm is ../build/lmlab.wasm; bundlers that understand `new URL('literal', import.meta.url)`
// (webpack 5, Vite, Parcel) copy that file into their output and rewrite the URL. Bundled by one that
// does not (esbuild), import.meta.url is the bundle's own URL, and the .wasm is expected beside it.
// Knows nothing else; `loadLmlab({ wasm })` overrides it.

/** The file name expected beside a bundle. Not a literal inside `new URL(…, import.meta.url)`, so
 * bundlers that resolve that pattern leave this one alone (there is no such file beside this module). */
const BESIDE_A_BUNDLE = 'lmlab.wasm';

/**
 * The default location of lmlab.wasm, or an Error saying to pass `{ wasm }` when it cannot be known.
 * @returns {URL | Error}
 */
export function defaultWasmUrl() {
  const here = import.meta.url;
  // A classic-script (IIFE) bundle has no import.meta.url: nothing to resolve against.
  if (typeof here !== 'string' || !here) {
    return new Error(
      'lmlab cannot tell where lmlab.wasm is (this bundle is not an ES module, so it has no import.meta.url): pass loadLmlab({ wasm: url })',
    );
  }
  if (/\/wasm_glue\/wasm-url\.mjs$/.test(new URL(here).pathname))
    return new URL('../build/lmlab.wasm', import.meta.url);
  return new URL(BESIDE_A_BUNDLE, here);
}
