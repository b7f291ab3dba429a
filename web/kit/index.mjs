// index.mjs — the lmlab kit, the one module an author's page loads (built to dist/kit/lmlab-kit.js,
// with worker.js and lmlab.wasm beside it): it defines the view elements — <lm-trainer>,
// <lm-loss-chart>, <lm-gradient-flow>, <lm-hidden-states>, <lm-bigram-matrix>, <lm-next-token>,
// <lm-equations>, <lm-embedding-map>, <lm-attention> (a seq2seq model's α, fed directly) — and exports the trainer client and the registry underneath them. The API is
// documented and versioned in docs/kit.md (KIT_VERSION). The full page (web/app.mjs) is built on
// these same pieces.
import { LmTrainerElement } from './elements/trainer.mjs';
import { LmLossChartElement } from './elements/loss-chart.mjs';
import { LmGradientFlowElement } from './elements/gradient-flow.mjs';
import { LmHiddenStatesElement } from './elements/hidden-states.mjs';
import { LmBigramMatrixElement } from './elements/bigram-matrix.mjs';
import { LmNextTokenElement } from './elements/next-token.mjs';
import { LmEquationsElement } from './elements/equations.mjs';
import { LmEmbeddingMapElement } from './elements/embedding-map.mjs';
import { LmAttentionElement } from './elements/attention.mjs';

export { createTrainer, Trainer, KIT_VERSION } from './trainer.mjs';
export { registerTrainer, findTrainer, whenTrainer } from './registry.mjs';
export { setWorkerUrl } from './hub.mjs';
export { LmView, coalesce, whileTraining } from './element.mjs';
export { LossHistory } from './history.mjs';

/** Every element of the kit, by tag name. */
export const ELEMENTS = Object.freeze({
  'lm-trainer': LmTrainerElement,
  'lm-loss-chart': LmLossChartElement,
  'lm-gradient-flow': LmGradientFlowElement,
  'lm-hidden-states': LmHiddenStatesElement,
  'lm-bigram-matrix': LmBigramMatrixElement,
  'lm-next-token': LmNextTokenElement,
  'lm-equations': LmEquationsElement,
  'lm-embedding-map': LmEmbeddingMapElement,
  'lm-attention': LmAttentionElement,
});

/** Define the elements (once; a page that loads the kit twice keeps the first definitions). */
export function defineElements() {
  for (const [tag, element] of Object.entries(ELEMENTS)) {
    if (!customElements.get(tag)) customElements.define(tag, element);
  }
}

defineElements();
