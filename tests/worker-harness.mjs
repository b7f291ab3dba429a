// worker-harness.mjs — the page's training worker (web/worker.mjs) under Node, for tests that drive its
// message handler as a page would post: a stand-in `self` that records what the worker posts, the
// instance loaded here (init would fetch web/lmlab.wasm, which only the built site has), and call(),
// one request and its reply. Import it before anything else that touches the worker's modules.
import assert from 'node:assert/strict';
import { loadLmlab } from '../wasm_glue/index.mjs';

/** @type {any[]} everything the worker posted */
export const posted = [];
globalThis.self = /** @type {any} */ ({ postMessage: (message) => posted.push(message) });
export const { W } = await import('../web/worker/worker-state.mjs');
W.lm = await loadLmlab();
await import('../web/worker.mjs');
export const lm = W.lm;

let nextId = 1;
/** Post one request as the page does; the reply's result, or its error thrown. */
export async function call(type, payload = {}, session = 1) {
  const id = nextId++;
  await /** @type {any} */ (globalThis.self).onmessage({ data: { id, session, type, ...payload } });
  const reply = posted.find((m) => m.type === 'reply' && m.id === id);
  assert.ok(reply, `no reply to ${type}`);
  if (!reply.ok) throw Object.assign(new Error(reply.error), { code: reply.code });
  return reply.result;
}
/** The worker's session 1 (the page's). */
export const session = () => W.sessions.get(1);
