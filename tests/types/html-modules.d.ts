// html-modules.d.ts — for `make typecheck`: a .html file imported from JS is its text (scripts/build-web.mjs
// bundles web/seq2seq/mode.html so into seq2seq/mode.js).
declare module '*.html' {
  const text: string;
  export default text;
}
