// compare.mjs — `lmlab compare`: the model ladder measured. Trains the bigram, the fixed-window LM,
// the vanilla RNN, the LSTM and the GRU with sensible defaults on the same text, each for the same
// wall-clock budget (or the same step budget), scores each on the same held-out text, and prints one
// table (parameters, training chars/s, held-out loss, perplexity, bits/char, masked-word top-1 at
// word level), also written as JSON with --json-out.
import { LIMITS } from '../../wasm_glue/constants.mjs';
import { parseFlags, UsageError } from './_args.mjs';
import { checkOutPath, saveAtomic } from './_out-file.mjs';
import { checkVocabularySize, describeModel, fmt, modelConfig, readCorpus, splitText } from './_neural.mjs';
import { programName } from './_program.mjs';

export const summary =
  'train bigram, window, rnn, lstm and gru for the same budget each and print one comparison table';

export const usage = `usage: node scripts/lmlab.mjs compare [flags]

  --data FILE          text (UTF-8); default: the built-in Brown text
  --level char|word    tokens (default char)
  --min-count K        word level: rarer words become <unk> (default 2)
  --minutes M          training budget of each neural model, wall clock (default 1)
  --steps S            a step budget of each instead of minutes (reproducible; for tests)
  --cells LIST         comma-separated subset of bigram,window,rnn,lstm,gru (default all)
  --hidden H           hidden size of every neural model (default 128)
  --embedding E        embedding of the recurrent models (default: char 0 = one-hot, word 64)
  --window W           the window model's context (default: char 8, word 4)
  --optimizer NAME     sgd | adagrad | adam for every neural model (default adagrad)
  --lr X               learning rate (default: adagrad 0.1, adam 0.005, sgd 0.05)
  --batch N            parallel streams (default 32)
  --seq T              truncated-BPTT window (default 25)
  --val-fraction F     held-out share of the text, its end (default 0.1)
  --val-tokens K       held-out tokens scored (default 50000)
  --masked-sentences K word level: sentences for the masked-word top-1 (default 200; 0 = skip)
  --seed S             initialisation and masking seed (default 1)
  --json-out FILE      also write the table as JSON
  --quiet              only the table`;

const ALL = ['bigram', 'window', 'rnn', 'lstm', 'gru'];

const spec = {
  data: { type: 'string' },
  level: { type: 'string', default: 'char', choices: ['char', 'word'] },
  'min-count': { type: 'int', default: 2, min: 1 },
  minutes: { type: 'number', min: 0 },
  steps: { type: 'int', min: 1 },
  cells: { type: 'string', default: ALL.join(',') },
  hidden: { type: 'int', default: 128, min: 1, max: LIMITS.MAX_DIM },
  embedding: { type: 'int', min: 0, max: LIMITS.MAX_DIM },
  window: { type: 'int', min: 1, max: LIMITS.MAX_WINDOW },
  optimizer: { type: 'string', default: 'adagrad', choices: ['sgd', 'adagrad', 'adam'] },
  lr: { type: 'number' },
  batch: { type: 'int', default: 32, min: 1, max: 100000 },
  seq: { type: 'int', default: 25, min: 1, max: 100000 },
  'val-fraction': { type: 'number', default: 0.1, min: 0.001, max: 0.5 },
  'val-tokens': { type: 'int', default: 50000, min: 2 },
  'masked-sentences': { type: 'int', default: 200, min: 0 },
  seed: { type: 'int', default: 1, min: 0, max: 4294967295 },
  'json-out': { type: 'string' },
  quiet: { type: 'bool', default: false },
};

/**
 * The defaults of each rung: one optimizer for every neural model (Adagrad lr 0.1 and element-wise
 * clip 5, min-char-rnn's, unless --optimizer/--lr say otherwise), so the table compares models, not
 * tuning; one-hot input for char-level recurrent models, a trainable embedding at word level and for
 * the window model. The model column is a short label: cell, H, and E (one-hot: oh) or W.
 */
function rungConfig(cell, f, word) {
  return {
    cell,
    hidden: f.hidden,
    embedding: cell === 'window' ? (word ? 64 : 32) : (f.embedding ?? (word ? 64 : 0)),
    layers: 1,
    window: cell === 'window' ? (f.window ?? (word ? 4 : 8)) : undefined,
    seed: f.seed,
  };
}

