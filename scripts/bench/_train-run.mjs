// _train-run.mjs — one measured training run on the WASM build, shared by the Node child
// (_train-node.mjs) and the browser worker (_train-worker.mjs) of the training benchmark (train.mjs),
// so both run exactly the same steps. No Node or DOM imports: it gets lmlab and the clocks passed in.
// Shapes: N streams (batch), T window (seq), H hidden, E embedding (0 = one-hot).

import { linearDecay } from '../cli/_schedule.mjs';

/** Split as scripts/cli/_neural.mjs splitText does: the last `fraction`, cut at a line break within 1000 chars. */
export function splitText(text, fraction) {
  let cut = Math.floor(text.length * (1 - fraction));
  const newline = text.indexOf('\n', cut);
  if (newline >= 0 && newline - cut < 1000) cut = newline + 1;
  return [text.slice(0, cut), text.slice(cut)];
}

/** Char vocabulary of the whole text; ids of its first 90% (train) and last 10% (held out). */
export function encodeCorpus(lm, text) {
  const [trainText, heldText] = splitText(text, 0.1);
  const vocab = lm.Vocab.build(text, { level: 'char' });
  const ids = { V: vocab.size, train: vocab.encode(trainText), held: vocab.encode(heldText) };
  vocab.dispose?.();
  return ids;
}

/**
 * Train one model of `config` and time it. Speed mode (`steps`): 3 warm-up steps, then `steps`
 * timed steps. Budget mode (`seconds`): train until `budgetClock()` has advanced by `seconds`, then
 * evaluate the held-out ids as one stream (batch 1, windows of 100, state carried), and as 32 streams.
 * @param {any} lm loaded lmlab
 * @param {{ V: number, train: Int32Array, held: Int32Array }} ids
 * @param {{ cell: string, hidden: number, embedding: number, batch: number, seq: number,
 *           optimizer: string, lr: number, clip: number, clipMode: string, lrDecay?: 'linear', seed?: number }} config
 *   lrDecay 'linear' (budget mode): the rate falls linearly over the budget (linearDecay); seed: the
 *   model's initialisation (default 1)
 * @param {{ steps?: number, seconds?: number, wallNow: () => number, cpuNow?: () => number }} mode
 *   clocks in seconds; cpuNow (Node) is the process CPU time, absent in a browser
 */
export function trainRun(lm, ids, config, mode) {
  const start = mode.wallNow();
  const model = lm.Model.create({
    cell: config.cell,
    vocabSize: ids.V,
    embedding: config.embedding,
    hidden: config.hidden,
    seed: config.seed ?? 1,
  });
  const trainer = new lm.Trainer(model, ids.train, {
    batch: config.batch,
    seq: config.seq,
    optimizer: config.optimizer,
    lr: config.lr,
    clip: config.clip,
    clipMode: config.clipMode,
  });
  try {
    trainer.train(3); // warm-up: caches allocated, pages touched, code tiered up
    const cpu = mode.cpuNow ?? mode.wallNow;
    const w0 = mode.wallNow();
    const c0 = cpu();
    let steps = 0;
    let stats;
    if (mode.steps) {
      stats = trainer.train(mode.steps);
      steps = mode.steps;
    } else {
      // chunks of about 50 ms, so the budget is overrun by little
      let chunk = 1;
      while (cpu() - c0 < mode.seconds) {
        if (config.lrDecay === 'linear') trainer.setLearningRate(config.lr * linearDecay((cpu() - c0) / mode.seconds));
        const t = mode.wallNow();
        stats = trainer.train(chunk);
        steps += chunk;
        const took = mode.wallNow() - t;
        if (took < 0.05 && chunk < 1000) chunk *= 2;
      }
    }
    const wall = mode.wallNow() - w0;
    const cpuSeconds = mode.cpuNow ? mode.cpuNow() - c0 : null;
    const result = {
      steps,
      chars: steps * config.batch * config.seq,
      wallSeconds: wall,
      cpuSeconds,
      trainLoss: stats.lastLoss,
      params: model.parameterCount,
      wasmMemoryBytes: lm.core.memory().buffer.byteLength,
    };
    if (mode.seconds) {
      const e0 = mode.wallNow();
      result.heldOutLoss = model.evaluate(ids.held, { batch: 1, seq: 100 }).loss;
      result.heldOutTokens = ids.held.length - 1;
      // the same text as 32 streams, each from a zero state: tells a state that went astray over the
      // long single stream from a model that is simply worse
      result.heldOutLoss32 = model.evaluate(ids.held, { batch: 32, seq: 25 }).loss;
      result.evalSeconds = mode.wallNow() - e0;
    }
    result.totalWallSeconds = mode.wallNow() - start; // model creation and warm-up included
    return result;
  } finally {
    trainer.dispose();
    model.dispose();
  }
}
