// css-modules.d.ts — for `make typecheck`: a .css file imported from JS is its text (scripts/build-web.mjs
// bundles it so; web/kit/style.mjs adds it to the document).
declare module '*.css' {
  const text: string;
  export default text;
}
