// _seq2seq-run.mjs — one measured sequence-to-sequence run on the WASM build, shared by the Node child
// (_seq2seq-node.mjs) and the Chromium worker (_seq2seq-worker.mjs) of the seq2seq benchmark, so both
// run exactly the same steps. No Node or DOM imports: lmlab and the clocks are passed in.
// Shapes: N pairs per batch, H hidden, E embedding, A attention size.
import { taskSplit } from '../../wasm_glue/seq2seq-data.mjs';
import { buildVocabularies } from '../../wasm_glue/seq2seq-vocab.mjs';

/**
 * Train a model of `config` on a task and time it. Speed mode (`steps`): 3 warm-up steps, then `steps`
 * timed steps. Budget mode (`seconds`): train until `cpuNow()` (or the wall clock) has advanced by
 * `seconds`, then the held-out loss and exact-match accuracy (greedy) overall and by source length.
 * @param {any} lm loaded lmlab
 * @param {{ task: string, dataSeed: number, train: number, test: number, lengths: [number, number],
 *           testLengths: [number, number], cell: string, attention: string, hidden: number, embedding: number,
 *           batch: number, lr: number, clip: number, seed: number }} config
 * @param {{ steps?: number, seconds?: number, wallNow: () => number, cpuNow?: () => number }} mode  clocks in seconds
 */
export function seq2seqRun(lm, config, mode) {
  const start = mode.wallNow();
  const data = taskSplit(config.task, {
    seed: config.dataSeed,
    train: config.train,
    test: mode.seconds ? config.test : 0,
    trainLengths: config.lengths,
    testLengths: config.testLengths,
  });
  const v = buildVocabularies(data.train, { level: 'char', shared: true });
  const model = lm.Seq2Seq.create({
    srcVocab: v.src,
    tgtVocab: v.tgt,
    cell: config.cell,
    attention: config.attention,
    hidden: config.hidden,
    embedding: config.embedding,
    seed: config.seed,
  });
  const trainer = new lm.Seq2SeqTrainer(model, data.train, {
    batch: config.batch,
    lr: config.lr,
    clip: config.clip,
    seed: config.seed,
  });
  try {
    trainer.train(3); // warm-up: caches allocated, pages touched, code tiered up
    const cpu = mode.cpuNow ?? mode.wallNow;
    const w0 = mode.wallNow(),
      c0 = cpu();
    let steps = 0,
      pairs = 0,
      tokens = 0,
      stats = null;
    if (mode.steps) {
      stats = trainer.train(mode.steps);
      steps = mode.steps;
      pairs = stats.pairs;
      tokens = stats.tokens;
    } else {
      let chunk = 1; // chunks of about 50 ms, so the budget is overrun by little
      while (cpu() - c0 < mode.seconds) {
        const t = mode.wallNow();
        stats = trainer.train(chunk);
        steps += chunk;
        pairs += stats.pairs;
        tokens += stats.tokens;
        if (mode.wallNow() - t < 0.05 && chunk < 1000) chunk *= 2;
      }
    }
    const result = {
      steps,
      pairs,
      tokens,
      wallSeconds: mode.wallNow() - w0,
      cpuSeconds: mode.cpuNow ? mode.cpuNow() - c0 : null,
      trainLoss: stats.lastLoss,
      epochs: stats.epoch,
      params: model.parameterCount,
      wasmMemoryBytes: lm.core.memory().buffer.byteLength,
    };
    if (mode.seconds) {
      const e0 = mode.wallNow();
      result.heldOutLoss = model.evaluate(data.test).loss;
      const acc = model.accuracy(data.test);
      result.exactMatch = acc.exactMatch;
      result.byLength = acc.byLength;
      result.testPairs = data.test.length;
      result.example = { source: data.test[0].source, target: data.test[0].target, output: acc.outputs[0].output };
      result.evalSeconds = mode.wallNow() - e0;
    }
    result.totalWallSeconds = mode.wallNow() - start;
    return result;
  } finally {
    trainer.dispose();
    model.dispose();
  }
}
