// seq2seq-session.mjs — one sequence-to-sequence run of the page's seq2seq mode, over an lmlab
// instance loaded with { seq2seq: true }: its data (a built-in task's train/test split, or a pairs file
// read with its bad lines named), vocabularies, model and trainer; training for a time budget, the
// held-out loss and exact match, accuracy by source length, and greedy and beam decoding with α.
// No messages and no timers (web/worker/seq2seq-worker.mjs drives it), so node --test runs it as is.
import { createRandom, describeSkipped, parsePairs, taskSplit } from '../../wasm_glue/seq2seq-data.mjs';
import { buildVocabularies } from '../../wasm_glue/seq2seq-vocab.mjs';
import { resolveS2SSettings, S2S_DATA } from '../seq2seq/settings.mjs';

/** @typedef {import('../seq2seq/settings.mjs').S2SSettings} S2SSettings */
/** @typedef {{ source: string, target: string }} Pair */

/** Fewest usable pairs in a pairs file: fewer cannot be split into training and held-out pairs. */
export const MIN_FILE_PAIRS = 10;
/** The held-out share of a pairs file. */
export const FILE_HELD_OUT = 0.1;
/** Longest source typed into the decode box, in tokens (the C core's limit is far above). */
export const MAX_TYPED_TOKENS = 60;
/** Beam width of the decode box. */
export const BEAM = 4;

/**
 * A seeded shuffle's first part for training, the rest held out (at least one pair).
 * @param {Pair[]} pairs @param {number} seed
 */
