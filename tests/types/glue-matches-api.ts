// glue-matches-api.ts — checked by `make typecheck`, never run: the glue as written (wasm_glue/*.mjs,
// typed by its JSDoc) must give what wasm_glue/index.d.ts promises, so the two cannot drift apart.
import type * as Api from '../../wasm_glue/index';
import * as glue from '../../wasm_glue/index.mjs';

export const loadLmlab: typeof Api.loadLmlab = glue.loadLmlab;
export const LmlabError: typeof Api.LmlabError = glue.LmlabError;
