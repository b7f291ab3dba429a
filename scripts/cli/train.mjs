// train.mjs — `lmlab train`: train a neural language model (RNN, LSTM, GRU or fixed window) on a text file (or the built-in Brown text)
// with N parallel streams and truncated BPTT (or batches of whole sentences, padded and masked), printing a live progress line (step, loss, smoothed
// loss, validation loss every K steps, chars/s, ETA) and a sample every K steps; saves a model file
// with the optimizer state so `--resume` continues exactly; checkpoints every --checkpoint-minutes, and
// SIGINT (Ctrl-C), SIGTERM and SIGHUP save a checkpoint before exiting (_out-file.mjs writes it safely).
import { LIMITS } from '../../wasm_glue/constants.mjs';
import { createHash } from 'node:crypto';
import { GIVEN, parseFlags, UsageError } from './_args.mjs';
import { linearDecay } from './_schedule.mjs';
import { CLIP_NORM_PER_STEP, cellDefaults } from './_defaults.mjs';
import {
  checkVocabularySize,
  decodeIds,
  describeModel,
  duration,
  fmt,
  metadataJSON,
  modelConfig,
  openModel,
  primeIds,
  readCorpus,
  splitText,
} from './_neural.mjs';
import { checkOutPath, saveAtomic, signalExitCode, STOP_SIGNALS } from './_out-file.mjs';
import { createDivergenceGuard, divergenceError } from './_divergence.mjs';
import { readTextFile } from './_text.mjs';
import { availableCores, MIN_PARALLEL_WORK, MIN_SHARD_STREAMS } from '../../wasm_glue/parallel.mjs';

/** The flags that shape a new model: with --resume the file's model continues as it is, so they are refused. */
const SHAPING = [
  'level',
  'min-count',
  'cell',
  'hidden',
  'embedding',
  'layers',
  'window',
  'gru-variant',
  'seed',
  'init-scale',
  'recurrent-gain',
  'forget-bias',
  'embeddings',
  'sentences',
];

/** What identifies the training text in a model file's metadata (`trainText`): its SHA-256 and length. */
function textFingerprint(text) {
  return { sha256: createHash('sha256').update(text).digest('hex'), chars: text.length };
}

export const summary =
  'train a neural language model (rnn, lstm, gru, window; char or word level) and save a model file';

