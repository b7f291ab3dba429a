// parallel.mjs — ParallelTrainer: data-parallel training of a Model on every core, in Node
// (worker_threads) and in a browser page or worker (Web Workers), one module for both. Each worker owns
// an lmlab instance (the same compiled .wasm as this one) with a replica of the model and computes the
// gradients of some of the fixed shards of the N streams (src/trainer_shard.c); this thread (the
// coordinator) computes the first shards, sums all the shards' gradients in shard order, and every
// replica applies that one sum with its own copy of the optimizer, so all stay identical. The shards,
// not the threads, fix the arithmetic: 1, 2 or 3 threads give bit-identical losses and parameters.
// No shared memory (no cross-origin isolation needed): messages carry the gradients.
// Shapes: N streams, T window, S shards, P parameters.
import { describe, LmlabError } from './loader.mjs';
import { STATUS, TRAIN_STATS } from './constants.mjs';

/** The most shards (and so threads) one trainer uses. */
export const MAX_SHARDS = 8;
/**
 * Streams per shard below which a shard's products run badly. Measured (docs/benchmarks.md, "Scaling"):
 * LSTM H 256 at batch 32 on 2 threads trains at 26,000–27,500 chars/s in 2 shards of 16 streams and at
 * 21,000–22,000 in 4 shards of 8; on one thread 4 shards of 8 run 12–15 % below 2 of 16.
 */
export const MIN_SHARD_STREAMS = 16;
/**
 * Work per step (N · T · P multiply-adds, roughly) below which splitting does not pay: the step is
 * then a few milliseconds and the per-step messages and gradient sum eat the gain (measured:
 * docs/benchmarks.md, "Scaling").
 */
export const MIN_PARALLEL_WORK = 2e7;

const IS_NODE = typeof process !== 'undefined' && !!process.versions?.node && !('window' in globalThis);

/** @param {string} message @param {number} [code] @returns {never} */
const fail = (message, code = STATUS.ARG) => {
  throw new LmlabError(message, code);
};

/**
 * The shards a model and batch get by default: 1 (no parallelism) when a step is too little work
 * (N·T·P < MIN_PARALLEL_WORK) or the batch too small to split, else floor(N / 16) up to 8. Depends on
 * the model and the batch only, never on the machine, so a run's arithmetic does not either.
 * @param {number} parameters P @param {number} batch N @param {number} seq T
 */
export function defaultShards(parameters, batch, seq) {
  if (batch * seq * parameters < MIN_PARALLEL_WORK) return 1;
  return Math.max(1, Math.min(MAX_SHARDS, Math.floor(batch / MIN_SHARD_STREAMS)));
}

/** Cores this machine or browser reports (1 when it says nothing). */
export function availableCores() {
  if (IS_NODE) {
    const os = process.getBuiltinModule('node:os');
    return os.availableParallelism?.() ?? os.cpus().length;
  }
  return globalThis.navigator?.hardwareConcurrency || 1;
}

/** First stream of each shard and the end: (S+1,), as trainer_set_shards splits them. */
function shardStarts(N, S) {
  const starts = [];
  for (let j = 0; j <= S; j++) starts.push(j * Math.floor(N / S) + Math.min(j, N % S));
  return starts;
}

/** Shards [first, end) of thread i of `threads`. */
const ownedBy = (i, threads, S) => [Math.floor((i * S) / threads), Math.floor(((i + 1) * S) / threads)];

/**
 * A worker speaking one protocol in Node and browsers: request(message) → Promise of its reply (replies
 * come in order), send(message) without a reply. A crash, an error event or terminate() rejects every
 * pending reply with an LmlabError, and later requests too.
 */
