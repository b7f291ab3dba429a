// _neural.mjs — what the train, eval and sample commands share: reading the corpus (a file, or the
// built-in Brown text), the train/validation split, opening a model file with its vocabulary, reading
// a file's header (config and training state), and number formatting.
import { readFileSync } from 'node:fs';
import { UsageError } from './_args.mjs';
import { decodeText, readBytes, readTextFile } from './_text.mjs';

/** The corpus text: --data FILE, or the Brown corpus made by scripts/brown-corpus.mjs. */
export async function readCorpus(path) {
  if (path) return { text: readTextFile(path, '--data'), name: path };
  const brown = await builtInCorpusPath();
  return { text: decodeText(readFileSync(brown), brown), name: 'the Brown corpus (built in)' };
}

/** The built-in Brown text (made once, in a cache, by scripts/brown-corpus.mjs), or a UsageError naming --data. */
export async function builtInCorpusPath() {
  const { brownCorpusPath, BrownCorpusError } = await import('../brown-corpus.mjs');
  try {
    return brownCorpusPath();
  } catch (err) {
    if (!(err instanceof BrownCorpusError)) throw err;
    throw new UsageError(
      `without --data the built-in Brown corpus is used, but ${err.message}: pass --data FILE to use your own text`,
    );
  }
}

/** Split text into [train, validation]: the last `fraction` of the text, cut at a line break when one is near. */
export function splitText(text, fraction) {
  if (fraction <= 0) return [text, ''];
  let cut = Math.floor(text.length * (1 - fraction));
  const newline = text.indexOf('\n', cut);
  if (newline >= 0 && newline - cut < 1000) cut = newline + 1;
  return [text.slice(0, cut), text.slice(cut)];
}

/** The JSON header of a safetensors file (metadata included), or a UsageError saying why not. */
export function readHeader(bytes, path) {
  if (bytes.length < 8) throw new UsageError(`${path} is not a model file (too short)`);
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (n > bytes.length - 8) throw new UsageError(`${path} is truncated or not a model file`);
  try {
    return JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  } catch {
    throw new UsageError(`${path} has a corrupted header (not JSON)`);
  }
}

/** Load a model file: { model, vocab, bytes, header }. The vocabulary comes from the metadata. `flag`
 * names the flag the path came from (--model, --resume) in every message. */
export function openModel(lm, path, flag = '--model') {
  const bytes = readBytes(path, flag);
  let model;
  try {
    model = lm.Model.load(bytes); // the C core's sentence for a bad file
  } catch (err) {
    throw new UsageError(`${flag} ${path}: ${err.message}`);
  }
  const header = readHeader(bytes, path);
  if (!model.metadata.vocab)
    throw new UsageError(`${path} has no vocabulary in its metadata (not saved by lmlab train)`);
  let vocab;
  try {
    vocab = lm.Vocab.fromJSON(JSON.parse(model.metadata.vocab));
  } catch (err) {
    throw new UsageError(`${path}: the metadata field "vocab" is not a vocabulary saved by lmlab (${err.message})`);
  }
  if (vocab.size !== model.config.vocabSize) {
    throw new UsageError(
      `${path}: its vocabulary has ${vocab.size} tokens but the model expects ${model.config.vocabSize}`,
    );
  }
  return { model, vocab, bytes, header };
}

/** A JSON metadata field of a model file, parsed, or a UsageError naming the field. */
export function metadataJSON(path, header, field) {
  const raw = header.__metadata__?.[field];
  if (raw === undefined) return undefined;
  try {
    const value = JSON.parse(raw);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    return value;
  } catch (err) {
    throw new UsageError(`${path}: the metadata field "${field}" is not valid (${err.message})`);
  }
}

/** The text has at least two distinct tokens (a model predicts one of V >= 2), said in the user's terms. */
export function checkVocabularySize(vocab, name) {
  if (vocab.size >= 2) return;
  const what = vocab.level === 'char' ? 'distinct character' : 'word type';
  throw new UsageError(
    `${name} has only ${vocab.size} ${what}: a language model chooses among at least 2, so give it a longer, varied text`,
  );
}

/** Token ids of a prime text: word level drops the closing </s> so generation continues the sentence. */
export function primeIds(vocab, prime) {
  if (!prime) return vocab.level === 'word' ? Int32Array.of(vocab.bos) : new Int32Array(0);
  const ids = vocab.encode(prime);
  return vocab.level === 'word' && ids.length && ids[ids.length - 1] === vocab.eos
    ? ids.subarray(0, ids.length - 1)
    : ids;
}

/** Decode generated ids; word level drops <s> and </s>. */
export function decodeIds(vocab, ids) {
  if (vocab.level !== 'word') return vocab.decode(ids);
  return vocab.decode(Array.from(ids).filter((id) => id !== vocab.bos && id !== vocab.eos));
}

/** ModelConfig from train/compare flags: cell, hidden, embedding, layers, window, gru-variant, seed, the start's knobs. */
export function modelConfig(f, vocabSize) {
  const config = { cell: f.cell, vocabSize, embedding: f.embedding, hidden: f.hidden, layers: f.layers, seed: f.seed };
  if (f.cell === 'window') config.window = f.window ?? 8;
  if (f.cell === 'gru') config.gruVariant = f['gru-variant'] ?? 'torch';
  if (f['init-scale'] !== undefined) config.initScale = f['init-scale'];
  if (f['recurrent-gain'] !== undefined) config.recurrentGain = f['recurrent-gain'];
  if (f['forget-bias'] !== undefined) config.forgetBias = f['forget-bias'];
  return config;
}

/** One line about a model's shape, e.g. "lstm, hidden 128, embedding one-hot, layers 2". */
export function describeModel(model) {
  const c = model.config;
  const extra =
    c.cell === 'window'
      ? `, window ${c.window}`
      : `, layers ${c.layers}${c.cell === 'gru' ? ` (${c.gruVariant} variant)` : ''}`;
  return `${c.cell}, hidden ${c.hidden}, embedding ${c.embedding || 'one-hot'}${extra}`;
}

export const fmt = (x, digits = 4) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));

export function duration(seconds) {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${Math.round(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.round((seconds % 3600) / 60)).padStart(2, '0')}m`;
}
