// seq2seq.mjs — `lmlab seq2seq train | eval | translate`: sequence to sequence with or without attention
// (docs/seq2seq.md). train: a built-in task (reverse, sort, dates) or a pairs file, a progress line with
// held-out loss and exact-match accuracy and decoded examples every K steps, a model file with the
// optimizer state (--resume continues exactly; Ctrl-C saves a checkpoint). eval: per-token loss,
// exact-match accuracy and accuracy by source length (a table, or --json). translate: outputs for
// sources given as arguments or stdin lines, with --show-attention the α matrix as text.
import { readFileSync } from 'node:fs';
import { LIMITS } from '../../wasm_glue/constants.mjs';
import { buildVocabularies } from '../../wasm_glue/seq2seq-vocab.mjs';
import { parseFlags, UsageError } from './_args.mjs';
import { duration, fmt } from './_neural.mjs';
import { checkOutPath, saveAtomic, signalExitCode, STOP_SIGNALS } from './_out-file.mjs';
import { createDivergenceGuard, divergenceError } from './_divergence.mjs';
import { decodeText } from './_text.mjs';
import { attentionText, dataOptions, lengthTable, loadPairs, openSeq2Seq } from './_seq2seq.mjs';

export const summary =
  'sequence to sequence with attention: train, eval, translate (reverse, sort, dates, or your pairs)';

export const usage = `usage: node scripts/lmlab.mjs seq2seq train|eval|translate [flags]

seq2seq train (--task reverse|sort|dates | --data PAIRS.tsv) [flags]
  --task NAME          a built-in task, generated from --data-seed: reverse, sort, dates
  --data FILE          your pairs: UTF-8, one source<TAB>target per line (bad lines are reported and skipped)
  --level char|word    tokens of --data (default char; the tasks are char level)
  --shared             one vocabulary for both sides (default: for reverse and sort; separate otherwise)
  --train-pairs N      task: training pairs (default 20000)
  --test-pairs N       task: held-out pairs, never in training (default 500)
  --lengths MIN-MAX    task reverse/sort: source lengths in training (default 5-25)
  --test-lengths MIN-MAX  task reverse/sort: held-out source lengths (default: --lengths; longer ones test
                       generalisation beyond the lengths seen)
  --val-fraction F     --data: held-out share, a seeded shuffle's last part (default 0.1)
  --data-seed S        seed of the task's pairs / of the held-out shuffle (default 1)
  --attention NAME     none (the bottleneck) | dot | additive (default dot)
  --attention-size A   additive: width of the scoring network (default: --hidden)
  --output-context B   attention: the output layer reads [h; c] (true, default) or h alone (false)
  --cell NAME          rnn | lstm | gru (default lstm)   --gru-variant torch|lecture
  --hidden H           (default 64)   --embedding E (default 32)   --layers L, 1-2 (default 1)
  --batch N            pairs per step (default 32)
  --optimizer NAME     sgd | adagrad | adam (default adam)   --lr X (default: adam 0.003, else 0.1)
  --momentum X         sgd only   --clip C (default 1)   --clip-mode value|norm (default norm)
  --steps S            optimizer steps (default 2000 unless --minutes)   --minutes M   train this long
  --seed S             initialisation and batch-order seed (default 1)
  --every K            held-out loss, exact match and examples every K steps (default 200)
  --val-pairs K        held-out pairs scored at each check (default 200; all at the end)
  --examples K         decoded examples shown at each check (default 3)
  --out FILE           model file to write (default seq2seq.safetensors); checked before training
  --checkpoint-minutes M  save --out every M minutes while training; 0 = only at the end (default 5)
  --resume FILE        continue training from a model file saved by seq2seq train (same data by default)
  --quiet              only the final summary

seq2seq eval --model FILE [--task NAME | --data PAIRS.tsv] [flags]
  without --task/--data: the held-out pairs of the model's own training data (from its metadata)
  --beam K             beam width (default 1: greedy)
  --test-lengths MIN-MAX, --test-pairs N   task: another held-out set (still never in training)
  --json               print the result as JSON (exactMatch, byLength, loss, …)

seq2seq translate --model FILE [--beam K] [--max-length M] [--show-attention] ["source" …]
  sources as arguments, or one per line on stdin`;