export async function run(argv) {
  const f = parseFlags(argv, spec);
  if (f.steps !== undefined && f.minutes !== undefined) throw new UsageError('give --steps or --minutes, not both');
  if (f.minutes === 0) throw new UsageError('--minutes must be positive');
  if (f.lr !== undefined && !(f.lr > 0)) throw new UsageError(`--lr must be a positive number, got ${f.lr}`);
  f.lr ??= { adagrad: 0.1, adam: 0.005, sgd: 0.05 }[f.optimizer];
  const cells = f.cells
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  for (const c of cells) if (!ALL.includes(c)) throw new UsageError(`--cells: '${c}' is not one of ${ALL.join(', ')}`);
  if (cells.length === 0) throw new UsageError('--cells names no model');
  const word = f.level === 'word';
  if (f['json-out']) checkOutPath(f['json-out'], { flag: '--json-out', inputs: [['--data', f.data]], kind: 'any' });
  const { loadLmlab } = await import('../../wasm_glue/index.mjs');
  const lm = await loadLmlab();
  const corpus = await readCorpus(f.data);
  const [trainText, valTextAll] = splitText(corpus.text, f['val-fraction']);
  if (!valTextAll) throw new UsageError('the held-out part of the text is empty: use a larger --val-fraction');
  const vocab = lm.Vocab.build(corpus.text, word ? { level: 'word', minCount: f['min-count'] } : { level: 'char' });
  checkVocabularySize(vocab, corpus.name);
  const trainIds = vocab.encode(trainText);
  const valText = heldOutText(vocab, valTextAll, f['val-tokens']);
  const valIds = vocab.encode(valText);
  const sentences =
    word && f['masked-sentences'] > 0 ? vocab.encodeSentences(valText).slice(0, f['masked-sentences']) : [];
  const budget = f.steps !== undefined ? { steps: f.steps } : { minutes: f.minutes ?? 1 };
  const log = f.quiet ? () => {} : (line) => process.stdout.write(`${line}\n`);
  const unit = word ? 'tokens' : 'chars';
  log(
    `data: ${corpus.name}: ${trainIds.length} training ${unit}, ${valIds.length} held out; vocabulary ${vocab.size} (${vocab.level})`,
  );
  log(
    `budget: ${budget.steps !== undefined ? `${budget.steps} steps` : `${budget.minutes} min`} per neural model; ${f.optimizer} lr ${f.lr}, clip 5, batch ${f.batch} x seq ${f.seq}`,
  );

  const rows = [];
  for (const cell of cells) {
    const row =
      cell === 'bigram'
        ? runBigram(lm, vocab, trainText, valText, word, sentences.length ? valText : null, f)
        : runNeural(lm, cell, vocab, trainIds, valIds, valText, sentences, budget, f, word, log);
    rows.push(row);
    log(`${cell}: ${row.description ?? row.model}: held-out loss ${fmt(row.loss)} (${row.seconds.toFixed(1)} s)`);
  }
  const table = formatTable(rows, word);
  console.log(table);
  if (f['json-out']) {
    const out = {
      command: `${programName()} compare ${argv.join(' ')}`,
      data: corpus.name,
      level: vocab.level,
      vocabSize: vocab.size,
      trainTokens: trainIds.length,
      heldOutTokens: valIds.length,
      budget,
      rows,
    };
    saveAtomic(f['json-out'], `${JSON.stringify(out, null, 2)}\n`);
    log(`wrote ${f['json-out']}`);
  }
  vocab.dispose();
  return 0;
}

/**
 * The one held-out text every model is scored on: the first `tokens` characters (char level), or the
 * first whole lines holding about `tokens` tokens (word level, so the bigram sees the same sentences).
 */
function heldOutText(vocab, text, tokens) {
  if (vocab.level === 'char') return Array.from(text).slice(0, tokens).join('');
  const lines = text.split('\n');
  let count = 0;
  let k = 0;
  while (k < lines.length && count < tokens) count += vocab.encode(lines[k++]).length;
  return lines.slice(0, k).join('\n');
}

/** The bigram rung: counts with add-1 smoothing; no training budget (counting takes what it takes). */
function runBigram(lm, vocab, trainText, valText, word, maskedText, f) {
  const t0 = performance.now();
  const model = lm.Bigram.train(vocab, trainText, { k: 1 });
  const seconds = (performance.now() - t0) / 1000;
  const result = model.evaluate(valText);
  const V = vocab.size;
  const row = {
    cell: 'bigram',
    model: 'bigram (add-1)',
    parameters: V * V,
    steps: 0,
    seconds,
    charsPerSecond: null,
    loss: result.loss,
    perplexity: result.perplexity,
    bitsPerToken: result.bitsPerToken,
    heldOutTokens: result.tokens,
    maskedTop1: null,
  };
  if (maskedText) {
    // the bigram scores sentences of the held-out text; limit to the same count as the neural models
    const lines = maskedText
      .split('\n')
      .filter((l) => l.trim())
      .slice(0, f['masked-sentences'])
      .join('\n');
    row.maskedTop1 = model.maskedAccuracy(lines, { seed: f.seed }).top1;
  }
  model.dispose();
  return row;
}

