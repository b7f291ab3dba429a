// hub.mjs — one training worker per page, shared by every trainer client (trainer.mjs): started on
// first use (lazily, so a page's trainers cost nothing until one is needed), initialised once, its
// snapshots and faults routed to the client of their session, and replaced after a crash — every
// client then replays its corpus, settings and last checkpoint into the new worker. A worker that
// crashes more than three times in a minute is not restarted. The worker's URL is next to this
// module's bundle (dist/kit/worker.js beside lmlab-kit.js, dist/worker.js beside app.js) unless the
// page says otherwise (setWorkerUrl, for authors whose bundler moves files).
import { connect } from '../protocol.mjs';

/** @typedef {import('../protocol.mjs').WorkerEvent} WorkerEvent */
/** @typedef {import('../protocol.mjs').Connection} Connection */
/** @typedef {import('../protocol.mjs').CellKind} CellKind */

const CRASH_WINDOW_MS = 60000; // more than MAX_CRASHES crashes within this: stop restarting
const MAX_CRASHES = 3;

/**
 * What a hub needs from each client: its events, and a replay after the worker was replaced.
 * @typedef {object} HubClient
 * @property {number} session
 * @property {(event: WorkerEvent) => void} onWorkerEvent
 * @property {(reason: string) => Promise<void>} replay resend corpus, settings, checkpoint; say so
 * @property {(reason: string) => void} onGiveUp the worker is gone for good
 */

/** @type {URL | null} set by setWorkerUrl */
let workerUrlOverride = null;

/**
 * Where the training worker is, for pages whose bundler moved it (call before the first trainer
 * starts). By default it is `worker.js` next to the kit's module.
 * @param {string | URL} url relative URLs resolve against the page
 */
export function setWorkerUrl(url) {
  workerUrlOverride = new URL(String(url), document.baseURI);
}

export class Hub {
  /** @param {{ workerUrl?: URL, testHooks?: boolean }} [options] */
  constructor({ workerUrl, testHooks = false } = {}) {
    this.workerUrl = workerUrl ?? workerUrlOverride ?? new URL('./worker.js', import.meta.url);
    this.testHooks = testHooks;
    /** @type {Map<number, HubClient>} */
    this.clients = new Map();
    /** @type {Worker | null} */
    this.worker = null;
    /** @type {Connection | null} */
    this.rpc = null;
    /** @type {CellKind[]} the neural cells this lmlab.wasm has */
    this.cells = [];
    /** whether the worker loaded the fused multiply-add build (lmlab-fma.wasm: relaxed SIMD) */
    this.fma = false;
    /** @type {Promise<void> | null} the running start, or the finished one */
    this.started = null;
    this.restarting = false;
    this.gaveUp = false;
    /** @type {number[]} when the recent crashes happened */
    this.crashes = [];
    this.nextSession = 1;
  }

  /** @param {HubClient} client */
  add(client) {
    this.clients.set(client.session, client);
  }
  /** @param {number} session */
  remove(session) {
    this.clients.delete(session);
  }

  /** Start the worker and load lmlab.wasm in it (once; later calls wait for the same start). */
  start() {
    this.started ??= this.spawn().catch((err) => {
      this.started = null;
      throw err;
    });
    return this.started;
  }

  /** A new worker, initialised. */
  async spawn() {
    const worker = new Worker(this.workerUrl, { type: 'module' });
    this.worker = worker;
    this.rpc = connect(worker, (event) => this.route(event));
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      if (worker === this.worker) this.restart(event.message || 'an uncaught error');
    });
    const { cells, fma } = await this.rpc.call(0, 'init', { testHooks: this.testHooks });
    this.cells = cells;
    this.fma = fma;
  }

  /**
   * Send a request about `session` (starting the worker first if needed).
   * @template {import('../protocol.mjs').RequestType} K
   * @param {number} session @param {K} type @param {import('../protocol.mjs').Payload<K>} [payload] @param {Transferable[]} [transfer]
   * @returns {Promise<import('../protocol.mjs').Result<K>>}
   */
  async call(session, type, payload, transfer) {
    if (this.gaveUp) throw new Error('the training worker crashed too often and was not restarted: reload the page');
    await this.start();
    return /** @type {Connection} */ (this.rpc).call(session, type, payload, transfer);
  }

  /** @param {WorkerEvent} event */
  route(event) {
    if (event.type === 'fault' && event.kind === 'fatal') {
      this.restart(event.message);
      return;
    }
    this.clients.get(event.session)?.onWorkerEvent(event);
  }

  /** Replace a crashed worker and let every client replay into it. @param {string} reason */
  async restart(reason) {
    if (this.restarting || this.gaveUp) return;
    const now = performance.now();
    this.crashes = this.crashes.filter((t) => now - t < CRASH_WINDOW_MS).concat(now);
    this.rpc?.failAll('the worker was restarted');
    this.worker?.terminate();
    if (this.crashes.length > MAX_CRASHES) {
      this.gaveUp = true;
      for (const client of this.clients.values()) client.onGiveUp(reason);
      return;
    }
    this.restarting = true;
    try {
      this.started = this.spawn();
      await this.started;
      for (const client of [...this.clients.values()]) await client.replay(reason);
    } catch (err) {
      for (const client of this.clients.values()) client.onGiveUp(`${reason}; restarting failed: ${err.message}`);
    } finally {
      this.restarting = false;
    }
  }
}

/** @type {Hub | null} the page's hub */
let pageHub = null;

/**
 * The page's one hub (created with the first trainer's options; later options are ignored).
 * @param {{ workerUrl?: URL, testHooks?: boolean }} [options]
 */
export function sharedHub(options) {
  pageHub ??= new Hub(options);
  return pageHub;
}
