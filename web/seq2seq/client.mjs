// client.mjs — the page's side of the seq2seq worker (web/worker/seq2seq-worker.mjs, built as
// seq2seq/worker.js): started on the first request, so the page loads the worker and
// lmlab-seq2seq.wasm only when the seq2seq mode is used. request(type, payload) → a promise of the
// reply; onSnapshot(fn) gets the training snapshots. A worker that dies rejects what was pending with
// a sentence, and the next request starts a new one (the run must then be configured again).

/**
 * @param {{ workerUrl?: URL | string }} [options]
 */
export function createS2SClient({ workerUrl } = {}) {
  const url = workerUrl ?? new URL('./seq2seq/worker.js', document.baseURI);
  /** @type {Worker | null} */
  let worker = null;
  let nextId = 1;
  /** @type {Map<number, { resolve: (v: any) => void, reject: (e: Error) => void }>} */
  const pending = new Map();
  /** @type {((s: any) => void)[]} */
  const listeners = [];
  /** @type {((message: string) => void)[]} */
  const crashListeners = [];

  /** @param {string} message */
  function crashed(message) {
    worker?.terminate();
    worker = null;
    for (const { reject } of pending.values()) reject(new Error(message));
    pending.clear();
    for (const fn of crashListeners) fn(message);
  }

  function start() {
    const w = new Worker(url, { type: 'module' });
    w.onmessage = (event) => {
      const m = event.data;
      if (m?.type === 'snapshot') {
        for (const fn of listeners) fn(m);
        return;
      }
      const waiting = pending.get(m?.id);
      if (!waiting) return;
      pending.delete(m.id);
      if (m.ok) waiting.resolve(m.result);
      else waiting.reject(new Error(m.error));
    };
    w.onerror = (event) => {
      event.preventDefault();
      crashed(`the seq2seq worker stopped (${event.message || 'it could not start'}): configure the run again`);
    };
    return w;
  }

  return {
    /** Has the worker been started? */
    get started() {
      return worker !== null;
    },
    /**
     * @param {string} type @param {Record<string, unknown>} [payload]
     * @returns {Promise<any>}
     */
    request(type, payload = {}) {
      worker ??= start();
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        /** @type {Worker} */ (worker).postMessage({ ...payload, id, type });
      });
    },
    /** @param {(snapshot: any) => void} fn */
    onSnapshot(fn) {
      listeners.push(fn);
    },
    /** @param {(message: string) => void} fn */
    onCrash(fn) {
      crashListeners.push(fn);
    },
    terminate() {
      crashed('the seq2seq worker was closed');
    },
  };
}