function runNeural(lm, cell, vocab, trainIds, valIds, valText, sentences, budget, f, word, log) {
  const model = lm.Model.create(modelConfig(rungConfig(cell, f, word), vocab.size));
  const trainer = new lm.Trainer(model, trainIds, {
    batch: f.batch,
    seq: f.seq,
    optimizer: f.optimizer,
    lr: f.lr,
    clip: 5,
  });
  const deadline = budget.minutes !== undefined ? performance.now() + budget.minutes * 60000 : Infinity;
  const target = budget.steps ?? Infinity;
  const t0 = performance.now();
  let chunk = 1;
  let last = null;
  while (trainer.step < target && performance.now() < deadline) {
    const c0 = performance.now();
    last = trainer.train(Math.max(1, Math.min(chunk, target - trainer.step)));
    chunk = Math.max(1, Math.min(1000, Math.round((chunk * 100) / Math.max(performance.now() - c0, 1)))); // ~0.1 s a call
  }
  const seconds = (performance.now() - t0) / 1000;
  const result = word
    ? sentenceEvaluate(model, vocab.encodeSentences(valText))
    : model.evaluate(valIds, { batch: Math.max(1, Math.min(16, Math.floor(valIds.length / 101))), seq: 100 });
  const specials = [vocab.bos, vocab.eos, vocab.unk].filter((id) => id >= 0);
  const masked = sentences.length ? model.maskedAccuracy(sentences, { seed: f.seed, exclude: specials }) : null;
  const row = {
    cell,
    model: label(model.config),
    description: describeModel(model),
    parameters: model.parameterCount,
    steps: trainer.step,
    seconds,
    charsPerSecond: (trainer.step * f.batch * f.seq) / seconds,
    trainLoss: last?.loss ?? null,
    loss: result.loss,
    perplexity: result.perplexity,
    bitsPerToken: result.bitsPerToken,
    heldOutTokens: result.tokens,
    maskedTop1: masked ? masked.top1 : null,
  };
  trainer.dispose();
  model.dispose();
  log(`  ${cell}: ${row.steps} steps in ${seconds.toFixed(1)} s`);
  return row;
}

/**
 * Word level, scored as the bigram scores it: every sentence <s> w1 … wn </s> on its own from a zero
 * state, predicting w1 … wn and </s> (not the next <s>, which a stream evaluation would count).
 */
function sentenceEvaluate(model, sentences) {
  let sum = 0;
  let count = 0;
  for (const s of sentences) {
    if (s.length < 2) continue;
    sum -= model.sequenceLogProbs(s, 1, s.length - 1)[0];
    count += s.length - 1;
  }
  const loss = sum / count;
  return { loss, perplexity: Math.exp(loss), bitsPerToken: loss / Math.LN2, tokens: count };
}

/** Short model label for the table, e.g. "lstm H128 oh", "window H128 E32 W8". */
function label(c) {
  if (c.cell === 'window') return `window H${c.hidden} E${c.embedding} W${c.window}`;
  return `${c.cell}${c.layers > 1 ? ` L${c.layers}` : ''} H${c.hidden} ${c.embedding ? `E${c.embedding}` : 'one-hot'}`;
}

/** The table as aligned text (a Markdown table, so it pastes into docs/ladder.md as is). */
export function formatTable(rows, word) {
  const unit = word ? 'token' : 'char';
  const head = ['model', 'parameters', `${unit}s/s`, 'steps', 'held-out loss (nats)', 'perplexity', `bits/${unit}`];
  if (word) head.push('masked top-1');
  const lines = rows.map((r) => {
    const cells = [
      r.model,
      String(r.parameters),
      r.charsPerSecond === null ? '-' : String(Math.round(r.charsPerSecond)),
      String(r.steps),
      fmt(r.loss),
      fmt(r.perplexity, 2),
      fmt(r.bitsPerToken, 3),
    ];
    if (word) cells.push(r.maskedTop1 === null ? '-' : `${(100 * r.maskedTop1).toFixed(1)}%`);
    return cells;
  });
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmtRow = (cells) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [
    fmtRow(head),
    `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...lines.map(fmtRow),
  ].join('\n');
}