const trainSpec = {
  task: { type: 'string', choices: ['reverse', 'sort', 'dates'] },
  data: { type: 'string' },
  level: { type: 'string', choices: ['char', 'word'] },
  shared: { type: 'bool' },
  'train-pairs': { type: 'int', min: 1, max: 10000000 },
  'test-pairs': { type: 'int', min: 1, max: 1000000 },
  lengths: { type: 'string' },
  'test-lengths': { type: 'string' },
  'val-fraction': { type: 'number', min: 0, max: 0.5 },
  'data-seed': { type: 'int', min: 0, max: 4294967295 },
  attention: { type: 'string', choices: ['none', 'dot', 'additive'] },
  'attention-size': { type: 'int', min: 1, max: LIMITS.MAX_DIM },
  'output-context': { type: 'bool' },
  cell: { type: 'string', choices: ['rnn', 'lstm', 'gru'] },
  'gru-variant': { type: 'string', choices: ['torch', 'lecture'] },
  hidden: { type: 'int', min: 1, max: LIMITS.MAX_DIM },
  embedding: { type: 'int', min: 1, max: LIMITS.MAX_DIM },
  layers: { type: 'int', min: 1, max: LIMITS.MAX_S2S_LAYERS },
  batch: { type: 'int', min: 1, max: 65536 },
  optimizer: { type: 'string', choices: ['sgd', 'adagrad', 'adam'] },
  lr: { type: 'number' },
  momentum: { type: 'number', min: 0, max: 0.999999 },
  clip: { type: 'number', min: 0 },
  'clip-mode': { type: 'string', choices: ['value', 'norm'] },
  steps: { type: 'int', min: 1 },
  minutes: { type: 'number', min: 0 },
  seed: { type: 'int', default: 1, min: 0, max: 4294967295 },
  every: { type: 'int', default: 200, min: 1 },
  'val-pairs': { type: 'int', default: 200, min: 1 },
  examples: { type: 'int', default: 3, min: 0, max: 100 },
  out: { type: 'string', default: 'seq2seq.safetensors' },
  'checkpoint-minutes': { type: 'number', default: 5, min: 0 },
  resume: { type: 'string' },
  quiet: { type: 'bool', default: false },
};

const evalSpec = {
  model: { type: 'string' },
  task: { type: 'string', choices: ['reverse', 'sort', 'dates'] },
  data: { type: 'string' },
  level: { type: 'string', choices: ['char', 'word'] },
  'test-pairs': { type: 'int', min: 1, max: 1000000 },
  'test-lengths': { type: 'string' },
  beam: { type: 'int', default: 1, min: 1, max: LIMITS.MAX_S2S_BEAM },
  json: { type: 'bool', default: false },
};

const translateSpec = {
  model: { type: 'string' },
  beam: { type: 'int', default: 1, min: 1, max: LIMITS.MAX_S2S_BEAM },
  'max-length': { type: 'int', min: 1, max: LIMITS.MAX_S2S_LEN },
  'show-attention': { type: 'bool', default: false },
};

const warn = (line) => process.stderr.write(`${line}\n`);

export async function run(argv) {
  const [sub, ...rest] = argv;
  if (sub === 'train') return train(rest);
  if (sub === 'eval') return evaluate(rest);
  if (sub === 'translate') return translate(rest);
  throw new UsageError(
    sub
      ? `unknown seq2seq command '${sub}': use train, eval or translate`
      : 'seq2seq needs a command: train, eval or translate (see --help)',
  );
}

async function loadApi() {
  const { loadLmlab } = await import('../../wasm_glue/index.mjs');
  return loadLmlab({ seq2seq: true }); // build/lmlab-seq2seq.wasm: only this command needs it
}

/** The model's saved metadata entry `key` parsed as JSON (or null). */
function savedJson(model, key) {
  try {
    return model.metadata[key] ? JSON.parse(model.metadata[key]) : null;
  } catch {
    return null;
  }
}

