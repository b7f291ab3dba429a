// _scaling-run.mjs — one measured run of the scaling benchmark (scaling.mjs), shared by Node and the
// Chromium worker (_scaling-worker.mjs): a ParallelTrainer on `threads` threads (or the plain Trainer for
// threads 0, the one-thread reference without shards), 2 warm-up steps, then steps in chunks of about
// 0.2 s until `seconds` of wall time. No Node or DOM imports: lmlab is passed in.
// Shapes: N streams (batch), T window (seq), H hidden, E embedding.

/**
 * @param {any} lm loaded lmlab @param {{ V: number, train: Int32Array }} ids
 * @param {{ cell: string, hidden: number, embedding: number, batch: number, seq: number, optimizer: string,
 *           lr: number, clip: number, clipMode: string }} config
 * @param {number} threads 0 = plain Trainer @param {number} seconds
 */
export async function scalingRun(lm, ids, config, threads, seconds) {
  const model = lm.Model.create({
    cell: config.cell,
    vocabSize: ids.V,
    embedding: config.embedding,
    hidden: config.hidden,
    seed: 1,
  });
  const options = {
    batch: config.batch,
    seq: config.seq,
    optimizer: config.optimizer,
    lr: config.lr,
    clip: config.clip,
    clipMode: config.clipMode,
  };
  const trainer = threads
    ? await lm.ParallelTrainer.create(model, ids.train, { ...options, threads })
    : new lm.Trainer(model, ids.train, options);
  try {
    await trainer.train(2); // warm-up: caches, pages, tiers, the workers' first messages
    const before = threads ? { ...trainer.timings } : null;
    const t0 = performance.now();
    let steps = 0;
    let chunk = 1;
    while (performance.now() - t0 < seconds * 1000 || steps < 3) {
      const c0 = performance.now();
      await trainer.train(chunk);
      steps += chunk;
      if (performance.now() - c0 < 200 && chunk < 64) chunk *= 2;
    }
    const wall = (performance.now() - t0) / 1000;
    const per = (key) => (threads ? (trainer.timings[key] - before[key]) / steps : null);
    return {
      steps,
      chars: steps * config.batch * config.seq,
      wallSeconds: wall,
      threads: threads ? trainer.threads : 1,
      shards: threads ? trainer.shards : 1,
      ownMsPerStep: per('ownMs'),
      waitMsPerStep: per('waitMs'),
      serialMsPerStep: per('serialMs'),
      params: model.parameterCount,
    };
  } finally {
    trainer.dispose();
    model.dispose();
  }
}
