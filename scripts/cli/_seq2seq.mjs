// _seq2seq.mjs — what the seq2seq commands share: the pairs (a built-in task's train/test split, or a
// user's pairs file with its bad lines reported and a seeded held-out share), opening a seq2seq model
// file, the accuracy-by-length table and the attention matrix as text.
import { readFileSync } from 'node:fs';
import { UsageError } from './_args.mjs';
import {
  TASKS,
  createRandom,
  decodeUtf8,
  describeSkipped,
  parsePairs,
  taskSplit,
} from '../../wasm_glue/seq2seq-data.mjs';

/** "5-25" → [5, 25] (also "7" → [7, 7]). */
export function parseRange(flag, text) {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text ?? '');
  if (!m) throw new UsageError(`--${flag} must be MIN-MAX (e.g. 5-25), got '${text}'`);
  const range = [Number(m[1]), Number(m[2] ?? m[1])];
  if (range[0] < 1 || range[1] < range[0])
    throw new UsageError(`--${flag} must be MIN-MAX with 1 <= MIN <= MAX, got '${text}'`);
  return range;
}

/**
 * A user's pairs file: the pairs, the bad lines reported on stderr (`warn`) with their numbers, and an
 * error when nothing is usable. @returns {{ pairs: { source: string, target: string }[], skipped: string, bad: number }}
 */
export function readPairsFile(path, level, warn) {
  let bytes;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  }
  let text;
  try {
    text = decodeUtf8(bytes, path);
  } catch (err) {
    throw new UsageError(err.message);
  }
  const parsed = parsePairs(text, { level });
  const skipped = describeSkipped(parsed);
  if (!parsed.pairs.length) {
    throw new UsageError(
      `${path} has no usable pairs (one source<TAB>target per line)${skipped ? `: ${skipped}` : ''}`,
    );
  }
  if (skipped) warn(`${path}: ${parsed.pairs.length} pairs read; ${skipped}`);
  return { pairs: parsed.pairs.map(({ source, target }) => ({ source, target })), skipped, bad: parsed.bad.length };
}

/** pairs → [train, held out]: a seeded shuffle, then the last `fraction` (at least one pair when > 0) held out. */
export function holdOut(pairs, fraction, seed) {
  const random = createRandom(seed);
  const order = pairs.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = random.below(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const held = fraction > 0 ? Math.max(1, Math.round(pairs.length * fraction)) : 0;
  if (held >= pairs.length)
    throw new UsageError(`${pairs.length} pairs are too few to hold ${held} out: lower --val-fraction`);
  const shuffled = order.map((i) => pairs[i]);
  return [shuffled.slice(0, pairs.length - held), shuffled.slice(pairs.length - held)];
}

/**
 * The data options of a run: a task's split parameters or a file's path, level and held-out share, as
 * saved in the model's metadata ("data") so eval and --resume see the same held-out pairs.
 */
export function dataOptions(f, saved) {
  if (f.task && f.data) throw new UsageError('give --task or --data, not both');
  const base = saved ?? {};
  if (f.task ?? (!f.data && base.task)) {
    const task = f.task ?? base.task;
    const lengths = f.lengths ? parseRange('lengths', f.lengths) : (base.lengths ?? TASKS[task].lengths);
    const testLengths = f['test-lengths']
      ? parseRange('test-lengths', f['test-lengths'])
      : (base.testLengths ?? lengths);
    if (task === 'dates' && (f.lengths || f['test-lengths']))
      throw new UsageError(
        '--lengths and --test-lengths apply to reverse and sort, not dates (its styles set the length)',
      );
    return {
      task,
      seed: f['data-seed'] ?? base.seed ?? 1,
      train: f['train-pairs'] ?? base.train ?? 20000,
      test: f['test-pairs'] ?? base.test ?? 500,
      lengths: lengths ? [...lengths] : null,
      testLengths: testLengths ? [...testLengths] : null,
    };
  }
  const file = f.data ?? base.file;
  if (!file) throw new UsageError('give --task reverse|sort|dates or --data PAIRS.tsv');
  return {
    file,
    level: f.level ?? base.level ?? 'char',
    valFraction: f['val-fraction'] ?? base.valFraction ?? 0.1,
    seed: f['data-seed'] ?? base.seed ?? 1,
  };
}

/** The pairs of data options: { train, test, name, level }. */
export function loadPairs(options, warn) {
  if (options.task) {
    const split = taskSplit(options.task, {
      seed: options.seed,
      train: options.train,
      test: options.test,
      trainLengths: options.lengths ?? undefined,
      testLengths: options.testLengths ?? undefined,
    });
    const lengths = options.lengths
      ? `, lengths ${options.lengths.join('-')}, test ${options.testLengths.join('-')}`
      : '';
    return { ...split, level: 'char', name: `task ${options.task} (seed ${options.seed}${lengths})` };
  }
  const { pairs } = readPairsFile(options.file, options.level, warn);
  const [train, test] = holdOut(pairs, options.valFraction, options.seed);
  return { train, test, level: options.level, name: options.file };
}

/** Open a seq2seq model file with a sentence for every way it can be wrong. */
export function openSeq2Seq(lm, path) {
  let bytes;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  }
  try {
    return { model: lm.Seq2Seq.load(bytes), bytes };
  } catch (err) {
    throw new UsageError(`${path}: ${err.message}`);
  }
}

/** The accuracy-by-length table, one line per source length. */
export function lengthTable(byLength) {
  const lines = ['  length   pairs   exact   accuracy'];
  for (const g of byLength) {
    lines.push(
      `  ${String(g.length).padStart(6)}  ${String(g.pairs).padStart(6)}  ${String(g.exact).padStart(6)}   ${(100 * g.accuracy).toFixed(1).padStart(6)} %`,
    );
  }
  return lines.join('\n');
}

/** The attention weights α (output steps × source tokens) as a text matrix, columns headed by the source tokens. */
export function attentionText(result) {
  const [rows, cols] = result.alpha.shape;
  const out = result.ids.length
    ? Array.from({ length: rows }, (_, r) => (r < result.tokens.length ? result.tokens[r] : '</s>'))
    : [];
  const shown = (t) => JSON.stringify(t).slice(1, -1); // a tab or space stays visible
  const width = Math.max(5, ...result.sourceTokens.map((t) => shown(t).length));
  const label = Math.max(4, ...out.map((t) => shown(t).length));
  const lines = [`${' '.repeat(label)} ${result.sourceTokens.map((t) => shown(t).padStart(width)).join(' ')}`];
  for (let r = 0; r < rows; r++) {
    const row = Array.from(result.alpha.data.subarray(r * cols, (r + 1) * cols), (a) => a.toFixed(2).padStart(width));
    lines.push(`${shown(out[r]).padEnd(label)} ${row.join(' ')}`);
  }
  return lines.join('\n');
}
