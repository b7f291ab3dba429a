// vectors-card.mjs — the Word vectors card's controls, put into its shell in index.html
// (#vectors-body) when page/vectors.mjs loads: they live here, in the card's own chunk, so the page's
// start does not carry them. Static markup only (no user text goes into it).
export const VECTORS_CARD = `
<p class="muted small">A token's vector is its row of the embedding matrix W<sub>embed</sub> (V × E): what the model reads for it. (A one-hot model has no embedding; its vectors here are the token's rows of layer 0's input weights.) Pre-trained vectors come in the word2vec/GloVe text format — a token and its numbers per line, an optional first line “count E” — and start the embedding; the Embedding size in the Model panel must equal their size. Tokens without a vector keep their random start. Frozen, training leaves the embedding exactly as loaded; fine-tuned, it changes it. Reset and new settings keep the vectors; “Forget vectors” drops them.</p>
<div class="row controls-inline">
  <label for="vectors-file" class="filebutton">Load vectors…</label>
  <input id="vectors-file" type="file" accept=".txt,.vec,text/plain" class="sr-only">
  <span class="radios" role="radiogroup" aria-label="In training, the vectors are">
    <input id="vectors-freeze" type="radio" name="vectors-mode"><label for="vectors-freeze">freeze</label>
    <input id="vectors-tune" type="radio" name="vectors-mode" checked><label for="vectors-tune">fine-tune</label>
  </span>
  <button id="vectors-forget" type="button" disabled title="Drop the loaded vectors and rebuild the model from the seed">Forget vectors</button>
  <button id="vectors-export" type="button" disabled title="The model's token vectors in the same text format">Download embedding</button>
</div>
<p id="vectors-error" class="error" role="alert" hidden></p>
<p id="vectors-status" class="small" aria-live="polite"></p>
<p id="vectors-export-note" class="muted small" aria-live="polite"></p>
<div class="two">
  <div>
    <h3><label for="nn-word">Nearest neighbours of</label></h3>
    <input id="nn-word" type="text" maxlength="80" spellcheck="false" autocomplete="off">
    <p class="muted small">The 10 tokens whose vectors have the highest cosine similarity u·v / (‖u‖‖v‖) with this one's.</p>
    <p id="nn-error" class="error" role="alert" hidden></p>
    <div id="nn-result" aria-live="polite"></div>
  </div>
  <div>
    <h3>Analogy a − b + c</h3>
    <div class="row controls-inline">
      <input id="an-a" type="text" aria-label="a" placeholder="king" size="9" spellcheck="false" autocomplete="off">
      <span aria-hidden="true">−</span>
      <input id="an-b" type="text" aria-label="b" placeholder="man" size="9" spellcheck="false" autocomplete="off">
      <span aria-hidden="true">+</span>
      <input id="an-c" type="text" aria-label="c" placeholder="woman" size="9" spellcheck="false" autocomplete="off">
      <button id="an-run" type="button">Find</button>
    </div>
    <p class="muted small">The tokens nearest to the vector a − b + c by cosine, a, b and c left out (king − man + woman ≈ queen, with good vectors).</p>
    <p id="an-error" class="error" role="alert" hidden></p>
    <div id="an-result" aria-live="polite"></div>
  </div>
</div>`;