function holdOut(pairs, seed) {
  const random = createRandom(seed);
  const order = pairs.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = random.below(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const held = Math.max(1, Math.round(pairs.length * FILE_HELD_OUT));
  const shuffled = order.map((i) => ({ source: pairs[i].source, target: pairs[i].target }));
  return { train: shuffled.slice(0, pairs.length - held), test: shuffled.slice(pairs.length - held) };
}

/**
 * The run's pairs: a task's split, or a pairs file's (its bad lines in `skipped`, one sentence).
 * @param {S2SSettings} settings @param {string | null} pairsText
 */
export function s2sData(settings, pairsText) {
  if (settings.task === 'pairs') {
    if (typeof pairsText !== 'string') throw new RangeError('the pairs task needs the text of a pairs file');
    const parsed = parsePairs(pairsText, { level: settings.level });
    const skipped = describeSkipped(parsed);
    if (parsed.pairs.length < MIN_FILE_PAIRS) {
      throw new RangeError(
        `the pairs file has ${parsed.pairs.length} usable pair${parsed.pairs.length === 1 ? '' : 's'} of ${parsed.lines} line${parsed.lines === 1 ? '' : 's'}; ` +
          `it needs at least ${MIN_FILE_PAIRS} (one source<TAB>target per line)${skipped ? `: ${skipped}` : ''}`,
      );
    }
    return {
      ...holdOut(parsed.pairs, settings.seed),
      skipped,
      bad: parsed.bad.slice(0, 20),
      badCount: parsed.bad.length,
    };
  }
  const lengths =
    settings.task === 'dates' ? {} : { trainLengths: settings.lengths, testLengths: settings.testLengths };
  const split = taskSplit(settings.task, {
    seed: settings.seed,
    train: S2S_DATA.trainPairs,
    test: S2S_DATA.testPairs,
    ...lengths,
  });
  return { ...split, skipped: '', bad: [], badCount: 0 };
}

/**
 * One decoded output as the page draws it (α copied out of the instance).
 * @param {import('../../wasm_glue/index').Translation} t
 */
function decoded(t) {
  return {
    output: t.output,
    tokens: t.tokens,
    ended: t.ended,
    logProb: t.logProb,
    sourceTokens: t.sourceTokens,
    unknown: t.unknown,
    alpha: { data: Float32Array.from(t.alpha.data), shape: [...t.alpha.shape] },
  };
}

/**
 * A run: settings (an open object, checked), and for the pairs task the file's text.
 * @param {any} lm an instance loaded with loadLmlab({ seq2seq: true })
 * @param {{ settings: unknown, pairsText?: string | null }} request
 */
export function createS2SSession(lm, { settings: open, pairsText = null }) {
  if (!lm.seq2seq) throw new Error('the seq2seq session needs an instance loaded with loadLmlab({ seq2seq: true })');
  const settings = resolveS2SSettings(open);
  const data = s2sData(settings, pairsText);
  const shared = settings.task === 'reverse' || settings.task === 'sort';
  const { src, tgt } = buildVocabularies(data.train, { level: settings.level, shared });
  const model = lm.Seq2Seq.create({
    srcVocab: src,
    tgtVocab: tgt,
    level: settings.level,
    cell: settings.cell,
    attention: settings.attention,
    hidden: settings.hidden,
    embedding: settings.embedding,
    seed: settings.seed,
  });
  let trainer;
  try {
    trainer = new lm.Seq2SeqTrainer(model, data.train, { batch: settings.batch, lr: settings.lr, seed: settings.seed });
  } catch (err) {
    model.dispose();
    throw err;
  }
  // Held-out pairs scored at each check (always the same ones), and all of them for the by-length chart.
  const val = data.test.slice(0, S2S_DATA.valPairs);
  let stepsPerCall = 1;

  return {
    settings,
    info: {
      trainPairs: data.train.length,
      testPairs: data.test.length,
      valPairs: val.length,
      skipped: data.skipped,
      bad: data.bad,
      badCount: data.badCount,
      params: model.parameterCount,
      srcVocab: src.size,
      tgtVocab: tgt.size,
      examples: data.test.slice(0, 3),
    },
    get step() {
      return trainer.step;
    },

    /**
     * Train for about `ms` milliseconds in calls of a few steps (sized from the last call's speed so
     * one call stays near a tenth of the budget). Returns the steps, their mean loss and pairs.
     * @param {number} ms
     */
    trainFor(ms) {
      const start = performance.now();
      let steps = 0,
        lossSum = 0,
        pairs = 0,
        last = null;
      do {
        const t0 = performance.now();
        const stats = trainer.train(stepsPerCall);
        const took = performance.now() - t0;
        steps += stepsPerCall;
        lossSum += stats.loss * stepsPerCall;
        pairs += stats.pairs;
        last = stats;
        const perStep = took / stepsPerCall;
        stepsPerCall = Math.max(1, Math.min(64, Math.floor(ms / 10 / Math.max(perStep, 0.01))));
      } while (performance.now() - start < ms);
      return { steps, loss: lossSum / steps, pairs, step: trainer.step, epoch: last.epoch, gradNorm: last.gradNorm };
    },

    /** The held-out loss per target token and the exact match of greedy decoding on the check pairs. */
    validate() {
      const { loss } = model.evaluate(val, { batch: 50 });
      const { exactMatch } = model.accuracy(val, { batch: 50 });
      return { step: trainer.step, valLoss: loss, exactMatch };
    },

    /** Exact match by source length over every held-out pair (greedy). */
    byLength() {
      const result = model.accuracy(data.test, { batch: 50 });
      return {
        step: trainer.step,
        exactMatch: result.exactMatch,
        byLength: result.byLength.map(({ length, pairs, exact, accuracy }) => ({ length, pairs, exact, accuracy })),
      };
    },

    /**
     * Greedy and beam outputs for a typed source, each with its α (output steps × source tokens + </s>).
     * @param {unknown} source
     */
    translate(source) {
      if (typeof source !== 'string') throw new TypeError(`the source must be text, got ${typeof source}`);
      const { tokens, unknown } = model.encodeSource(source); // its tokens, then </s>
      if (tokens.length - 1 > MAX_TYPED_TOKENS)
        throw new RangeError(`the source has ${tokens.length - 1} tokens; the box decodes up to ${MAX_TYPED_TOKENS}`);
      return {
        source,
        unknown,
        greedy: decoded(model.translate(source)),
        beam: decoded(model.translate(source, { beam: BEAM })),
        beamWidth: BEAM,
      };
    },

    dispose() {
      trainer.dispose();
      model.dispose();
    },
  };
}