export const usage = `usage: node scripts/lmlab.mjs train [flags]

  --data FILE          training text (UTF-8); default: the built-in Brown text
  --level char|word    tokens (default char)
  --min-count K        word level: rarer words become <unk> (default 1)
  --cell NAME          rnn | lstm | gru | window (default rnn)
  --hidden H           hidden size (default 128)
  --embedding E        embedding size, 0 = one-hot input (default 32; with --embeddings: the
                       vectors' size)
  --embeddings FILE    start the embedding from pre-trained word vectors (word2vec/GloVe text:
                       a word and its numbers per line, optional "count dim" header); words
                       without a vector are initialised as usual and reported
  --freeze NAMES       parameters the optimizer leaves bit-identical, by PyTorch or lecture name,
                       comma-separated (e.g. W_embed, or embedding.weight); saved for --resume
  --layers L           stacked recurrent layers, 1-4 (default 1)
  --window W           window model: previous tokens seen, 1-64 (default 8)
  --gru-variant V      torch (default; exports exactly to torch.nn.GRU) | lecture
  --init-scale S       multiply the initial weight matrices (not the embedding) by S > 0: N(0, (0.01 S)^2)
                       (default on streams: 5 for rnn, lstm, gru, measured best; 1 for window)
  --recurrent-gain G   initial Wh ~ N(0, G^2/H), spectral radius about G: G > 1 makes gradients grow
                       back through time (exploding; clipping is the cure), G < 1 vanish
  --forget-bias B      lstm: the forget gate's initial bias in every layer (default on streams: 0,
                       measured best for a minute; 1, the classic start, otherwise)
  --state-resets P     streams: each window, a stream starts from the zero state instead of its carried
                       one with chance P (0-0.5), so the model learns to start anywhere; the guard against
                       the one-stream latch (default 0.01 for rnn, lstm, gru; 0 for window; docs/training.md)
  --sentences lines|punctuation  word level: a sentence is a line (default) or ends at . ! ? and
                       at a blank line (the vocabulary's tokenizer option; <s> … </s> around each)
  --batching MODE      streams (default): --batch contiguous streams of the text, windows of --seq,
                       the hidden state carried across windows | sentences: --batch whole sentences
                       a step (word level <s> … </s>; char level lines, newlines included), each from
                       a zero state, padded to the step's longest with the padding masked in the loss;
                       a sentence longer than --seq+1 tokens is cut into pieces. Held-out loss then
                       scores every held-out sentence from a zero state. docs/training.md: which when
  --seq T              truncated-BPTT window (default 25; --batching sentences: the longest piece)
  --batch N            parallel streams, or sentences a step (default 32)
  --threads N          threads to train on (default: every core the machine reports). The streams are
                       cut into fixed shards whatever N is, so any N gives the same numbers; a model
                       too small to gain (or batch < 16, or --batching sentences) trains on one and
                       says so (docs/training.md, "Every core")
  --optimizer NAME     sgd | adagrad | adam (default adam; adagrad 0.1 is min-char-rnn's setting)
  --lr X               learning rate (default: adagrad 0.1, sgd 0.01, adam by cell on streams: rnn
                       0.004, lstm and gru 0.008; window and --batching sentences 0.002)
  --lr-decay none|linear  linear: the rate falls from --lr to --lr/50 over --steps or --minutes
                       (default: linear with adam for rnn, lstm and gru on streams, else none)
  --momentum X         sgd only (default 0)
  --clip C             clip gradients; 0 = off (default: norm 5 per step of --seq, 125 at T 25, for
                       rnn, lstm and gru on streams; else 5)
  --clip-mode MODE     value (element-wise to [-C, C]) | norm (global norm) (default norm for rnn,
                       lstm and gru on streams unless --clip is given; else value). The defaults are
                       the best measured per cell for one minute: docs/benchmarks.md, Defaults
  --steps S            optimizer steps to run (default 1000 unless --minutes)
  --minutes M          train for this long instead (wall clock)
  --seed S             initialisation seed (default 1)
  --val-fraction F     held-out share of the text, its end (default 0.1)
  --every K            validation loss and a sample every K steps (default 200)
  --val-tokens K       tokens of held-out text scored at each check (default 20000); at the end all of
                       them, or K when given, with a progress line
  --sample-length K    length of the periodic samples (default 200)
  --out FILE           model file to write (default model.safetensors); checked before training: not
                       an input, an existing file only if it is a model file, in a writable folder
  --checkpoint-minutes M  save --out every M minutes while training; 0 = only at the end (default 5).
                       SIGINT (Ctrl-C), SIGTERM and SIGHUP also save before exiting
  --resume FILE        continue training from a model file saved by train: the same text (checked by
                       its fingerprint) and no model-shaping flag (--cell, --hidden, --level, …)
  --new-text           with --resume: continue on a different text than the file was trained on
  --quiet              no progress line and no samples, only the final summary`;

const spec = {
  data: { type: 'string' },
  level: { type: 'string', default: 'char', choices: ['char', 'word'] },
  'min-count': { type: 'int', default: 1, min: 1 },
  cell: { type: 'string', default: 'rnn', choices: ['rnn', 'lstm', 'gru', 'window'] },
  hidden: { type: 'int', default: 128, min: 1, max: LIMITS.MAX_DIM },
  embedding: { type: 'int', min: 0, max: LIMITS.MAX_DIM },
  layers: { type: 'int', default: 1, min: 1, max: LIMITS.MAX_LAYERS },
  window: { type: 'int', min: 1, max: LIMITS.MAX_WINDOW },
  'gru-variant': { type: 'string', choices: ['torch', 'lecture'] },
  sentences: { type: 'string', choices: ['lines', 'punctuation'] },
  batching: { type: 'string', choices: ['streams', 'sentences'] },
  seq: { type: 'int', min: 1, max: 100000 },
  batch: { type: 'int', min: 1, max: 100000 },
  threads: { type: 'int', min: 1, max: 256 },
  optimizer: { type: 'string', choices: ['sgd', 'adagrad', 'adam'] },
  lr: { type: 'number' },
  'lr-decay': { type: 'string', choices: ['none', 'linear'] },
  momentum: { type: 'number', min: 0, max: 0.999999 },
  clip: { type: 'number', min: 0 },
  'clip-mode': { type: 'string', choices: ['value', 'norm'] },
  steps: { type: 'int', min: 1 },
  minutes: { type: 'number', min: 0 },
  seed: { type: 'int', default: 1, min: 0, max: 4294967295 },
  'val-fraction': { type: 'number', default: 0.1, min: 0, max: 0.5 },
  every: { type: 'int', default: 200, min: 1 },
  'val-tokens': { type: 'int', default: 20000, min: 2 },
  'sample-length': { type: 'int', default: 200, min: 1, max: LIMITS.MAX_GEN_LENGTH },
  out: { type: 'string', default: 'model.safetensors' },
  'checkpoint-minutes': { type: 'number', default: 5, min: 0 },
  resume: { type: 'string' },
  embeddings: { type: 'string' },
  'init-scale': { type: 'number', min: 0 },
  'recurrent-gain': { type: 'number', min: 0 },
  'forget-bias': { type: 'number', min: -20, max: 20 },
  'state-resets': { type: 'number', min: 0, max: 0.5 },
  freeze: { type: 'string' },
  'new-text': { type: 'bool', default: false },
  quiet: { type: 'bool', default: false },
};

