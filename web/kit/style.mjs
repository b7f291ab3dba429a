// style.mjs — adds the kit's stylesheet (uPlot's, then kit.css) to the document once, as a <style>
// at the very start of <head>: the page's own sheets come later, so they win over uPlot's rules, and
// kit.css's rules have no specificity at all. The CSS comes in as text through the build
// (scripts/build-web.mjs bundles .css imported from JS as a string).
import kitCss from './kit.css';
import uplotCss from 'uplot/dist/uPlot.min.css';

let added = false;

/** Add the kit's styles to the document (once; later calls do nothing). */
export function adoptKitStyle() {
  if (added || typeof document === 'undefined') return;
  added = true;
  const style = document.createElement('style');
  style.dataset.lmlabKit = '';
  style.textContent = `${uplotCss}\n${kitCss}`;
  document.head.prepend(style);
}
