// engine.mjs — the training engine: the one object through which the worker trains a model. Over
// streams it wraps lm.ParallelTrainer: this worker's instance plus, on several cores, nested workers
// (helper workers each owning a replica and a shard of the streams), without touching the training loop,
// the probes or the views. The contract (docs/architecture.md, "The training engine"):
//   const engine = await createEngine(lm, { model, trainIds, trainSentences, settings });
//   await engine.train(count)  → { stats, losses }: the last step's statistics, every step's loss (async:
//                                the engine awaits its helpers); a refused step throws, its error's
//                                `partial` holds the steps before it
//   engine.step, engine.threads, engine.threadNote (why one thread when more were allowed), engine.layout,
//   engine.model (replica 0 on this instance: probes, sampling and predictions read it), engine.setLr(lr),
//   engine.save() / await engine.restore(bytes), engine.dispose() (the model stays the caller's).
// With settings.batching 'sentences' the trainer takes trainSentences (vocab.trainingSentences) instead:
// N whole sentences a step, each from a zero state, padded and the padding masked (src/trainer.c), on
// this worker alone (sentence batches have no streams to shard).
// Shapes: len training tokens, N streams (batch), T window (seq).
import { layoutStreams } from './streams.mjs';
import { MIN_SHARD_STREAMS } from '../../wasm_glue/parallel.mjs';

/** @typedef {import('lmlab').Lmlab} Lmlab */
/** @typedef {import('lmlab').Model} Model */
/** @typedef {import('lmlab').StepStats} StepStats */
/** @typedef {import('../settings.mjs').Settings} Settings */

/**
 * @typedef {object} Engine
 * @property {number} threads cores training (the worker and the workers it started)
 * @property {string} threadNote why one thread when the cores setting allowed more ('' otherwise)
 * @property {number} step optimizer steps taken
 * @property {Model} model the model probes, samples and predictions read (replica 0)
 * @property {{ streams: number, streamLength: number, ring: boolean, coverage: number, sentences: number }} layout
 *   how the training text is cut into streams (streams.mjs); sentences: the pieces batching 'sentences'
 *   cycles through (0 for streams)
 * @property {(count: number) => Promise<{ stats: StepStats, losses: Float32Array }>} train `count` steps
 *   (≥ 1); a refused step (non-finite loss, LmlabError code 6) throws with the model as before it
 * @property {(lr: number) => void} setLr the learning rate from the next step on
 * @property {() => Uint8Array} save the model file with the optimizer state (model.metadata included)
 * @property {(bytes: Uint8Array) => Promise<void>} restore optimizer state, step and stream position from save()'s bytes
 * @property {() => void} dispose free what the engine made (not the model)
 */

/**
 * The trainer's options for settings.
 * @param {Settings} settings
 * @returns {import('lmlab').TrainOptions}
 */
export function trainOptions(settings) {
  return {
    batch: settings.batch,
    seq: settings.seq,
    optimizer: settings.opt,
    lr: settings.lr,
    clip: settings.clip,
    clipMode: settings.clipMode,
    seed: settings.seed,
    batching: settings.batching,
  };
}

/** Threads for the cores setting: 0 = the cores the browser reports, at most 8. @param {number} cores */
export function threadsFor(cores) {
  return cores > 0 ? cores : Math.max(1, Math.min(8, globalThis.navigator?.hardwareConcurrency || 1));
}

/** This worker's own script with ?replica: web/worker.mjs then serves a ParallelTrainer's replica. @param {string} here */
function replicaUrl(here) {
  const url = new URL(here);
  url.searchParams.set('replica', '1');
  return url.href;
}

/**
 * The engine: over the streams of layoutStreams a ParallelTrainer on settings.cores threads (this worker
 * and workers it starts from its own script with ?replica). The shards fix the numbers, so any cores
 * setting trains the same; a model too small to gain gets one shard and trains here alone (threadNote
 * says why). Over trainSentences, lm.Trainer on this worker.
 * @param {Lmlab} lm
 * @param {{ model: Model, trainIds: Int32Array, trainSentences?: Int32Array[] | null, settings: Settings }} options
 * @returns {Promise<Engine>}
 */
export async function createEngine(lm, { model, trainIds, trainSentences, settings }) {
  /** @type {any} */
  let trainer;
  let layout;
  let threadNote = '';
  const wanted = threadsFor(settings.cores ?? 0);
  if (settings.batching === 'sentences') {
    if (!trainSentences) throw new Error("batching 'sentences' needs the training text's sentences");
    trainer = new lm.Trainer(model, trainSentences, trainOptions(settings));
    const sentences = trainer.sentences;
    layout = { streams: settings.batch, streamLength: 0, ring: false, coverage: 1, sentences };
    if (wanted > 1) threadNote = 'sentence batches';
  } else {
    const { ids, streams, streamLength, ring, coverage } = layoutStreams(trainIds, settings.batch, settings.seq);
    const here = globalThis.location?.href;
    trainer = await lm.ParallelTrainer.create(model, ids, {
      ...trainOptions(settings),
      threads: wanted,
      ...(here ? { workerUrl: replicaUrl(here) } : {}),
    });
    layout = { streams, streamLength, ring, coverage, sentences: 0 };
    const splittable = 2 * MIN_SHARD_STREAMS;
    if (trainer.threads < wanted)
      threadNote = settings.batch < splittable ? `batch below ${splittable}` : 'model too small to gain';
  }
  return {
    threads: trainer.threads ?? 1,
    threadNote,
    model,
    layout,
    get step() {
      return trainer.step;
    },
    async train(count) {
      // One step per call, so every step's loss reaches the loss chart.
      const losses = new Float32Array(count);
      let stats = null;
      for (let k = 0; k < count; k++) {
        try {
          stats = await trainer.train(1);
        } catch (err) {
          // the steps before the refused one were taken: the loop still reports them
          if (err && typeof err === 'object') err.partial = { stats, losses: losses.slice(0, k) };
          throw err;
        }
        losses[k] = stats.loss;
      }
      return { stats: /** @type {StepStats} */ (stats), losses };
    },
    setLr(lr) {
      trainer.setLearningRate(lr);
    },
    save() {
      return model.save(trainer);
    },
    async restore(bytes) {
      await trainer.restore(bytes);
    },
    dispose() {
      trainer.dispose();
    },
  };
}