async function train(argv) {
  const f = parseFlags(argv, trainSpec);
  if (f.lr !== undefined && !(f.lr > 0)) throw new UsageError(`--lr must be a positive number, got ${f.lr}`);
  if (f.steps !== undefined && f.minutes !== undefined) throw new UsageError('give --steps or --minutes, not both');
  if (f.minutes === 0) throw new UsageError('--minutes must be positive');
  if (f.task && f.level === 'word')
    throw new UsageError('the built-in tasks are char level; --level applies to --data');
  if (f['gru-variant'] && (f.cell ?? 'lstm') !== 'gru')
    throw new UsageError(`--gru-variant applies to --cell gru, not ${f.cell ?? 'lstm'}`);
  checkOutPath(f.out, { inputs: [['--data', f.data]] }); // before any work
  const lm = await loadApi();
  let model,
    resumeBytes = null,
    saved = null;
  if (f.resume) {
    const fixed = [
      'attention',
      'attention-size',
      'output-context',
      'cell',
      'gru-variant',
      'hidden',
      'embedding',
      'layers',
      'shared',
      'level',
    ];
    const given = fixed.filter((k) => f[k] !== undefined);
    if (given.length) throw new UsageError(`--resume keeps the saved model: --${given.join(', --')} cannot change`);
    ({ model, bytes: resumeBytes } = openSeq2Seq(lm, f.resume));
    saved = savedJson(model, 'training');
    if (!saved)
      throw new UsageError(`${f.resume} has no training options in its metadata: it was not saved by seq2seq train`);
  }
  const data = dataOptions(f, saved?.data);
  const pairs = loadPairs(data, warn);
  if (!model) {
    const attention = f.attention ?? 'dot';
    if (f['attention-size'] !== undefined && attention !== 'additive')
      throw new UsageError('--attention-size applies to --attention additive');
    if (f['output-context'] !== undefined && attention === 'none')
      throw new UsageError('--output-context needs attention: --attention none has no context');
    const shared = f.shared ?? (data.task === 'reverse' || data.task === 'sort');
    const v = buildVocabularies(pairs.train, { level: pairs.level, shared });
    const cell = f.cell ?? 'lstm';
    model = lm.Seq2Seq.create({
      srcVocab: v.src,
      tgtVocab: v.tgt,
      level: pairs.level,
      cell,
      attention,
      hidden: f.hidden ?? 64,
      embedding: f.embedding ?? 32,
      layers: f.layers ?? 1,
      seed: f.seed,
      ...(cell === 'gru' ? { gruVariant: f['gru-variant'] ?? 'torch' } : {}),
      ...(attention === 'additive' && f['attention-size'] ? { attentionSize: f['attention-size'] } : {}),
      ...(attention !== 'none' && f['output-context'] !== undefined ? { outContext: f['output-context'] } : {}),
    });
  }
  const so = saved?.options ?? {};
  const optimizer = f.optimizer ?? so.optimizer ?? 'adam';
  const options = {
    batch: f.batch ?? so.batch ?? 32,
    optimizer,
    lr: f.lr ?? so.lr ?? (optimizer === 'adam' ? 0.003 : 0.1),
    momentum: f.momentum ?? so.momentum ?? 0,
    clip: f.clip ?? so.clip ?? 1,
    clipMode: f['clip-mode'] ?? so.clipMode ?? 'norm',
    seed: so.seed ?? f.seed,
  };
  const trainer = new lm.Seq2SeqTrainer(model, pairs.train, options);
  if (resumeBytes) {
    try {
      trainer.restore(resumeBytes);
    } catch (err) {
      throw new UsageError(`${f.resume}: ${err.message}`);
    }
  }
  model.metadata = { ...model.metadata, training: JSON.stringify({ data, options }) };

  const log = f.quiet ? () => {} : (line) => process.stdout.write(`${line}\n`);
  const tty = process.stdout.isTTY && !f.quiet;
  const c = model.config;
  const unk = trainer.unknownTokens
    ? `; ${trainer.unknownTokens} training tokens are not in the saved vocabularies (read as <unk>)`
    : '';
  log(
    `data: ${pairs.name}: ${pairs.train.length} training pairs, ${pairs.test.length} held out; vocabularies ${model.srcVocab.size} → ${model.tgtVocab.size}${c.shared ? ' (shared)' : ''} (${c.level})${unk}`,
  );
  log(
    `model: ${c.cell}${c.gruVariant ? ` (${c.gruVariant})` : ''}, hidden ${c.hidden}, embedding ${c.embedding}, layers ${c.layers}, attention ${c.attention}${c.attention === 'additive' ? ` (A ${c.attentionSize})` : ''}${c.attention !== 'none' ? `, output reads ${c.outContext ? '[h; c]' : 'h'}` : ''}; ${model.parameterCount} parameters`,
  );
  log(
    `training: teacher forcing, ${options.optimizer} lr ${options.lr}, clip ${options.clip} (${options.clipMode}), batch ${options.batch}${resumeBytes ? `, resumed at step ${trainer.step}` : ''}`,
  );

  const valSlice = pairs.test.slice(0, f['val-pairs']);
  const check = (set) => (set.length ? { loss: model.evaluate(set).loss, accuracy: model.accuracy(set) } : null);
  const startStep = trainer.step;
  const target = f.minutes !== undefined ? Infinity : (f.steps ?? 2000);
  const deadline = f.minutes !== undefined ? Date.now() + f.minutes * 60000 : Infinity;
  let smooth = null,
    last = { loss: NaN, clipEvents: 0 },
    interrupted = null,
    pairsDone = 0,
    trainSeconds = 0,
    chunk = 1;
  const onSignal = (signal) => {
    interrupted = signal;
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  const checkpointMs = f['checkpoint-minutes'] * 60000;
  let lastCheckpoint = Date.now();
  // divergence: the rule of _divergence.mjs over the target vocabulary (what the decoder predicts)
  const guard = createDivergenceGuard(model.tgtVocab.size, () => ({ bytes: model.save(trainer), step: trainer.step }));
  let diverged = null;
  let lastVal = null;
  const t0 = performance.now();
  const progress = (val) => {
    const steps = trainer.step - startStep,
      rate = pairsDone / Math.max(trainSeconds, 1e-9);
    const eta = f.minutes !== undefined ? (deadline - Date.now()) / 1000 : ((target - steps) * options.batch) / rate;
    const v = val ? `  val ${fmt(val.loss)}  exact ${(100 * val.accuracy.exactMatch).toFixed(1)}%` : '';
    return `step ${trainer.step}  loss ${fmt(last.loss)}  smooth ${fmt(smooth ?? last.loss)}${v}  ${Math.round(rate)} pairs/s  ETA ${duration(eta)}  clips ${last.clipEvents}`;
  };
  try {
    while (!interrupted && !diverged && trainer.step - startStep < target && Date.now() < deadline) {
      const untilCheck = f.every - (trainer.step % f.every);
      const count = Math.max(1, Math.min(chunk, target - (trainer.step - startStep), untilCheck));
      const c0 = performance.now();
      last = trainer.train(count);
      const ms = performance.now() - c0;
      trainSeconds += ms / 1000;
      pairsDone += last.pairs;
      chunk = Math.max(1, Math.min(1000, Math.round((count * 100) / Math.max(ms, 1)))); // ~0.1 s per call
      smooth = smooth === null ? last.loss : smooth * 0.95 ** count + last.loss * (1 - 0.95 ** count);
      if (trainer.step % f.every === 0) {
        const val = check(valSlice);
        lastVal = val;
        if (tty) process.stdout.write('\r\x1b[K');
        log(progress(val));
        for (let i = 0; val && i < Math.min(f.examples, valSlice.length); i++) {
          const o = val.accuracy.outputs[i],
            want = valSlice[i].target;
          log(
            `  ${JSON.stringify(valSlice[i].source)} → ${JSON.stringify(o.output)}${o.ended && o.output === want ? '  ✓' : `  ✗ (want ${JSON.stringify(want)})`}`,
          );
        }
      } else if (tty) {
        process.stdout.write(`\r\x1b[K${progress(null)}`);
      }
      diverged = guard.check(smooth, lastVal?.loss);
      if (diverged) break;
      if (checkpointMs > 0 && Date.now() - lastCheckpoint >= checkpointMs) {
        saveAtomic(f.out, model.save(trainer));
        lastCheckpoint = Date.now();
        if (tty) process.stdout.write('\r\x1b[K');
        log(`checkpoint: ${f.out} at step ${trainer.step}`);
      }
      await new Promise((resolve) => setImmediate(resolve)); // lets a signal through between calls
    }
  } catch (err) {
    saveAtomic(f.out, model.save(trainer));
    err.message += ` (the last finite parameters were saved to ${f.out})`;
    throw err;
  } finally {
    if (tty) process.stdout.write('\n');
  }
  const failed = (why) => {
    saveAtomic(f.out, guard.good.bytes);
    return divergenceError({ step: trainer.step, why, out: f.out, goodStep: guard.good.step, ...options });
  };
  if (diverged) throw failed(diverged);
  saveAtomic(f.out, model.save(trainer));
  for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
  const seconds = (performance.now() - t0) / 1000,
    steps = trainer.step - startStep;
  const final = check(pairs.test);
  if (final && !Number.isFinite(final.loss)) throw failed(`the held-out loss is ${final.loss} (infinite perplexity)`);
  const held = final
    ? `held-out loss ${fmt(final.loss)}, exact match ${(100 * final.accuracy.exactMatch).toFixed(1)}% of ${pairs.test.length}, `
    : '';
  console.log(
    `${interrupted ? `interrupted (${interrupted}): checkpoint` : 'saved'} ${f.out} at step ${trainer.step}: train loss ${fmt(last.loss)}, ${held}` +
      `${steps} steps in ${duration(seconds)} (${Math.round(pairsDone / Math.max(trainSeconds, 1e-9))} pairs/s training)`,
  );
  trainer.dispose();
  model.dispose();
  return interrupted ? signalExitCode(interrupted) : 0;
}

async function evaluate(argv) {
  const f = parseFlags(argv, evalSpec);
  if (!f.model) throw new UsageError('seq2seq eval needs --model FILE');
  const lm = await loadApi();
  const { model } = openSeq2Seq(lm, f.model);
  const saved = savedJson(model, 'training');
  if (!f.task && !f.data && !saved)
    throw new UsageError(`${f.model} does not say what it was trained on: give --task or --data`);
  if (f.data && f.level && f.level !== model.level)
    throw new UsageError(`${f.model} is a ${model.level}-level model; --level ${f.level} cannot read its tokens`);
  let pairs;
  if (f.data) {
    // every pair of the file is scored
    const all = loadPairs({ file: f.data, level: model.level, valFraction: 0, seed: 1 }, warn);
    pairs = { test: all.train, name: f.data };
  } else {
    // a task split is regenerated with the training's seed and size, so its held-out pairs stay held out
    const base = saved?.data && (!f.task || f.task === saved.data.task) ? saved.data : undefined;
    pairs = loadPairs(
      dataOptions({ task: f.task, 'test-pairs': f['test-pairs'], 'test-lengths': f['test-lengths'] }, base),
      warn,
    );
  }
  if (!pairs.test.length) throw new UsageError('there are no pairs to evaluate');
  const t0 = performance.now();
  const loss = model.evaluate(pairs.test);
  const acc = model.accuracy(pairs.test, { beam: f.beam });
  const seconds = (performance.now() - t0) / 1000;
  const unknown = pairs.test.reduce((n, p) => n + model.encodeSource(p.source).unknown, 0);
  const out = {
    model: f.model,
    data: pairs.name,
    pairs: pairs.test.length,
    beam: f.beam,
    loss: loss.loss,
    perplexity: loss.perplexity,
    tokens: loss.tokens,
    exactMatch: acc.exactMatch,
    exact: acc.exact,
    byLength: acc.byLength,
    unknownSourceTokens: unknown,
    seconds,
  };
  if (f.json) {
    console.log(JSON.stringify(out, null, 2));
    return 0;
  }
  console.log(
    `${f.model} on ${pairs.name}${f.data ? '' : ' (held-out pairs)'}: ${out.pairs} pairs, ${f.beam === 1 ? 'greedy' : `beam ${f.beam}`}`,
  );
  console.log(
    `loss ${fmt(out.loss)} nats per target token (perplexity ${fmt(out.perplexity, 3)}, ${out.tokens} tokens, </s> included)`,
  );
  console.log(
    `exact match ${(100 * out.exactMatch).toFixed(1)}% (${out.exact} of ${out.pairs})${unknown ? `; ${unknown} source tokens are not in the vocabulary` : ''}`,
  );
  console.log('accuracy by source length (tokens):');
  console.log(lengthTable(out.byLength));
  model.dispose();
  return 0;
}

async function translate(argv) {
  const flags = [],
    sources = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      flags.push(a);
      const name = a.slice(2).split('=')[0];
      if (!a.includes('=') && translateSpec[name] && translateSpec[name].type !== 'bool' && i + 1 < argv.length)
        flags.push(argv[++i]);
    } else {
      sources.push(a);
    }
  }
  const f = parseFlags(flags, translateSpec);
  if (!f.model) throw new UsageError('seq2seq translate needs --model FILE');
  const lm = await loadApi();
  const { model } = openSeq2Seq(lm, f.model);
  let lines = sources;
  if (!lines.length) {
    if (process.stdin.isTTY) throw new UsageError('give sources as arguments or one per line on stdin');
    lines = decodeText(new Uint8Array(readFileSync(0)), 'stdin')
      .split('\n')
      .map((l) => l.replace(/\r$/, ''));
    if (lines.at(-1) === '') lines.pop();
  }
  let failures = 0;
  for (const [i, source] of lines.entries()) {
    let r;
    try {
      r = model.translate(source, { beam: f.beam, maxLength: f['max-length'] });
    } catch (err) {
      warn(`${sources.length ? `source ${i + 1}` : `line ${i + 1}`}: ${err.message}`);
      failures++;
      continue;
    }
    console.log(
      f['show-attention'] ? `${source} → ${r.output}${r.ended ? '' : '  (no </s> within the length cap)'}` : r.output,
    );
    if (r.unknown)
      warn(
        `${sources.length ? `source ${i + 1}` : `line ${i + 1}`}: ${r.unknown} token(s) not in the vocabulary, read as <unk>`,
      );
    if (f['show-attention']) {
      console.log(
        model.config.attention === 'none' ? '(this model has no attention: nothing to show)' : attentionText(r),
      );
      console.log('');
    }
  }
  model.dispose();
  return failures ? 1 : 0;
}