export async function run(argv) {
  const f = parseFlags(argv, spec);
  if (f.lr !== undefined && !(f.lr > 0)) throw new UsageError(`--lr must be a positive number, got ${f.lr}`);
  if (f.steps !== undefined && f.minutes !== undefined) throw new UsageError('give --steps or --minutes, not both');
  if (f.minutes === 0) throw new UsageError('--minutes must be positive');
  if (f.window !== undefined && f.cell !== 'window')
    throw new UsageError(`--window applies to --cell window, not ${f.cell}`);
  if (f.sentences !== undefined && f.level !== 'word')
    throw new UsageError('--sentences applies to --level word (char level: a sentence is a line)');
  if (f['gru-variant'] !== undefined && f.cell !== 'gru')
    throw new UsageError(`--gru-variant applies to --cell gru, not ${f.cell}`);
  if (f.cell === 'window' && f.layers !== 1)
    throw new UsageError('the window model has one hidden layer: --layers must be 1');
  if (f.cell === 'window' && f.embedding === 0)
    throw new UsageError('the window model needs a trainable embedding: --embedding must be at least 1');
  if (f.resume) {
    const given = SHAPING.filter((k) => f[GIVEN].has(k));
    if (given.length)
      throw new UsageError(
        `--resume continues the model saved in ${f.resume} as it is: --${given.join(', --')} would shape a new model; leave ${given.length > 1 ? 'them' : 'it'} out, or train a new model without --resume`,
      );
  } else if (f['new-text']) throw new UsageError('--new-text applies to --resume');
  for (const knob of ['init-scale', 'recurrent-gain'])
    if (f[knob] === 0) throw new UsageError(`--${knob} must be greater than 0`);
  if (f['recurrent-gain'] !== undefined && f.cell === 'window')
    throw new UsageError('--recurrent-gain applies to recurrent cells, not --cell window');
  if (f['forget-bias'] !== undefined && f.cell !== 'lstm')
    throw new UsageError(`--forget-bias applies to --cell lstm only (a forget gate), not --cell ${f.cell}`);
  if (f.embeddings && f.embedding === 0)
    throw new UsageError(
      '--embeddings needs an embedding matrix: leave --embedding out (the vectors set it) or give their size',
    );
  let pretrained = null;
  if (f.embeddings) {
    const { parseEmbeddingText } = await import('../../wasm_glue/embeddings.mjs');
    try {
      pretrained = parseEmbeddingText(readTextFile(f.embeddings, '--embeddings'));
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw new UsageError(`--embeddings ${f.embeddings}: ${err.message}`);
    }
    if (f.embedding !== undefined && f.embedding !== pretrained.dim)
      throw new UsageError(
        `--embeddings ${f.embeddings} has ${pretrained.dim} numbers per word but --embedding is ${f.embedding}: leave --embedding out or make them equal`,
      );
    f.embedding = pretrained.dim;
  }
  f.embedding ??= cellDefaults(f.cell).embedding; // 32 for every cell
  // a new model trained on streams starts as its cell's recipe says (the recurrent cells' initial scale 5,
  // the LSTM's forget gate at 0), unless the flags shape the start themselves
  const recipe = cellDefaults(f.cell);
  if (!f.resume && (f.batching ?? 'streams') === 'streams') {
    const startGiven = f['init-scale'] !== undefined || f['recurrent-gain'] !== undefined;
    if (!startGiven && recipe.initScale !== 1) f['init-scale'] = recipe.initScale;
    if (f['forget-bias'] === undefined && recipe.forgetBias !== undefined) f['forget-bias'] = recipe.forgetBias;
  }
  checkOutPath(f.out, { inputs: [['--data', f.data]] }); // before any work: never after an hour of training
  const { loadLmlab } = await import('../../wasm_glue/index.mjs');
  const lm = await loadLmlab();
  const corpus = await readCorpus(f.data);
  const [trainText, valText] = splitText(corpus.text, f['val-fraction']);

  // model and vocabulary: fresh, or from the checkpoint
  let model;
  let vocab;
  let saved = null; // the checkpoint's training options
  let savedTraining = null; // and the CLI's (the `training` metadata: state resets)
  let resumeBytes = null;
  let textNote = '';
  if (f.resume) {
    const opened = openModel(lm, f.resume, '--resume');
    ({ model, vocab } = opened);
    resumeBytes = opened.bytes;
    saved = metadataJSON(f.resume, opened.header, 'trainer');
    savedTraining = metadataJSON(f.resume, opened.header, 'training');
    if (!saved) throw new UsageError(`${f.resume} has no training state to resume (it was saved without a trainer)`);
    const was = metadataJSON(f.resume, opened.header, 'trainText');
    const now = textFingerprint(trainText);
    if (was && was.sha256 !== now.sha256 && !f['new-text']) {
      throw new UsageError(
        `${corpus.name} is not the text ${f.resume} was trained on (its training part had ${was.chars} characters, sha256 ${String(was.sha256).slice(0, 12)}…; now ${now.chars}, ${now.sha256.slice(0, 12)}…, with --val-fraction ${f['val-fraction']}): give the same --data and --val-fraction, or --new-text to continue on this text from its start`,
      );
    }
    textNote = was
      ? was.sha256 === now.sha256
        ? ''
        : ', on a new text (--new-text)'
      : ', text not checked (the file records no fingerprint)';
  } else {
    const options =
      f.level === 'word'
        ? { level: 'word', minCount: f['min-count'], sentences: f.sentences ?? 'lines' }
        : { level: 'char' };
    vocab = lm.Vocab.build(corpus.text, options); // the type inventory of all the text; counts as well
    checkVocabularySize(vocab, corpus.name);
    // the same rule as C's model_check_config, said in the CLI's flags
    if (f.level === 'char' && vocab.size > LIMITS.MAX_DIM && f.embedding === 0) {
      throw new UsageError(
        `the text has ${vocab.size} distinct characters, more than one-hot input allows (${LIMITS.MAX_DIM}): use --embedding 64`,
      );
    }
    if (f.level === 'word' && f.embedding === 0 && vocab.size > LIMITS.MAX_DIM) {
      throw new UsageError(
        `the word vocabulary has ${vocab.size} types: one-hot input allows ${LIMITS.MAX_DIM}; use --embedding 128 or --min-count`,
      );
    }
    model = lm.Model.create(modelConfig(f, vocab.size));
  }
  let embeddingReport = null;
  if (pretrained) embeddingReport = model.setEmbedding(pretrained, { vocab });
  const optimizer = f.optimizer ?? saved?.optimizer ?? 'adam';
  const seq = f.seq ?? saved?.seq ?? 25;
  const batching = f.batching ?? saved?.batching ?? 'streams';
  // What the flags leave out: the cell's measured-best recipe (_defaults.mjs), measured on streams; the
  // global-norm clip is calibrated for their loss summed over T. Batches of sentences (a mean per
  // token; not measured) keep the old recipe: Adam 0.002, clip ±5, no decay.
  const streams = batching === 'streams';
  const defaults = streams
    ? cellDefaults(f.resume ? model.config.cell : f.cell, seq)
    : { lr: 0.002, clipMode: 'value', lrDecay: 'none' };
  const normDefault = defaults.clipMode === 'norm' && f.clip === undefined;
  const clipMode = f['clip-mode'] ?? saved?.clip_mode ?? (normDefault ? 'norm' : 'value');
  const options = {
    batch: f.batch ?? saved?.batch ?? 32,
    seq,
    optimizer,
    lr: f.lr ?? saved?.lr ?? (optimizer === 'adagrad' ? 0.1 : optimizer === 'adam' ? defaults.lr : 0.01),
    momentum: f.momentum ?? saved?.momentum ?? 0,
    clip: f.clip ?? saved?.clip ?? (clipMode === 'norm' ? CLIP_NORM_PER_STEP * seq : 5),
    clipMode,
    batching,
    // the chance a stream starts a window from zeros (streams only): the guard against the one-stream latch
    stateResets: streams ? (f['state-resets'] ?? savedTraining?.stateResets ?? defaults.stateResets) : 0,
  };
  if (!streams && f['state-resets'])
    throw new UsageError('--state-resets applies to --batching streams: every sentence starts from the zero state');
  const lrDecay = f['lr-decay'] ?? (optimizer === 'adam' ? defaults.lrDecay : 'none');
  const bySentence = options.batching === 'sentences';
  const trainIds = vocab.encode(trainText);
  const valIds = valText ? vocab.encode(valText) : new Int32Array(0);
  // batching sentences: the vocabulary's sentences (word level) or lines (char level), train and held out
  const trainSentences = bySentence ? vocab.trainingSentences(trainText) : null;
  const valSentences = bySentence && valText ? vocab.trainingSentences(valText) : [];
  // streams train on every core (ParallelTrainer: fixed shards, so the thread count changes no number)
  const wantThreads = f.threads ?? availableCores();
  const trainer = bySentence
    ? new lm.Trainer(model, trainSentences, options)
    : await lm.ParallelTrainer.create(model, trainIds, { ...options, threads: wantThreads });
  if (resumeBytes) await trainer.restore(resumeBytes); // the frozen set too
  const threads = trainer.threads ?? 1;
  // why fewer threads than asked for, said on the training line and the progress line
  const work = options.batch * options.seq * model.parameterCount;
  const oneThreadWhy =
    threads >= wantThreads || threads > 1
      ? ''
      : bySentence
        ? 'batches of sentences train on one'
        : options.batch < 2 * MIN_SHARD_STREAMS
          ? `batch ${options.batch} < ${2 * MIN_SHARD_STREAMS} is too small to split`
          : `model too small to gain: batch x seq x parameters = ${work.toExponential(1)} < ${MIN_PARALLEL_WORK.toExponential(0)}`;
  const threadNote = oneThreadWhy ? `1 thread (${oneThreadWhy})` : `${threads} thread${threads > 1 ? 's' : ''}`;
  const threadShort = `threads ${threads}${oneThreadWhy ? ` (${bySentence ? 'sentences' : options.batch < 2 * MIN_SHARD_STREAMS ? 'batch too small' : 'model too small'})` : ''}`;
  for (const name of f.freeze ? f.freeze.split(',').map((s) => s.trim()) : []) {
    try {
      model.setFrozen(name, true);
    } catch (err) {
      throw new UsageError(`--freeze: ${err.message}`);
    }
  }
  model.metadata = {
    ...model.metadata,
    vocab: JSON.stringify(vocab.toJSON()),
    level: vocab.level,
    data: corpus.name,
    training: JSON.stringify({ ...options, lrDecay, valFraction: f['val-fraction'] }),
    trainText: JSON.stringify(textFingerprint(trainText)),
  };

  const log = f.quiet ? () => {} : (line) => process.stdout.write(`${line}\n`);
  const tty = process.stdout.isTTY && !f.quiet;
  const unit = vocab.level === 'char' ? 'chars' : 'tokens';
  const V = vocab.size;
  log(
    `data: ${corpus.name}: ${trainIds.length} training ${unit}, ${valIds.length} held out; vocabulary ${V} (${vocab.level})`,
  );
  if (trainSentences)
    log(
      `sentences: ${trainSentences.length} for training (${trainer.sentences} pieces of at most ${options.seq + 1} tokens), ${valSentences.length} held out`,
    );
  log(`model: ${describeModel(model)}, ${model.parameterCount} parameters`);
  if (embeddingReport) {
    const r = embeddingReport;
    log(
      `embeddings: ${r.found} of ${V} tokens have a vector in ${f.embeddings} (${pretrained.count} words, dim ${r.dim}${r.lowercased ? `; ${r.lowercased} found lower-cased` : ''}); ${r.missing} missing, initialised as usual${r.missing ? ` (e.g. ${r.missingExamples.slice(0, 8).join(' ')})` : ''}`,
    );
  }
  if (model.frozen().length) log(`frozen (left as they are): ${model.frozen().join(', ')}`);
  log(
    `training: ${options.optimizer} lr ${options.lr}${lrDecay === 'linear' ? ' decaying linearly to 1/50' : ''}, clip ${options.clip} (${options.clipMode}), ${threadNote}, ${lm.fma ? 'fused multiply-add' : 'SIMD128'} kernels, ${bySentence ? `batches of ${options.batch} sentences (padded, masked; at most ${options.seq} steps)` : `batch ${options.batch} x seq ${options.seq}`}${resumeBytes ? `, resumed at step ${trainer.step}${textNote}` : ''}`,
  );

  const valSlice = valIds.subarray(0, Math.min(valIds.length, f['val-tokens']));
  const valBatch = (ids) => Math.max(1, Math.min(options.batch, Math.floor(ids.length / (options.seq + 1))));
  const validate = (ids) =>
    ids.length >= 2 ? trainer.evaluate(ids, { batch: valBatch(ids), seq: options.seq }) : null;
  /** Sentences: the first held-out sentences holding about `tokens` tokens, each scored from a zero state. */
  const firstSentences = (tokens) => {
    const out = [];
    for (let n = 0, i = 0; i < valSentences.length && n < tokens; i++)
      (out.push(valSentences[i]), (n += valSentences[i].length));
    return out;
  };
  const valSentenceSlice = firstSentences(f['val-tokens']);
  const validateSentences = (list) => (list.some((s) => s.length >= 2) ? trainer.evaluate(list) : null);
  const sampleText = () => {
    const prime = primeIds(vocab, vocab.level === 'char' ? trainText.slice(0, 1) : '');
    const ids = model.sample(prime, {
      length: f['sample-length'],
      temperature: 0.8,
      seed: trainer.step,
      stopId: vocab.level === 'word' ? vocab.eos : -1,
    });
    return decodeIds(vocab, Int32Array.from([...prime, ...ids]));
  };

  /** The final held-out score: every held-out token, or --val-tokens of them when given; in pieces of
   * about two seconds with a progress line, so a huge vocabulary never means minutes of silence. */
  const finalValidation = () => {
    if (bySentence) return validateSentences(f[GIVEN].has('val-tokens') ? valSentenceSlice : valSentences);
    const ids = f[GIVEN].has('val-tokens') ? valSlice : valIds;
    if (ids.length < 2) return null;
    const minPiece = Math.max(2, options.seq + 1);
    if (ids.length <= Math.max(f['val-tokens'], minPiece)) return validate(ids);
    let piece = Math.max(minPiece, Math.min(f['val-tokens'], ids.length)); // the first piece: one periodic check's work
    let sum = 0;
    let tokens = 0;
    const start = performance.now();
    for (let at = 0; at < ids.length;) {
      if (ids.length - at - piece < minPiece) piece = ids.length - at; // no scrap too short to score
      const c0 = performance.now();
      const r = validate(ids.subarray(at, at + piece));
      at += piece;
      sum += r.loss * r.tokens;
      tokens += r.tokens;
      const ms = performance.now() - c0;
      const eta = ((performance.now() - start) / at) * (ids.length - at);
      if (at < ids.length)
        log(
          `final validation: ${at} of ${ids.length} held-out ${unit} (${Math.floor((100 * at) / ids.length)}%), ETA ${duration(eta / 1000)}`,
        );
      piece = Math.max(minPiece, Math.round((piece * 2000) / Math.max(ms, 1)));
    }
    const loss = sum / tokens;
    return { loss, perplexity: Math.exp(loss), bitsPerToken: loss / Math.LN2, tokens };
  };

  const startStep = trainer.step;
  const target = f.minutes !== undefined ? Infinity : (f.steps ?? 1000);
  const deadline = f.minutes !== undefined ? Date.now() + f.minutes * 60000 : Infinity;
  // tokens predicted per step: streams batch·seq; sentences batch times a piece's mean targets
  const perStep = bySentence
    ? (options.batch * trainSentences.reduce((n, s) => n + Math.max(0, s.length - 1), 0)) /
      Math.max(1, trainer.sentences)
    : options.batch * options.seq;
  let smooth = Math.log(V);
  let lastVal = null;
  let interrupted = null; // the signal's name once one arrives
  let last = { loss: NaN };
  const onSignal = (signal) => {
    interrupted = signal;
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  const checkpointMs = f['checkpoint-minutes'] * 60000;
  let lastCheckpoint = Date.now();
  // Divergence (docs/training.md, _divergence.mjs): the run ends with exit code 1 and --out gets the
  // last healthy parameters, kept in memory.
  const guard = createDivergenceGuard(V, () => ({ bytes: model.save(trainer), step: trainer.step }));
  let diverged = null;
  const t0 = performance.now();
  let chunk = 1;
  try {
    while (!interrupted && !diverged && trainer.step - startStep < target && Date.now() < deadline) {
      const done = trainer.step - startStep;
      const untilCheck = f.every - (trainer.step % f.every);
      // with --steps and a decay, at most 1/200 of the run between rate changes (chunks follow time otherwise)
      const decayCap = lrDecay === 'linear' && f.minutes === undefined ? Math.ceil(target / 200) : Infinity;
      const count = Math.max(1, Math.min(chunk, target - done, untilCheck, decayCap));
      if (lrDecay === 'linear') {
        const spent = f.minutes !== undefined ? 1 - (deadline - Date.now()) / (f.minutes * 60000) : done / target;
        trainer.setLearningRate(options.lr * linearDecay(spent));
      }
      const c0 = performance.now();
      last = await trainer.train(count);
      const ms = performance.now() - c0;
      chunk = Math.max(1, Math.min(1000, Math.round((count * 100) / Math.max(ms, 1)))); // ~0.1 s per call
      smooth = smooth * 0.99 ** count + last.loss * (1 - 0.99 ** count);
      const steps = trainer.step - startStep;
      const seconds = (performance.now() - t0) / 1000;
      const rate = (steps * perStep) / seconds;
      const eta = f.minutes !== undefined ? (deadline - Date.now()) / 1000 : ((target - steps) * perStep) / rate;
      if (trainer.step % f.every === 0) {
        lastVal = bySentence ? validateSentences(valSentenceSlice) : validate(valSlice);
        if (tty) process.stdout.write('\r\x1b[K');
        log(
          `step ${trainer.step}  loss ${fmt(last.loss)}  smooth ${fmt(smooth)}  val ${lastVal ? fmt(lastVal.loss) : '-'}  ${Math.round(rate)} ${unit}/s  ${threadShort}  ETA ${duration(eta)}  clips ${last.clipEvents}`,
        );
        log(`---- sample at step ${trainer.step}:\n${sampleText()}\n----`);
      } else if (tty) {
        process.stdout.write(
          `\r\x1b[Kstep ${trainer.step}  loss ${fmt(last.loss)}  smooth ${fmt(smooth)}  val ${lastVal ? fmt(lastVal.loss) : '-'}  ${Math.round(rate)} ${unit}/s  ${threadShort}  ETA ${duration(eta)}`,
        );
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
  for (const signal of STOP_SIGNALS) process.off(signal, onSignal); // a second signal during the save above is ignored; now it stops us
  const seconds = (performance.now() - t0) / 1000;
  const steps = trainer.step - startStep;
  const final = finalValidation();
  if (final && !Number.isFinite(final.loss)) throw failed(`the held-out loss is ${final.loss} (infinite perplexity)`);
  const rate = (steps * perStep) / Math.max(seconds, 1e-9);
  const summaryLine =
    `${interrupted ? `interrupted (${interrupted}): checkpoint` : 'saved'} ${f.out} at step ${trainer.step}: train loss ${fmt(last.loss)}, ` +
    `${final ? `val loss ${fmt(final.loss)} (perplexity ${fmt(final.perplexity, 2)}, ${fmt(final.bitsPerToken, 3)} bits/${vocab.level === 'char' ? 'char' : 'token'}, ${final.tokens} held-out ${unit}), ` : ''}` +
    `${steps} steps in ${duration(seconds)} (${Math.round(rate)} ${unit}/s on ${threads} thread${threads > 1 ? 's' : ''}, ${fmt((1000 * seconds) / Math.max(steps, 1), 2)} ms/step)`;
  console.log(summaryLine);
  trainer.dispose(); // stops the training workers
  return interrupted ? signalExitCode(interrupted) : 0;
}