class Replica {
  /** @param {string | URL} [workerUrl] a script serving parallel-replica.mjs (default parallel-worker.mjs) */
  constructor(workerUrl) {
    const url = workerUrl ?? new URL('./parallel-worker.mjs', import.meta.url);
    /** @type {{ resolve: (v: any) => void, reject: (e: Error) => void }[]} */
    this.pending = [];
    this.failure = null;
    const onMessage = (data) => {
      const waiter = this.pending.shift();
      if (!this.pending.length) this.node?.unref();
      if (!waiter) return;
      if (data.type === 'error') waiter.reject(new LmlabError(data.message, data.code));
      else waiter.resolve(data);
    };
    const onFailure = (message) => {
      this.failure = new LmlabError(`a training worker failed: ${message}`, STATUS.OK);
      for (const waiter of this.pending.splice(0)) waiter.reject(this.failure);
      this.node?.unref();
    };
    if (IS_NODE) {
      const { Worker } = process.getBuiltinModule('node:worker_threads');
      this.node = new Worker(url);
      this.node.on('message', onMessage);
      this.node.on('error', (err) => onFailure(err?.message ?? String(err)));
      this.node.on('messageerror', (err) => onFailure(`a message could not be read (${err?.message})`));
      this.node.on('exit', (code) => onFailure(`it exited (code ${code})`));
      this.node.unref(); // kept alive only while a reply is awaited: a forgotten trainer does not hold Node open
      this.post = (message, transfer) => this.node.postMessage(message, transfer);
    } else {
      if (typeof Worker === 'undefined')
        fail('ParallelTrainer needs Web Workers, which this environment lacks: use threads: 1');
      this.web = new Worker(url, { type: 'module' });
      this.web.onmessage = (event) => onMessage(event.data);
      this.web.onerror = (event) => {
        event.preventDefault?.();
        onFailure(event.message || 'an error event (the worker script could not load?)');
      };
      this.web.onmessageerror = () => onFailure('a message could not be read');
      this.post = (message, transfer) => this.web.postMessage(message, transfer);
    }
  }

  /** @returns {Promise<any>} */
  request(message, transfer = []) {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.node?.ref();
      this.post(message, transfer);
    });
  }

  send(message, transfer = []) {
    if (!this.failure) this.post(message, transfer);
  }

  terminate() {
    if (!this.failure) this.failure = new LmlabError('this ParallelTrainer was disposed', STATUS.HANDLE);
    for (const waiter of this.pending.splice(0)) waiter.reject(this.failure);
    if (this.node) {
      this.node.removeAllListeners('exit');
      void this.node.terminate();
    } else this.web?.terminate();
  }
}

/** @param {any} core @param {{ Model: any, Trainer: any }} api */
export function install(core, { Model, Trainer }) {
  const X = core.exports;

  class ParallelTrainer {
    /**
     * Train `model` on `ids` as Trainer does, on `threads` threads. Resolves once every worker has its
     * replica. Options: Trainer's, plus threads (default: the cores reported, at most the shards) and
     * shards (default: defaultShards; 1 … batch). Results depend on the shards, never on the threads.
     * @param {any} model @param {Int32Array} ids @param {any} options
     */
    static async create(model, ids, options) {
      if (!(model instanceof Model)) fail('ParallelTrainer needs a Model');
      if (!options || typeof options !== 'object') fail('ParallelTrainer needs options { batch, seq, optimizer, lr }');
      if ((options.batching ?? 'streams') !== 'streams')
        fail(`ParallelTrainer trains on streams (batching 'streams'); got batching ${describe(options.batching)}`);
      const trainer = new Trainer(model, ids, options); // checks every option and the ids
      try {
        const N = trainer.options.batch;
        const S = options.shards ?? defaultShards(model.parameterCount, N, trainer.options.seq);
        if (!Number.isInteger(S) || S < 1 || S > N)
          fail(`shards must be a whole number from 1 to the batch (${N}), got ${describe(S)}`);
        const wanted = options.threads ?? availableCores();
        if (!Number.isInteger(wanted) || wanted < 1)
          fail(`threads must be a whole number of at least 1, got ${describe(wanted)}`);
        const threads = Math.min(wanted, S);
        const [, end0] = ownedBy(0, threads, S);
        scopedCheck((s) => X.lm_trainer_set_shards(trainer.ptr, S, 0, end0));
        const pt = new ParallelTrainer(trainer, S, threads);
        pt._workerUrl = options.workerUrl;
        try {
          await pt._start(ids instanceof Int32Array ? ids : Int32Array.from(ids));
        } catch (err) {
          pt.dispose();
          throw err;
        }
        return pt;
      } catch (err) {
        if (!trainer.disposed) trainer.dispose();
        throw err;
      }
    }

    /** @private use ParallelTrainer.create */
    constructor(trainer, S, threads) {
      this._trainer = trainer; // this thread's C trainer: shards [0, end0), the carried state of all N streams
      this.shards = S;
      this.threads = threads;
      this._N = trainer.options.batch;
      this._starts = shardStarts(this._N, S);
      this._P = trainer.model.parameterCount;
      const [, end0] = ownedBy(0, threads, S);
      this._own = end0;
      /** @type {Replica[]} */
      this._replicas = [];
      /** @type {string | URL | undefined} the workers' script (create's workerUrl) */
      this._workerUrl = undefined;
      this._frozen = '';
      this._lastApply = STATUS.OK;
      this._busy = false;
      // where a step's time goes on this thread (ms, summed; the scaling benchmark reads them): own shards,
      // waiting for the workers after that, and the serial rest (the sum, the messages, the update)
      this.timings = { steps: 0, ownMs: 0, waitMs: 0, serialMs: 0 };
      // every shard's row (S, P): this thread's first, the workers' copied in, row 0 receiving the sum;
      // this thread's losses (own,); stats
      this._grads = X.malloc(Math.max(8, S * this._P * 4));
      this._losses = X.malloc(Math.max(8, this._own * 8));
      this._stats = X.malloc(TRAIN_STATS.COUNT * 8);
      if (!this._grads || !this._losses || !this._stats) {
        this._freeBuffers();
        fail(`out of WebAssembly memory for ${S} gradient rows of ${this._P} parameters`, STATUS.NOMEM);
      }
    }

    async _start(ids) {
      const model = this._trainer.model;
      const modelBytes = model.save();
      this._frozen = model.frozen().join(',');
      const init = {
        type: 'init',
        module: core.module,
        modelBytes,
        frozen: model.frozen(),
        ids,
        options: this._trainer.options,
        shards: this.shards,
      };
      for (let i = 1; i < this.threads; i++) this._replicas.push(new Replica(this._workerUrl));
      await Promise.all(
        this._replicas.map((r, k) => {
          const [first, end] = ownedBy(k + 1, this.threads, this.shards);
          return r.request({ ...init, first, count: end - first });
        }),
      );
    }

    get step() {
      return this._trainer.step;
    }
    get model() {
      return this._trainer.model;
    }
    get options() {
      return this._trainer.options;
    }
    get disposed() {
      return this._trainer.disposed;
    }

    setLearningRate(lr) {
      this._trainer.setLearningRate(lr); // checks it
      for (const r of this._replicas) r.send({ type: 'lr', lr });
    }

    /**
     * Run `count` optimizer steps over every thread. Like Trainer.train; a non-finite shard refuses the
     * step for all (STATUS.NONFINITE, parameters untouched); a failed worker rejects with an LmlabError.
     * @returns {Promise<import('./index.d.ts').StepStats>}
     */
    async train(count = 1) {
      if (!Number.isInteger(count) || count < 1 || count > 1000000)
        fail(`count must be a whole number from 1 to 1000000, got ${describe(count)}`);
      if (this._busy) fail('ParallelTrainer.train is already running: await it before the next call');
      this._trainer.ptr; // throws once disposed
      this._busy = true;
      try {
        const frozen = this.model.frozen();
        if (frozen.join(',') !== this._frozen) {
          for (const r of this._replicas) r.send({ type: 'frozen', names: frozen });
          this._frozen = frozen.join(',');
        }
        let sum = 0;
        let stats = null;
        for (let k = 0; k < count; k++) {
          const loss = await this._step();
          sum += loss;
          stats = this._statsOf(loss, sum / (k + 1));
        }
        return stats;
      } finally {
        this._busy = false;
      }
    }

    /** One step: every thread's shard gradients, their sum in shard order, the update everywhere. */
    async _step() {
      const P = this._P;
      const t0 = performance.now();
      const replies = this._replicas.map((r) => r.request({ type: 'grads' }));
      const ptr = this._trainer.ptr;
      const status = X.lm_trainer_grads(ptr, this._grads, this._losses, 0);
      const message = status === STATUS.OK ? '' : core.errorMessage();
      const t1 = performance.now();
      const results = await Promise.allSettled(replies);
      const t2 = performance.now();
      if (this._trainer.disposed) fail('this ParallelTrainer was disposed during train()', STATUS.HANDLE);
      // the first failure in shard order: this thread owns the first shards
      if (status !== STATUS.OK) throw new LmlabError(message, status);
      for (const r of results) if (r.status === 'rejected') throw r.reason;
      const got = results.map((r) => /** @type {PromiseFulfilledResult<any>} */ (r).value);
      for (const g of got)
        if (g.applied !== this._lastApply)
          fail(
            `a training worker's last update ended with status ${g.applied}, this thread's with ${this._lastApply}: the replicas differ; dispose this trainer`,
            STATUS.OK,
          );
      // every shard's row in its place, then their sum in shard order into row 0 (float32, in C: the loop
      // vectorises there)
      let f32 = core.memory().f32;
      got.forEach((g, k) => {
        const [first] = ownedBy(k + 1, this.threads, this.shards);
        f32.set(g.grads, (this._grads >> 2) + first * P);
      });
      core.check(X.lm_trainer_sum_grads(ptr, this._grads, this.shards));
      const losses = core.memory().f64.subarray(this._losses >> 3, (this._losses >> 3) + this._own);
      let loss = 0;
      for (let j = 0; j < this._own; j++) loss += ((this._starts[j + 1] - this._starts[j]) / this._N) * losses[j];
      got.forEach((g, k) => {
        const [first, end] = ownedBy(k + 1, this.threads, this.shards);
        for (let j = first; j < end; j++)
          loss += ((this._starts[j + 1] - this._starts[j]) / this._N) * g.losses[j - first];
      });
      // the buffers go back and forth instead of being allocated every step (a fresh 1 MB ArrayBuffer per
      // message cost milliseconds here): each worker's rows return with the sum, its last sum with its rows.
      // next: the worker computes the next step's gradients as soon as it has applied this one, instead of
      // waiting for the next request (a message's round trip and this thread's update later); its answer
      // then waits for that request
      f32 = core.memory().f32;
      const sum = f32.subarray(this._grads >> 2, (this._grads >> 2) + P);
      this._replicas.forEach((r, k) => {
        const g = got[k];
        const copy = g.spare?.length === P ? g.spare : new Float32Array(P);
        copy.set(sum);
        r.send({ type: 'apply', grad: copy, spare: g.grads, next: true }, [copy.buffer, g.grads.buffer]);
      });
      this._lastApply = X.lm_trainer_apply(ptr, this._grads, this._stats);
      if (this._lastApply !== STATUS.OK) throw new LmlabError(core.errorMessage(), this._lastApply);
      // the workers' streams' final states, so a checkpoint (model.save(trainer)) holds every stream
      got.forEach((g, k) => {
        const [first, end] = ownedBy(k + 1, this.threads, this.shards);
        const n0 = this._starts[first];
        const n = this._starts[end] - n0;
        if (g.state.length) scopedCheck((s) => X.lm_trainer_set_state_rows(ptr, n0, n, s.f32(g.state)));
      });
      this._trainer._readInfo();
      const t = this.timings;
      t.steps++;
      t.ownMs += t1 - t0;
      t.waitMs += t2 - t1;
      t.serialMs += performance.now() - t2;
      return loss;
    }

    _statsOf(lastLoss, meanLoss) {
      const v = core.memory().f64.subarray(this._stats >> 3, (this._stats >> 3) + TRAIN_STATS.COUNT);
      return {
        step: v[TRAIN_STATS.STEP],
        loss: meanLoss,
        lastLoss,
        gradNorm: v[TRAIN_STATS.GRAD_NORM],
        clipped: v[TRAIN_STATS.CLIPPED] === 1,
        clipEvents: v[TRAIN_STATS.CLIP_EVENTS],
        position: v[TRAIN_STATS.POSITION],
        epochs: v[TRAIN_STATS.WRAPS],
      };
    }

    /** Held-out loss, as Trainer.evaluate (on this thread's model). */
    evaluate(ids, options = {}) {
      return this._trainer.evaluate(ids, options);
    }

    /** Restore optimizer state, step, position and carried state from model.save(trainer) bytes, everywhere. */
    async restore(bytes) {
      if (this._busy) fail('ParallelTrainer.restore during train(): await train first');
      this._trainer.restore(bytes); // checks the file; throws before any worker is touched
      const copies = this._replicas.map(() => bytes.slice());
      await Promise.all(
        this._replicas.map((r, k) => r.request({ type: 'restore', bytes: copies[k] }, [copies[k].buffer])),
      );
      this._lastApply = STATUS.OK;
    }

    /** Stop the workers and free this thread's trainer (not the model); pending calls reject. */
    dispose() {
      for (const r of this._replicas) r.terminate();
      this._replicas = [];
      this._freeBuffers();
      if (!this._trainer.disposed) this._trainer.dispose();
    }

    _freeBuffers() {
      for (const key of ['_grads', '_losses', '_stats']) {
        if (this[key]) X.free(this[key]);
        this[key] = 0;
      }
    }
  }

  /** Run a C call with scoped copies and throw its error. */
  function scopedCheck(body) {
    return core.scoped((s) => core.check(body(s)));
  }

  return { ParallelTrainer };
}
